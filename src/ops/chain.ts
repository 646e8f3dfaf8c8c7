/**
 * One term of the chain rule: a local partial times a tangent (forward) or an
 * adjoint (reverse), with exact zeros strong: `chainTerm(0, Infinity) === 0`.
 *
 * A zero factor means "this path carries no dependence", so the product is 0
 * even where the other factor is infinite or NaN (ForwardDiff.jl's NaN-safe
 * mode makes the same choice). Without it, `pow(x, 2)` at x < 0 would get a
 * NaN from the exponent's partial `x^2 ln x` times the exponent's zero
 * tangent, and a `sqrt` at 0 on a branch that does not reach the output would
 * poison every input of a backward pass. Both strategies apply it, so they
 * agree on such points.
 */
export function chainTerm(partial: number, sensitivity: number): number {
  return partial === 0 || sensitivity === 0 ? 0 : partial * sensitivity
}

import type { ScalarFn, UnivariateFn, VectorFn } from '../ops/types.js'

export interface ValueAndGradient {
  /** f(x) */
  readonly value: number
  /** The gradient of f at x: entry i is df/dx_i. */
  readonly gradient: Float64Array
}

export interface JvpResult {
  /** F(x), length m. */
  readonly value: Float64Array
  /** J v, length m: the directional derivative of F at x along v. */
  readonly tangent: Float64Array
}

export interface VjpResult {
  /** F(x), length m. */
  readonly value: Float64Array
  /** u^T J, length n: the gradient of u . F(x). */
  readonly cotangent: Float64Array
}

/**
 * What every strategy offers. The methods are the same in `forward`,
 * `reverse` and `numeric`; what differs is how they work and what they cost.
 */
export interface Strategy {
  readonly name: 'forward' | 'reverse' | 'numeric'
  /** g'(x) for g: R -> R. */
  derivative(g: UnivariateFn, x: number): number
  /** The gradient of f: R^n -> R at x. */
  gradient<const X extends ArrayLike<number>>(f: ScalarFn<X>, x: X): Float64Array
  /** f(x) and its gradient, from the same evaluation where the strategy allows. */
  valueAndGradient<const X extends ArrayLike<number>>(f: ScalarFn<X>, x: X): ValueAndGradient
  /** The m x n Jacobian of F: R^n -> R^m at x, as m rows of length n. */
  jacobian<const X extends ArrayLike<number>>(F: VectorFn<X>, x: X): Float64Array[]
  /** F(x) and J v. */
  jvp<const X extends ArrayLike<number>>(F: VectorFn<X>, x: X, v: ArrayLike<number>): JvpResult
  /** F(x) and u^T J. */
  vjp<const X extends ArrayLike<number>>(F: VectorFn<X>, x: X, u: ArrayLike<number>): VjpResult
}

/** u^T J for a Jacobian given as rows: the cotangent of strategies without a backward pass. */
export function transposeTimes(
  jacobian: readonly Float64Array[],
  u: Float64Array,
  n: number,
): Float64Array {
  const out = new Float64Array(n)
  for (let i = 0; i < jacobian.length; i++) {
    const ui = u[i] as number
    if (ui === 0) continue
    const row = jacobian[i] as Float64Array
    for (let j = 0; j < n; j++) out[j] = (out[j] as number) + ui * (row[j] as number)
  }
  return out
}

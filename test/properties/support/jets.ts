import {
  BINARY_OPS,
  type BinaryName,
  type Operand,
  type Ops,
  UNARY_OPS,
  type UnaryName,
} from '../../../src/index.js'
import { binaryRule, unaryRule } from './domain.js'

/**
 * Truncated Taylor series ("jets"): `c[k]` is the k-th Taylor coefficient of
 * t -> g(x + t v), so `c[3]` is g'''/6 along v. Finite-difference error
 * bounds need third derivatives, which no strategy computes, so the tests
 * compute them here from the op table alone.
 *
 * Because the table's partials are written against any `Ops<S>`, jet ops of
 * degree d are built from jet ops of degree d - 1 (Griewank and Walther,
 * Evaluating Derivatives, 2nd ed., ch. 13): if out = f(a) then
 * out' = f'(a) a', so with p = f'(a) to degree d - 1,
 *   out[k] = (1/k) sum_{i=1..k} i a[i] p[k-i].
 * Degree 0 is plain numbers in a one-element array.
 */
export type Jet = readonly number[]

const built = new Map<number, Ops<Jet>>()

const lift = (a: Operand<Jet>, degree: number): Jet =>
  typeof a === 'number' ? [a, ...new Array<number>(degree).fill(0)] : a

const moves = (a: Jet) => a.some((c, k) => k > 0 && c !== 0)

/**
 * out[k] for k >= 1 from the arguments' coefficients and their partials (zero
 * terms skipped, as chainTerm does); with `absolute`, every term's magnitude.
 */
function integrate(
  out: number[],
  terms: readonly (readonly [Jet, Jet])[],
  absolute: boolean,
): void {
  for (let k = 1; k < out.length; k++) {
    let total = 0
    for (const [a, p] of terms) {
      for (let i = 1; i <= k; i++) {
        const ai = a[i] as number
        const term = i * ai * (p[k - i] as number)
        if (ai !== 0) total += absolute ? Math.abs(term) : term
      }
    }
    out[k] = total / k
  }
}

const absolutes = new Map<number, Ops<Jet>>()

/**
 * Jet ops of `degree`. With `absolute`, coefficient 0 is the value as before
 * and every higher coefficient sums the magnitudes of the terms the Taylor
 * recurrence adds: the same recurrence with absolute values, as `magnitude`
 * does for first derivatives. It bounds the terms a computation of the k-th
 * derivative adds up, and so its rounding error.
 */
export function jetOps(degree: number, absolute = false): Ops<Jet> {
  const cache = absolute ? absolutes : built
  const cached = cache.get(degree)
  if (cached !== undefined) return cached
  const lower = degree > 0 ? jetOps(degree - 1, absolute) : undefined
  const size = (c: number, k: number) => (absolute && k > 0 ? Math.abs(c) : c)
  const ops: Record<string, unknown> = {
    constant: (c: number) => lift(c, degree),
    value: (a: Operand<Jet>) => (typeof a === 'number' ? a : (a[0] as number)),
    sum: (xs: readonly Operand<Jet>[]) =>
      xs
        .map((x) => lift(x, degree))
        .reduce<number[]>(
          (acc, a) => acc.map((c, k) => c + size(a[k] as number, k)),
          new Array<number>(degree + 1).fill(0),
        ),
    dot(xs: readonly Operand<Jet>[], ys: readonly Operand<Jet>[]) {
      const out = new Array<number>(degree + 1).fill(0)
      xs.forEach((x, i) => {
        const a = lift(x, degree)
        const b = lift(ys[i] as Operand<Jet>, degree)
        for (let k = 0; k <= degree; k++) {
          for (let j = 0; j <= k; j++)
            out[k] = (out[k] as number) + size((a[j] as number) * (b[k - j] as number), k)
        }
      })
      return out
    },
  }
  for (const name of UNARY_OPS)
    ops[name] = (a: Operand<Jet>) => unaryJet(name, lift(a, degree), lower, absolute)
  for (const name of BINARY_OPS) {
    ops[name] = (a: Operand<Jet>, b: Operand<Jet>) =>
      binaryJet(name, lift(a, degree), lift(b, degree), lower, absolute)
  }
  cache.set(degree, ops as unknown as Ops<Jet>)
  return ops as unknown as Ops<Jet>
}

function unaryJet(name: UnaryName, a: Jet, lower: Ops<Jet> | undefined, absolute: boolean): Jet {
  const rule = unaryRule(name)
  const out = new Array<number>(a.length).fill(0)
  out[0] = rule.value(a[0] as number)
  if (lower === undefined || !moves(a)) return out
  const below = a.slice(0, -1)
  const p = lift(rule.partial(lower, below, lower[name](below)), below.length - 1)
  integrate(out, [[a, p]], absolute)
  return out
}

function binaryJet(
  name: BinaryName,
  a: Jet,
  b: Jet,
  lower: Ops<Jet> | undefined,
  absolute: boolean,
): Jet {
  const rule = binaryRule(name)
  const out = new Array<number>(a.length).fill(0)
  out[0] = rule.value(a[0] as number, b[0] as number)
  if (lower === undefined) return out
  const [aL, bL] = [a.slice(0, -1), b.slice(0, -1)]
  const outL = lower[name](aL, bL)
  const terms: [Jet, Jet][] = []
  if (moves(a)) terms.push([a, lift(rule.partialA(lower, aL, bL, outL), aL.length - 1)])
  if (moves(b)) terms.push([b, lift(rule.partialB(lower, aL, bL, outL), bL.length - 1)])
  integrate(out, terms, absolute)
  return out
}

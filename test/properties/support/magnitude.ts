import { BINARY_OPS, type Operand, type Ops, plain, UNARY_OPS } from '../../../src/index.js'
import { binaryRule, unaryRule } from './domain.js'
import { type Expr, evaluate } from './expr.js'

const EPS = Number.EPSILON

/**
 * An expression's value with two magnitudes carried along by the chain rule
 * with absolute values:
 * - `size[j]`: the sum over all paths from x_j of |product of partials|. The
 *   derivative is the same sum without the bars, so size / |derivative| is
 *   the condition number of that sum, and rounding errors in computing it
 *   are bounded relative to size, not to the derivative.
 * - `error`: a first-order running bound on the rounding error of the value
 *   itself (Higham, Accuracy and Stability of Numerical Algorithms, 2nd ed.,
 *   section 3.3): each op adds 1 ulp of its result (V8's Math functions are
 *   within 1 ulp, + - * / within half an ulp) to its arguments' errors times
 *   |partial|.
 */
export interface Magnitude {
  readonly value: number
  readonly size: Float64Array
  readonly error: number
}

function magnitudeOps(n: number): Ops<Magnitude> {
  const lift = (a: Operand<Magnitude>): Magnitude =>
    typeof a === 'number' ? { value: a, size: new Float64Array(n), error: 0 } : a
  const node = (value: number, parts: [number, Magnitude][], rounding: number): Magnitude => {
    const size = new Float64Array(n)
    let error = rounding
    for (const [p, a] of parts) {
      const q = Math.abs(p)
      if (q === 0) continue
      for (let j = 0; j < n; j++) size[j] = (size[j] as number) + q * (a.size[j] as number)
      error += q * a.error
    }
    return { value, size, error }
  }
  const ops: Record<string, unknown> = {
    constant: (c: number) => lift(c),
    value: (a: Operand<Magnitude>) => lift(a).value,
    sum(xs: readonly Operand<Magnitude>[]) {
      const terms = xs.map(lift)
      const value = terms.reduce((s, t) => s + t.value, 0)
      const spread = terms.reduce((s, t) => s + Math.abs(t.value), 0)
      return node(
        value,
        terms.map((t) => [1, t]),
        terms.length * EPS * spread,
      )
    },
    dot(xs: readonly Operand<Magnitude>[], ys: readonly Operand<Magnitude>[]) {
      const a = xs.map(lift)
      const b = ys.map(lift)
      let value = 0
      let spread = 0
      const parts: [number, Magnitude][] = []
      a.forEach((ai, i) => {
        const bi = b[i] as Magnitude
        value += ai.value * bi.value
        spread += Math.abs(ai.value * bi.value)
        parts.push([bi.value, ai], [ai.value, bi])
      })
      return node(value, parts, (a.length + 1) * EPS * spread)
    },
  }
  for (const name of UNARY_OPS) {
    const rule = unaryRule(name)
    ops[name] = (x: Operand<Magnitude>) => {
      const a = lift(x)
      const out = rule.value(a.value)
      return node(out, [[rule.partial(plain, a.value, out) as number, a]], EPS * Math.abs(out))
    }
  }
  for (const name of BINARY_OPS) {
    const rule = binaryRule(name)
    ops[name] = (x: Operand<Magnitude>, y: Operand<Magnitude>) => {
      const [a, b] = [lift(x), lift(y)]
      const out = rule.value(a.value, b.value)
      const pa = rule.partialA(plain, a.value, b.value, out) as number
      const pb = rule.partialB(plain, a.value, b.value, out) as number
      return node(
        out,
        [
          [pa, a],
          [pb, b],
        ],
        EPS * Math.abs(out),
      )
    }
  }
  return ops as unknown as Ops<Magnitude>
}

/** The magnitudes of `e` at x, with `inputError[j]` the rounding error already in x_j (default 0). */
export function magnitude(
  e: Expr,
  x: readonly number[],
  inputError?: readonly number[],
): Magnitude {
  const n = x.length
  const inputs = x.map((value, j): Magnitude => {
    const size = new Float64Array(n)
    size[j] = 1
    return { value, size, error: inputError?.[j] ?? 0 }
  })
  const r = evaluate(magnitudeOps(n), e, inputs)
  return typeof r === 'number' ? { value: r, size: new Float64Array(n), error: 0 } : r
}

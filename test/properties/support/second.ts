import { BINARY_OPS, type Operand, type Ops, plain, UNARY_OPS } from '../../../src/index.js'
import { gamma } from './bounds.js'
import { binaryRule, unaryRule } from './domain.js'
import { type Expr, evaluate, roundings } from './expr.js'
import { type Jet, jetOps } from './jets.js'

/*
 * How far two computations of a Hessian may differ when they multiply the
 * same local partials and second partials and add the products in
 * different orders, as forward-over-reverse, reverse-over-forward and
 * forward-over-forward do. The second-order chain rule at an op
 * out = f(a, b), with first partials p and second partials q,
 *   H_out = p_a H_a + p_b H_b + q_aa g_a g_a^T + q_ab g_a g_b^T + q_ba g_b g_a^T + q_bb g_b g_b^T,
 * taken with absolute values everywhere gives `size2`: the sum of the
 * magnitudes of every term any of them adds up, as `magnitude` gives for
 * first derivatives. Each second partial's magnitude is itself the sum of
 * the terms that differentiating the rule's partial adds (a jet with
 * absolute values, `jetOps(1, true)`), since the strategies differentiate
 * the rule's own expression. The second partials come from the jets, not
 * from gradlab's strategies.
 */

interface Size2 {
  readonly value: number
  /** Per input: the first-order chain rule with absolute values. */
  readonly size: Float64Array
  /** Row-major n x n: the second-order chain rule with absolute values. */
  readonly size2: Float64Array
}

const abs1 = jetOps(1, true)
/** |d/dt partial| through the rule's own expression, at a jet moving along t. */
const slope = (p: Operand<Jet>) => (typeof p === 'number' ? 0 : Math.abs(p[1] as number))

function secondSizeOps(n: number): Ops<Size2> {
  const lift = (a: Operand<Size2>): Size2 =>
    typeof a === 'number'
      ? { value: a, size: new Float64Array(n), size2: new Float64Array(n * n) }
      : a
  /** A node from first-order parts [|p|, a] and second-order parts [|q|, a, b]. */
  const node = (
    value: number,
    first: readonly [number, Size2][],
    second: readonly [number, Size2, Size2][],
  ): Size2 => {
    const size = new Float64Array(n)
    const size2 = new Float64Array(n * n)
    for (const [p, a] of first) {
      for (let j = 0; j < n; j++) size[j] = (size[j] as number) + p * (a.size[j] as number)
      for (let jk = 0; jk < n * n; jk++)
        size2[jk] = (size2[jk] as number) + p * (a.size2[jk] as number)
    }
    for (const [q, a, b] of second) {
      if (q === 0) continue
      for (let j = 0; j < n; j++) {
        for (let k = 0; k < n; k++) {
          size2[j * n + k] =
            (size2[j * n + k] as number) + q * (a.size[j] as number) * (b.size[k] as number)
        }
      }
    }
    return { value, size, size2 }
  }
  const ops: Record<string, unknown> = {
    constant: (c: number) => lift(c),
    value: (a: Operand<Size2>) => lift(a).value,
    sum: (xs: readonly Operand<Size2>[]) => {
      const terms = xs.map(lift)
      return node(
        terms.reduce((s, t) => s + t.value, 0),
        terms.map((t) => [1, t]),
        [],
      )
    },
    dot(xs: readonly Operand<Size2>[], ys: readonly Operand<Size2>[]) {
      const a = xs.map(lift)
      const b = ys.map(lift)
      let value = 0
      const first: [number, Size2][] = []
      const second: [number, Size2, Size2][] = []
      a.forEach((ai, i) => {
        const bi = b[i] as Size2
        value += ai.value * bi.value
        first.push([Math.abs(bi.value), ai], [Math.abs(ai.value), bi])
        second.push([1, ai, bi], [1, bi, ai])
      })
      return node(value, first, second)
    },
  }
  for (const name of UNARY_OPS) {
    const rule = unaryRule(name)
    ops[name] = (x: Operand<Size2>) => {
      const a = lift(x)
      const out = rule.value(a.value)
      const p = Math.abs(rule.partial(plain, a.value, out) as number)
      const at: Jet = [a.value, 1]
      const q = slope(rule.partial(abs1, at, abs1[name](at)))
      return node(out, [[p, a]], [[q, a, a]])
    }
  }
  for (const name of BINARY_OPS) {
    const rule = binaryRule(name)
    ops[name] = (x: Operand<Size2>, y: Operand<Size2>) => {
      const [a, b] = [lift(x), lift(y)]
      const out = rule.value(a.value, b.value)
      const pa = Math.abs(rule.partialA(plain, a.value, b.value, out) as number)
      const pb = Math.abs(rule.partialB(plain, a.value, b.value, out) as number)
      /** The slopes of both partials along a (t = 1, 0) or along b (0, 1). */
      const along = (ta: number, tb: number) => {
        const [aj, bj]: [Jet, Jet] = [
          [a.value, ta],
          [b.value, tb],
        ]
        const outJ = abs1[name](aj, bj)
        return [slope(rule.partialA(abs1, aj, bj, outJ)), slope(rule.partialB(abs1, aj, bj, outJ))]
      }
      const [qaa, qba] = along(1, 0) as [number, number]
      const [qab, qbb] = along(0, 1) as [number, number]
      return node(
        out,
        [
          [pa, a],
          [pb, b],
        ],
        [
          [qaa, a, a],
          [qab, a, b],
          [qba, b, a],
          [qbb, b, b],
        ],
      )
    }
  }
  return ops as unknown as Ops<Size2>
}

/** size2 of `e` at x, as rows: the second-order chain rule with absolute values. */
export function secondSize(e: Expr, x: readonly number[]): Float64Array[] {
  const n = x.length
  const inputs = x.map((value, j): Size2 => {
    const size = new Float64Array(n)
    size[j] = 1
    return { value, size, size2: new Float64Array(n * n) }
  })
  const r = evaluate(secondSizeOps(n), e, inputs)
  const size2 = typeof r === 'number' ? new Float64Array(n * n) : r.size2
  return Array.from({ length: n }, (_, j) => size2.slice(j * n, (j + 1) * n))
}

/**
 * The roundings on one term of a second-order chain-rule sum: the two
 * first-order paths it multiplies (each within roundings(e)), the sum that
 * adds it (within roundings(e) as well), and the second partial, which the
 * table's rules compute in at most 16 roundings.
 */
export const secondRoundings = (e: Expr) => 3 * roundings(e) + 16

/** How far two computations of the Hessian of e at x may differ, entry by entry. */
export function hessianTolerance(e: Expr, x: readonly number[]): Float64Array[] {
  const g = gamma(secondRoundings(e))
  return secondSize(e, x).map((row) => row.map((s) => 2 * g * s + 2 ** -1022))
}

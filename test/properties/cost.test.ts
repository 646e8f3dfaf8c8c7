import fc from 'fast-check'
import { describe, expect } from 'vitest'
import {
  countingOps,
  forward,
  numeric,
  type OpCounter,
  type Ops,
  plain,
  reverse,
  type ScalarFn,
  tapeStats,
} from '../../src/index.js'
import { caseArb, type Expr, evaluate, prop, vectorFn } from './support/index.js'

/*
 * Property 8: why reverse mode wins, as counts rather than times. An op
 * counter wraps the ops a function is given and tallies primitive
 * evaluations (1 per unary or binary op, k per sum of k, 2k per dot of k),
 * so costs are exact and do not depend on a noisy clock. For f: R^n -> R
 * with E = the count of one plain evaluation:
 *   forward mode:        n passes of one direction, each an evaluation:
 *                        exactly n E (chunked forward mode, the default,
 *                        makes ceil(n / k) passes, but each op in them then
 *                        updates k tangents: the arithmetic still grows like n);
 *   central differences: f(x) and f(x +- h e_j) for each j:     exactly (2n + 1) E;
 *   reverse mode:        one recorded evaluation (E) and one backward pass of
 *                        one multiply-add per tape edge. An op records at most
 *                        one edge per count it adds (a binary op 2 edges for
 *                        1 count, a dot 2k edges for 2k counts), so edges <= 2E
 *                        and the total is at most 3E, whatever n is.
 */

function counted(f: ScalarFn, counter: OpCounter): ScalarFn {
  return <T>(m: Ops<T>, x: readonly T[]) => f(countingOps(m, counter), x)
}

function costs(f: ScalarFn, x: readonly number[]) {
  const count = (run: (g: ScalarFn) => unknown) => {
    const counter = { ops: 0 }
    run(counted(f, counter))
    return counter.ops
  }
  const once = count((g) => g(plain, x))
  const forwardCost = count((g) => forward.gradient(g, x, { chunkSize: 1 }))
  const numericCost = count((g) => numeric.gradient(g, x))
  const recorded = count((g) => reverse.gradient(g, x))
  return { once, forwardCost, numericCost, recorded, edges: tapeStats().edges }
}

/** sum_i sin(x_i x_{i+1}) + x_n^2: a function whose every input matters, for a fixed n. */
const chain = <T>(m: Ops<T>, x: readonly T[]) =>
  m.add(
    m.sum(x.slice(1).map((xi, i) => m.sin(m.mul(x[i] as T, xi)))),
    m.square(x[x.length - 1] as T),
  )

describe('Why reverse wins', () => {
  prop([caseArb({ inputs: { min: 1, max: 40 } })])(
    'for random f: R^n -> R, forward mode costs exactly n evaluations, central differences 2n + 1, and reverse mode at most 3, whatever n is',
    (c) => {
      const e = c.exprs[0] as Expr
      const f = <T>(m: Ops<T>, x: readonly T[]) => evaluate(m, e, x)
      const { once, forwardCost, numericCost, recorded, edges } = costs(f, c.x)
      expect(forwardCost).toBe(c.n * once)
      expect(numericCost).toBe((2 * c.n + 1) * once)
      expect(recorded).toBe(once)
      expect(edges).toBeLessThanOrEqual(2 * once)
      expect(recorded + edges).toBeLessThanOrEqual(3 * once)
    },
  )

  prop([fc.integer({ min: 2, max: 64 })])(
    'the gap grows with the number of inputs: for sum sin(x_i x_i+1) + x_n^2, forward mode costs n evaluations while reverse mode stays at 3',
    (n) => {
      const x = Array.from({ length: n }, (_, i) => 0.5 + i / n)
      const { once, forwardCost, recorded, edges } = costs(chain, x)
      // One evaluation: n - 1 products, n - 1 sines, a sum of n - 1, a square, an add.
      expect(once).toBe(3 * (n - 1) + 2)
      // Every op here has only variable inputs, so it records one edge per input.
      expect(recorded + edges).toBe(once + 2 * (n - 1) + (n - 1) + (n - 1) + 1 + 2)
      expect(forwardCost / once).toBe(n)
      expect((recorded + edges) / once).toBeLessThanOrEqual(3)
    },
  )

  prop([caseArb(), fc.constantFrom(forward, reverse, numeric)])(
    'counting changes nothing: every strategy returns bit for bit the same gradient through countingOps, constants and branches on values included',
    (c, s) => {
      const e = c.exprs[0] as Expr
      const f = <T>(m: Ops<T>, x: readonly T[]) => {
        const x0 = x[0] as T
        const branch = m.value(x0) > 0 ? x0 : m.neg(x0)
        return m.add(evaluate(m, e, x), m.mul(m.constant(0.5), branch))
      }
      const counter = { ops: 0 }
      expect(s.gradient(counted(f, counter), c.x)).toEqual(s.gradient(f, c.x))
      expect(counter.ops).toBeGreaterThan(0)
    },
  )

  prop([caseArb({ outputs: { min: 1, max: 3 } })])(
    'forward differences cost n + 1 evaluations and central ones 2n + 1; along one direction, 2 and 3',
    (c) => {
      const counter = { ops: 0 }
      const F = <T>(m: Ops<T>, x: readonly T[]) => vectorFn(c.exprs)(countingOps(m, counter), x)
      F(plain, c.x)
      const once = counter.ops
      const cost = (run: () => unknown) => {
        counter.ops = 0
        run()
        return counter.ops
      }
      const g = <T>(m: Ops<T>, t: T) => F(m, [t, ...c.x.slice(1)] as T[])[0] as T
      const v = c.x.map(() => 1)
      expect(cost(() => numeric.jacobian(F, c.x, { scheme: 'forward' }))).toBe((c.n + 1) * once)
      expect(cost(() => numeric.jacobian(F, c.x))).toBe((2 * c.n + 1) * once)
      expect(cost(() => numeric.jvp(F, c.x, v, { scheme: 'forward' }))).toBe(2 * once)
      expect(cost(() => numeric.jvp(F, c.x, v))).toBe(3 * once)
      expect(cost(() => numeric.derivative(g, c.x[0] as number, { scheme: 'forward' }))).toBe(
        2 * once,
      )
      expect(cost(() => numeric.derivative(g, c.x[0] as number))).toBe(2 * once)
    },
  )
})

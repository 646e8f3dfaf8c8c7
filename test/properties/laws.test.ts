import fc from 'fast-check'
import { describe, expect } from 'vitest'
import { forward, numeric, type Ops, reverse, type Strategy } from '../../src/index.js'
import {
  caseArb,
  type Expr,
  evaluate,
  gamma,
  magnitude,
  prop,
  roundings,
  scalarFn,
} from './support/index.js'

/*
 * Property 4: the laws of the derivative, checked on random expressions in
 * both automatic strategies. Each law is applied at the root of a random
 * tree, op(f, g), with f and g its repaired subtrees, so g is away from 0
 * where it divides and f stays inside the outer op's domain.
 *
 * Tolerance: the two sides compute the same chain-rule sum in different
 * groupings, so they differ by at most 2 gamma_{K+8} times its size (the sum
 * of |products|, `magnitude`): K roundings on a path of the whole tree and
 * up to 8 more for the arithmetic of the right-hand side, such as
 * (g f' - f g') / g^2.
 */

const automatic: Strategy[] = [forward, reverse]

function expectLaw(
  e: Expr,
  x: readonly number[],
  lhs: Float64Array,
  rhs: (j: number) => number,
): void {
  const size = magnitude(e, x).size
  const slack = 2 * gamma(roundings(e) + 8)
  lhs.forEach((l, j) => {
    const r = rhs(j)
    expect(Math.abs(l - r), `d/dx${j}: ${l} vs ${r}`).toBeLessThanOrEqual(
      slack * (size[j] as number),
    )
  })
}

const children = (e: Expr): [Expr, Expr] => {
  if (e.kind !== 'binary') throw new Error(`expected a binary root, got ${e.kind}`)
  return [e.left, e.right]
}

const valueAt = (e: Expr, x: readonly number[]) => magnitude(e, x).value
const scalars = fc.integer({ min: -16, max: 16 }).map((k) => k / 4)

describe.each(automatic)('The chain rule', (s) => {
  prop([caseArb({ root: 'add', maxDepth: 4 }), scalars, scalars])(
    `${s.name} mode is linear: the derivative of a f + b g is a f' + b g'`,
    (c, a, b) => {
      const [f, g] = children(c.exprs[0] as Expr)
      const combined: Expr = {
        kind: 'binary',
        op: 'add',
        left: { kind: 'binary', op: 'mul', left: { kind: 'constant', value: a }, right: f },
        right: { kind: 'binary', op: 'mul', left: { kind: 'constant', value: b }, right: g },
      }
      const [df, dg] = [s.gradient(scalarFn(f), c.x), s.gradient(scalarFn(g), c.x)]
      expectLaw(
        combined,
        c.x,
        s.gradient(scalarFn(combined), c.x),
        (j) => a * (df[j] as number) + b * (dg[j] as number),
      )
    },
  )

  prop([caseArb({ root: 'mul', maxDepth: 4 })])(
    `${s.name} mode obeys the product rule: (f g)' = f' g + f g'`,
    (c) => {
      const e = c.exprs[0] as Expr
      const [f, g] = children(e)
      const [df, dg] = [s.gradient(scalarFn(f), c.x), s.gradient(scalarFn(g), c.x)]
      const [fv, gv] = [valueAt(f, c.x), valueAt(g, c.x)]
      expectLaw(
        e,
        c.x,
        s.gradient(scalarFn(e), c.x),
        (j) => (df[j] as number) * gv + fv * (dg[j] as number),
      )
    },
  )

  prop([caseArb({ root: 'div', maxDepth: 4 })])(
    `${s.name} mode obeys the quotient rule: (f / g)' = (f' g - f g') / g^2`,
    (c) => {
      const e = c.exprs[0] as Expr
      const [f, g] = children(e)
      const [df, dg] = [s.gradient(scalarFn(f), c.x), s.gradient(scalarFn(g), c.x)]
      const [fv, gv] = [valueAt(f, c.x), valueAt(g, c.x)]
      expectLaw(
        e,
        c.x,
        s.gradient(scalarFn(e), c.x),
        (j) => ((df[j] as number) * gv - fv * (dg[j] as number)) / (gv * gv),
      )
    },
  )

  prop([
    caseArb({ root: 'sin', maxDepth: 4 }),
    fc.constantFrom('exp', 'tanh', 'atan', 'sigmoid', 'square', 'cos' as const),
  ])(
    `${s.name} mode obeys the chain rule through composition: (h o f)' = h'(f) f', with h' from a separate derivative`,
    (c, outer) => {
      const f = (c.exprs[0] as Expr & { kind: 'unary' }).arg
      const composed: Expr = { kind: 'unary', op: outer, arg: f }
      const inner = s.gradient(scalarFn(f), c.x)
      const slope = s.derivative((m, t) => m[outer](t), valueAt(f, c.x))
      expectLaw(
        composed,
        c.x,
        s.gradient(scalarFn(composed), c.x),
        (j) => slope * (inner[j] as number),
      )
    },
  )
})

describe('The chain rule', () => {
  prop([caseArb()])(
    'the derivative of a constant is exactly zero in every strategy: a function that ignores x, whatever it computes',
    (c) => {
      const e = c.exprs[0] as Expr
      const ignoresX = <T>(m: Ops<T>) =>
        evaluate(
          m,
          e,
          c.x.map((v) => m.constant(v)),
        )
      for (const s of [forward, reverse, numeric]) {
        expect(Array.from(s.gradient(ignoresX, c.x))).toEqual(c.x.map(() => 0))
      }
    },
  )

  prop([caseArb()])(
    'automatic strategies give exactly zero for inputs frozen with m.constant(m.value(x)), which carry no dependence',
    (c) => {
      // Finite differences cannot tell: the value of a perturbed input already moved.
      const e = c.exprs[0] as Expr
      const frozen = <T>(m: Ops<T>, x: readonly T[]) =>
        evaluate(
          m,
          e,
          x.map((xi) => m.constant(m.value(xi))),
        )
      for (const s of automatic) {
        expect(Array.from(s.gradient(frozen, c.x))).toEqual(c.x.map(() => 0))
      }
    },
  )
})

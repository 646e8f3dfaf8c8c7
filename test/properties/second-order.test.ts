import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  forward,
  numeric,
  type Operand,
  type Ops,
  reverse,
  type Strategy,
} from '../../src/index.js'
import { evaluate } from './support/expr.js'
import {
  type Case,
  caseArb,
  type Expr,
  gamma,
  printCase,
  prop,
  roundings,
  scalarFn,
  scaledRuns,
} from './support/index.js'
import { jetOps } from './support/jets.js'
import { hessianTolerance, secondRoundings, secondSize } from './support/second.js'
import { secondDifferenceBound } from './support/second-differences.js'

/*
 * Second derivatives come from nesting one derivative inside another:
 * `forward.within(m)` and `reverse.within(m)` differentiate with values of
 * the enclosing derivative's ops m, so the enclosing derivative
 * differentiates the inner one. Forward over reverse, reverse over forward,
 * forward over forward and reverse over reverse multiply the same first and
 * second partials and add them in different orders, so their Hessians must
 * agree to rounding: a few ulps times the second-order chain rule taken with
 * absolute values (`hessianTolerance`). Taylor jets, built from the op table
 * alone (support/jets.ts), are the independent check.
 */

type Hessian = (e: Expr, x: readonly number[]) => Float64Array[]

/** The four exact nestings: outer strategy's Jacobian of the inner strategy's gradient. */
const NESTINGS: readonly (readonly [string, Hessian])[] = [
  ['forward over reverse (reverse.hessian)', (e, x) => reverse.hessian(scalarFn(e), x)],
  ['forward over forward (forward.hessian)', (e, x) => forward.hessian(scalarFn(e), x)],
  ['reverse over forward', (e, x) => nested(reverse, forward, e, x)],
  ['reverse over reverse', (e, x) => nested(reverse, reverse, e, x)],
]

function nested(outer: Strategy, inner: Strategy, e: Expr, x: readonly number[]): Float64Array[] {
  const f = scalarFn(e)
  return outer.jacobian((m, point) => inner.within(m).gradient(f, point), x)
}

const smooth = (options = {}) => caseArb({ inputs: { min: 1, max: 3 }, maxDepth: 4, ...options })

const STRATEGIES: readonly Strategy[] = [forward, reverse, numeric]
const PAIRS = STRATEGIES.flatMap((outer) =>
  STRATEGIES.map((inner) => [outer.name, inner.name, outer, inner] as const),
)
/**
 * The exact pairs must give the answer exactly on these small cases. With
 * finite differences on one side, central differences' error, about
 * eps^(2/3) ~ 4e-11 relative, scaled by the cases' derivatives (up to 12):
 * 1e-8. Differences of differences divide the inner quotient's rounding
 * noise by the outer step, eps^(2/3) / eps^(1/3) = eps^(1/3) ~ 6e-6: 1e-5.
 */
const tolerance = (outer: Strategy, inner: Strategy) =>
  outer.name === 'numeric' && inner.name === 'numeric'
    ? 1e-5
    : outer.name === 'numeric' || inner.name === 'numeric'
      ? 1e-8
      : 0

function expectClose(actual: number, expected: number, relative: number): void {
  if (relative === 0) expect(actual).toBe(expected)
  else
    expect(Math.abs(actual - expected)).toBeLessThanOrEqual(
      relative * Math.max(1, Math.abs(expected)),
    )
}

function expectWithin(
  actual: readonly Float64Array[],
  expected: readonly Float64Array[],
  tolerance: readonly Float64Array[],
  what: string,
): void {
  for (const [j, row] of expected.entries()) {
    for (const [k, h] of row.entries()) {
      const a = actual[j]?.[k] as number
      expect(Math.abs(a - h), `${what} (${j}, ${k}): ${a} against ${h}`).toBeLessThanOrEqual(
        tolerance[j]?.[k] as number,
      )
    }
  }
}

describe('Second derivatives and nesting', () => {
  prop([smooth()])(
    "numeric.hessian (second differences) agrees with reverse mode's Hessian within the truncation plus rounding error the theory of second differences predicts",
    (c: Case) => {
      const e = c.exprs[0] as Expr
      const differences = numeric.hessian(scalarFn(e), c.x)
      const exact = reverse.hessian(scalarFn(e), c.x)
      const own = hessianTolerance(e, c.x)
      const predicted = secondDifferenceBound(e, c.x)
      for (const [i, row] of exact.entries()) {
        for (const [j, hij] of row.entries()) {
          const a = differences[i]?.[j] as number
          // The last division's rounding, and reverse mode's own.
          const bound =
            (predicted[i]?.[j] as number) +
            4 * Number.EPSILON * Math.abs(a) +
            (own[i]?.[j] as number)
          expect(
            Math.abs(a - hij),
            `(${i}, ${j}): second differences ${a}, reverse ${hij}, ${printCase(c)}`,
          ).toBeLessThanOrEqual(bound)
        }
      }
    },
  )

  prop([smooth()], { numRuns: scaledRuns(0.5) })(
    'forward over reverse, forward over forward, reverse over forward and reverse over reverse give the same Hessian, to a few ulps times the second-order condition',
    (c: Case) => {
      const e = c.exprs[0] as Expr
      const tolerance = hessianTolerance(e, c.x)
      const [[, first], ...others] = NESTINGS as [[string, Hessian], ...[string, Hessian][]]
      const reference = first(e, c.x)
      for (const [name, hessian] of others) {
        expectWithin(hessian(e, c.x), reference, tolerance, `${name}, ${printCase(c)}`)
      }
    },
  )

  prop([smooth()], { numRuns: scaledRuns(0.5) })(
    'a Hessian is symmetric to the same rounding: d/dx_k of df/dx_j and d/dx_j of df/dx_k add the same terms in other orders',
    (c: Case) => {
      const e = c.exprs[0] as Expr
      const h = reverse.hessian(scalarFn(e), c.x)
      const transposed = h.map((_, j) => Float64Array.from(h, (row) => row[j] as number))
      expectWithin(transposed, h, hessianTolerance(e, c.x), `symmetry, ${printCase(c)}`)
    },
  )

  prop(
    [
      smooth(),
      fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: 3, maxLength: 3 }),
    ],
    {
      numRuns: scaledRuns(0.5),
    },
  )(
    'hvp(f, x, v) is H v without forming H: one forward-over-reverse pass, equal to the product with the Hessian to rounding',
    (c: Case, direction: number[]) => {
      const e = c.exprs[0] as Expr
      const v = c.x.map((_, j) => direction[j] as number)
      const hv = reverse.hvp(scalarFn(e), c.x, v)
      const h = reverse.hessian(scalarFn(e), c.x)
      const size = secondSize(e, c.x)
      const g = gamma(secondRoundings(e) + c.x.length)
      for (const [j, row] of h.entries()) {
        const product = row.reduce((t, hjk, k) => t + hjk * (v[k] as number), 0)
        const bound = (size[j] as Float64Array).reduce(
          (t, s, k) => t + s * Math.abs(v[k] as number),
          0,
        )
        expect(Math.abs((hv[j] as number) - product), printCase(c)).toBeLessThanOrEqual(
          2 * g * bound + 2 ** -1022,
        )
      }
    },
  )

  prop(
    [
      smooth(),
      fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: 3, maxLength: 3 }),
    ],
    {
      numRuns: scaledRuns(0.5),
    },
  )(
    "w^T H w is twice the second Taylor coefficient of t -> f(x + t w), which jets compute from the table's rules alone",
    (c: Case, direction: number[]) => {
      const e = c.exprs[0] as Expr
      const w = c.x.map((_, j) => direction[j] as number)
      const along = (ops: Ops<readonly number[]>) => {
        const r = evaluate(
          ops,
          e,
          c.x.map((xj, j) => [xj, w[j] as number, 0]),
        )
        return typeof r === 'number' ? 0 : (r[2] as number)
      }
      const c2 = along(jetOps(2))
      const c2size = along(jetOps(2, true))
      const h = reverse.hessian(scalarFn(e), c.x)
      const size = secondSize(e, c.x)
      let whw = 0
      let bound = 0
      for (const [j, row] of h.entries()) {
        for (const [k, hjk] of row.entries()) {
          whw += (w[j] as number) * hjk * (w[k] as number)
          bound += Math.abs(w[j] as number) * (size[j]?.[k] as number) * Math.abs(w[k] as number)
        }
      }
      const g = gamma(secondRoundings(e) + 2 * c.x.length)
      expect(Math.abs(whw - 2 * c2), printCase(c)).toBeLessThanOrEqual(
        2 * g * (bound + 2 * c2size) + 2 ** -1022,
      )
    },
  )

  prop([caseArb({ inputs: { min: 1, max: 1 }, maxDepth: 3 })], { numRuns: scaledRuns(0.3) })(
    'forward mode nested k deep gives the k-th derivative, k! times the k-th Taylor coefficient, to k = 4',
    (c: Case) => {
      const e = c.exprs[0] as Expr
      const g = (<T>(m: Ops<T>, x: T) => evaluate(m, e, [x])) as <T>(m: Ops<T>, x: T) => Operand<T>
      const nth = (k: number): (<T>(m: Ops<T>, x: T) => Operand<T>) =>
        k === 0 ? g : (m, x) => forward.within(m).derivative((mi, y) => nth(k - 1)(mi, y), x)
      const coefficients = (absolute: boolean) => {
        const r = evaluate(jetOps(4, absolute), e, [[c.x[0] as number, 1, 0, 0, 0]])
        return typeof r === 'number' ? [r, 0, 0, 0, 0] : r
      }
      const [jet, size] = [coefficients(false), coefficients(true)]
      let factorial = 1
      for (let k = 1; k <= 4; k++) {
        factorial *= k
        const derivative = forward.derivative(nth(k - 1), c.x[0] as number)
        const tolerance =
          2 * gamma((k + 1) * roundings(e) + 16 * k) * factorial * (size[k] as number)
        expect(
          Math.abs(derivative - factorial * (jet[k] as number)),
          `k = ${k}, ${printCase(c)}`,
        ).toBeLessThanOrEqual(tolerance + 2 ** -1022)
      }
    },
  )

  prop([caseArb({ inputs: { min: 2, max: 2 }, maxDepth: 4 })], { numRuns: scaledRuns(0.5) })(
    'every exact pair of strategies, one inside the other, gives the mixed partial d/dx [d/dy f(x, y)] of random expressions, to the Hessian tolerance',
    (c: Case) => {
      const e = c.exprs[0] as Expr
      const [x0, y0] = c.x as [number, number]
      const expected = reverse.hessian(scalarFn(e), c.x)[0]?.[1] as number
      const bound = hessianTolerance(e, c.x)[0]?.[1] as number
      for (const outer of [forward, reverse]) {
        for (const inner of [forward, reverse]) {
          const mixed = outer.derivative(
            (m, x) =>
              inner
                .within(m)
                .derivative((mi, y) => evaluate(mi as Ops<unknown>, e, [x, y]) as typeof y, y0),
            x0,
          )
          expect(
            Math.abs(mixed - expected),
            `${outer.name} over ${inner.name}, ${printCase(c)}`,
          ).toBeLessThanOrEqual(bound)
        }
      }
    },
  )

  describe.each(PAIRS)('%s.derivative around %s.within(m)', (_o, _i, outer, inner) => {
    const name = `${outer.name} over ${inner.name}`
    const tol = tolerance(outer, inner)

    it(`${name}: d/dx [x * d/dy (x + y) at y = 1] at x = 1 is 1, not 2 (perturbation confusion)`, () => {
      // d/dy (x + y) = 1 for every x, so the outer function is x * 1.
      const d = outer.derivative(
        (m, x) =>
          m.mul(
            x,
            inner.within(m).derivative((mi, y) => mi.add(x, y), 1),
          ),
        1,
      )
      expectClose(d, 1, tol)
    })

    it(`${name}: d/dx [x * d/dy (x y) at y = 3] at x = 5 is 10, whichever argument comes first`, () => {
      // d/dy (x y) = x, so the outer function is x^2, whose derivative at 5 is 10.
      for (const body of [
        <U, S>(mi: Ops<U, S>, x: S, y: U) => mi.mul(x, y),
        <U, S>(mi: Ops<U, S>, x: S, y: U) => mi.mul(y, x),
      ]) {
        const d = outer.derivative(
          (m, x) =>
            m.mul(
              x,
              inner.within(m).derivative((mi, y) => body(mi, x, y), 3),
            ),
          5,
        )
        expectClose(d, 10, tol)
      }
    })

    it(`${name}: the second derivative of x^3 at 2 is 12`, () => {
      const d = outer.derivative(
        (m, x) => inner.within(m).derivative((mi, y) => mi.mul(y, mi.square(y)), x),
        2,
      )
      expectClose(d, 12, tol)
    })

    it(`${name}: the Jacobian in q of the Lagrangian's gradient in q-dot is zero (ForwardDiff.jl issue 238)`, () => {
      // L(q, qd) = 1/2 qd . qd - 9.8 q_2; dL/dqd = qd does not depend on q.
      const lagrangian = <U, S>(mi: Ops<U, S>, q: readonly (U | S)[], qd: readonly U[]) =>
        mi.sub(mi.mul(0.5, mi.dot(qd, qd)), mi.mul(9.8, q[1] as U))
      const rows = outer.jacobian(
        (m, q) => inner.within(m).gradient((mi, qd) => lagrangian(mi, q, qd), [3, 4]),
        [1, 2],
      )
      for (const row of rows) for (const entry of row) expectClose(entry, 0, tol)
    })
  })
})

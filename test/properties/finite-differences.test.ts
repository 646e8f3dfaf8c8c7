import fc from 'fast-check'
import { describe, expect } from 'vitest'
import { numeric, type Ops, reverse, type Scheme } from '../../src/index.js'
import {
  type Case,
  caseArb,
  centralDifferenceBound,
  centralStep,
  chainRuleTolerance,
  type Expr,
  evaluate,
  forwardDifferenceBound,
  forwardStep,
  prop,
  scalarFn,
  vectorFn,
} from './support/index.js'

/*
 * Property 2. Central differences are approximations; reverse mode is exact
 * up to rounding. Their gap must stay inside what the theory of central
 * differences predicts for this function at this point: truncation
 * h^2 |f'''| / 6 (with f''' from Taylor coefficients computed from the op
 * table) plus rounding E / h (E a running bound on the error of one value of
 * f), plus reverse mode's own rounding. See `centralDifferenceBound`. The
 * bound is computed per coordinate at the step `numeric` uses,
 * h = eps^(1/3) max(1, |x_j|).
 */

function expectWithinCentralBound(c: Case): void {
  const e = c.exprs[0] as Expr
  const f = scalarFn(e)
  const differences = numeric.gradient(f, c.x)
  const exact = reverse.gradient(f, c.x)
  const ownRounding = chainRuleTolerance(e, c.x)
  exact.forEach((d, j) => {
    const unit = c.x.map((_, i) => (i === j ? 1 : 0))
    const bound =
      centralDifferenceBound(e, c.x, unit, centralStep(c.x[j] as number), false) +
      (ownRounding[j] as number)
    const gap = Math.abs((differences[j] as number) - d)
    expect(gap, `d/dx${j}: central ${differences[j]}, reverse ${d}`).toBeLessThanOrEqual(bound)
  })
}

describe('Finite differences', () => {
  prop([caseArb()])(
    'central differences agree with reverse mode within the truncation plus rounding error their theory predicts',
    expectWithinCentralBound,
  )

  prop([caseArb()])(
    "forward differences, numeric's scheme 'forward', agree with reverse within their first-order bound h |f''| / 2 plus rounding",
    (c) => {
      const e = c.exprs[0] as Expr
      const f = scalarFn(e)
      const differences = numeric.gradient(f, c.x, { scheme: 'forward' })
      const exact = reverse.gradient(f, c.x)
      const own = chainRuleTolerance(e, c.x)
      exact.forEach((d, j) => {
        const unit = c.x.map((_, i) => (i === j ? 1 : 0))
        const bound = forwardDifferenceBound(e, c.x, unit, forwardStep(c.x[j] as number), false)
        expect(Math.abs((differences[j] as number) - d)).toBeLessThanOrEqual(
          bound + (own[j] as number),
        )
      })
    },
  )

  prop([caseArb(), fc.integer({ min: 3, max: 6 })])(
    'a fixed step h = 10^-k gives central differences whose error still stays inside the h^2 plus rounding prediction',
    (c, k) => {
      const e = c.exprs[0] as Expr
      const f = scalarFn(e)
      const step = 10 ** -k
      // An absolute step means something only far above the spacing of doubles at x
      // (below it, x + h rounds back to x and the quotient is 0 / 0).
      fc.pre(c.x.every((xj) => Math.abs(xj) * Number.EPSILON * 1e4 < step))
      const differences = numeric.gradient(f, c.x, { step })
      const exact = reverse.gradient(f, c.x)
      const own = chainRuleTolerance(e, c.x)
      exact.forEach((d, j) => {
        const unit = c.x.map((_, i) => (i === j ? 1 : 0))
        const bound = centralDifferenceBound(e, c.x, unit, step, false)
        expect(Math.abs((differences[j] as number) - d)).toBeLessThanOrEqual(
          bound + (own[j] as number),
        )
      })
    },
  )

  prop([caseArb({ inputs: { min: 1, max: 1 } }), fc.constantFrom<Scheme>('central', 'forward')])(
    'numeric.derivative of a function of one number is the one-input gradient, in either scheme',
    (c, scheme) => {
      const e = c.exprs[0] as Expr
      const g = <T>(m: Ops<T>, t: T) => evaluate(m, e, [t])
      const x0 = c.x[0] as number
      expect(numeric.derivative(g, x0, { scheme })).toBe(
        numeric.gradient(scalarFn(e), [x0], { scheme })[0],
      )
    },
  )

  prop([caseArb({ outputs: { min: 1, max: 3 } }), fc.integer({ min: 0, max: 1000 })])(
    "numeric.jvp along a random direction, in scheme 'forward', agrees with reverse's J v within the forward-difference bound",
    (c, seed) => {
      const v = c.x.map((_, j) => Math.sin(seed + 7 * j) + 0.1)
      const F = vectorFn(c.exprs)
      const approximate = numeric.jvp(F, c.x, v, { scheme: 'forward' }).tangent
      const exact = reverse.jvp(F, c.x, v).tangent
      const vmax = Math.max(...v.map(Math.abs))
      const h = forwardStep(Math.max(...c.x.map(Math.abs))) / vmax
      c.exprs.forEach((e, i) => {
        const own = chainRuleTolerance(e, c.x).reduce(
          (s, t, j) => s + t * Math.abs(v[j] as number),
          0,
        )
        const bound = forwardDifferenceBound(e, c.x, v, h, true) + own
        expect(Math.abs((approximate[i] as number) - (exact[i] as number))).toBeLessThanOrEqual(
          bound,
        )
      })
    },
  )

  prop([caseArb({ outputs: { min: 1, max: 3 } }), fc.integer({ min: -20, max: 20 })])(
    'numeric.jvp along a direction of any size, v scaled by 2^k, agrees with J v within the central bound for the step it takes',
    (c, k) => {
      const v = c.x.map((_, j) => 2 ** k * (1 - j / 3))
      const F = vectorFn(c.exprs)
      const approximate = numeric.jvp(F, c.x, v).tangent
      const exact = reverse.jvp(F, c.x, v).tangent
      // numeric.jvp moves the largest coordinate of v by the usual step: h = step / max |v|.
      const h = centralStep(Math.max(...c.x.map(Math.abs))) / Math.max(...v.map(Math.abs))
      c.exprs.forEach((e, i) => {
        const own = chainRuleTolerance(e, c.x).reduce(
          (s, t, j) => s + t * Math.abs(v[j] as number),
          0,
        )
        const bound = centralDifferenceBound(e, c.x, v, h, true) + own
        expect(Math.abs((approximate[i] as number) - (exact[i] as number))).toBeLessThanOrEqual(
          bound,
        )
      })
    },
  )
})

import { describe, expect } from 'vitest'
import { numeric, reverse } from '../../src/index.js'
import {
  type Case,
  caseArb,
  centralDifferenceBound,
  centralStep,
  chainRuleTolerance,
  type Expr,
  prop,
  scalarFn,
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
})

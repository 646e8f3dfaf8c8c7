import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { BINARY_OPS, forward, reverse, UNARY_OPS } from '../../src/index.js'
import {
  type Case,
  caseArb,
  chainRuleTolerance,
  type Expr,
  prop,
  scalarFn,
  scaledRuns,
} from './support/index.js'

/*
 * Property 1. Forward mode pushes tangents from the inputs to the output;
 * reverse mode pulls adjoints from the output to the inputs. Both multiply the
 * same local partials (read from the table at the same values, so equal bit
 * for bit) and add the products over all paths; only the order of the
 * additions and the grouping of the products differ. So they must agree to
 * rounding error: 2 gamma_K times the sum of |products| (see
 * `chainRuleTolerance`), which is a few ulps times the condition number of the
 * sum, and nothing more.
 */

function expectSameGradient(c: Case): void {
  const e = c.exprs[0] as Expr
  const f = scalarFn(e)
  const tangents = forward.valueAndGradient(f, c.x)
  const adjoints = reverse.valueAndGradient(f, c.x)
  expect(adjoints.value).toBe(tangents.value)
  const tolerance = chainRuleTolerance(e, c.x)
  tangents.gradient.forEach((t, j) => {
    const a = adjoints.gradient[j] as number
    expect(Math.abs(a - t), `d/dx${j}: forward ${t}, reverse ${a}`).toBeLessThanOrEqual(
      tolerance[j] as number,
    )
  })
}

describe('Reverse mode', () => {
  prop([caseArb()])(
    'reverse adjoints equal forward tangents for every random expression, to a few ulps times the condition of the chain-rule sum',
    expectSameGradient,
  )

  prop([caseArb({ inputs: { min: 8, max: 24 }, maxDepth: 7 })], { numRuns: scaledRuns(0.3) })(
    'reverse adjoints equal forward tangents for deeper expressions of many inputs',
    expectSameGradient,
  )

  // Random trees reach every op with high probability; these make sure of it,
  // one op at the root each, so that no rule goes unchecked by chance.
  test.each([...UNARY_OPS, ...BINARY_OPS])(
    'reverse adjoints equal forward tangents when %s is applied to random expressions',
    (op) => {
      fc.assert(fc.property(caseArb({ root: op, maxDepth: 3 }), expectSameGradient), {
        numRuns: scaledRuns(0.2),
      })
    },
  )
})

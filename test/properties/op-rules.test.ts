import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { BINARY_OPS, UNARY_OPS } from '../../src/index.js'
import { binarySmoothNear, unarySmoothNear } from './support/domain.js'
import { binaryPartials, binaryRule, unaryPartial, unaryRule } from './support/index.js'
import { RIDDERS_ROUNDING_GAIN, ridders } from './support/ridders.js'

/*
 * Property 3, the rule check, op by op: each local partial in the table
 * matches a high-accuracy derivative of the op's own value rule, computed by
 * Ridders' extrapolation from values alone. Points are drawn from three
 * scales and kept where the op is smooth on [a - h, a + h] (the table's
 * smoothAt on that neighbourhood), with h = 1e-2 max(1, |a|).
 *
 * Tolerance: Ridders' own error estimate, doubled, plus the rounding floor
 * it can miss when its differences happen to agree: each difference
 * quotient at the smallest step h / 1.4^9 carries (eps max|f| + eps |a f'| +
 * 2^-1074) / step (the values of f near a, the rounding of a + step, and the
 * smallest ulp there is), and the tableau amplifies it by at most
 * RIDDERS_ROUNDING_GAIN (~176); plus 4 ulps of the partial itself. A wrong
 * rule is off by O(1) relative, many orders of magnitude above this.
 */

const EPS = Number.EPSILON
const coordinate = fc.oneof(
  fc.double({ min: -1, max: 1, noNaN: true }),
  fc.double({ min: -8, max: 8, noNaN: true }),
  fc.double({ min: -64, max: 64, noNaN: true }),
)
const stepAt = (a: number) => 1e-2 * Math.max(1, Math.abs(a))

function expectPartial(table: number, f: (t: number) => number, at: number): void {
  const h = stepAt(at)
  const oracle = ridders(f, at, h)
  const fmax = Math.max(Math.abs(f(at - h)), Math.abs(f(at)), Math.abs(f(at + h)))
  const floor = (EPS * (fmax + Math.abs(at * table)) + Number.MIN_VALUE) / h
  const tolerance = 2 * oracle.error + RIDDERS_ROUNDING_GAIN * floor + 4 * EPS * Math.abs(table)
  expect(
    Math.abs(table - oracle.derivative),
    `table ${table}, Ridders ${oracle.derivative} ± ${oracle.error}`,
  ).toBeLessThanOrEqual(tolerance)
}

describe('The chain rule', () => {
  test.each(UNARY_OPS.map((op) => [op, unaryRule(op).math] as const))(
    '%s: the table rule "%s" matches an extrapolated difference of its value at random points of its domain',
    (op) => {
      const rule = unaryRule(op)
      fc.assert(
        fc.property(
          coordinate.filter((a) => unarySmoothNear(op, a, stepAt(a))),
          (a) => expectPartial(unaryPartial(op, a), rule.value, a),
        ),
      )
    },
  )

  test.each(BINARY_OPS.map((op) => [op, binaryRule(op).math] as const))(
    '%s: the table rules "%s" match extrapolated differences of its value along each argument',
    (op) => {
      const rule = binaryRule(op)
      fc.assert(
        fc.property(
          fc
            .tuple(coordinate, coordinate)
            .filter(([a, b]) => binarySmoothNear(op, a, b, stepAt(a), stepAt(b))),
          ([a, b]) => {
            const [pa, pb] = binaryPartials(op, a, b)
            expectPartial(pa, (t) => rule.value(t, b), a)
            expectPartial(pb, (t) => rule.value(a, t), b)
          },
        ),
      )
    },
  )
})

import { describe, expect, test } from 'vitest'
import { BINARY_OPS, type BinaryName, UNARY_OPS, type UnaryName } from '../../src/index.js'
import { binaryPoints, unaryPoints } from './support/grid.js'
import { binaryWorst, unaryWorst, type Worst } from './support/measure.js'

/*
 * Every local partial of the op table, at every point of a grid spanning the
 * op's domain (support/grid.ts: log-spaced magnitudes from 2^-1074 to 2^1024,
 * both signs, linear sweeps, approaches to boundaries and poles), against its
 * derivative from calculus in 40-digit decimal arithmetic (support/reference.ts).
 *
 * The error is in ulps of the true derivative. Where the true derivative is
 * below the smallest normal number (subnormal, or 0 in float64) it is measured
 * absolutely, in ulps of the smallest normal (2^-1074, the subnormals' own
 * spacing); where it overflows float64 the partial must be the same infinity.
 *
 * Bounds: 8 ulps for every partial that rounds. Each is the product or
 * quotient of a few correctly rounded operations and of library functions
 * (exp, cos, tanh, ...) good to about 1 ulp, so a few ulps is what the formula
 * can give; a form that cancels or overflows is off by thousands of ulps to
 * 1e15 ulps (see the table in test/properties/README.md). The partials that
 * are exact (constants, an argument, 2a) must be exact: their bound, 1e-6
 * ulps, is the reference's own rounding at 40 digits.
 */

const EXACT = 1e-6
const ROUNDED = 8
const exactUnary: readonly UnaryName[] = ['neg', 'abs', 'relu', 'square']
const exactBinary: readonly BinaryName[] = ['add', 'sub', 'mul', 'min', 'max']
/** decimal.js computes each reference in about 0.1 to 2 ms; an op's grid takes seconds. */
const TIMEOUT = 120_000

function expectWithin(worst: Worst, bound: number): void {
  expect(
    worst.ulps,
    `${worst.partial}: ${worst.ulps} ulps at (${worst.at.join(', ')})`,
  ).toBeLessThanOrEqual(bound)
}

describe('Each partial is accurate to a few ulps over its whole domain', () => {
  test.each(UNARY_OPS.map((op) => [op, unaryPoints[op].length] as const))(
    '%s: the partial is within its bound of a 40-digit reference at all %i points of its grid',
    (op) => expectWithin(unaryWorst(op), exactUnary.includes(op) ? EXACT : ROUNDED),
    TIMEOUT,
  )

  test.each(BINARY_OPS.map((op) => [op, binaryPoints[op].length] as const))(
    '%s: both partials are within their bound of 40-digit references at all %i points of its grid',
    (op) => {
      for (const worst of binaryWorst(op))
        expectWithin(worst, exactBinary.includes(op) ? EXACT : ROUNDED)
    },
    TIMEOUT,
  )
})

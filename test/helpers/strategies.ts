import { expect } from 'vitest'
import { forward, numeric, reverse, type Strategy } from '../../src/index.js'

/** The three strategies, for tests that state the same claim of each. */
export const strategies: readonly Strategy[] = [forward, reverse, numeric]

/**
 * How close each strategy must come to an exact derivative, relative to its
 * size (with an absolute floor of the same size near zero).
 *
 * forward and reverse apply the same partials in a different order, so they
 * differ from a hand-derived formula only by rounding: a few ulps of each
 * product, 1e-12 leaves a margin for the partial's own formula (1 + tan^2 a
 * against 1 / cos^2 a) without hiding a wrong rule, which is off by O(1).
 *
 * numeric uses central differences with h = eps^(1/3) max(1, |x|): truncation
 * |f'''| h^2 / 6 plus rounding eps |f| / h, about 4e-11 times the scale of f
 * and its third derivative. 1e-7 covers the points in these tests, whose
 * third derivatives are at most a few hundred times f', with room to spare.
 */
export const tolerance: Readonly<Record<Strategy['name'], number>> = {
  forward: 1e-12,
  reverse: 1e-12,
  numeric: 1e-7,
}

/**
 * Asserts |actual - expected| <= tol max(1, |expected|); NaN and infinities,
 * and everything at tol = 0, must match exactly (Object.is).
 */
export function expectClose(actual: number, expected: number, tol: number, what = ''): void {
  if (!Number.isFinite(expected) || tol === 0) {
    expect(actual, what).toBe(expected)
    return
  }
  expect(
    Math.abs(actual - expected),
    `${what}: got ${actual}, expected ${expected}`,
  ).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(expected)))
}

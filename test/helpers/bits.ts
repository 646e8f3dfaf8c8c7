import { expect } from 'vitest'

/** Two arrays hold the same doubles, bit for bit: -0 is not 0, and NaN is NaN. */
export function expectSameBits(actual: Float64Array, expected: Float64Array): void {
  expect(actual.length).toBe(expected.length)
  for (let i = 0; i < expected.length; i++) {
    if (!Object.is(actual[i], expected[i])) {
      throw new Error(`entry ${i}: ${actual[i]} against ${expected[i]}`)
    }
  }
}

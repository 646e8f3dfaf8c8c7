import { describe, expect, it } from 'vitest'
import { forward, numeric, reverse, type ScalarFn } from '../../src/index.js'

/*
 * What docs/conventions.md states about log outside its domain, held to
 * today's behaviour: the value is NaN, and the derivative is the partial
 * formula 1 / x, not NaN, in every strategy that reads the op table. If the
 * rule changes, this test and that page change together.
 */

const log: ScalarFn = (m, [x]) => m.log(x as never)

describe('log at -1: value NaN, derivative 1 / x = -1, as docs/conventions.md says', () => {
  for (const s of [forward, reverse]) {
    it(`${s.name}.valueAndGradient returns { value: NaN, gradient: [-1] }`, () => {
      const { value, gradient } = s.valueAndGradient(log, [-1])
      expect([value, Array.from(gradient)]).toEqual([Number.NaN, [-1]])
    })
  }

  it('reverse.compile replays the same { value: NaN, gradient: [-1] }', () => {
    const { value, gradient } = reverse.compile(log, [2]).valueAndGradient([-1])
    expect([value, Array.from(gradient)]).toEqual([Number.NaN, [-1]])
  })

  it('numeric sees only values, NaN on both sides of -1: value and derivative NaN', () => {
    const { value, gradient } = numeric.valueAndGradient(log, [-1])
    expect([value, Array.from(gradient)]).toEqual([Number.NaN, [Number.NaN]])
  })
})

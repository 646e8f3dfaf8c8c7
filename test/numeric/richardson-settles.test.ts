import { describe, expect, it } from 'vitest'
import { numeric, type Ops } from '../../src/index.js'

/*
 * Ridders' first step is 0.1 max(1, |x|), which near a singularity reaches
 * past it. The tableau's own error estimate shows it (about 1e-2 of the
 * derivative, against 1e-13 on smooth functions): the scheme must then start
 * again from smaller steps, or throw, and never return the unsettled number.
 * Expected values are the closed forms d/dx ln x = 1/x, d/dx sqrt x = 1/(2 sqrt x).
 */
const richardson = { scheme: 'richardson' } as const
const relative = (got: number, exact: number) => Math.abs(got - exact) / Math.abs(exact)

describe('Richardson differences near a singularity', () => {
  for (const x of [0.001, 0.01, 0.05, 0.11]) {
    it(`should give d/dx ln x at ${x} to 1e-10 although the first step reaches past 0`, () => {
      const d = numeric.derivative(<T>(m: Ops<T>, t: T) => m.log(t), x, richardson)
      expect(relative(d, 1 / x)).toBeLessThan(1e-10)
    })
  }

  it('should give d/dx sqrt x at 0.01 to 1e-10', () => {
    const d = numeric.derivative(<T>(m: Ops<T>, t: T) => m.sqrt(t), 0.01, richardson)
    expect(relative(d, 5)).toBeLessThan(1e-10)
  })

  it('should settle in every coordinate of a gradient: d/da ln(a) e^b at (0.01, 1) is e / 0.01', () => {
    const g = numeric.gradient((m, [a, b]) => m.mul(m.log(a), m.exp(b)), [0.01, 1], richardson)
    expect(relative(g[0] as number, Math.E / 0.01)).toBeLessThan(1e-10)
    expect(relative(g[1] as number, Math.log(0.01) * Math.E)).toBeLessThan(1e-10)
  })

  it('should throw a RangeError naming the call at a jump, where no step settles', () => {
    const jump = <T>(m: Ops<T>, t: T) => (m.value(t) >= 0 ? 1 : 0)
    expect(() => numeric.derivative(jump, 0, richardson)).toThrow(
      /^numeric\.derivative: Richardson extrapolation did not settle .*Pass a smaller options\.step, or use scheme 'central'\.$/,
    )
  })

  it('should leave a derivative that is NaN at every step as NaN (sqrt at -1), not throw', () => {
    expect(numeric.derivative(<T>(m: Ops<T>, t: T) => m.sqrt(t), -1, richardson)).toBeNaN()
  })
})

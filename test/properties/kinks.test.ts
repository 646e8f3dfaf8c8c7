import fc from 'fast-check'
import { describe, expect } from 'vitest'
import { forward, numeric, type Ops, reverse, type Strategy } from '../../src/index.js'
import { prop } from './support/index.js'

/*
 * Where an op is not differentiable, every strategy reads the same documented
 * convention from the table (see rules.ts), so forward and reverse agree
 * exactly; central differences see the average of the one-sided slopes,
 * which matches some conventions and not others. The random expressions
 * avoid these points; here they are the subject.
 */

const automatic: Strategy[] = [forward, reverse]
const t = fc.double({ min: -1e6, max: 1e6, noNaN: true })
const positive = fc.double({ min: 1e-3, max: 1e3, noNaN: true })
const one =
  <T>(op: 'abs' | 'relu') =>
  (m: Ops<T>, x: T) =>
    m[op](x)

describe.each(automatic)('Conventions at kinks', (s) => {
  prop([fc.constant(0)])(
    `${s.name}: d|a|/da = 0 and d relu(a)/da = 0 at a = 0, the subgradients PyTorch and JAX choose`,
    (a) => {
      expect(s.derivative(one('abs'), a)).toBe(0)
      expect(s.derivative(one('relu'), a)).toBe(0)
    },
  )

  prop([t])(`${s.name}: at a tie a = b, max(a, b) and min(a, b) give each argument 1/2`, (a) => {
    const both = [a, a]
    expect(Array.from(s.gradient((m, [x, y]) => m.max(x as never, y as never), both))).toEqual([
      0.5, 0.5,
    ])
    expect(Array.from(s.gradient((m, [x, y]) => m.min(x as never, y as never), both))).toEqual([
      0.5, 0.5,
    ])
    // max(x, x) = x, and the two halves add up to its derivative.
    expect(s.derivative((m, x) => m.max(x, x), a)).toBe(1)
  })

  prop([fc.constant(Number.NaN), fc.double({ noNaN: true })])(
    `${s.name}: NaN in gives NaN out where the derivative depends on the point: relu, max and min`,
    (nan, b) => {
      expect(s.derivative((m, x) => m.relu(x), nan)).toBeNaN()
      for (const op of ['max', 'min'] as const) {
        const g = s.gradient((m, [x, y]) => m[op](x as never, y as never), [nan, b])
        expect(Number.isNaN(g[0]) && Number.isNaN(g[1])).toBe(true)
      }
    },
  )

  prop([fc.constant([0, 0])])(
    `${s.name}: 0^b at (0, 0) has partials (0, 0): b = 0 and, along b, a = 0 with b >= 0`,
    (origin) => {
      expect(Array.from(s.gradient((m, [x, y]) => m.pow(x as never, y as never), origin))).toEqual([
        0, 0,
      ])
    },
  )

  prop([fc.double({ min: -4, max: 4, noNaN: true })])(
    `${s.name}: a value computed and not used cannot poison the derivative, even sqrt at 0 with its infinite slope`,
    (y) => {
      const f = <T>(m: Ops<T>, [x, z]: readonly T[]) => {
        m.sqrt(x as T)
        return m.mul(z as T, 2)
      }
      expect(Array.from(s.gradient(f, [0, y]))).toEqual([0, 2])
      // Nor can it along a direction that does not move it: J v with v = (0, 1).
      const F = <T>(m: Ops<T>, [x, z]: readonly T[]) => [m.add(m.sqrt(x as T), z as T)]
      expect(Array.from(s.jvp(F, [0, y], [0, 1]).tangent)).toEqual([1])
    },
  )

  prop([fc.double({ min: -4, max: 4, noNaN: true })])(
    `${s.name}: a zero tangent is strong too: in dot([x1], [infinity]), d/dx0 = 0 though the other factor is infinite`,
    (y) => {
      const f = <T>(m: Ops<T>, [, x1]: readonly T[]) => m.dot([x1 as T], [Number.POSITIVE_INFINITY])
      expect(Array.from(s.gradient(f, [y, 1]))).toEqual([0, Number.POSITIVE_INFINITY])
    },
  )

  prop([fc.constant([0, 0])])(`${s.name}: hypot has partials (0, 0) at the origin`, (origin) => {
    expect(Array.from(s.gradient((m, [x, y]) => m.hypot(x as never, y as never), origin))).toEqual([
      0, 0,
    ])
  })

  prop([t, positive])(
    `${s.name}: d a^b / da = 0 when b = 0, and d a^b / db = 0 when a = 0 and b > 0, the limits along each line`,
    (a, b) => {
      expect(Array.from(s.gradient((m, [x, y]) => m.pow(x as never, y as never), [a, 0]))[0]).toBe(
        0,
      )
      expect(Array.from(s.gradient((m, [x, y]) => m.pow(x as never, y as never), [0, b]))[1]).toBe(
        0,
      )
    },
  )

  prop([fc.constant([0, 0])])(
    `${s.name}: atan2 at the origin has no derivative and gives NaN, never a made-up number`,
    (origin) => {
      const g = s.gradient((m, [x, y]) => m.atan2(x as never, y as never), origin)
      expect(Number.isNaN(g[0]) && Number.isNaN(g[1])).toBe(true)
    },
  )

  prop([positive])(
    `${s.name}: a zero partial is strong: 0 times sqrt(x) at x = 0 has derivative 0, not 0 times infinity`,
    () => {
      expect(s.derivative((m, x) => m.mul(0, m.sqrt(x)), 0)).toBe(0)
      // Also when the zero comes from a value: x^2 at x < 0 via pow, whose exponent partial x^2 ln x is NaN.
      expect(s.derivative((m, x) => m.pow(x, 2), -3)).toBe(-6)
    },
  )
})

describe('Conventions at kinks', () => {
  prop([t])(
    'central differences see the average slope at a kink: 0 for |a| at 0 and 1/2 at a max tie, as the table says, but 1/2 for relu at 0 where the table says 0',
    (a) => {
      // At 0 the step h and its negation are exact, so these are exact.
      expect(numeric.derivative((m, x) => m.abs(x), 0)).toBe(0)
      expect(numeric.derivative((m, x) => m.relu(x), 0)).toBe(0.5)
      // At a tie a = b, the points a +- h round by up to half an ulp of |a| + h each,
      // which moves (up - a) / (up - down) from 1/2 by at most eps (|a| + h) / (4h),
      // and the division rounds by eps / 2 more; h = eps^(1/3) max(1, |a|).
      const eps = Number.EPSILON
      const h = Math.cbrt(eps) * Math.max(1, Math.abs(a))
      const half = numeric.gradient(
        (m, [x, y]) => m.max(x as never, y as never),
        [a, a],
      )[0] as number
      expect(Math.abs(half - 0.5)).toBeLessThanOrEqual(
        (eps * (Math.abs(a) + h)) / (4 * h) + eps / 2,
      )
    },
  )
})

import { describe, expect, it } from 'vitest'
import { forward, numeric, type Ops, reverse } from '../../src/index.js'
import { strategies } from '../helpers/strategies.js'

/*
 * Where an op is not differentiable, gradlab follows one documented
 * convention, and forward and reverse agree on it because both read the same
 * partials from the op table. Finite differences see only values, so at a
 * kink they report the average of the one-sided slopes.
 */

const exact = [forward, reverse]
const at = (name: 'relu' | 'abs', a: number) =>
  exact.map((s) => s.derivative((m, x) => m[name](x), a))

describe('conventions at kinks and ties', () => {
  it("relu'(0) = 0 in forward and reverse mode; a central difference sees the average slope 1/2", () => {
    expect(at('relu', 0)).toEqual([0, 0])
    expect(numeric.derivative((m, x) => m.relu(x), 0)).toBeCloseTo(0.5, 12)
  })

  it("abs'(0) = 0 in every strategy (a central difference across |x| is 0 too)", () => {
    expect(at('abs', 0)).toEqual([0, 0])
    expect(numeric.derivative((m, x) => m.abs(x), 0)).toBe(0)
  })

  for (const s of strategies) {
    it(`${s.name}: max and min at a tie give each argument 1/2`, () => {
      const ties = s.gradient((m, [a, b]) => m.add(m.max(a, b), m.mul(3, m.min(a, b))), [1.5, 1.5])
      expect(ties[0]).toBeCloseTo(0.5 + 1.5, s.name === 'numeric' ? 9 : 15)
      expect(ties[1]).toBeCloseTo(0.5 + 1.5, s.name === 'numeric' ? 9 : 15)
    })

    it(`${s.name}: max(x, x) = x has derivative 1, the two halves adding up`, () => {
      expect(s.derivative((m, x) => m.max(x, x), 2)).toBeCloseTo(1, s.name === 'numeric' ? 9 : 15)
    })

    it(`${s.name}: hypot'(0, 0) = (0, 0), as abs'(0) = 0`, () => {
      expect(Array.from(s.gradient((m, [a, b]) => m.hypot(a, b), [0, 0]))).toEqual([0, 0])
    })
  }
})

describe('conventions of pow', () => {
  for (const s of exact) {
    it(`${s.name}: d/da a^b = 0 when b = 0, even at a = 0 where b a^(b-1) would be 0 * Infinity`, () => {
      expect(s.gradient((m, [a, b]) => m.pow(a, b), [0, 0])[0]).toBe(0)
    })

    it(`${s.name}: d/db a^b = 0 at a = 0 for b >= 0, where a^b ln a would be 0 * -Infinity`, () => {
      expect(s.gradient((m, [a, b]) => m.pow(a, b), [0, 2])[1]).toBe(0)
    })

    it(`${s.name}: pow(a, 2) at a negative a has derivative 2a: the constant exponent carries no NaN from ln a`, () => {
      expect(s.derivative((m, a) => m.pow(a, m.constant(2)), -3)).toBe(-6)
      expect(s.derivative((m, a) => m.pow(a, 2), -3)).toBe(-6)
    })

    it(`${s.name}: d/db a^b at a negative a is NaN, not a made-up number (a^b is not real for most b)`, () => {
      expect(s.gradient((m, [a, b]) => m.pow(a, b), [-2, 2])[1]).toBeNaN()
    })

    it(`${s.name}: atan2 at the origin has NaN partials: it is not continuous there`, () => {
      const g = s.gradient((m, [y, x]) => m.atan2(y, x), [0, 0])
      expect(Number.isNaN(g[0]) && Number.isNaN(g[1])).toBe(true)
    })
  }
})

describe('NaN and infinities propagate as IEEE arithmetic says', () => {
  for (const s of strategies) {
    it(`${s.name}: a NaN input gives a NaN value and NaN derivatives, without throwing`, () => {
      const { value, gradient } = s.valueAndGradient(
        (m, [a, b]) => m.mul(m.sin(a), b),
        [Number.NaN, 2],
      )
      expect(value).toBeNaN()
      expect(gradient[0]).toBeNaN()
      expect(gradient[1]).toBeNaN()
    })
  }

  for (const s of exact) {
    it(`${s.name}: exp at +Infinity has value and derivative +Infinity; sqrt at 0 has derivative +Infinity`, () => {
      expect(s.valueAndGradient((m, [a]) => m.exp(a), [Number.POSITIVE_INFINITY]).gradient[0]).toBe(
        Number.POSITIVE_INFINITY,
      )
      expect(s.derivative((m, a) => m.sqrt(a), 0)).toBe(Number.POSITIVE_INFINITY)
    })
  }
})

describe('exact zeros are strong: a path that carries no dependence adds nothing, even past an infinite partial', () => {
  const f = <T>(m: Ops<T>, [a, b]: readonly T[]) => m.add(a as T, m.mul(0, m.sqrt(b as T)))
  for (const s of exact) {
    it(`${s.name}: d/db (a + 0 * sqrt(b)) at b = 0 is 0, not 0 * Infinity = NaN`, () => {
      expect(Array.from(s.gradient(f, [1, 0]))).toEqual([1, 0])
    })

    it(`${s.name}: an intermediate that does not reach the output leaves the gradient alone`, () => {
      const unused = <T>(m: Ops<T>, [a]: readonly T[]) => {
        m.sqrt(m.sub(a as T, 1)) // sqrt'(0) = Infinity on a branch that is dropped
        return m.mul(a as T, 3)
      }
      expect(Array.from(s.gradient(unused, [1]))).toEqual([3])
    })

    it(`${s.name}: relu at a negative input stops an infinite partial further on`, () => {
      expect(s.derivative((m, a) => m.sqrt(m.relu(a)), -1)).toBe(0)
    })
  }
})

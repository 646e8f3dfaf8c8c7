import { describe, expect, it } from 'vitest'
import {
  forward,
  isGradlabError,
  numeric,
  type Operand,
  type Ops,
  reverse,
  type Strategy,
} from '../src/index.js'

/*
 * Every method of within(m) (jacobian, jvp, vjp, valueAndGradient, beside
 * the derivative and gradient that test/nested.test.ts covers), differentiated
 * again by every strategy, in all nine ordered pairs, and their argument
 * checks. The inner function closes over the outer variable x:
 *
 *   F(y; x) = [x y0 y1, sin(x y0)] at y = (x, 2)
 *   J = [[x y1, x y0], [x cos(x y0), 0]] = [[2x, x^2], [x cos(x^2), 0]]
 *
 * and each expected derivative below is worked out by hand from it.
 */

const STRATEGIES: readonly Strategy[] = [forward, reverse, numeric]

/**
 * Relative tolerance of a pair: exact (forward, reverse) in both places is
 * rounding only; a finite difference anywhere carries its truncation error,
 * about eps^(2/3) relative for central differences (docs/strategies.md), and
 * a difference of differences about eps^(1/3) relative (its step is eps^(1/3),
 * and it differentiates values already that far off).
 */
function tolerance(outer: Strategy, inner: Strategy): number {
  const differences = [outer, inner].filter((s) => s === numeric).length
  return [1e-12, 1e-7, 1e-4][differences] as number
}

function expectClose(actual: number, expected: number, relative: number): void {
  expect(Math.abs(actual - expected), `${actual} vs ${expected}`).toBeLessThanOrEqual(
    relative * Math.max(1, Math.abs(expected)),
  )
}

const F =
  <T>(x: T) =>
  <U>(mi: Ops<U, T>, [y0, y1]: readonly U[]): U[] => [
    mi.mul(mi.mul(x, y0 as U), y1 as U),
    mi.sin(mi.mul(x, y0 as U)),
  ]

const sum = <T>(m: Ops<T>, xs: readonly Operand<T>[]): T =>
  xs.reduce<T>((s, v) => m.add(s, v), m.constant(0))

const at = 0.7
const x2 = at * at

for (const outer of STRATEGIES) {
  for (const inner of STRATEGIES) {
    const tol = tolerance(outer, inner)
    describe(`${outer.name} over ${inner.name}.within(m)`, () => {
      it('jacobian: d/dx of the sum of J = 2 + 2x + cos(x^2) - 2x^2 sin(x^2)', () => {
        const d = outer.derivative(
          (m, x) => sum(m, inner.within(m).jacobian(F(x), [x, 2]).flat()),
          at,
        )
        expectClose(d, 2 + 2 * at + Math.cos(x2) - 2 * x2 * Math.sin(x2), tol)
      })

      it('jvp along (1, x): d/dx of the sum of J v = 2 + 3x^2 + cos(x^2) - 2x^2 sin(x^2); of F, 4x + 2x cos(x^2)', () => {
        const tangent = outer.derivative((m, x) => {
          const r = inner.within(m).jvp(F(x), [x, 2], [1, x])
          return sum(m, r.tangent)
        }, at)
        expectClose(tangent, 2 + 3 * x2 + Math.cos(x2) - 2 * x2 * Math.sin(x2), tol)
        const value = outer.derivative(
          (m, x) => sum(m, inner.within(m).jvp(F(x), [x, 2], [1, x]).value),
          at,
        )
        expectClose(value, 4 * at + 2 * at * Math.cos(x2), tol)
      })

      it('vjp with u = (x, 1): d/dx of the sum of u^T J = 4x + cos(x^2) - 2x^2 sin(x^2) + 3x^2', () => {
        const d = outer.derivative((m, x) => {
          const r = inner.within(m).vjp(F(x), [x, 2], [x, 1])
          return sum(m, r.cotangent)
        }, at)
        expectClose(d, 4 * at + Math.cos(x2) - 2 * x2 * Math.sin(x2) + 3 * x2, tol)
      })

      it('valueAndGradient of g(y) = x y0^2 at y0 = x: d/dx of value + gradient = d/dx (x^3 + 2x^2) = 3x^2 + 4x', () => {
        const d = outer.derivative((m, x) => {
          const r = inner
            .within(m)
            .valueAndGradient((mi, [y0]) => mi.mul(x, mi.square(y0 as never)), [x])
          return m.add(r.value, r.gradient[0] as Operand<typeof x>)
        }, at)
        expectClose(d, 3 * x2 + 4 * at, tol)
      })
    })
  }
}

/** The error a call throws. */
function thrown(call: () => unknown): unknown {
  try {
    call()
  } catch (error) {
    return error
  }
  throw new Error('expected the call to throw')
}

describe('within(m) checks its arguments as the top-level methods do', () => {
  for (const inner of STRATEGIES) {
    const label = `${inner.name}.within(m)`
    it(`${label}.jvp: v of the wrong length`, () => {
      const error = thrown(() =>
        forward.derivative((m, x) => sum(m, inner.within(m).jvp(F(x), [x, 2], [1]).tangent), at),
      )
      expect(isGradlabError(error, 'ERR_GRADLAB_LENGTH_MISMATCH')).toBe(true)
      expect((error as Error).message).toMatch(/v has length 1 but must have length 2/)
    })

    it(`${label}.vjp: u of the wrong length`, () => {
      const error = thrown(() =>
        forward.derivative(
          (m, x) => sum(m, inner.within(m).vjp(F(x), [x, 2], [1, 2, 3]).cotangent),
          at,
        ),
      )
      expect(isGradlabError(error, 'ERR_GRADLAB_LENGTH_MISMATCH')).toBe(true)
      expect((error as Error).message).toMatch(/u has length 3 but must have length 2/)
    })

    it(`${label}.jacobian: F must return an array`, () => {
      const error = thrown(() =>
        forward.derivative(
          (m, x) =>
            sum(
              m,
              inner
                .within(m)
                .jacobian((mi, [y]) => mi.mul(x, y as never) as never, [x])
                .flat(),
            ),
          at,
        ),
      )
      expect(isGradlabError(error, 'ERR_GRADLAB_INVALID_RESULT')).toBe(true)
      expect((error as Error).message).toMatch(/F must return an array of outputs/)
    })

    it(`${label}.gradient: x must be an array`, () => {
      const error = thrown(() =>
        forward.derivative(
          (m, x) =>
            sum(
              m,
              inner.within(m).gradient((_mi, y) => y[0] as never, x as never),
            ),
          at,
        ),
      )
      expect(isGradlabError(error, 'ERR_GRADLAB_INVALID_POINT')).toBe(true)
      expect((error as Error).message).toMatch(
        /x must be an array of numbers or values of the enclosing derivative's ops/,
      )
    })

    it(`${label}.gradient: f must return one value, not an array`, () => {
      const error = thrown(() =>
        forward.derivative(
          (m, x) =>
            sum(
              m,
              inner.within(m).gradient((_mi, y) => y as never, [x, x]),
            ),
          at,
        ),
      )
      expect(isGradlabError(error, 'ERR_GRADLAB_INVALID_RESULT')).toBe(true)
      expect((error as Error).message).toMatch(/f returned an array of length 2/)
    })
  }
})

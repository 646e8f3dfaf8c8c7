import { describe, expect, it } from 'vitest'
import { countingOps, numeric, type Ops, type Scheme } from '../../src/index.js'

/*
 * What finite differences cost: evaluations of f, counted with countingOps,
 * and the inputs f is given: the point is perturbed in place, and each
 * evaluation gets a copy of it, so that f may write into its input.
 */

/** f(x) = sum_i sin(x_i) x_(i+1): 2 ops per input and one sum, the same count at every point. */
const f = <T>(m: Ops<T>, x: readonly T[]): T =>
  m.sum(x.map((xi, i) => m.mul(m.sin(xi), x[(i + 1) % x.length] as T)))

const x = [0.4, -1.3, 2.2, 0.9, -0.1]
const n = x.length

function evaluations(scheme: Scheme): number {
  const counter = { ops: 0 }
  numeric.gradient((m, xs) => f(countingOps(m, counter), xs), x, { scheme })
  return counter.ops / (3 * n)
}

describe('the cost of a finite-difference gradient', () => {
  it('is 2n + 1 evaluations with central differences and n + 1 with forward differences', () => {
    expect(evaluations('central')).toBe(2 * n + 1)
    expect(evaluations('forward')).toBe(n + 1)
  })

  it('is between 4n + 1 and 20n + 1 evaluations with Richardson extrapolation: 2 to 10 central differences per input', () => {
    const count = evaluations('richardson')
    expect(Number.isInteger(count)).toBe(true)
    expect(count).toBeGreaterThanOrEqual(4 * n + 1)
    expect(count).toBeLessThanOrEqual(20 * n + 1)
  })
})

describe('Richardson extrapolation stops when its error estimate stops improving', () => {
  it('on a linear function at 0 every central difference is exact, so it stops after one extrapolation: 4n + 1 evaluations', () => {
    // At x = 0 the difference (h - (-h)) / (2h) is exactly 1 for every step, so the first
    // extrapolated entry changes nothing, its error estimate is 0, and the next column cannot improve on it.
    let evaluations = 0
    const linear = <T>(m: Ops<T>, xs: readonly T[]) => {
      evaluations++
      return m.sum(xs)
    }
    const g = numeric.gradient(linear, [0, 0, 0, 0, 0], { scheme: 'richardson' })
    expect(Array.from(g)).toEqual([1, 1, 1, 1, 1])
    expect(evaluations).toBe(4 * 5 + 1)
  })
})

describe('each evaluation gets its own copy of the point', () => {
  for (const scheme of ['central', 'forward', 'richardson'] as const) {
    it(`${scheme}: every evaluation of a gradient or Jacobian receives an array of its own`, () => {
      const seen = new Set<readonly unknown[]>()
      let calls = 0
      const record = <T>(m: Ops<T>, xs: readonly T[]) => {
        seen.add(xs)
        calls++
        return f(m, xs)
      }
      numeric.gradient(record, x, { scheme })
      expect(seen.size).toBe(calls)
      seen.clear()
      calls = 0
      numeric.jacobian((m, xs) => [record(m, xs), m.sum(xs)], x, { scheme })
      expect(seen.size).toBe(calls)
    })

    it(`${scheme}: every evaluation of a jvp receives an array of its own`, () => {
      const seen = new Set<readonly unknown[]>()
      let calls = 0
      numeric.jvp(
        (m, xs) => {
          seen.add(xs)
          calls++
          return [f(m, xs)]
        },
        x,
        [1, 0.5, -1, 2, 0],
        { scheme },
      )
      expect(seen.size).toBe(calls)
      expect(calls).toBeGreaterThanOrEqual(scheme === 'forward' ? 2 : 3)
    })
  }

  it('every scheme: an array f was given still holds the point f was evaluated at when the call returns', () => {
    for (const scheme of ['central', 'forward', 'richardson'] as const) {
      const kept: { xs: readonly unknown[]; seen: unknown[] }[] = []
      const keep = <T>(m: Ops<T>, xs: readonly T[]) => {
        kept.push({ xs, seen: [...xs] })
        return [f(m, xs)]
      }
      numeric.jvp(keep, x, [1, 0.5, -1, 2, 0], { scheme })
      numeric.gradient((m, xs) => keep(m, xs)[0] as never, x, { scheme })
      for (const { xs, seen } of kept) expect(xs).toEqual(seen)
      expect(kept.filter(({ seen }) => seen.every((v, i) => v === x[i])).length).toBeGreaterThan(1)
    }
  })

  it('the caller’s point is left unchanged', () => {
    const point = Float64Array.from(x)
    numeric.gradient(f, point, { scheme: 'richardson' })
    expect(Array.from(point)).toEqual(x)
  })
})

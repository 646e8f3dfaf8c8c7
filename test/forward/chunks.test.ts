import { describe, expect, it } from 'vitest'
import { countingOps, forward, type Ops, plain, type ScalarFn } from '../../src/index.js'
import { expectClose } from '../helpers/strategies.js'

/*
 * Chunk mode: a pass carries k directions at once. Each lane does exactly the
 * arithmetic a one-direction pass does, so every chunk size gives the same
 * numbers, and those numbers are the derivatives derived by hand below.
 */

/** f(x) = sum_i sin(x_i) x_(i+1 mod n) + exp(0.1 sum_i x_i). */
const f = <T>(m: Ops<T>, x: readonly T[]): T => {
  const n = x.length
  const ring = x.map((xi, i) => m.mul(m.sin(xi), x[(i + 1) % n] as T))
  return m.add(m.sum(ring), m.exp(m.mul(0.1, m.sum(x))))
}

/** df/dx_j = cos(x_j) x_(j+1) + sin(x_(j-1)) + 0.1 exp(0.1 sum x), by hand. */
function gradientOfF(x: readonly number[]): number[] {
  const n = x.length
  const e = Math.exp(0.1 * x.reduce((a, b) => a + b, 0))
  return x.map(
    (xj, j) =>
      Math.cos(xj) * (x[(j + 1) % n] as number) + Math.sin(x[(j - 1 + n) % n] as number) + 0.1 * e,
  )
}

/** F(x) = [x . x / 2, x_0 sum_i e^(x_i)], with J_0j = x_j and J_1j = x_0 e^(x_j) + [j = 0] sum_i e^(x_i). */
const F = <T>(m: Ops<T>, x: readonly T[]) => [
  m.div(m.dot(x, x), 2),
  m.mul(x[0] as T, m.sum(x.map((xi) => m.exp(xi)))),
]

function jacobianOfF(x: readonly number[]): number[][] {
  const sumExp = x.reduce((a, b) => a + Math.exp(b), 0)
  const x0 = x[0] as number
  return [x.slice(), x.map((xj, j) => x0 * Math.exp(xj) + (j === 0 ? sumExp : 0))]
}

const x = [0.3, -1.2, 2.1, 0.7, -0.4, 1.5, -2.2]
const n = x.length
const chunkSizes = Array.from({ length: n + 1 }, (_, i) => i + 1)

/** How many times `fn` is evaluated by `run`, from countingOps: ops counted in all / ops of one evaluation. */
function evaluations(fn: ScalarFn, point: readonly number[], run: (g: ScalarFn) => void): number {
  const once = { ops: 0 }
  fn(countingOps(plain, once), point)
  const all = { ops: 0 }
  run((m, xs) => fn(countingOps(m, all), xs))
  return all.ops / once.ops
}

describe('chunked forward mode', () => {
  it('gives the same gradient as one tangent per pass for every chunk size from 1 to n+1', () => {
    const one = forward.gradient(f, x, { chunkSize: 1 })
    const expected = gradientOfF(x)
    one.forEach((g, j) => {
      expectClose(g, expected[j] as number, 1e-12, `df/dx${j}`)
    })
    for (const chunkSize of chunkSizes) {
      expect(forward.gradient(f, x, { chunkSize }), `chunk size ${chunkSize}`).toEqual(one)
    }
    expect(forward.gradient(f, x)).toEqual(one)
  })

  it('gives the same value and gradient in valueAndGradient for every chunk size', () => {
    const value = f(plain, x)
    for (const chunkSize of chunkSizes) {
      const result = forward.valueAndGradient(f, x, { chunkSize })
      expect(result.value).toBe(value)
      expect(result.gradient).toEqual(forward.gradient(f, x, { chunkSize: 1 }))
    }
  })

  it('gives the hand-derived Jacobian, and the same one, for every chunk size', () => {
    const expected = jacobianOfF(x)
    const one = forward.jacobian(F, x, { chunkSize: 1 })
    one.forEach((row, i) => {
      row.forEach((entry, j) => {
        expectClose(entry, expected[i]?.[j] as number, 1e-12, `J[${i}][${j}]`)
      })
    })
    for (const chunkSize of [...chunkSizes, undefined]) {
      const options = chunkSize === undefined ? undefined : { chunkSize }
      expect(forward.jacobian(F, x, options), `chunk size ${chunkSize}`).toEqual(one)
    }
  })

  it('gives u^T J in vjp for every chunk size', () => {
    const u = [2, -3]
    const J = jacobianOfF(x)
    for (const chunkSize of chunkSizes) {
      const { cotangent } = forward.vjp(F, x, u, { chunkSize })
      cotangent.forEach((c, j) => {
        expectClose(
          c,
          2 * (J[0]?.[j] as number) - 3 * (J[1]?.[j] as number),
          1e-12,
          `(u^T J)[${j}]`,
        )
      })
    }
  })
})

describe('the number of passes', () => {
  const ten = Array.from({ length: 10 }, (_, i) => Math.sin(i))

  it('a gradient with n = 10 and chunk size 4 takes 3 passes', () => {
    expect(evaluations(f, ten, (g) => forward.gradient(g, ten, { chunkSize: 4 }))).toBe(3)
  })

  it('a gradient takes ceil(n / k) passes for every chunk size k', () => {
    for (let k = 1; k <= 11; k++) {
      const passes = evaluations(f, ten, (g) => forward.gradient(g, ten, { chunkSize: k }))
      expect(passes, `k = ${k}`).toBe(Math.ceil(10 / k))
    }
  })

  it('a Jacobian takes the same passes as a gradient: ceil(n / k), whatever the number of outputs', () => {
    const once = { ops: 0 }
    F(countingOps(plain, once), ten)
    const all = { ops: 0 }
    forward.jacobian((m, xs) => F(countingOps(m, all), xs), ten, { chunkSize: 3 })
    expect(all.ops / once.ops).toBe(4)
  })

  it('by default, one pass of one direction measures f, then chunks of up to 64 directions follow', () => {
    const point = Array.from({ length: 200 }, (_, i) => Math.cos(i))
    // 1 pass for e_0, then 199 directions in ceil(199 / 64) = 4 passes.
    expect(evaluations(f, point, (g) => forward.gradient(g, point))).toBe(5)
    expect(evaluations(f, [1], (g) => forward.gradient(g, [1]))).toBe(1)
  })

  it('a function of no inputs still takes one pass, which gives its value', () => {
    const g: ScalarFn = (m) => m.exp(0)
    expect(evaluations(g, [], (counted) => forward.valueAndGradient(counted, []))).toBe(1)
    expect(forward.valueAndGradient(g, [], { chunkSize: 3 })).toEqual({
      value: 1,
      gradient: new Float64Array(0),
    })
  })
})

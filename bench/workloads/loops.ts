import type { Ops, ScalarFn } from '../../src/index.js'

/*
 * Ackley and Rosenbrock as a user writes them for gradlab (a for loop
 * accumulating with m.add), beside what the user has without gradlab: the
 * same function in plain JavaScript arithmetic (native f) and its gradient
 * written by hand. The performance targets time gradients against these,
 * not against gradlab's own checked `plain` ops.
 */

const PI2 = 2 * Math.PI

/** Ackley: -20 exp(-0.2 sqrt(|x|^2 / n)) - exp(sum_i cos(2 pi x_i) / n) + 20 + e. */
export const ackleyLoop: ScalarFn = <T>(m: Ops<T>, x: readonly T[]): T => {
  let squares: T | number = 0
  let waves: T | number = 0
  for (let i = 0; i < x.length; i++) {
    const xi = x[i] as T
    squares = m.add(squares, m.mul(xi, xi))
    waves = m.add(waves, m.cos(m.mul(PI2, xi)))
  }
  const bowl = m.mul(-20, m.exp(m.mul(-0.2, m.sqrt(m.div(squares, x.length)))))
  return m.add(m.sub(bowl, m.exp(m.div(waves, x.length))), 20 + Math.E)
}

export function ackleyNative(x: Float64Array): number {
  let squares = 0
  let waves = 0
  for (let i = 0; i < x.length; i++) {
    const xi = x[i] as number
    squares += xi * xi
    waves += Math.cos(PI2 * xi)
  }
  const r = Math.sqrt(squares / x.length)
  return -20 * Math.exp(-0.2 * r) - Math.exp(waves / x.length) + 20 + Math.E
}

export function ackleyHand(x: Float64Array): Float64Array {
  const n = x.length
  let squares = 0
  let waves = 0
  for (let i = 0; i < n; i++) {
    const xi = x[i] as number
    squares += xi * xi
    waves += Math.cos(PI2 * xi)
  }
  const r = Math.sqrt(squares / n)
  const a = r === 0 ? 0 : (4 * Math.exp(-0.2 * r)) / (n * r)
  const b = (Math.exp(waves / n) * PI2) / n
  const g = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    const xi = x[i] as number
    g[i] = a * xi + b * Math.sin(PI2 * xi)
  }
  return g
}

/** Rosenbrock: sum_{i < n-1} 100 (x_{i+1} - x_i^2)^2 + (1 - x_i)^2. */
export const rosenbrockLoop: ScalarFn = <T>(m: Ops<T>, x: readonly T[]): T => {
  let total: T | number = 0
  for (let i = 0; i + 1 < x.length; i++) {
    const a = x[i] as T
    const b = x[i + 1] as T
    total = m.add(total, m.add(m.mul(100, m.square(m.sub(b, m.mul(a, a)))), m.square(m.sub(1, a))))
  }
  return total as T
}

export function rosenbrockNative(x: Float64Array): number {
  let total = 0
  for (let i = 0; i + 1 < x.length; i++) {
    const a = x[i] as number
    const d = (x[i + 1] as number) - a * a
    total += 100 * d * d + (1 - a) * (1 - a)
  }
  return total
}

export function rosenbrockHand(x: Float64Array): Float64Array {
  const g = new Float64Array(x.length)
  for (let i = 0; i + 1 < x.length; i++) {
    const a = x[i] as number
    const d = (x[i + 1] as number) - a * a
    g[i] = (g[i] as number) - 400 * a * d - 2 * (1 - a)
    g[i + 1] = (g[i + 1] as number) + 200 * d
  }
  return g
}

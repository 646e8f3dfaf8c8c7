import type { Ops, ScalarFn } from '../../src/index.js'

/**
 * The Ackley function in n dimensions, heavy in transcendental ops:
 *   f(x) = -20 exp(-0.2 sqrt(|x|^2 / n)) - exp(sum_i cos(2 pi x_i) / n) + 20 + e.
 */
export const ackley: ScalarFn = <T>(m: Ops<T>, x: readonly T[]): T => {
  const n = x.length
  const radius = m.sqrt(m.div(m.dot(x, x), n))
  const waves = m.div(m.sum(x.map((xi) => m.cos(m.mul(2 * Math.PI, xi)))), n)
  const bowl = m.mul(-20, m.exp(m.mul(-0.2, radius)))
  return m.add(m.sub(bowl, m.exp(waves)), 20 + Math.E)
}

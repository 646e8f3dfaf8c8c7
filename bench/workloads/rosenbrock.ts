import type { Ops, ScalarFn } from '../../src/index.js'

/**
 * The Rosenbrock function in n >= 2 dimensions, arithmetic only:
 *   f(x) = sum_{i < n-1} 100 (x_{i+1} - x_i^2)^2 + (1 - x_i)^2.
 * Its cost per evaluation is about 7 ops per coordinate.
 */
export const rosenbrock: ScalarFn = <T>(m: Ops<T>, x: readonly T[]): T => {
  const terms: T[] = []
  for (let i = 0; i + 1 < x.length; i++) {
    const xi = x[i] as T
    terms.push(m.mul(100, m.square(m.sub(x[i + 1] as T, m.square(xi)))))
    terms.push(m.square(m.sub(1, xi)))
  }
  return m.sum(terms)
}

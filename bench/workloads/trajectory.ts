import type { Operand, Ops, VectorFn } from '../../src/index.js'

/*
 * A function with few inputs and many outputs, the case for forward mode: a
 * first-order system driven by n Fourier coefficients x, stepped m times by
 * Euler's method, whose outputs are the m states
 *   y_t = y_{t-1} + dt tanh(sum_j x_j cos((j+1) t dt) - y_{t-1}),  y_0 = 0.
 * Each output depends on every earlier step, so one backward pass per output
 * walks the whole trajectory before it: reverse mode's Jacobian costs about
 * m evaluations, forward mode's n.
 */

const STEP = 0.05

export function trajectory(n: number, m: number): VectorFn {
  const drive = Array.from({ length: m }, (_, t) =>
    Array.from({ length: n }, (_, j) => Math.cos((j + 1) * (t + 1) * STEP)),
  )
  return <T>(ops: Ops<T>, x: readonly T[]): T[] => {
    const states = new Array<T>(m)
    let y: Operand<T> = 0
    for (let t = 0; t < m; t++) {
      const force = ops.dot(x, drive[t] as number[])
      const next: T = ops.add(y, ops.mul(STEP, ops.tanh(ops.sub(force, y))))
      states[t] = next
      y = next
    }
    return states
  }
}

/** The point at which the trajectory's Jacobian is taken. */
export function trajectoryPoint(n: number): Float64Array {
  return Float64Array.from({ length: n }, (_, j) => 1 / (j + 1))
}

import type { Ops, ScalarFn } from '../../src/index.js'
import { uniformArray } from '../random.js'

/*
 * The course's network generalized: one hidden layer of tanh units, a linear
 * output and a squared-error loss summed over a small batch,
 *   L(p) = sum_b (w2 . tanh(W1 x_b + b1) + b2 - y_b)^2.
 * The parameters p = [W1 (row-major, hidden x inputs), b1, w2, b2] are the
 * variables; the batch is constant. Every parameter shares the terms
 * (y^ - y) and w2_j, which backpropagation computes once.
 */

export interface NetworkShape {
  readonly inputs: number
  readonly hidden: number
  readonly batch: number
}

export interface NetworkData {
  readonly shape: NetworkShape
  /** The batch's inputs, row-major: batch x inputs. */
  readonly x: Float64Array
  /** The batch's targets. */
  readonly y: Float64Array
  /** A starting point for the parameters. */
  readonly parameters: Float64Array
}

/** Inputs per example and examples per batch: small, so that n grows with the hidden width. */
export const NETWORK_INPUTS = 4
export const NETWORK_BATCH = 8

export function parameterCount({ inputs, hidden }: NetworkShape): number {
  return hidden * inputs + 2 * hidden + 1
}

/** The hidden width whose parameter count is closest to `n` (at least 1). */
export function hiddenFor(n: number, inputs = NETWORK_INPUTS): number {
  return Math.max(1, Math.round((n - 1) / (inputs + 2)))
}

export function networkData(
  hidden: number,
  inputs = NETWORK_INPUTS,
  batch = NETWORK_BATCH,
): NetworkData {
  const shape = { inputs, hidden, batch }
  const x = uniformArray(11, shape.batch * shape.inputs)
  const y = new Float64Array(shape.batch)
  for (let b = 0; b < shape.batch; b++) {
    let s = 0
    for (let k = 0; k < shape.inputs; k++) s += x[b * shape.inputs + k] as number
    y[b] = Math.sin(s)
  }
  const parameters = uniformArray(17, parameterCount(shape), 1 / Math.sqrt(shape.inputs))
  return { shape, x, y, parameters }
}

/** The fixed direction v of the Hessian-vector products: seeded, so that the worker and the reference use the same one. */
export function networkDirection(n: number): Float64Array {
  return uniformArray(31, n)
}

/** The loss as a generic function of the parameters, for every strategy. */
export function networkLoss(data: NetworkData): ScalarFn {
  const { inputs: d, hidden: h, batch } = data.shape
  const examples = Array.from({ length: batch }, (_, b) =>
    Array.from(data.x.subarray(b * d, b * d + d)),
  )
  const targets = Array.from(data.y)
  return <T>(m: Ops<T>, p: readonly T[]): T => {
    const rows = Array.from({ length: h }, (_, j) => p.slice(j * d, j * d + d))
    const w2 = p.slice(h * d + h, h * d + 2 * h)
    const b2 = p[h * d + 2 * h] as T
    const losses = new Array<T>(batch)
    const hiddenOut = new Array<T>(h)
    for (let b = 0; b < batch; b++) {
      const xb = examples[b] as number[]
      for (let j = 0; j < h; j++) {
        hiddenOut[j] = m.tanh(m.add(m.dot(rows[j] as T[], xb), p[h * d + j] as T))
      }
      const prediction = m.add(m.dot(w2, hiddenOut), b2)
      losses[b] = m.square(m.sub(prediction, targets[b] as number))
    }
    return m.sum(losses)
  }
}

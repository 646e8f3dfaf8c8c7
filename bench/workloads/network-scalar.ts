import type { Ops, ScalarFn } from '../../src/index.js'
import type { NetworkData } from './network.js'

/**
 * The same loss as `networkLoss`, written with scalar `add` and `mul` only
 * (no `dot`, no `sum`): what a user who writes loops op by op records, one
 * binary op per multiply and per add. The terms are added in the order
 * `networkLoss`'s dot and sum add them, so only rounding could differ.
 */
export function networkLossScalar(data: NetworkData): ScalarFn {
  const { inputs: d, hidden: h, batch } = data.shape
  const examples = Array.from({ length: batch }, (_, b) =>
    Array.from(data.x.subarray(b * d, b * d + d)),
  )
  const targets = Array.from(data.y)
  return <T>(m: Ops<T>, p: readonly T[]): T => {
    const hiddenOut = new Array<T>(h)
    let loss: T | null = null
    for (let b = 0; b < batch; b++) {
      const xb = examples[b] as number[]
      for (let j = 0; j < h; j++) {
        let z = m.mul(p[j * d] as T, xb[0] as number)
        for (let k = 1; k < d; k++) z = m.add(z, m.mul(p[j * d + k] as T, xb[k] as number))
        hiddenOut[j] = m.tanh(m.add(z, p[h * d + j] as T))
      }
      let prediction = m.mul(p[h * d + h] as T, hiddenOut[0] as T)
      for (let j = 1; j < h; j++) {
        prediction = m.add(prediction, m.mul(p[h * d + h + j] as T, hiddenOut[j] as T))
      }
      const term = m.square(m.sub(m.add(prediction, p[h * d + 2 * h] as T), targets[b] as number))
      loss = loss === null ? term : m.add(loss, term)
    }
    return loss as T
  }
}

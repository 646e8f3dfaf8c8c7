import type { NetworkData } from '../workloads/network.js'

/**
 * The network's gradient by hand-written backpropagation over Float64Array:
 * no tape and no objects per op, the practical limit for this loss. The
 * forward pass keeps each example's hidden activations a_j, which the
 * backward pass needs:
 *   r = y^ - y,  dL/dw2_j += 2 r a_j,  dL/db2 += 2 r,
 *   delta_j = 2 r w2_j (1 - a_j^2),  dL/db1_j += delta_j,  dL/dW1_jk += delta_j x_k.
 * Parameter order matches `networkLoss`: [W1 row-major, b1, w2, b2].
 */
export function handwrittenGradient(data: NetworkData): (p: Float64Array) => Float64Array {
  const { inputs: d, hidden: h, batch } = data.shape
  const { x, y } = data
  const activation = new Float64Array(h)
  const b1At = h * d
  const w2At = h * d + h
  const b2At = h * d + 2 * h
  return (p) => {
    const gradient = new Float64Array(p.length)
    for (let b = 0; b < batch; b++) {
      const xb = b * d
      let prediction = p[b2At] as number
      for (let j = 0; j < h; j++) {
        let z = p[b1At + j] as number
        for (let k = 0; k < d; k++) z += (p[j * d + k] as number) * (x[xb + k] as number)
        const a = Math.tanh(z)
        activation[j] = a
        prediction += (p[w2At + j] as number) * a
      }
      const residual2 = 2 * (prediction - (y[b] as number))
      gradient[b2At] = (gradient[b2At] as number) + residual2
      for (let j = 0; j < h; j++) {
        const a = activation[j] as number
        gradient[w2At + j] = (gradient[w2At + j] as number) + residual2 * a
        const delta = residual2 * (p[w2At + j] as number) * (1 - a * a)
        gradient[b1At + j] = (gradient[b1At + j] as number) + delta
        for (let k = 0; k < d; k++) {
          gradient[j * d + k] = (gradient[j * d + k] as number) + delta * (x[xb + k] as number)
        }
      }
    }
    return gradient
  }
}

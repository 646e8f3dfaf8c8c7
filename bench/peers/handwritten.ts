import type { NetworkData } from '../workloads/network.js'

/** Where the parameters' blocks start, in `networkLoss`'s order [W1 row-major, b1, w2, b2]. */
function layout({ inputs: d, hidden: h }: NetworkData['shape']) {
  return { b1At: h * d, w2At: h * d + h, b2At: h * d + 2 * h }
}

/**
 * The prediction for example b, w2 . tanh(W1 x_b + b1) + b2, in plain
 * arithmetic; the activations tanh(z_j) go to `activation` when it is given,
 * for the backward pass.
 */
function predict(
  data: NetworkData,
  p: Float64Array,
  b: number,
  activation: Float64Array | null,
): number {
  const { inputs: d, hidden: h } = data.shape
  const { b1At, w2At, b2At } = layout(data.shape)
  const { x } = data
  const xb = b * d
  let prediction = p[b2At] as number
  for (let j = 0; j < h; j++) {
    let z = p[b1At + j] as number
    for (let k = 0; k < d; k++) z += (p[j * d + k] as number) * (x[xb + k] as number)
    const a = Math.tanh(z)
    if (activation !== null) activation[j] = a
    prediction += (p[w2At + j] as number) * a
  }
  return prediction
}

/** The network's loss in plain JavaScript arithmetic: what a user runs without gradlab. */
export function handwrittenLoss(data: NetworkData): (p: Float64Array) => number {
  const { batch } = data.shape
  const { y } = data
  return (p) => {
    let loss = 0
    for (let b = 0; b < batch; b++) {
      const r = predict(data, p, b, null) - (y[b] as number)
      loss += r * r
    }
    return loss
  }
}

/**
 * The network's gradient by hand-written backpropagation over Float64Array:
 * no tape and no objects per op, the practical limit for this loss. The
 * forward pass keeps each example's hidden activations a_j, which the
 * backward pass needs:
 *   r = y^ - y,  dL/dw2_j += 2 r a_j,  dL/db2 += 2 r,
 *   delta_j = 2 r w2_j (1 - a_j^2),  dL/db1_j += delta_j,  dL/dW1_jk += delta_j x_k.
 */
export function handwrittenGradient(data: NetworkData): (p: Float64Array) => Float64Array {
  const { inputs: d, hidden: h, batch } = data.shape
  const { b1At, w2At, b2At } = layout(data.shape)
  const { x, y } = data
  const activation = new Float64Array(h)
  return (p) => {
    const gradient = new Float64Array(p.length)
    for (let b = 0; b < batch; b++) {
      const xb = b * d
      const residual2 = 2 * (predict(data, p, b, activation) - (y[b] as number))
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

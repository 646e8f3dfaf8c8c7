import { createRequire } from 'node:module'
import path from 'node:path'
import type { NetworkData } from '../workloads/network.js'

/*
 * The network's gradient in TensorFlow.js, as `tf.grads` of the same loss
 * written with tensors. The full `@tensorflow/tfjs` package is imported
 * because it loads the gradient registrations (`tfjs-core` alone fails with
 * "gradient function not found"). tfjs computes in float32.
 */

export type TfBackend = 'cpu' | 'wasm'

type Tf = typeof import('@tensorflow/tfjs')
type Tensor = import('@tensorflow/tfjs').Tensor

const loading = new Map<TfBackend, Promise<Tf>>()

/** Loads tfjs on `backend` once per process; the wasm binary is read from node_modules, never downloaded. */
export function loadTf(backend: TfBackend): Promise<Tf> {
  const known = loading.get(backend)
  if (known !== undefined) return known
  const started = startTf(backend)
  loading.set(backend, started)
  return started
}

async function startTf(backend: TfBackend): Promise<Tf> {
  const tf = await import('@tensorflow/tfjs')
  tf.enableProdMode()
  if (backend === 'wasm') {
    const wasm = await import('@tensorflow/tfjs-backend-wasm')
    const require = createRequire(import.meta.url)
    const dist = path.join(
      path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')),
      'dist',
    )
    wasm.setWasmPaths(`${dist}${path.sep}`)
  }
  if (!(await tf.setBackend(backend))) {
    throw new Error(`tfjs: setBackend('${backend}') returned false; the backend did not start.`)
  }
  await tf.ready()
  return tf
}

/**
 * A function from the parameters (already on the backend, uploaded once) to
 * the gradient read back into a Float64Array, so each call pays what a user
 * pays: the backward pass and the download of its result.
 */
export function tfGradient(tf: Tf, data: NetworkData): (p: Float64Array) => Float64Array {
  const { inputs: d, hidden: h, batch } = data.shape
  const X = tf.tensor2d(Float32Array.from(data.x), [batch, d], 'float32')
  const Y = tf.tensor1d(Float32Array.from(data.y), 'float32')
  const grads = tf.grads((...args: Tensor[]) => {
    const [W1, b1, w2, b2] = args as [Tensor, Tensor, Tensor, Tensor]
    const hiddenOut = tf.tanh(tf.add(tf.matMul(X, W1, false, true), b1))
    const prediction = tf.add(tf.reshape(tf.matMul(hiddenOut, tf.reshape(w2, [h, 1])), [batch]), b2)
    return tf.sum(tf.square(tf.sub(prediction, Y)))
  })
  let uploaded: { key: Float64Array; tensors: Tensor[] } | null = null
  return (p) => {
    if (uploaded?.key !== p) {
      for (const t of uploaded?.tensors ?? []) t.dispose()
      uploaded = {
        key: p,
        tensors: [
          tf.tensor2d(Float32Array.from(p.subarray(0, h * d)), [h, d], 'float32'),
          tf.tensor1d(Float32Array.from(p.subarray(h * d, h * d + h)), 'float32'),
          tf.tensor1d(Float32Array.from(p.subarray(h * d + h, h * d + 2 * h)), 'float32'),
          tf.scalar(p[h * d + 2 * h] as number, 'float32'),
        ],
      }
    }
    const parts = grads(uploaded.tensors)
    const gradient = new Float64Array(p.length)
    let offset = 0
    for (const part of parts) {
      gradient.set(part.dataSync(), offset)
      offset += part.size
      part.dispose()
    }
    return gradient
  }
}

import { forward, numeric, reverse } from '../../src/index.js'
import { handwrittenGradient } from '../peers/handwritten.js'
import { loadTf, tfGradient } from '../peers/tfjs.js'
import type { Method, Strategy } from '../report/schema.js'
import { type ScalarWorkloadName, scalarWorkloads } from '../workloads/index.js'
import { hiddenFor, networkData, networkDirection } from '../workloads/network.js'

export const strategies = { forward, reverse, numeric } as const

/**
 * How close each method must come to the reference (reverse mode), relative
 * to the reference's largest entry. Forward mode and hand-written
 * backpropagation apply the same chain rule in another order: only rounding
 * differs. Central differences have error about eps^(2/3) times the
 * function's scale (see src/numeric/step.ts). tfjs computes in float32
 * (eps 1.2e-7), and its sums over the batch and the hidden layer round each
 * term.
 */
export const TOLERANCE: Readonly<Record<Method, number>> = {
  reverse: 1e-12,
  forward: 1e-9,
  handwritten: 1e-9,
  numeric: 1e-6,
  'tfjs-cpu': 1e-4,
  'tfjs-wasm': 1e-4,
  // The value f(plain, x), against reverse mode's value: the same ops on the same numbers.
  plain: 1e-12,
  // The same function in plain JavaScript arithmetic: the same operations, rounded in the same
  // order where it is written alike, else a few ulps apart.
  native: 1e-12,
  // The replay recomputes reverse mode's partials from the same op table.
  compiled: 1e-12,
  interpreter: 1e-12,
  compile: 1e-12,
}

/**
 * Tolerances of the second-derivative suites, relative as for gradients.
 * Reverse mode is checked against another exact nesting there, not
 * against hand-written code, so it gets forward mode's 1e-9: the nestings
 * sum the same second-order terms in different orders. Second differences
 * divide by h^2 (h about eps^(1/4)), so they keep about half the digits of
 * central differences (docs/second-order.md).
 */
export const SECOND_ORDER_TOLERANCE: Readonly<Record<Strategy, number>> = {
  forward: 1e-9,
  reverse: 1e-9,
  numeric: 1e-6,
}

/** How each strategy nests, for its Hessian and its Hessian-vector product. */
export const SECOND_ORDER_HOW: Readonly<
  Record<'hessian' | 'hvp', Readonly<Record<Strategy, string>>>
> = {
  hessian: {
    reverse: 'forward over reverse',
    forward: 'forward over forward',
    numeric: 'second differences',
  },
  hvp: {
    reverse: 'forward over reverse',
    forward: 'forward over forward',
    numeric: 'mixed differences',
  },
}

export const METHOD_LABEL: Readonly<Record<Method, string>> = {
  forward: 'forward mode',
  reverse: 'reverse mode',
  numeric: 'finite differences',
  handwritten: 'hand-written Float64Array backprop',
  'tfjs-cpu': 'TensorFlow.js (cpu)',
  'tfjs-wasm': 'TensorFlow.js (wasm)',
  plain: 'plain evaluation (gradlab plain ops)',
  native: 'native f (plain JavaScript)',
  compiled: 'compiled gradient',
  interpreter: 'compiled gradient, interpreter',
  compile: 'cold reverse.compile',
}

export function isStrategy(method: Method): method is Strategy {
  return method === 'forward' || method === 'reverse' || method === 'numeric'
}

/** A call computing the gradient of `workload` at size n by `method`; peers exist for the network only. */
export async function gradientCall(
  workload: ScalarWorkloadName,
  method: Method,
  n: number,
): Promise<() => Float64Array> {
  if (isStrategy(method)) {
    const { f, x } = scalarWorkloads[workload].build(n)
    const strategy = strategies[method]
    return () => strategy.gradient(f, x)
  }
  if (workload !== 'network') {
    throw new Error(
      `gradientCall: the peer ${method} is written for the network workload only, not ${workload}.`,
    )
  }
  const data = networkData(hiddenFor(n))
  const gradient =
    method === 'handwritten'
      ? handwrittenGradient(data)
      : tfGradient(await loadTf(method === 'tfjs-cpu' ? 'cpu' : 'wasm'), data)
  return () => gradient(data.parameters)
}

/** A call computing the network's Hessian (its rows) or its Hessian-vector product along the fixed direction, by `method`, at size n. */
export function secondOrderCall(
  suite: 'hessian' | 'hvp',
  method: Strategy,
  n: number,
): () => Float64Array | Float64Array[] {
  const { f, x } = scalarWorkloads.network.build(n)
  const strategy = strategies[method]
  if (suite === 'hessian') return () => strategy.hessian(f, x)
  const v = networkDirection(x.length)
  return () => strategy.hvp(f, x, v)
}

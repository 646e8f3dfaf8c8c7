import { forward, plain, reverse } from '../../src/index.js'
import { handwrittenGradient } from '../peers/handwritten.js'
import { loadTf, tfGradient } from '../peers/tfjs.js'
import type { Method } from '../report/schema.js'
import type { NetworkShape } from '../workloads/network.js'
import { type TargetWorkload, targetProblem } from './plan.js'

/**
 * The call a target times, built outside the timing: plain evaluation
 * f(plain, x) returns the value; every other method returns the gradient.
 * The compiled gradient records f once here and is then timed replaying it.
 */
export async function targetCall(
  workload: TargetWorkload,
  method: Method,
  n: number,
  shape: NetworkShape,
): Promise<() => number | Float64Array> {
  const { f, x, data } = targetProblem(workload, n, shape)
  switch (method) {
    case 'plain': {
      const xs = Array.from(x)
      return () => f(plain, xs)
    }
    case 'reverse':
      return () => reverse.gradient(f, x)
    case 'compiled': {
      const compiled = reverse.compile(f, x)
      return () => compiled.gradient(x)
    }
    case 'forward':
      return () => forward.gradient(f, x)
    case 'handwritten':
    case 'tfjs-cpu':
    case 'tfjs-wasm': {
      if (data === null) {
        throw new Error(
          `targetCall: the peer ${method} is written for the network only, not ${workload}.`,
        )
      }
      const gradient =
        method === 'handwritten'
          ? handwrittenGradient(data)
          : tfGradient(await loadTf(method === 'tfjs-cpu' ? 'cpu' : 'wasm'), data)
      return () => gradient(data.parameters)
    }
    case 'numeric':
      throw new Error('targetCall: finite differences have no timed target.')
  }
}

/** The reference a target case is checked against: reverse mode's value for plain evaluation, its gradient otherwise. */
export function targetReference(
  workload: TargetWorkload,
  method: Method,
  n: number,
  shape: NetworkShape,
): number[] {
  // The scalar network's reference is the dot network's gradient, so the two
  // ways of writing it are checked against each other.
  const reference = workload === 'network-scalar' ? 'network' : workload
  const { f, x } = targetProblem(reference, n, shape)
  const result = reverse.valueAndGradient(f, x)
  return method === 'plain' ? [result.value] : Array.from(result.gradient)
}

import { forward, reverse } from '../../src/index.js'
import { loadTf, tfGradient } from '../peers/tfjs.js'
import type { Method } from '../report/schema.js'
import type { NetworkShape } from '../workloads/network.js'
import { type TargetWorkload, targetProblem } from './plan.js'

/**
 * The call a target times, built outside the timing: native f returns the
 * value; every other method returns the gradient. A compiled gradient
 * records f once here and is then timed replaying it.
 */
export async function targetCall(
  workload: TargetWorkload,
  method: Method,
  n: number,
  shapes: readonly NetworkShape[],
): Promise<() => number | Float64Array> {
  const { f, x, native, hand, data } = targetProblem(workload, n, shapes)
  switch (method) {
    case 'native':
      return () => native(x)
    case 'handwritten':
      return () => hand(x)
    case 'reverse':
      return () => reverse.gradient(f, x)
    case 'compiled':
    case 'interpreter': {
      const compiled = reverse.compile(f, x, {
        mode: method === 'compiled' ? 'auto' : 'interpreter',
      })
      return () => compiled.gradient(x)
    }
    case 'forward':
      return () => forward.gradient(f, x)
    case 'tfjs-cpu':
    case 'tfjs-wasm': {
      if (data === null) {
        throw new Error(`targetCall: ${method} is written for the network only, not ${workload}.`)
      }
      const gradient = tfGradient(await loadTf(method === 'tfjs-cpu' ? 'cpu' : 'wasm'), data)
      return () => gradient(data.parameters)
    }
    case 'compile':
    case 'plain':
    case 'numeric':
      throw new Error(`targetCall: ${method} has no timed call (a cold compile is timed once).`)
  }
}

/**
 * The first reverse.compile of this process, timed once (seconds), and the
 * gradient it gives at x, for the check against the reference. The worker
 * runs it before anything else of gradlab's, so it is cold: the library's
 * code not yet optimized, as in a user's process at its first compile.
 */
export function coldCompile(
  workload: TargetWorkload,
  n: number,
  shapes: readonly NetworkShape[],
): { seconds: number; gradient: Float64Array } {
  const { f, x } = targetProblem(workload, n, shapes)
  const started = performance.now()
  const compiled = reverse.compile(f, x)
  const seconds = (performance.now() - started) / 1e3
  return { seconds, gradient: compiled.gradient(x) }
}

/** The reference a target case is checked against: reverse mode's value for native f, its gradient otherwise. */
export function targetReference(
  workload: TargetWorkload,
  method: Method,
  n: number,
  shapes: readonly NetworkShape[],
): number[] {
  // The scalar network's reference is the dot network's gradient, so the two
  // ways of writing it are checked against each other.
  const reference = workload === 'network-scalar' ? 'network' : workload
  const { f, x } = targetProblem(reference, n, shapes)
  const result = reverse.valueAndGradient(f, x)
  return method === 'native' ? [result.value] : Array.from(result.gradient)
}

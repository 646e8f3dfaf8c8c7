import { forward, reverse } from '../../src/index.js'
import { handwrittenGradient } from '../peers/handwritten.js'
import type { OracleCheck, Strategy } from '../report/schema.js'
import { type ScalarWorkloadName, scalarWorkloads } from '../workloads/index.js'
import { hiddenFor, networkData, networkDirection } from '../workloads/network.js'
import { trajectory, trajectoryPoint } from '../workloads/trajectory.js'
import { relativeError } from './measure.js'
import { TOLERANCE } from './methods.js'
import type { Reference } from './protocol.js'

/*
 * Reference results, computed in the generator's own process (never timed):
 * each worker checks its method against them before timing. Reverse mode is
 * the reference; on the network it is itself checked against hand-written
 * backpropagation, an implementation that shares no code with gradlab.
 */

export function gradientReference(workload: ScalarWorkloadName, n: number): number[] {
  const { f, x } = scalarWorkloads[workload].build(n)
  return Array.from(reverse.gradient(f, x))
}

export function jacobianReference(n: number, m: number): number[][] {
  return reverse.jacobian(trajectory(n, m), trajectoryPoint(n)).map((row) => Array.from(row))
}

export function oracleCheck(n: number): OracleCheck {
  const data = networkData(hiddenFor(n))
  const exact = handwrittenGradient(data)(data.parameters)
  const error = relativeError(gradientReference('network', n), exact)
  return {
    workload: 'network',
    n: data.parameters.length,
    against: 'hand-written backpropagation',
    error,
    tolerance: TOLERANCE.handwritten,
  }
}

/**
 * Up to this n reverse mode's second derivatives are checked against
 * forward over forward; above it against reverse over reverse (the
 * Jacobian, or the vector-Jacobian product, of reverse mode's gradient
 * taken inside reverse mode). Forward over forward costs about n^3 for a
 * Hessian and n^2 for an hvp, which this process cannot afford at the
 * largest sizes; neither nesting is the forward over reverse being checked.
 */
export const FORWARD_REFERENCE_LIMIT = 300

/**
 * The references of the network's Hessian (rows concatenated) or its
 * Hessian-vector product along the fixed direction at size n, for each
 * strategy: reverse mode's for forward mode and finite differences, another
 * nesting's for reverse mode, so that no method is checked against itself.
 */
export function secondOrderReferences(
  suite: 'hessian' | 'hvp',
  n: number,
): Record<Strategy, Reference> {
  const { f, x } = scalarWorkloads.network.build(n)
  const v = networkDirection(x.length)
  const flat = (rows: readonly Float64Array[]) => rows.flatMap((row) => Array.from(row))
  const byReverse = {
    values: suite === 'hessian' ? flat(reverse.hessian(f, x)) : Array.from(reverse.hvp(f, x, v)),
    against: 'reverse mode',
  }
  let independent: Reference
  if (x.length <= FORWARD_REFERENCE_LIMIT) {
    independent = {
      values: suite === 'hessian' ? flat(forward.hessian(f, x)) : Array.from(forward.hvp(f, x, v)),
      against: 'forward mode (forward over forward)',
    }
  } else {
    // H is symmetric, so H v is also v^T H: one reverse pass over the gradient's recording.
    independent = {
      values:
        suite === 'hessian'
          ? flat(reverse.jacobian((m, p) => reverse.within(m).gradient(f, p), x))
          : Array.from(reverse.vjp((m, p) => reverse.within(m).gradient(f, p), x, v).cotangent),
      against: 'reverse over reverse',
    }
  }
  return { forward: byReverse, numeric: byReverse, reverse: independent }
}

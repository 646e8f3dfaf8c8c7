import { reverse } from '../../src/index.js'
import { handwrittenGradient } from '../peers/handwritten.js'
import type { OracleCheck } from '../report/schema.js'
import { type ScalarWorkloadName, scalarWorkloads } from '../workloads/index.js'
import { hiddenFor, networkData } from '../workloads/network.js'
import { trajectory, trajectoryPoint } from '../workloads/trajectory.js'
import { relativeError } from './measure.js'
import { TOLERANCE } from './methods.js'

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

import type { ScalarFn } from '../../src/index.js'
import type { Method } from '../report/schema.js'
import { scalarWorkloads } from '../workloads/index.js'
import {
  type NetworkData,
  type NetworkShape,
  networkData,
  networkLoss,
} from '../workloads/network.js'
import { networkLossScalar } from '../workloads/network-scalar.js'

/*
 * What the performance targets time: each method runs its cases in one
 * fresh process, so that the two sides of every ratio (say reverse mode and
 * plain evaluation) never share a process.
 */

export interface TargetSizes {
  /** Sizes n over which reverse mode's ratio to plain evaluation should stay flat. */
  readonly flatSizes: readonly number[]
  /** The n at which the Ackley and Rosenbrock targets are stated. */
  readonly at: number
  /** The network of the network and peer targets. */
  readonly network: NetworkShape
  /** What this mode measures short of the targets' own sizes, or null. */
  readonly note: string | null
  /**
   * How many times every target job runs, each time in a fresh process, the
   * rounds one after another; a case's samples from all rounds are pooled.
   * On a shared machine whose speed drifts over minutes, this spreads each
   * side of a ratio over the whole run instead of one moment of it.
   */
  readonly rounds: number
}

/**
 * 'network' is the tanh network written with `dot` and `sum`;
 * 'network-scalar' the same loss with scalar `add` and `mul` only.
 */
export const TARGET_WORKLOADS = ['ackley', 'rosenbrock', 'network', 'network-scalar'] as const
export type TargetWorkload = (typeof TARGET_WORKLOADS)[number]

export const TARGET_TITLE: Readonly<Record<TargetWorkload, string>> = {
  ackley: 'Ackley',
  rosenbrock: 'Rosenbrock',
  network: 'tanh network (dot)',
  'network-scalar': 'tanh network (add/mul only)',
}

export interface TargetProblem {
  readonly f: ScalarFn
  readonly x: Float64Array
  /** The network's data, for the peers; null for the other workloads. */
  readonly data: NetworkData | null
}

/** The function and point of a workload; the networks take their size from `shape`, not n. */
export function targetProblem(
  workload: TargetWorkload,
  n: number,
  shape: NetworkShape,
): TargetProblem {
  if (workload === 'ackley' || workload === 'rosenbrock') {
    const { f, x } = scalarWorkloads[workload].build(n)
    return { f, x, data: null }
  }
  const data = networkData(shape.hidden, shape.inputs, shape.batch)
  const f = workload === 'network' ? networkLoss(data) : networkLossScalar(data)
  return { f, x: data.parameters, data }
}

/** One workload of a target job and its sizes. */
export interface TargetSeries {
  readonly workload: TargetWorkload
  readonly sizes: readonly number[]
}

/**
 * One process's worth of target cases: one method on one workload, at each
 * of its sizes. A process per method keeps the two sides of every ratio
 * apart; a process per workload as well keeps each workload's times from
 * depending on what ran before it in the process (measured: the dynamic
 * network's gradient took 12.7 ms in a process of its own and 13.8 ms
 * after Ackley and Rosenbrock up to n = 100,000 in the same process, whose
 * heap they had grown). A fresh process costs a second or two, tfjs's more.
 */
export interface TargetJob {
  readonly method: Method
  readonly series: readonly TargetSeries[]
}

/** Every timed job of the targets, in the order they run: one per method and workload. */
export function targetJobs(sizes: TargetSizes, networkSize: number): TargetJob[] {
  const grown = [...new Set([...sizes.flatSizes, sizes.at])].sort((a, b) => a - b)
  const at = [sizes.at]
  const net = [networkSize]
  const byMethod: TargetJob[] = [
    {
      method: 'plain',
      // The networks' plain evaluations are not targets' denominators (hand-written
      // backprop is); they show what one evaluation through the ops costs.
      series: [
        { workload: 'ackley', sizes: grown },
        { workload: 'rosenbrock', sizes: grown },
        { workload: 'network', sizes: net },
        { workload: 'network-scalar', sizes: net },
      ],
    },
    {
      method: 'reverse',
      series: [
        { workload: 'ackley', sizes: grown },
        { workload: 'rosenbrock', sizes: grown },
        { workload: 'network', sizes: net },
        { workload: 'network-scalar', sizes: net },
      ],
    },
    {
      method: 'compiled',
      series: [
        { workload: 'ackley', sizes: at },
        { workload: 'rosenbrock', sizes: at },
        { workload: 'network', sizes: net },
        { workload: 'network-scalar', sizes: net },
      ],
    },
    { method: 'forward', series: [{ workload: 'ackley', sizes: at }] },
    { method: 'handwritten', series: [{ workload: 'network', sizes: net }] },
    { method: 'tfjs-cpu', series: [{ workload: 'network', sizes: net }] },
    { method: 'tfjs-wasm', series: [{ workload: 'network', sizes: net }] },
  ]
  return byMethod.flatMap(({ method, series }) => series.map((one) => ({ method, series: [one] })))
}

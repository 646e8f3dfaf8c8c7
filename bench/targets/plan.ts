import type { ScalarFn } from '../../src/index.js'
import { handwrittenGradient, handwrittenLoss } from '../peers/handwritten.js'
import { uniformArray } from '../random.js'
import type { Method } from '../report/schema.js'
import {
  ackleyHand,
  ackleyLoop,
  ackleyNative,
  rosenbrockHand,
  rosenbrockLoop,
  rosenbrockNative,
} from '../workloads/loops.js'
import {
  type NetworkData,
  type NetworkShape,
  networkData,
  networkLoss,
  parameterCount,
} from '../workloads/network.js'
import { networkLossScalar } from '../workloads/network-scalar.js'

/*
 * What the performance targets time: each method runs its cases in one
 * fresh process, so that the two sides of every ratio (say the compiled
 * gradient and the hand-written one) never share a process.
 */

export interface TargetSizes {
  /** The n at which the Ackley and Rosenbrock targets are stated. */
  readonly at: number
  /** The network of the targets against native f and the hand-written gradient, and of cold compile. */
  readonly network: NetworkShape
  /** The network of the peer targets (TensorFlow.js). */
  readonly peerNetwork: NetworkShape
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
  /** f in plain JavaScript arithmetic: what a user runs without gradlab. */
  readonly native: (x: Float64Array) => number
  /** f's gradient written by hand. */
  readonly hand: (x: Float64Array) => Float64Array
  /** The network's data, for the peers; null for the other workloads. */
  readonly data: NetworkData | null
}

/**
 * The function and point of a workload; the networks take their size from
 * `shape`, not n. Ackley and Rosenbrock are written as a user writes them
 * (a for loop accumulating with m.add), each beside its native f and its
 * hand-written gradient; the network's are the hand-written backprop's.
 */
export function targetProblem(
  workload: TargetWorkload,
  n: number,
  shapes: readonly NetworkShape[],
): TargetProblem {
  if (workload === 'ackley') {
    const x = uniformArray(29, n, 2)
    return { f: ackleyLoop, x, native: ackleyNative, hand: ackleyHand, data: null }
  }
  if (workload === 'rosenbrock') {
    const x = uniformArray(23, n, 1.5)
    return { f: rosenbrockLoop, x, native: rosenbrockNative, hand: rosenbrockHand, data: null }
  }
  // The network whose parameter count is n.
  const shape = shapes.find((s) => parameterCount(s) === n) ?? (shapes[0] as NetworkShape)
  const data = networkData(shape.hidden, shape.inputs, shape.batch)
  const f = workload === 'network' ? networkLoss(data) : networkLossScalar(data)
  return {
    f,
    x: data.parameters,
    native: handwrittenLoss(data),
    hand: handwrittenGradient(data),
    data,
  }
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
export function targetJobs(sizes: TargetSizes): TargetJob[] {
  const at = [sizes.at]
  const small = parameterCount(sizes.network)
  const net = [small]
  const peer = parameterCount(sizes.peerNetwork)
  // The peer network's size too, where it is another network (the full run).
  const both = [...new Set([small, peer])]
  const all: TargetSeries[] = [
    { workload: 'ackley', sizes: at },
    { workload: 'rosenbrock', sizes: at },
    { workload: 'network', sizes: net },
    { workload: 'network-scalar', sizes: net },
  ]
  // Both networks compute one loss: their native f and hand-written gradient are timed once.
  const baselines = all.slice(0, 3)
  const withPeer = (series: TargetSeries[]) =>
    series.map((s) => (s.workload === 'network' ? { ...s, sizes: both } : s))
  const byMethod: { method: Method; series: TargetSeries[] }[] = [
    { method: 'native', series: baselines },
    { method: 'handwritten', series: baselines },
    { method: 'reverse', series: withPeer(all) },
    { method: 'compiled', series: withPeer(all) },
    { method: 'interpreter', series: all },
    {
      method: 'compile',
      series: [
        { workload: 'ackley', sizes: at },
        { workload: 'rosenbrock', sizes: at },
        { workload: 'network-scalar', sizes: net },
      ],
    },
    { method: 'forward', series: [{ workload: 'ackley', sizes: at }] },
    { method: 'tfjs-cpu', series: [{ workload: 'network', sizes: [peer] }] },
    { method: 'tfjs-wasm', series: [{ workload: 'network', sizes: [peer] }] },
  ]
  return byMethod.flatMap(({ method, series }) => series.map((one) => ({ method, series: [one] })))
}

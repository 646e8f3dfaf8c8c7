import type { MemoryCase, Method, Strategy, TimedCase } from '../report/schema.js'
import type { TargetSeries } from '../targets/plan.js'
import type { ScalarWorkloadName } from '../workloads/index.js'
import type { NetworkShape } from '../workloads/network.js'

/*
 * What the report generator asks of a worker process and what it sends
 * back. Each strategy's cases run in a fresh process: a generic function
 * called with several kinds of ops in one process gets polymorphic call
 * sites, which slows every strategy. References are computed by the parent
 * (reverse mode) so that the worker never calls another strategy.
 */

export interface TimeSettings {
  /** A case is not run when its estimated time per call exceeds this many seconds. */
  readonly budgetSeconds: number
  readonly minSamples: number
  readonly maxTime: number
  readonly minTime: number
}

export interface GradientTask {
  readonly kind: 'gradient'
  readonly workload: ScalarWorkloadName
  readonly method: Method
  /** Sizes n, ascending, and the reference gradient at each. */
  readonly sizes: readonly number[]
  readonly references: readonly number[][]
  readonly settings: TimeSettings
}

export interface JacobianTask {
  readonly kind: 'jacobian'
  readonly method: Strategy
  /**
   * The points, each in a series named by the dimension that grows along
   * it ('outputs': m grows at fixed n; 'inputs': n grows at fixed m); the
   * timing budget extrapolates along it.
   */
  readonly points: readonly {
    readonly n: number
    readonly m: number
    readonly series: 'outputs' | 'inputs'
  }[]
  /** The reference Jacobian at each point, as rows. */
  readonly references: readonly number[][][]
  readonly settings: TimeSettings
}

/** A reference result and what computed it, in the words of a verification's `against`. */
export interface Reference {
  readonly values: readonly number[]
  readonly against: string
}

/**
 * One strategy's second derivatives of the network: its Hessians ('hessian')
 * or its Hessian-vector products along a fixed direction ('hvp').
 */
export interface SecondOrderTask {
  readonly kind: 'hessian' | 'hvp'
  readonly method: Strategy
  /** Sizes n, ascending, and the reference at each (a Hessian's rows concatenated). */
  readonly sizes: readonly number[]
  readonly references: readonly Reference[]
  readonly settings: TimeSettings
}

export interface MemoryTask {
  readonly kind: 'memory'
  readonly workload: ScalarWorkloadName
  readonly method: Strategy
  readonly n: number
}

/** One method of the performance targets, on each workload at each of its sizes (see bench/targets). */
export interface TargetTask {
  readonly kind: 'target'
  readonly method: Method
  readonly series: readonly TargetSeries[]
  /** The networks a 'network' workload is built at: the one whose parameter count is n. */
  readonly networks: readonly NetworkShape[]
  /** The reference for each series and size. */
  readonly references: readonly (readonly number[][])[]
  readonly settings: TimeSettings
}

export type Task = GradientTask | JacobianTask | SecondOrderTask | MemoryTask | TargetTask

export type WorkerMessage =
  | { readonly type: 'timed'; readonly result: TimedCase }
  | { readonly type: 'memory'; readonly result: MemoryCase }
  | { readonly type: 'error'; readonly message: string }

import type { Mode } from './report/schema.js'
import type { TimeSettings } from './run/protocol.js'
import type { TargetSizes } from './targets/plan.js'
import { SCALAR_WORKLOADS, type ScalarWorkloadName } from './workloads/index.js'

/** What one run of the report measures: sizes per suite and benny's time per case. */
export interface Plan {
  readonly mode: Mode
  readonly settings: TimeSettings
  /** The workloads whose gradients are timed (all are counted). */
  readonly gradientWorkloads: readonly ScalarWorkloadName[]
  /** Nominal sizes n for the gradient suites (each workload builds its nearest size). */
  readonly gradientSizes: readonly number[]
  /** Forward mode and finite differences are counted up to this n (counting costs a gradient). */
  readonly countLimit: number
  /** Jacobian, few inputs and many outputs: each n with each m. */
  readonly jacobianOutputs: {
    readonly inputs: readonly number[]
    readonly outputs: readonly number[]
  }
  /** Jacobian crossover: m fixed, n grows. */
  readonly jacobianInputs: { readonly outputs: number; readonly inputs: readonly number[] }
  /**
   * Nominal sizes n for the Hessian suite, on the network; its
   * Hessian-vector products are timed at the gradient suite's sizes.
   */
  readonly hessianSizes: readonly number[]
  /**
   * Hessians are counted on every workload at hessianSizes: forward over
   * forward and second differences up to this n (their counts grow like
   * n^2, and counting costs a Hessian), forward over reverse at every size.
   */
  readonly hessianCountLimit: number
  /** Network sizes for the memory measurements (one fresh process each). */
  readonly memorySizes: readonly number[]
  /** Finite-difference steps per decade in the accuracy sweep. */
  readonly stepsPerDecade: number
  /** Sizes for the performance targets (bench/targets). */
  readonly targets: TargetSizes
}

const powers = (base: number) => (from: number, to: number) => {
  const out: number[] = []
  for (let n = from; n <= to; n *= base) out.push(n)
  return out
}
const powersOf4 = powers(4)
const powersOf8 = powers(8)

export const PLANS: Readonly<Record<Mode, Plan>> = {
  full: {
    mode: 'full',
    settings: { budgetSeconds: 1, minSamples: 5, maxTime: 1, minTime: 0.05 },
    gradientWorkloads: SCALAR_WORKLOADS,
    gradientSizes: powersOf4(1, 16384),
    // 1,100 so that the network's n = 1,027 is counted too.
    countLimit: 1100,
    jacobianOutputs: { inputs: [1, 4], outputs: powersOf4(4, 16384) },
    // m = 64: chunked forward mode carries up to 64 directions per pass, so
    // with m = 256 reverse mode did not overtake it below n = 1,024.
    jacobianInputs: { outputs: 64, inputs: powersOf4(1, 1024) },
    hessianSizes: powersOf4(1, 1024),
    hessianCountLimit: 70,
    memorySizes: powersOf4(16, 16384),
    stepsPerDecade: 4,
    targets: {
      at: 2000,
      network: { inputs: 16, hidden: 64, batch: 32 },
      peerNetwork: { inputs: 64, hidden: 256, batch: 64 },
      note: null,
      // Five fresh processes per method and workload, in alternating order: a
      // target is the median of five ratios, each of two processes of one round.
      rounds: 5,
    },
  },
  quick: {
    mode: 'quick',
    settings: { budgetSeconds: 0.02, minSamples: 5, maxTime: 0.1, minTime: 0.01 },
    gradientWorkloads: SCALAR_WORKLOADS,
    gradientSizes: powersOf8(1, 4096),
    countLimit: 512,
    jacobianOutputs: { inputs: [1, 4], outputs: powersOf8(8, 4096) },
    jacobianInputs: { outputs: 64, inputs: powersOf4(1, 256) },
    hessianSizes: powersOf4(1, 256),
    hessianCountLimit: 70,
    memorySizes: powersOf8(64, 4096),
    stepsPerDecade: 2,
    targets: {
      at: 2000,
      network: { inputs: 16, hidden: 64, batch: 32 },
      peerNetwork: { inputs: 16, hidden: 64, batch: 32 },
      note: 'quick run: the peers are timed on the 16 -> 64 tanh -> 1 network with batch 32, not the 64 -> 256, batch 64 of their targets, and each case runs in 2 rounds, not 5',
      rounds: 2,
    },
  },
  smoke: {
    mode: 'smoke',
    settings: { budgetSeconds: 0.005, minSamples: 3, maxTime: 0.02, minTime: 0.002 },
    // Only the network, which has every method, peers included: the test
    // runs this mode, and a process per workload and method costs seconds.
    gradientWorkloads: ['network'],
    gradientSizes: [1, 16, 64],
    countLimit: 64,
    jacobianOutputs: { inputs: [1], outputs: [4, 32] },
    jacobianInputs: { outputs: 16, inputs: [1, 16] },
    hessianSizes: [1, 16],
    hessianCountLimit: 20,
    memorySizes: [16, 64],
    stepsPerDecade: 1,
    targets: {
      at: 2000,
      network: { inputs: 8, hidden: 16, batch: 8 },
      peerNetwork: { inputs: 8, hidden: 16, batch: 8 },
      note: 'smoke run: the network is 8 -> 16 tanh -> 1 with batch 8, not the 16 -> 64, batch 32 (and 64 -> 256, batch 64 for the peers) of the targets, and each case runs in one round',
      rounds: 1,
    },
  },
}

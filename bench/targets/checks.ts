import {
  countingOps,
  numeric,
  plain,
  reverse,
  type ScalarFn,
  tapeStats,
  type UnivariateFn,
} from '../../src/index.js'
import type { TargetChecks } from '../report/schema.js'
import { relativeError } from '../run/measure.js'
import type { NetworkShape } from '../workloads/network.js'
import { targetProblem } from './plan.js'

/*
 * The targets that are not times, measured in the generator's own process:
 * deterministic counts and errors, so no fresh process is needed.
 */

/**
 * Reverse mode's tape after one gradient (tapeStats() of that recording),
 * and the ops of one plain evaluation as countingOps counts them.
 */
function tape(workload: 'rosenbrock' | 'network', n: number, shape: NetworkShape) {
  const { f, x } = targetProblem(workload, n, [shape])
  const counter = { ops: 0 }
  f(countingOps(plain, counter), Array.from(x))
  reverse.gradient(f, x)
  const { nodes, edges, bytes } = tapeStats()
  return { workload, n: x.length, nodes, edges, bytes, ops: counter.ops }
}

/** Smooth elementary functions, each at a point where it is far from any singularity. */
const ELEMENTARY: readonly [string, UnivariateFn, number][] = [
  ['sin x at x = 0.7', (m, x) => m.sin(x), 0.7],
  ['exp x at x = 1.3', (m, x) => m.exp(x), 1.3],
  ['log x at x = 2.5', (m, x) => m.log(x), 2.5],
  ['tanh x at x = 0.4', (m, x) => m.tanh(x), 0.4],
  ['sqrt x at x = 3', (m, x) => m.sqrt(x), 3],
  [
    'exp(sin x) sqrt(1 + x^2) at x = 1.3',
    (m, x) => m.mul(m.exp(m.sin(x)), m.sqrt(m.add(1, m.square(x)))),
    1.3,
  ],
]

/** Richardson-extrapolated differences against reverse mode: gradients, then derivatives. */
function richardson(small: number, shape: NetworkShape): TargetChecks['richardson'] {
  const gradients = (['ackley', 'network'] as const).map((workload) => {
    const { f, x } = targetProblem(workload, small, [shape])
    const exact = reverse.gradient(f, x)
    const estimate = numeric.gradient(f, x, { scheme: 'richardson' })
    const title = workload === 'ackley' ? 'Ackley gradient' : 'tanh network gradient'
    return { function: title, n: x.length, error: relativeError(estimate, exact) }
  })
  const derivatives = ELEMENTARY.map(([title, g, x]) => {
    const exact = reverse.derivative(g, x)
    const estimate = numeric.derivative(g, x, { scheme: 'richardson' })
    return { function: title, n: 1, error: relativeError([estimate], [exact]) }
  })
  return [...gradients, ...derivatives]
}

/** Calls of f and ops counted during one central-difference gradient, and the ops of one plain evaluation. */
function evaluations(n: number): TargetChecks['evaluations'][number] {
  const { f, x } = targetProblem('ackley', n, [])
  const plainCount = { ops: 0 }
  f(countingOps(plain, plainCount), Array.from(x))
  const counter = { ops: 0 }
  let calls = 0
  const counted: ScalarFn = (m, xs) => {
    calls++
    return f(countingOps(m, counter), xs)
  }
  numeric.gradient(counted, x, { scheme: 'central' })
  return { workload: 'ackley', n, calls, ops: counter.ops, plainOps: plainCount.ops }
}

/** Every non-timed target measurement; `at` is the n of the tape, `small` that of the Richardson gradients. */
export function targetChecks(
  at: number,
  shape: NetworkShape,
  note: string | null,
  rounds: number,
): TargetChecks {
  const small = 20
  // Richardson differences take up to 20n + 1 evaluations: a small network (n = 57) keeps that short.
  const smallNetwork = { inputs: 4, hidden: 8, batch: 8 }
  return {
    note,
    rounds,
    tape: [tape('rosenbrock', at, shape), tape('network', at, shape)],
    richardson: richardson(small, smallNetwork),
    // Counting every op of 2n + 1 evaluations costs n^2: small sizes suffice.
    evaluations: [evaluations(small), evaluations(10 * small)],
  }
}

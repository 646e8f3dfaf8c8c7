import {
  countingOps,
  forward,
  numeric,
  type OpCounter,
  type Ops,
  plain,
  reverse,
  type ScalarFn,
  tapeStats,
} from '../../src/index.js'
import type { CountCase, HessianCountCase, Strategy } from '../report/schema.js'
import { type ScalarWorkloadName, scalarWorkloads } from '../workloads/index.js'
import { strategies } from './methods.js'

/*
 * Cost as counts of primitive ops, which do not depend on a noisy clock.
 * The user function is wrapped so that every op it applies is counted,
 * (m, x) => f(countingOps(m, counter), x):
 *   forward mode: the ops of its n passes, one direction per pass. Chunked
 *   forward mode (the default) makes ceil(n / k) passes instead, but every op
 *   in them updates k tangents, so its arithmetic still grows like n; the
 *   count of one direction per pass is the honest measure of that work;
 *   finite differences: the ops of its 2n + 1 evaluations (central);
 *   reverse mode: the ops of its one recording plus one multiply-add per
 *   tape edge in the backward pass (tapeStats().edges).
 * Each is divided by the ops of one plain evaluation.
 */

const counted =
  (f: ScalarFn, counter: OpCounter): ScalarFn =>
  (m, x) =>
    f(countingOps(m, counter), x)

/** A workload at `size`, and the ops of one plain evaluation of it. */
function counting(workload: ScalarWorkloadName, size: number) {
  const problem = scalarWorkloads[workload].build(size)
  const once = { ops: 0 }
  counted(problem.f, once)(plain, Array.from(problem.x))
  return { ...problem, plainOps: once.ops }
}

export function countGradient(
  workload: ScalarWorkloadName,
  strategy: Strategy,
  size: number,
): CountCase {
  const { f, x, n, plainOps } = counting(workload, size)
  const counter = { ops: 0 }
  if (strategy === 'forward') forward.gradient(counted(f, counter), x, { chunkSize: 1 })
  else strategies[strategy].gradient(counted(f, counter), x)
  const edges = strategy === 'reverse' ? tapeStats().edges : null
  return {
    workload,
    strategy,
    n,
    plainOps,
    ops: counter.ops,
    edges,
    ratio: (counter.ops + (edges ?? 0)) / plainOps,
  }
}

/*
 * The cost of one Hessian, counted the same way. Reverse and forward mode's
 * Hessians are forward mode over a gradient taken within it (forward over
 * reverse, forward over forward): the outer forward pass, one direction per
 * pass (n passes), is given countingOps(m), so every op of the inner
 * gradient lands on the counter as one op on the outer values: the recording
 * and backward pass of reverse mode, the tangent updates of every inner
 * direction of forward mode. Second differences count the ops of their
 * evaluations of f. Each count is checked against the strategy's own
 * hessian, so what is counted is the Hessian the report times.
 */

const inner = {
  reverse: <T>(m: Ops<T>) => reverse.within(m),
  forward: <T>(m: Ops<T>) => forward.within(m),
} as const

export function countHessian(
  workload: ScalarWorkloadName,
  strategy: Strategy,
  size: number,
): HessianCountCase {
  const { f, x, n, plainOps } = counting(workload, size)
  const counter = { ops: 0 }
  let rows: Float64Array[]
  if (strategy === 'numeric') {
    rows = numeric.hessian(counted(f, counter), x)
  } else {
    const within = inner[strategy]
    rows = forward.jacobian(
      <T>(m: Ops<T>, point: readonly T[]) =>
        Array.from(within(countingOps(m, counter)).gradient(f, point)),
      x,
      { chunkSize: 1 },
    )
  }
  const expected = strategies[strategy].hessian(f, x)
  if (rows.some((row, i) => row.some((h, j) => !Object.is(h, expected[i]?.[j])))) {
    throw new Error(`countHessian: ${strategy} on ${workload} at n = ${n} counted another Hessian`)
  }
  return {
    workload,
    strategy,
    n,
    plainOps,
    ops: counter.ops,
    ratio: counter.ops / plainOps,
  }
}

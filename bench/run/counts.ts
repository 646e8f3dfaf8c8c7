import {
  countingOps,
  forward,
  type OpCounter,
  plain,
  type ScalarFn,
  tapeStats,
} from '../../src/index.js'
import type { CountCase, Strategy } from '../report/schema.js'
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

export function countGradient(
  workload: ScalarWorkloadName,
  strategy: Strategy,
  size: number,
): CountCase {
  const { f, x, n } = scalarWorkloads[workload].build(size)
  const once = { ops: 0 }
  counted(f, once)(plain, Array.from(x))
  const counter = { ops: 0 }
  if (strategy === 'forward') forward.gradient(counted(f, counter), x, { chunkSize: 1 })
  else strategies[strategy].gradient(counted(f, counter), x)
  const edges = strategy === 'reverse' ? tapeStats().edges : null
  return {
    workload,
    strategy,
    n,
    plainOps: once.ops,
    ops: counter.ops,
    edges,
    ratio: (counter.ops + (edges ?? 0)) / once.ops,
  }
}

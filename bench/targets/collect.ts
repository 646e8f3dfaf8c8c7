import type { Plan } from '../config.js'
import type { TargetCase, TargetChecks, TimedCase, Timing } from '../report/schema.js'
import { summarize } from '../run/measure.js'
import { describeTask, runInWorker } from '../run/pool.js'
import { targetReference } from './calls.js'
import { targetChecks } from './checks.js'
import { evaluateTargets } from './evaluate.js'
import { targetJobs } from './plan.js'

/**
 * Runs the performance targets' timed cases, one fresh process per method
 * and workload, `rounds` times over (in alternate order), then their
 * non-timed checks in this process, and judges every target. Each timed case, its samples pooled
 * over the rounds, is reported through `onTimed`, which adds it to the
 * results' timings.
 */
export async function collectTargets(
  plan: Plan,
  progress: (line: string) => void,
  onTimed: (c: TimedCase) => void,
  failures: string[],
): Promise<{ checks: TargetChecks; judge: (timings: readonly TimedCase[]) => TargetCase[] }> {
  const sizes = plan.targets
  const networks = [sizes.network, sizes.peerNetwork]
  const jobs = targetJobs(sizes)
  const rounds = new Map<string, TimedCase[]>()
  for (let round = 1; round <= sizes.rounds; round++) {
    // The sides of every ratio alternate: the jobs run in one order, then in the other.
    const order = round % 2 === 1 ? jobs : [...jobs].reverse()
    for (const [k, job] of order.entries()) {
      const task = {
        kind: 'target' as const,
        ...job,
        networks,
        references: job.series.map(({ workload, sizes: ns }) =>
          ns.map((n) => targetReference(workload, job.method, n, networks)),
        ),
        settings: plan.settings,
      }
      const of = sizes.rounds > 1 ? `, round ${round} of ${sizes.rounds}` : ''
      progress(`targets [${k + 1}/${jobs.length}${of}] ${describeTask(task)} (fresh process)`)
      await runInWorker(task, (message) => {
        if (message.type !== 'timed') return
        const c = message.result
        const key = `${c.workload} ${c.method} ${c.n} ${c.m}`
        rounds.set(key, [...(rounds.get(key) ?? []), c])
      }).catch((e: unknown) => failures.push(String(e)))
    }
  }
  for (const cases of rounds.values()) onTimed(pooled(cases))
  progress('targets: tape bytes, Richardson errors and evaluation counts, in this process')
  const checks = targetChecks(sizes.at, sizes.network, sizes.note, sizes.rounds)
  return {
    checks,
    judge: (timings) => evaluateTargets(timings, checks, sizes),
  }
}

/**
 * One case from its rounds: the samples of all rounds together, with each
 * round's median kept (`processes`) when there were several, or the first
 * round that did not time it (with its reason), so that a case is timed
 * only if every round timed it.
 */
export function pooled(cases: readonly TimedCase[]): TimedCase {
  const first = cases[0] as TimedCase
  const untimed = cases.find((c) => c.timing === null)
  if (untimed !== undefined) return untimed
  const worst = cases.reduce((w, c) =>
    (c.verification?.error ?? 0) > (w.verification?.error ?? 0) ? c : w,
  )
  const timings = cases.map((c) => c.timing as Timing)
  if (cases.length === 1) return { ...first, verification: worst.verification, timing: timings[0] }
  return {
    ...first,
    verification: worst.verification,
    timing: {
      ...summarize(timings.flatMap((t) => t.samples)),
      processes: timings.map((t) => t.median),
    },
  }
}

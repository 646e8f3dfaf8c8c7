import type { Plan } from '../config.js'
import type { TargetCase, TargetChecks, TimedCase } from '../report/schema.js'
import { describeTask, runInWorker } from '../run/pool.js'
import { parameterCount } from '../workloads/network.js'
import { targetReference } from './calls.js'
import { targetChecks } from './checks.js'
import { evaluateTargets } from './evaluate.js'
import { targetJobs } from './plan.js'

/**
 * Runs the performance targets' timed cases, one fresh process per
 * workload and method, then their non-timed checks in this process, and
 * judges every target. Timed cases are reported through `onTimed`, which
 * adds them to the results' timings.
 */
export async function collectTargets(
  plan: Plan,
  progress: (line: string) => void,
  onTimed: (c: TimedCase) => void,
  failures: string[],
): Promise<{ checks: TargetChecks; judge: (timings: readonly TimedCase[]) => TargetCase[] }> {
  const sizes = plan.targets
  const networkSize = parameterCount(sizes.network)
  const jobs = targetJobs(sizes, networkSize)
  for (const [k, job] of jobs.entries()) {
    const task = {
      kind: 'target' as const,
      ...job,
      network: sizes.network,
      references: job.series.map(({ workload, sizes: ns }) =>
        ns.map((n) => targetReference(workload, job.method, n, sizes.network)),
      ),
      settings: plan.settings,
    }
    progress(`targets [${k + 1}/${jobs.length}] ${describeTask(task)} (fresh process)`)
    await runInWorker(task, (message) => {
      if (message.type === 'timed') onTimed(message.result)
    }).catch((e: unknown) => failures.push(String(e)))
  }
  progress('targets: tape bytes, Richardson errors and evaluation counts, in this process')
  const checks = targetChecks(sizes.at, sizes.network, sizes.note)
  return {
    checks,
    judge: (timings) => evaluateTargets(timings, checks, sizes, networkSize),
  }
}

import type { TargetTask, WorkerMessage } from '../run/protocol.js'
import { runSeries } from '../run/series.js'
import { targetCall } from './calls.js'

/**
 * Runs one target task in a worker, workload by workload: each size is checked against its
 * reference, then timed. Every target case is run whatever it costs (the
 * budget is lifted): a target is judged on measurements, never skipped for
 * time.
 */
export async function targetSeries(
  task: TargetTask,
  send: (message: WorkerMessage) => Promise<void>,
): Promise<void> {
  const pending: Promise<void>[] = []
  const settings = { ...task.settings, budgetSeconds: Number.POSITIVE_INFINITY }
  for (const [k, { workload, sizes }] of task.series.entries()) {
    const points = sizes.map((n, i) => ({
      n,
      m: 1,
      size: n,
      build: () => targetCall(workload, task.method, n, task.network),
      values: (r: unknown) => (typeof r === 'number' ? [r] : (r as Float64Array)),
      reference: task.references[k]?.[i] as number[],
    }))
    await runSeries('target', workload, task.method, points, settings, 1, (result) => {
      pending.push(send({ type: 'timed', result }))
    })
  }
  await Promise.all(pending)
}

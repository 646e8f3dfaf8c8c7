import { relativeError, summarize } from '../run/measure.js'
import { TOLERANCE } from '../run/methods.js'
import type { TargetTask, WorkerMessage } from '../run/protocol.js'
import { runSeries } from '../run/series.js'
import { coldCompile, targetCall } from './calls.js'

/**
 * Runs one target task in a worker, workload by workload: each size is
 * checked against its reference, then timed. Every target case is run
 * whatever it costs (the budget is lifted): a target is judged on
 * measurements, never skipped for time. A cold compile is timed once, the
 * first thing its process does.
 */
export async function targetSeries(
  task: TargetTask,
  send: (message: WorkerMessage) => Promise<void>,
): Promise<void> {
  if (task.method === 'compile') return coldCompiles(task, send)
  const pending: Promise<void>[] = []
  const settings = { ...task.settings, budgetSeconds: Number.POSITIVE_INFINITY }
  for (const [k, { workload, sizes }] of task.series.entries()) {
    const points = sizes.map((n, i) => ({
      n,
      m: 1,
      size: n,
      build: () => targetCall(workload, task.method, n, task.networks),
      values: (r: unknown) => (typeof r === 'number' ? [r] : (r as Float64Array)),
      reference: task.references[k]?.[i] as number[],
    }))
    await runSeries('target', workload, task.method, points, settings, 1, (result) => {
      pending.push(send({ type: 'timed', result }))
    })
  }
  await Promise.all(pending)
}

/** The task's cold compile: one timing of one call, checked against the reference. */
async function coldCompiles(
  task: TargetTask,
  send: (message: WorkerMessage) => Promise<void>,
): Promise<void> {
  const [series] = task.series
  const n = series?.sizes[0]
  if (series === undefined || n === undefined || task.series.length !== 1) {
    throw new Error('targetSeries: a cold compile is one workload at one size per process.')
  }
  const { seconds, gradient } = coldCompile(series.workload, n, task.networks)
  const error = relativeError(gradient, task.references[0]?.[0] as number[])
  const verification = { error, tolerance: TOLERANCE.compile, against: 'reverse mode' }
  const base = { suite: 'target' as const, workload: series.workload, method: task.method, n, m: 1 }
  if (!(error <= verification.tolerance)) {
    const reason = `failed: off by ${error} against reverse mode (tolerance ${verification.tolerance})`
    await send({
      type: 'timed',
      result: { ...base, status: 'failed', reason, verification, timing: null },
    })
    return
  }
  const timing = summarize([seconds])
  await send({
    type: 'timed',
    result: { ...base, status: 'measured', reason: null, verification, timing },
  })
}

import { type ScalarFn, tapeStats } from '../../src/index.js'
import type { MemoryCase } from '../report/schema.js'
import { scalarWorkloads } from '../workloads/index.js'
import { strategies } from './methods.js'
import type { MemoryTask } from './protocol.js'

const collect = (): void => {
  const gc = (globalThis as { gc?: () => void }).gc
  if (gc === undefined)
    throw new Error('memory: run the worker with --expose-gc to measure live memory.')
  // Repeated: objects with finalizers or weak references need a second pass.
  gc()
  gc()
}

const live = (): number => {
  const usage = process.memoryUsage()
  return usage.heapUsed + usage.arrayBuffers
}

/** Thrown by the probe to end a forward-mode or finite-difference gradient after its first evaluation. */
class FirstEvaluationDone extends Error {}

/**
 * One gradient in this (fresh) process, measuring what it must keep alive.
 * At the end of f's first evaluation, a full GC leaves only what is still
 * reachable: for reverse mode, every partial on the tape, kept for the
 * backward pass; for forward mode and finite differences, little beyond the
 * current values. Those two repeat the same evaluation n (or 2n + 1) times
 * and keep nothing between them, so their gradient is stopped after the
 * first: that is what lets them be measured at every n, where a whole
 * gradient would take minutes. The process's peak resident set is read
 * afterwards.
 */
export function measureMemory(task: MemoryTask): MemoryCase {
  const { f, x, n } = scalarWorkloads[task.workload].build(task.n)
  const stopEarly = task.method !== 'reverse'
  let liveBytes: number | null = null
  let baseline = 0
  const probed: ScalarFn = (m, p) => {
    const out = f(m, p)
    if (liveBytes === null) {
      collect()
      liveBytes = live() - baseline
      if (stopEarly) throw new FirstEvaluationDone()
    }
    return out
  }
  // One gradient at the smallest size first, so that compiling the code is
  // not counted; the tape it leaves is far smaller than the one measured.
  const small = scalarWorkloads[task.workload].build(1)
  strategies[task.method].gradient(small.f, small.x)
  collect()
  const baselineRssBytes = process.memoryUsage().rss
  baseline = live()
  try {
    strategies[task.method].gradient(probed, x)
  } catch (e) {
    if (!(e instanceof FirstEvaluationDone)) throw e
  }
  const peakRssBytes = process.resourceUsage().maxRSS * 1024
  const tape = task.method === 'reverse' ? tapeStats() : null
  const common = {
    workload: task.workload,
    method: task.method,
    n,
    status: 'measured' as const,
    scope: stopEarly ? ('first evaluation' as const) : ('whole gradient' as const),
    peakRssBytes,
    baselineRssBytes,
    tape,
  }
  // The heap after a full GC can be smaller than before the evaluation, by up
  // to 0.4 MB in the reports of 2026-11-26 (memory live at the baseline and
  // freed by the time of the measurement; not traced further), so sizes
  // below that are within the noise, and a negative one is reported as
  // unresolved rather than as a number.
  const measured = liveBytes as number | null
  if (measured === null || measured < 0) {
    return {
      ...common,
      reason: `live memory below what this measure resolves: the heap after a full GC was ${measured === null ? 'not read' : `${-measured} bytes smaller`} than before the evaluation`,
      liveBytes: null,
    }
  }
  return { ...common, reason: null, liveBytes: measured }
}

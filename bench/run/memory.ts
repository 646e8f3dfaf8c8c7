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

/**
 * One gradient in this (fresh) process, measuring what it must keep alive.
 * At the end of f's first evaluation, a full GC leaves only what is still
 * reachable: for reverse mode, every partial on the tape, kept for the
 * backward pass; for forward mode and finite differences, little beyond the
 * current values. The process's peak resident set is read afterwards.
 */
export function measureMemory(task: MemoryTask): MemoryCase {
  const { f, x, n } = scalarWorkloads[task.workload].build(task.n)
  let liveBytes: number | null = null
  let baseline = 0
  const probed: ScalarFn = (m, p) => {
    const out = f(m, p)
    if (liveBytes === null) {
      collect()
      liveBytes = live() - baseline
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
  strategies[task.method].gradient(probed, x)
  const peakRssBytes = process.resourceUsage().maxRSS * 1024
  const tape = task.method === 'reverse' ? tapeStats() : null
  return {
    workload: task.workload,
    method: task.method,
    n,
    status: 'measured',
    reason: null,
    liveBytes,
    peakRssBytes,
    baselineRssBytes,
    tape,
  }
}

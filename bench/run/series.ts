import type { Method, TimedCase, Verification } from '../report/schema.js'
import { estimateSeconds, relativeError, timeCall } from './measure.js'
import { METHOD_LABEL, TOLERANCE } from './methods.js'
import type { TimeSettings } from './protocol.js'

/** One point of a timed series: its sizes, how to build its call, and the reference result. */
export interface SeriesPoint {
  readonly n: number
  readonly m: number
  /** The dimension that grows along the series. */
  readonly size: number
  /** Builds the call to time (setup is not timed). */
  readonly build: () => Promise<() => unknown>
  /** The numbers of a call's result, in the reference's order. */
  readonly values: (result: unknown) => ArrayLike<number>
  readonly reference: ArrayLike<number>
  /** The tolerance and the reference's origin, where they are not TOLERANCE[method] and reverse mode. */
  readonly tolerance?: number
  readonly against?: string
}

const seconds = (s: number) => (s < 1 ? `${(s * 1e3).toPrecision(3)} ms` : `${s.toPrecision(3)} s`)

/**
 * Runs a series of cases in ascending size: each is first verified against
 * its reference, then timed with benny, unless the time per call expected
 * from the sizes already measured exceeds the budget. Then it and every
 * larger case are reported as not run, with the reason.
 */
export async function runSeries(
  suite: TimedCase['suite'],
  workload: string,
  method: Method,
  points: readonly SeriesPoint[],
  settings: TimeSettings,
  exponent: number,
  report: (result: TimedCase) => void,
): Promise<void> {
  const measured: { size: number; seconds: number }[] = []
  let skip: string | null = null
  for (const point of points) {
    const base = { suite, workload, method, n: point.n, m: point.m }
    const expected = estimateSeconds(measured, point.size, exponent)
    // Only series whose cost grows faster than linearly are cut by the
    // budget: the linear ones (reverse-mode gradients, the peers) run to
    // the largest size, which is what their comparison is about.
    if (skip === null && exponent > 1 && expected > settings.budgetSeconds) {
      const last = measured[measured.length - 1] as { size: number; seconds: number }
      skip = `not run: over the budget of ${seconds(settings.budgetSeconds)} per call, expected from ${seconds(last.seconds)} at size ${last.size.toLocaleString('en-US')} with time growing like size^${exponent}`
    }
    if (skip !== null) {
      report({ ...base, status: 'skipped', reason: skip, verification: null, timing: null })
      continue
    }
    let call: () => unknown
    let verification: Verification
    let firstCall = 0
    try {
      call = await point.build()
      const started = performance.now()
      const result = call()
      firstCall = (performance.now() - started) / 1e3
      const error = relativeError(point.values(result), point.reference)
      verification = {
        error,
        tolerance: point.tolerance ?? TOLERANCE[method],
        against: point.against ?? 'reverse mode',
      }
    } catch (e) {
      const reason = `failed: ${e instanceof Error ? e.message : String(e)}`
      report({ ...base, status: 'failed', reason, verification: null, timing: null })
      continue
    }
    if (!(verification.error <= verification.tolerance)) {
      const reason = `failed: ${METHOD_LABEL[method]} differs from ${verification.against} by ${verification.error.toExponential(2)} (tolerance ${verification.tolerance})`
      report({ ...base, status: 'failed', reason, verification, timing: null })
      continue
    }
    // A first call pays for compilation (and tfjs for its kernels): if it
    // looks over budget, a second call decides.
    const warmCall = firstCall > settings.budgetSeconds ? timeOnce(call) : firstCall
    if (warmCall > settings.budgetSeconds * 4) {
      skip = `not run: one call took ${seconds(warmCall)}, over the budget of ${seconds(settings.budgetSeconds)} per call`
      report({ ...base, status: 'skipped', reason: skip, verification, timing: null })
      continue
    }
    const timing = await timeCall(
      `${suite} ${workload} ${method} n=${point.n} m=${point.m}`,
      call,
      settings,
    )
    measured.push({ size: point.size, seconds: timing.median })
    report({ ...base, status: 'measured', reason: null, verification, timing })
  }
}

function timeOnce(call: () => unknown): number {
  const started = performance.now()
  call()
  return (performance.now() - started) / 1e3
}

import type { Timing } from '../report/schema.js'
import type { TimeSettings } from './protocol.js'

let sink: unknown

/** Times `call` with one benny suite; returns seconds per call over its samples. */
export async function timeCall(
  name: string,
  call: () => unknown,
  s: TimeSettings,
): Promise<Timing> {
  // Loaded here, not at the top: benny (with benchmark.js and lodash) takes
  // half a second to load, which the memory workers need not pay.
  const { default: b } = await import('benny')
  // A short warm-up, so that the first case of a fresh process is timed on
  // optimized code like the others.
  const warmUntil = performance.now() + s.minTime * 3e3
  do sink = call()
  while (performance.now() < warmUntil)
  const options = { minSamples: s.minSamples, maxTime: s.maxTime, minTime: s.minTime }
  const summary = await b.suite(
    name,
    b.add(
      name,
      () => {
        sink = call()
      },
      options,
    ),
    b.cycle(() => undefined),
  )
  const result = summary.results[0]
  if (result === undefined || result.samples === 0) {
    throw new Error(`timeCall(${name}): benny returned no samples.`)
  }
  return summarize(result.details.sampleResults)
}

export function summarize(samples: readonly number[]): Timing {
  const sorted = [...samples].sort((a, b) => a - b)
  return {
    median: quantile(sorted, 0.5),
    p25: quantile(sorted, 0.25),
    p75: quantile(sorted, 0.75),
    min: sorted[0] as number,
    max: sorted[sorted.length - 1] as number,
    samples: [...samples],
  }
}

/** Linear interpolation between order statistics (the usual "type 7" quantile). */
function quantile(sorted: readonly number[], q: number): number {
  const at = (sorted.length - 1) * q
  const lo = Math.floor(at)
  const hi = Math.ceil(at)
  return (sorted[lo] as number) + ((sorted[hi] as number) - (sorted[lo] as number)) * (at - lo)
}

/** The value last returned by a timed call, kept so that the call cannot be optimized away. */
export function lastResult(): unknown {
  return sink
}

/**
 * max_i |g_i - r_i| / max(1, max_i |r_i|): an error relative to the
 * reference's scale, so large gradients are compared in their own units.
 */
export function relativeError(g: ArrayLike<number>, reference: ArrayLike<number>): number {
  if (g.length !== reference.length) return Number.POSITIVE_INFINITY
  let scale = 1
  for (let i = 0; i < reference.length; i++)
    scale = Math.max(scale, Math.abs(reference[i] as number))
  let error = 0
  for (let i = 0; i < g.length; i++) {
    const d = Math.abs((g[i] as number) - (reference[i] as number))
    error = Number.isNaN(d) ? Number.POSITIVE_INFINITY : Math.max(error, d)
  }
  return error / scale
}

/**
 * The time a case is expected to take, from the last measured size of its
 * series and the exponent of its cost model (time ~ size^exponent). It only
 * decides what to skip; it is never reported as a measurement.
 */
export function estimateSeconds(
  measured: readonly { size: number; seconds: number }[],
  size: number,
  exponent: number,
): number {
  const last = measured[measured.length - 1]
  return last === undefined ? 0 : last.seconds * (size / last.size) ** exponent
}

import type { Timing } from '../report/schema.js'
import type { TimeSettings } from './protocol.js'

let sink: unknown

/**
 * Times `call` with one benny suite; returns seconds per call over its
 * samples, and the machine probe's time just before and just after them.
 */
export async function timeCall(
  name: string,
  call: () => unknown,
  s: TimeSettings,
): Promise<Timing> {
  const before = probe()
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
  const after = probe()
  return { ...summarize(result.details.sampleResults), probe: (before + after) / 2 }
}

const PROBE = new Float64Array(1 << 16).map((_, i) => Math.sin(i))

/** One pass of the probe: a strided multiply-add over PROBE's 512 KiB. */
function probePass(): number {
  let total = 0
  for (let i = 0; i < PROBE.length; i++) {
    total += (PROBE[i] as number) * (PROBE[(i * 7) & 0xffff] as number)
  }
  return total
}

/**
 * Seconds for a fixed CPU-bound loop (40 passes of `probePass`; the median
 * of five, after 40 passes that let V8 optimize it): the same work in every
 * process, so its time says how fast the machine ran then. A gradient run
 * on the machine's other core slowed it 1.6x; a compute-only loop there
 * only up to 1.2x, though that loop slowed the dot network's gradient 1.6x
 * (bench/NOTES.md). So a slow probe means a slowed machine, and a fast one
 * does not rule it out.
 */
export function probe(): number {
  const times: number[] = []
  for (let rep = 0; rep < 6; rep++) {
    const started = performance.now()
    let total = 0
    for (let pass = 0; pass < 40; pass++) total += probePass()
    sink = total
    if (rep > 0) times.push((performance.now() - started) / 1e3)
  }
  return times.sort((a, b) => a - b)[2] as number
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

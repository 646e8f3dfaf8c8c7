/*
 * Timing helpers of the scripts in bench/perf: each script times one case per
 * process and compares medians of the processes' medians.
 */

/** The value after `--name` on the command line, or `fallback`. */
export function argument(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback
}

/** Median seconds per call of `run`, after warming up for `warmupMs`; samples last at least 2 ms. */
export function timePerCall(run: () => void, warmupMs: number, measureMs: number): number {
  let start = performance.now()
  let calls = 0
  while (performance.now() - start < warmupMs) {
    run()
    calls++
  }
  const perSample = Math.max(1, Math.ceil((2 * calls) / warmupMs))
  const samples: number[] = []
  start = performance.now()
  while (performance.now() - start < measureMs) {
    const t0 = performance.now()
    for (let r = 0; r < perSample; r++) run()
    samples.push((performance.now() - t0) / perSample / 1e3)
  }
  return median(samples)
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2
}

/** Seconds as ms or us, for the scripts' lines. */
export function fmt(seconds: number): string {
  return seconds >= 1e-3 ? `${(seconds * 1e3).toFixed(2)} ms` : `${(seconds * 1e6).toFixed(1)} us`
}

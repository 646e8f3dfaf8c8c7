import { describe } from '../core/describe.js'
import { invalidOption } from '../core/errors.js'
import { optionsOf } from '../core/options.js'

/** Options of forward mode's `gradient`, `valueAndGradient`, `jacobian` and `vjp`. */
export interface ForwardOptions {
  /**
   * Directions carried per pass, k: a gradient of f: R^n -> R or the Jacobian
   * of F: R^n -> R^m takes ceil(n / k) passes, each costing one evaluation
   * plus k multiply-adds per op whose inputs depend on the pass's directions.
   * A positive integer; values above n mean n (one pass). Every dual of a
   * pass keeps its k tangents until the pass ends (8 k bytes each, in storage
   * kept for later calls), so a large k on a long function costs memory.
   * Default: automatic, see `automaticLanes`.
   */
  readonly chunkSize?: number
}

/*
 * The automatic chunk size. A pass costs one evaluation on duals (objects,
 * values, partials) plus k multiply-adds per op that depends on its
 * directions, so more lanes mean fewer passes for the same tangent work; but
 * every dual of a pass keeps its k tangents until the pass ends, 8 k bytes
 * each. Measured on bench/perf/forward-chunk.ts (a function whose every value
 * depends on every input): at n = 2,000 time kept falling up to k = 128
 * (6 MB of tangents); at n = 10,000, k = 64 and 128 (15 and 31 MB) were
 * equally fast and k = 256 (61 MB) was a third slower. So a chunk is capped
 * at 64 lanes and at 16 MiB of tangents per pass, whichever is fewer.
 */

/** The largest automatic chunk. */
export const MAX_AUTOMATIC_LANES = 64

/** Bytes of tangent storage an automatic chunk may fill in one pass. */
export const STORAGE_BUDGET = 16 * 2 ** 20

/** The chunk size of the options, or undefined for automatic. */
export function chunkSizeOption(label: string, options: unknown): number | undefined {
  const { chunkSize } = optionsOf(label, options, ['chunkSize'], '{ chunkSize: 8 }') ?? {}
  if (chunkSize === undefined) return undefined
  if (typeof chunkSize !== 'number' || !Number.isInteger(chunkSize) || chunkSize < 1) {
    const message = `${label}: options.chunkSize must be a positive integer, got ${describe(chunkSize)}.`
    throw invalidOption(chunkSize, message)
  }
  return chunkSize
}

/**
 * Runs the passes that cover the n unit directions, calling `run(first,
 * lanes)` for each chunk e_first, ..., e_(first+lanes-1); `run` returns how
 * many duals of its pass held tangents. With no inputs, one pass of one lane
 * (which seeds nothing) still gives the value.
 */
export function forEachChunk(
  n: number,
  chunkSize: number | undefined,
  run: (first: number, lanes: number) => number,
): void {
  if (n === 0) {
    run(0, 1)
    return
  }
  if (chunkSize !== undefined) {
    for (let first = 0; first < n; first += chunkSize) run(first, Math.min(chunkSize, n - first))
    return
  }
  // The first pass carries one direction and measures the function; then the
  // chunk size fits the largest number of tangent-holding duals seen so far.
  let duals = 1
  for (let first = 0; first < n; ) {
    const lanes = first === 0 ? 1 : automaticLanes(n - first, duals)
    duals = Math.max(duals, run(first, lanes))
    first += lanes
  }
}

/**
 * The automatic chunk size for `remaining` directions when a pass makes
 * `duals` duals with tangents: as many lanes as keep the pass's tangent
 * storage (8 bytes x duals x lanes) within STORAGE_BUDGET, at most
 * MAX_AUTOMATIC_LANES, then evened out so that the passes carry equal chunks
 * (ForwardDiff.jl evens its chunks the same way).
 */
export function automaticLanes(remaining: number, duals: number): number {
  const fits = Math.floor(STORAGE_BUDGET / (8 * Math.max(1, duals)))
  const most = Math.max(1, Math.min(MAX_AUTOMATIC_LANES, fits))
  const passes = Math.ceil(remaining / most)
  return Math.ceil(remaining / passes)
}

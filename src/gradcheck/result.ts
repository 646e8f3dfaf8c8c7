/** One compared number: an entry of the Jacobian, or in fast mode the projection u^T J v. */
export interface GradcheckEntry {
  /** The strategy whose derivative was compared with central differences. */
  readonly strategy: 'forward' | 'reverse'
  /** The output index i of d F_i / d x_j (0 for a scalar f); null in fast mode. */
  readonly output: number | null
  /** The input index j of d F_i / d x_j; null in fast mode. */
  readonly input: number | null
  /** The derivative from the strategy. */
  readonly analytic: number
  /** The derivative from central differences. */
  readonly numeric: number
  /** |analytic - numeric| (NaN if either is NaN). */
  readonly error: number
  /** atol + rtol |numeric|: the largest error that passes. */
  readonly tolerance: number
}

/** What {@link gradcheck} found: a verdict, the worst entry and a message. */
export interface GradcheckResult {
  /** Whether every compared number was within its tolerance. */
  readonly ok: boolean
  /** `'full'` (every entry of J) or `'fast'` (one projection u^T J v), as `options.fast` chose. */
  readonly mode: 'full' | 'fast'
  /** The entry with the largest error relative to its tolerance; null if there was nothing to compare. */
  readonly worst: GradcheckEntry | null
  /** How many numbers were compared: 2 m n in full mode (both strategies), 2 in fast mode. */
  readonly checked: number
  /** How many of them were outside their tolerance. */
  readonly failed: number
  /** One line for people: what was compared and how the worst entry fared. */
  readonly message: string
}

const passes = (e: GradcheckEntry) => e.error <= e.tolerance

/** How far past its tolerance an entry is; NaN counts as the worst possible. */
const badness = (e: GradcheckEntry) => {
  const ratio = e.error / e.tolerance
  return Number.isNaN(ratio) ? Number.POSITIVE_INFINITY : ratio
}

function where(e: GradcheckEntry): string {
  return e.output === null ? 'u^T J v' : `dF${e.output}/dx${e.input}`
}

export function summarize(
  mode: 'full' | 'fast',
  entries: readonly GradcheckEntry[],
): GradcheckResult {
  let worst: GradcheckEntry | null = null
  let failed = 0
  for (const e of entries) {
    if (!passes(e)) failed++
    if (worst === null || badness(e) > badness(worst)) worst = e
  }
  const ok = failed === 0
  const message =
    worst === null
      ? 'gradcheck: nothing to compare (no inputs or no outputs).'
      : `gradcheck: ${ok ? 'passed' : `${failed} of ${entries.length} failed`}; worst ${where(worst)} from ${worst.strategy}: ${worst.analytic} vs central difference ${worst.numeric} (error ${worst.error} ${passes(worst) ? '<=' : '>'} tolerance ${worst.tolerance}).`
  return { ok, mode, worst, checked: entries.length, failed, message }
}

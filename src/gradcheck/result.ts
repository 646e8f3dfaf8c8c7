/** What computed a derivative: gradlab's forward or reverse mode, or your `gradient`, `vjp` or `jvp`. */
export type GradcheckSource = 'forward' | 'reverse' | 'gradient' | 'vjp' | 'jvp'

/** What a derivative was compared with: central differences, or gradlab's exact forward or reverse mode. */
export type GradcheckReference = 'central' | 'forward' | 'reverse'

/** One compared number: an entry of the Jacobian, or in fast mode the projection u^T J v. */
export interface GradcheckEntry {
  /**
   * What computed `analytic`: `'forward'` or `'reverse'` mode when gradcheck
   * checks gradlab's derivatives of your function, or your own `'gradient'`,
   * `'vjp'` or `'jvp'` (the option of that name).
   */
  readonly strategy: GradcheckSource
  /**
   * What `analytic` was compared with: always `'central'` differences for
   * gradlab's own modes; for yours, `'central'`, `'forward'` or `'reverse'`
   * (each entry of yours is compared with all three).
   */
  readonly reference: GradcheckReference
  /** The output index i of d F_i / d x_j (0 for a scalar f); null in fast mode. */
  readonly output: number | null
  /** The input index j of d F_i / d x_j; null in fast mode. */
  readonly input: number | null
  /** The derivative under test, from `strategy`. */
  readonly analytic: number
  /**
   * The derivative it was compared with, from `reference`: the central
   * difference, or for your own derivatives also forward or reverse mode's.
   */
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
  /**
   * How many numbers were compared. For gradlab's own modes, 2 m n in full
   * mode and 2 in fast mode (forward and reverse, each against central
   * differences); for each derivative of yours, 3 m n and 3 (against central
   * differences, forward and reverse mode).
   */
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

const SOURCE: Readonly<Record<GradcheckSource, string>> = {
  forward: 'forward',
  reverse: 'reverse',
  gradient: 'your gradient',
  vjp: 'your vjp',
  jvp: 'your jvp',
}

const REFERENCE: Readonly<Record<GradcheckReference, string>> = {
  central: 'central difference',
  forward: 'forward mode',
  reverse: 'reverse mode',
}

/** The entry's name: df/dx_j for a scalar f, dF_i/dx_j for a vector F, u^T J v in fast mode. */
function where(e: GradcheckEntry, scalar: boolean): string {
  if (e.output === null) return 'u^T J v'
  return scalar ? `df/dx${e.input}` : `dF${e.output}/dx${e.input}`
}

/** The verdict on `entries`; `scalar` says whether f returned one number rather than an array. */
export function summarize(
  mode: 'full' | 'fast',
  entries: readonly GradcheckEntry[],
  scalar: boolean,
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
      : `gradcheck: ${ok ? 'passed' : `${failed} of ${entries.length} failed`}; worst ${where(worst, scalar)} from ${SOURCE[worst.strategy]}: ${worst.analytic} vs ${REFERENCE[worst.reference]} ${worst.numeric} (error ${worst.error} ${passes(worst) ? '<=' : '>'} tolerance ${worst.tolerance}).`
  return { ok, mode, worst, checked: entries.length, failed, message }
}

/**
 * Step sizes for finite differences.
 *
 * A difference quotient has two errors: truncation, from the Taylor terms it
 * drops, which shrinks with the step h, and rounding, from subtracting two
 * nearly equal values of f, which grows like eps |f| / h. Balancing them
 * (Numerical Recipes, 3rd ed., section 5.7) gives
 *   forward  (f(x + h) - f(x)) / h:           h ~ eps^(1/2) |x|, error ~ eps^(1/2) ~ 1e-8;
 *   central  (f(x + h) - f(x - h)) / (2h):    h ~ eps^(1/3) |x|, error ~ eps^(2/3) ~ 4e-11;
 * relative to the scale of f and its derivatives. gradlab scales h by
 * max(1, |x|) so that a point near 0 still gets a usable absolute step.
 */

export type Scheme = 'central' | 'forward'

export interface NumericOptions {
  /** `'central'` (default): error O(h^2), two evaluations per direction. `'forward'`: error O(h), one more evaluation in all. */
  readonly scheme?: Scheme
  /**
   * A fixed step h for every coordinate. Default: eps^(1/3) max(1, |x_i|)
   * for central differences and eps^(1/2) max(1, |x_i|) for forward ones.
   */
  readonly step?: number
}

const EPS = Number.EPSILON

/** The default relative step of each scheme: the cube root or square root of machine epsilon. */
export const DEFAULT_RELATIVE_STEP: Readonly<Record<Scheme, number>> = {
  central: Math.cbrt(EPS),
  forward: Math.sqrt(EPS),
}

/** The step for coordinate value `x` under the options. */
export function stepFor(x: number, scheme: Scheme, step: number | undefined): number {
  return step ?? DEFAULT_RELATIVE_STEP[scheme] * Math.max(1, Math.abs(x))
}

/**
 * The step actually taken from x: `(x + h) - x`, which is exactly
 * representable, so the quotient divides by the distance the argument really
 * moved (Numerical Recipes, eq. 5.7.4).
 */
export function representableStep(x: number, h: number): number {
  return x + h - x
}

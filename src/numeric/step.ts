import { describe } from '../core/describe.js'
import { gradlabError, invalidOption } from '../core/errors.js'
import { optionsOf } from '../core/options.js'
import type { Settings } from './differences.js'

/**
 * Step sizes for finite differences.
 *
 * A difference quotient has two errors: truncation, from the Taylor terms it
 * drops, which shrinks with the step h, and rounding, from subtracting two
 * nearly equal values of f, which grows like eps |f| / h. Balancing them
 * (Numerical Recipes, 3rd ed., section 5.7) gives
 *   forward  (f(x + h) - f(x)) / h:           h ~ eps^(1/2) |x|, error ~ eps^(1/2) ~ 1e-8;
 *   central  (f(x + h) - f(x - h)) / (2h):    h ~ eps^(1/3) |x|, error ~ eps^(2/3) ~ 4e-11;
 * relative to the scale of f and its derivatives. Richardson extrapolation
 * (Ridders' method, section 5.7 of the same book; see richardson.ts) starts
 * from a large step, h = 0.1 |x|, where truncation dominates, and cancels the
 * truncation error instead of balancing it: about 1e-13 relative on smooth
 * functions, for 4 to 20 evaluations per derivative (8 to 20 measured).
 * gradlab scales h by max(1, |x|) so that a point near 0 still gets a usable
 * absolute step.
 */

/** The difference quotient of `numeric`: see {@link NumericOptions}. */
export type Scheme = 'central' | 'forward' | 'richardson'

/** Options of every `numeric` method. Both fields are optional. */
export interface NumericOptions {
  /**
   * - `'central'` (default): `(f(x + h) - f(x - h)) / 2h`, error O(h^2), about
   *   1e-10 relative in practice; 2 evaluations per direction.
   * - `'forward'`: `(f(x + h) - f(x)) / h`, error O(h), about 1e-8; 1
   *   evaluation per direction and 1 at x.
   * - `'richardson'`: central differences at shrinking steps, extrapolated to
   *   h = 0 (Ridders' method), about 1e-13 relative on functions smooth
   *   within the first step; 4 to 20 evaluations per direction
   *   (8 to 20 measured).
   */
  readonly scheme?: Scheme
  /**
   * A fixed step h for every coordinate (for `'richardson'`, the first and
   * largest step). Default: eps^(1/3) max(1, |x_i|) for central differences,
   * eps^(1/2) max(1, |x_i|) for forward ones and 0.1 max(1, |x_i|) for
   * Richardson extrapolation, which needs f to be defined and smooth that far
   * from x.
   */
  readonly step?: number
}

const EPS = Number.EPSILON

/**
 * The default relative step of each scheme: the cube root or square root of
 * machine epsilon, and for Richardson extrapolation a step over which f
 * changes substantially, as Numerical Recipes advises; 0.1 gave 1e-14 to
 * 3e-14 relative error on sin, exp, log, atan, tanh, sqrt and x^5 at points
 * from 0.25 to 100, where 0.5 was too coarse (3e-3) and 0.05 less accurate
 * (3e-13).
 */
export const DEFAULT_RELATIVE_STEP: Readonly<Record<Scheme, number>> = {
  central: Math.cbrt(EPS),
  forward: Math.sqrt(EPS),
  richardson: 0.1,
}

/** The step for coordinate value `x` under the options. */
export function stepFor(x: number, scheme: Scheme, step: number | undefined): number {
  return step ?? DEFAULT_RELATIVE_STEP[scheme] * Math.max(1, Math.abs(x))
}

/** The options checked, with the defaults filled in: errors name `label`. */
export function settings(label: string, options: NumericOptions | undefined): Settings {
  const given = optionsOf(label, options, ['scheme', 'step'], "{ scheme: 'forward' }")
  if (given === undefined) return { scheme: 'central', step: undefined, label }
  const { scheme = 'central', step } = given
  if (scheme !== 'central' && scheme !== 'forward' && scheme !== 'richardson') {
    throw gradlabError(
      TypeError,
      'ERR_GRADLAB_INVALID_OPTIONS',
      `${label}: options.scheme must be 'central', 'forward' or 'richardson', got ${describe(scheme)}. Use 'central' (the default) for about 1e-10 relative accuracy, 'forward' for fewer evaluations, or 'richardson' for about 1e-13 at 4 to 20 evaluations per input.`,
    )
  }
  if (step !== undefined && !(typeof step === 'number' && step > 0 && Number.isFinite(step))) {
    const message = `${label}: options.step must be a positive finite number, got ${describe(step)}.`
    throw invalidOption(step, message)
  }
  return { scheme, step, label }
}

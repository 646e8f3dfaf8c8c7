import { describe } from '../core/describe.js'

/** Options of `gradcheck`. Every field is optional; the defaults suit float64. */
export interface GradcheckOptions {
  /**
   * Relative tolerance. An entry passes when
   * |analytic - numeric| <= atol + rtol |numeric|. Default 1e-6: central
   * differences are accurate to about eps^(2/3) ~ 4e-11 of the scale of f,
   * so this leaves four orders of magnitude for curvature and cancellation
   * while a wrong derivative (off by O(1)) still fails.
   */
  readonly rtol?: number
  /** Absolute tolerance, for derivatives near 0. Default 1e-8. */
  readonly atol?: number
  /**
   * Check one random projection u^T J v instead of every entry of J. It costs
   * one forward pass, one recording and backward pass, and two evaluations,
   * whatever the size of J. Default false.
   */
  readonly fast?: boolean
  /** Seed of the random u and v of the fast mode, so a check can be replayed. Default 0. */
  readonly seed?: number
}

export interface Settings {
  readonly rtol: number
  readonly atol: number
  readonly fast: boolean
  readonly seed: number
}

export const DEFAULTS: Settings = { rtol: 1e-6, atol: 1e-8, fast: false, seed: 0 }

function tolerance(name: 'rtol' | 'atol', value: unknown): number {
  if (value === undefined) return DEFAULTS[name]
  if (typeof value !== 'number' || !(value >= 0) || !Number.isFinite(value)) {
    throw new RangeError(
      `gradcheck: options.${name} must be a non-negative finite number (got ${describe(value)}). Pass a tolerance such as ${DEFAULTS[name]}, or leave it out for that default.`,
    )
  }
  return value
}

/** Checks the options and fills in the defaults. */
export function settings(options: unknown): Settings {
  if (options === undefined) return DEFAULTS
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new TypeError(
      `gradcheck: options must be an object (got ${describe(options)}). Pass { rtol, atol, fast, seed }, or leave it out.`,
    )
  }
  const { rtol, atol, fast = false, seed = 0 } = options as Record<string, unknown>
  if (typeof fast !== 'boolean') {
    throw new TypeError(
      `gradcheck: options.fast must be a boolean (got ${describe(fast)}). Pass true or false.`,
    )
  }
  if (typeof seed !== 'number' || !Number.isInteger(seed)) {
    throw new TypeError(
      `gradcheck: options.seed must be an integer (got ${describe(seed)}). Pass the seed of a check to replay it.`,
    )
  }
  return { rtol: tolerance('rtol', rtol), atol: tolerance('atol', atol), fast, seed }
}

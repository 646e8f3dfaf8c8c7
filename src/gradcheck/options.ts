import { describe } from '../core/describe.js'
import { gradlabError, invalidOption } from '../core/errors.js'
import { optionsOf } from '../core/options.js'

/**
 * A point as your own derivative receives it: a fresh array of numbers, one
 * per input (yours to change), typed as a tuple when the point `X` is one, so
 * that `([a, b]) => [...]` type-checks under `noUncheckedIndexedAccess`.
 */
export type GradcheckPoint<X = ArrayLike<number>> = X extends readonly number[]
  ? { -readonly [K in keyof X]: number }
  : number[]

/**
 * Options of `gradcheck`. Every field is optional; the defaults suit float64.
 * Without `gradient`, `vjp` or `jvp`, gradcheck checks gradlab's forward and
 * reverse mode on your function; with any of them it checks yours instead.
 */
export interface GradcheckOptions<X = ArrayLike<number>> {
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
   * one forward pass, one recording and backward pass, two evaluations, and
   * one call of each derivative of yours, whatever the size of J. Default false.
   */
  readonly fast?: boolean
  /** Seed of the random u and v of the fast mode, so a check can be replayed. Default 0. */
  readonly seed?: number
  /**
   * Your gradient of a scalar f: x => [df/dx_0, ..., df/dx_(n-1)], checked
   * against central differences and against forward and reverse mode. Called
   * once (with x); it must return one number per input.
   * @example
   * ```ts
   * // f(a, b) = a^2 b, so df/da = 2 a b and df/db = a^2
   * const f = <T>(m: Ops<T>, [a, b]: readonly [T, T]) => m.mul(m.square(a), b)
   * gradcheck(f, [3, 2], { gradient: ([a, b]) => [2 * a * b, a * a] }).ok // => true
   * gradcheck(f, [3, 2], { gradient: ([a, b]) => [2 * a * b, 2 * a] }).worst?.input // => 1
   * ```
   */
  readonly gradient?: (x: GradcheckPoint<X>) => ArrayLike<number>
  /**
   * Your vector-Jacobian product of F: R^n -> R^m, (x, u) => u^T J (n
   * numbers), checked against central differences and forward and reverse
   * mode. Full mode calls it m times, with u = e_0, ..., e_(m-1), one row of J
   * each; fast mode once, with a random u. A scalar f counts as m = 1.
   * @example
   * ```ts
   * // F(a, b) = (a b, sin a): u^T J = (u0 b + u1 cos a, u0 a)
   * const F = <T>(m: Ops<T>, [a, b]: readonly [T, T]) => [m.mul(a, b), m.sin(a)]
   * const vjp = ([a, b]: [number, number], [u0 = 0, u1 = 0]: number[]) => [u0 * b + u1 * Math.cos(a), u0 * a]
   * gradcheck(F, [2, 3], { vjp }).ok // => true
   * gradcheck(F, [2, 3], { vjp, fast: true }).checked // => 3
   * ```
   */
  readonly vjp?: (x: GradcheckPoint<X>, u: number[]) => ArrayLike<number>
  /**
   * Your Jacobian-vector product of F: R^n -> R^m, (x, v) => J v (m
   * numbers), checked like `vjp`. Full mode calls it n times, with
   * v = e_0, ..., e_(n-1), one column of J each; fast mode once, with a
   * random v. For a scalar f it returns one number in an array, [grad f . v].
   * @example
   * ```ts
   * // F(a, b) = (a b, sin a): J v = (b v0 + a v1, cos(a) v0), here with sin for cos
   * const F = <T>(m: Ops<T>, [a, b]: readonly [T, T]) => [m.mul(a, b), m.sin(a)]
   * const result = gradcheck(F, [2, 3], { jvp: ([a, b], [v0, v1]) => [b * v0 + a * v1, Math.sin(a) * v0] })
   * result.ok // => false
   * [result.worst?.strategy, result.worst?.output, result.worst?.input] // => [ 'jvp', 1, 0 ]
   * ```
   */
  readonly jvp?: (x: GradcheckPoint<X>, v: GradcheckPoint<X>) => ArrayLike<number>
}

/** A derivative of yours, by the name of its option. */
export type Own = 'gradient' | 'vjp' | 'jvp'

/** Your derivatives as gradcheck calls them, with plain arrays. */
export interface OwnDerivatives {
  readonly gradient?: (x: number[]) => unknown
  readonly vjp?: (x: number[], u: number[]) => unknown
  readonly jvp?: (x: number[], v: number[]) => unknown
}

export interface Settings {
  readonly rtol: number
  readonly atol: number
  readonly fast: boolean
  readonly seed: number
  /** Your derivatives, in the order gradient, vjp, jvp; none when gradlab's own modes are checked. */
  readonly own: readonly Own[]
  readonly derivatives: OwnDerivatives
}

export const DEFAULTS: Settings = {
  rtol: 1e-6,
  atol: 1e-8,
  fast: false,
  seed: 0,
  own: [],
  derivatives: {},
}

const KNOWN = ['rtol', 'atol', 'fast', 'seed', 'gradient', 'vjp', 'jvp'] as const

const SIGNATURES: Readonly<Record<Own, string>> = {
  gradient: '(x) => gradient',
  vjp: '(x, u) => cotangent',
  jvp: '(x, v) => tangent',
}

function tolerance(name: 'rtol' | 'atol', value: unknown): number {
  if (value === undefined) return DEFAULTS[name]
  if (typeof value !== 'number' || !(value >= 0) || !Number.isFinite(value)) {
    const message = `gradcheck: options.${name} must be a non-negative finite number (got ${describe(value)}). Pass a tolerance such as ${DEFAULTS[name]}, or leave it out for that default.`
    throw invalidOption(value, message)
  }
  return value
}

/** Checks the options and fills in the defaults. */
export function settings(options: unknown): Settings {
  const given = optionsOf('gradcheck', options, KNOWN, '{ fast: true }')
  if (given === undefined) return DEFAULTS
  const { rtol, atol, fast = false, seed = 0 } = given
  if (typeof fast !== 'boolean') {
    throw gradlabError(
      TypeError,
      'ERR_GRADLAB_INVALID_OPTIONS',
      `gradcheck: options.fast must be a boolean (got ${describe(fast)}). Pass true or false.`,
    )
  }
  if (typeof seed !== 'number' || !Number.isInteger(seed)) {
    const message = `gradcheck: options.seed must be an integer (got ${describe(seed)}). Pass the seed of a check to replay it.`
    throw invalidOption(seed, message)
  }
  const own = (['gradient', 'vjp', 'jvp'] as const).filter((name) => given[name] !== undefined)
  for (const name of own) {
    if (typeof given[name] !== 'function') {
      throw gradlabError(
        TypeError,
        'ERR_GRADLAB_INVALID_FUNCTION',
        `gradcheck: options.${name} must be a function ${SIGNATURES[name]} (got ${describe(given[name])}). Pass your own ${name}, or leave it out to check gradlab's.`,
      )
    }
  }
  return {
    rtol: tolerance('rtol', rtol),
    atol: tolerance('atol', atol),
    fast,
    seed,
    own,
    derivatives: given as OwnDerivatives,
  }
}

import type { Operand } from './types.js'

/**
 * The binary primitives of {@link Ops}, one member per name in `BINARY_OPS`,
 * with the two partial derivatives each takes from the op table
 * (`binaryRules`), written d f(a, b) = (df/da, df/db). Either argument may be
 * a plain number (a constant), which gets no partial at all.
 *
 * An op throws a TypeError for an argument that is neither a number nor a
 * value made by the same ops in the same evaluation.
 */
export interface BinaryOps<T, C = never> {
  /**
   * a + b. d(a + b) = (1, 1).
   * @example
   * ```ts
   * reverse.gradient((m, [a, b]) => m.add(a, b), [1, 2]) // => Float64Array(2) [ 1, 1 ]
   * ```
   */
  readonly add: (a: Operand<T, C>, b: Operand<T, C>) => T
  /**
   * a - b. d(a - b) = (1, -1).
   * @example
   * ```ts
   * reverse.gradient((m, [a, b]) => m.sub(a, b), [1, 2]) // => Float64Array(2) [ 1, -1 ]
   * ```
   */
  readonly sub: (a: Operand<T, C>, b: Operand<T, C>) => T
  /**
   * a b. d(a b) = (b, a).
   * @example
   * ```ts
   * forward.gradient((m, [a, b]) => m.mul(a, b), [2, 3]) // => Float64Array(2) [ 3, 2 ]
   * ```
   */
  readonly mul: (a: Operand<T, C>, b: Operand<T, C>) => T
  /**
   * a / b, for b != 0. d(a / b) = (1 / b, -a / b^2), the second computed as
   * -(a / b) / b, which does not overflow where b^2 would.
   * @example
   * ```ts
   * reverse.gradient((m, [a, b]) => m.div(a, b), [1, 2]) // => Float64Array(2) [ 0.5, -0.25 ]
   * ```
   */
  readonly div: (a: Operand<T, C>, b: Operand<T, C>) => T
  /**
   * a^b, as `Math.pow`. d(a^b) = (b a^(b-1), a^b ln a), with two masks where
   * a factor is undefined but the limit along the line is not: d/da a^b = 0
   * when b = 0, and d/db a^b = 0 when a = 0 and b >= 0. For a < 0 and a
   * variable b, d/db is NaN; a constant exponent has no partial, so
   * `pow(x, 2)` at x < 0 has derivative 2x.
   * @example
   * ```ts
   * reverse.gradient((m, [a, b]) => m.pow(a, b), [2, 3]) // => Float64Array(2) [ 12, 5.545177444479562 ]
   * reverse.gradient((m, [a, b]) => m.pow(a, b), [0, 0]) // => Float64Array(2) [ 0, 0 ]
   * forward.derivative((m, x) => m.pow(x, 2), -3) // => -6
   * ```
   */
  readonly pow: (a: Operand<T, C>, b: Operand<T, C>) => T
  /**
   * The angle of the point (b, a), as `Math.atan2(a, b)`, in [-pi, pi].
   * d atan2(a, b) = (b / (a^2 + b^2), -a / (a^2 + b^2)): NaN at the origin,
   * and the value jumps by 2 pi across the negative b axis.
   * @example
   * ```ts
   * reverse.gradient((m, [a, b]) => m.atan2(a, b), [1, 1]) // => Float64Array(2) [ 0.5, -0.5 ]
   * reverse.gradient((m, [a, b]) => m.atan2(a, b), [0, 0]) // => Float64Array(2) [ NaN, NaN ]
   * ```
   */
  readonly atan2: (a: Operand<T, C>, b: Operand<T, C>) => T
  /**
   * sqrt(a^2 + b^2), as `Math.hypot`, without overflow. d hypot(a, b) =
   * (a / hypot, b / hypot), with (0, 0) at the origin, as abs'(0) = 0.
   * @example
   * ```ts
   * forward.gradient((m, [a, b]) => m.hypot(a, b), [3, 4]) // => Float64Array(2) [ 0.6, 0.8 ]
   * forward.gradient((m, [a, b]) => m.hypot(a, b), [0, 0]) // => Float64Array(2) [ 0, 0 ]
   * ```
   */
  readonly hypot: (a: Operand<T, C>, b: Operand<T, C>) => T
  /**
   * The smaller of a and b. d min(a, b) = (1, 0) if a < b, (0, 1) if a > b,
   * (1/2, 1/2) at a tie: the average of the one-sided derivatives. NaN if
   * either is NaN.
   * @example
   * ```ts
   * reverse.gradient((m, [a, b]) => m.min(a, b), [1, 2]) // => Float64Array(2) [ 1, 0 ]
   * reverse.gradient((m, [a, b]) => m.min(a, b), [1, 1]) // => Float64Array(2) [ 0.5, 0.5 ]
   * ```
   */
  readonly min: (a: Operand<T, C>, b: Operand<T, C>) => T
  /**
   * The larger of a and b. d max(a, b) = (1, 0) if a > b, (0, 1) if a < b,
   * (1/2, 1/2) at a tie: the average of the one-sided derivatives. NaN if
   * either is NaN.
   * @example
   * ```ts
   * forward.gradient((m, [a, b]) => m.max(a, b), [1, 2]) // => Float64Array(2) [ 0, 1 ]
   * forward.gradient((m, [a, b]) => m.max(a, b), [1, 1]) // => Float64Array(2) [ 0.5, 0.5 ]
   * ```
   */
  readonly max: (a: Operand<T, C>, b: Operand<T, C>) => T
}

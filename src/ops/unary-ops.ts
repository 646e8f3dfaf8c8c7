import type { Operand } from './types.js'

/**
 * The unary primitives of {@link Ops}, one member per name in `UNARY_OPS`,
 * with the derivative each takes from the op table (`unaryRules`). Every
 * strategy uses the same rule, so forward mode, reverse mode and compiled
 * gradients agree everywhere, kinks included.
 *
 * An op takes a value made by the same ops or a plain number (a constant) and
 * throws a TypeError for anything else, including a value kept from another
 * evaluation. Outside an op's domain the value is NaN, as in `Math`, and the
 * derivative is what its formula gives there (NaN, infinite, or for `log` and
 * `log1p` finite).
 */
export interface UnaryOps<T, C = never> {
  /**
   * -a. d/da (-a) = -1, for every real a.
   * @example
   * ```ts
   * forward.derivative((m, x) => m.neg(x), 3) // => -1
   * ```
   */
  readonly neg: (a: Operand<T, C>) => T
  /**
   * |a|. d/da |a| = sign(a), with 0 at a = 0 (the subgradient 0, as PyTorch; JAX takes 1).
   * @example
   * ```ts
   * forward.derivative((m, x) => m.abs(x), -2) // => -1
   * forward.derivative((m, x) => m.abs(x), 0) // => 0
   * ```
   */
  readonly abs: (a: Operand<T, C>) => T
  /**
   * The square root, for a >= 0. d/da sqrt(a) = 1 / (2 sqrt(a)): Infinity at
   * a = 0, NaN for a < 0.
   * @example
   * ```ts
   * forward.derivative((m, x) => m.sqrt(x), 4) // => 0.25
   * forward.derivative((m, x) => m.sqrt(x), 0) // => Infinity
   * ```
   */
  readonly sqrt: (a: Operand<T, C>) => T
  /**
   * e^a, for every real a (Infinity above about 709.78). d/da e^a = e^a.
   * @example
   * ```ts
   * reverse.derivative((m, x) => m.exp(x), 0) // => 1
   * ```
   */
  readonly exp: (a: Operand<T, C>) => T
  /**
   * e^a - 1, accurate for a near 0 where `exp(a) - 1` cancels. d/da (e^a - 1) = e^a.
   * @example
   * ```ts
   * plain.expm1(1e-10) // => 1.00000000005e-10
   * forward.derivative((m, x) => m.expm1(x), 0) // => 1
   * ```
   */
  readonly expm1: (a: Operand<T, C>) => T
  /**
   * The natural logarithm, for a > 0 (-Infinity at 0). d/da ln a = 1 / a. For
   * a < 0 the value is NaN but the derivative 1 / a is finite: gradlab does
   * not check domains apart from the formulas.
   * @example
   * ```ts
   * forward.derivative((m, x) => m.log(x), 2) // => 0.5
   * plain.log(-1) // => NaN
   * ```
   */
  readonly log: (a: Operand<T, C>) => T
  /**
   * ln(1 + a), for a > -1, accurate for a near 0. d/da ln(1 + a) = 1 / (1 + a);
   * as for `log`, finite below -1 where the value is NaN.
   * @example
   * ```ts
   * reverse.derivative((m, x) => m.log1p(x), 1) // => 0.5
   * ```
   */
  readonly log1p: (a: Operand<T, C>) => T
  /**
   * sin a, a in radians, for every real a. d/da sin a = cos a.
   * @example
   * ```ts
   * forward.derivative((m, x) => m.sin(x), 0) // => 1
   * ```
   */
  readonly sin: (a: Operand<T, C>) => T
  /**
   * cos a, a in radians, for every real a. d/da cos a = -sin a.
   * @example
   * ```ts
   * reverse.derivative((m, x) => m.cos(x), Math.PI / 2) // => -1
   * ```
   */
  readonly cos: (a: Operand<T, C>) => T
  /**
   * tan a, with poles at pi/2 + k pi. d/da tan a = 1 + tan^2 a, computed from
   * the value.
   * @example
   * ```ts
   * forward.derivative((m, x) => m.tan(x), Math.PI / 4) // => 1.9999999999999998
   * ```
   */
  readonly tan: (a: Operand<T, C>) => T
  /**
   * The inverse sine, for -1 <= a <= 1, in [-pi/2, pi/2].
   * d/da asin a = 1 / sqrt(1 - a^2): Infinity at a = ±1, NaN outside [-1, 1].
   * @example
   * ```ts
   * forward.derivative((m, x) => m.asin(x), 0) // => 1
   * forward.derivative((m, x) => m.asin(x), 1) // => Infinity
   * ```
   */
  readonly asin: (a: Operand<T, C>) => T
  /**
   * The inverse cosine, for -1 <= a <= 1, in [0, pi].
   * d/da acos a = -1 / sqrt(1 - a^2): -Infinity at a = ±1, NaN outside [-1, 1].
   * @example
   * ```ts
   * reverse.derivative((m, x) => m.acos(x), 0) // => -1
   * ```
   */
  readonly acos: (a: Operand<T, C>) => T
  /**
   * The inverse tangent, for every real a, in (-pi/2, pi/2).
   * d/da atan a = 1 / (1 + a^2).
   * @example
   * ```ts
   * forward.derivative((m, x) => m.atan(x), 1) // => 0.5
   * ```
   */
  readonly atan: (a: Operand<T, C>) => T
  /**
   * The hyperbolic sine, for every real a. d/da sinh a = cosh a.
   * @example
   * ```ts
   * forward.derivative((m, x) => m.sinh(x), 0) // => 1
   * ```
   */
  readonly sinh: (a: Operand<T, C>) => T
  /**
   * The hyperbolic cosine, for every real a. d/da cosh a = sinh a.
   * @example
   * ```ts
   * reverse.derivative((m, x) => m.cosh(x), 1) // => 1.1752011936438014
   * ```
   */
  readonly cosh: (a: Operand<T, C>) => T
  /**
   * The hyperbolic tangent, for every real a, in (-1, 1).
   * d/da tanh a = 1 - tanh^2 a, computed from the value while |tanh a| < 1/2,
   * and beyond as 4e / (1 + e)^2 with e = e^(-2|a|), which does not cancel.
   * @example
   * ```ts
   * reverse.derivative((m, x) => m.tanh(x), 0) // => 1
   * ```
   */
  readonly tanh: (a: Operand<T, C>) => T
  /**
   * The logistic function, for every real a, computed without overflow:
   * d/da s(a) = s(a) (1 - s(a)), s(a) = 1 / (1 + e^-a).
   * @example
   * ```ts
   * forward.derivative((m, x) => m.sigmoid(x), 0) // => 0.25
   * plain.sigmoid(-800) // => 0
   * ```
   */
  readonly sigmoid: (a: Operand<T, C>) => T
  /**
   * ln(1 + e^a), for every real a, computed as max(a, 0) + ln(1 + e^-|a|) so
   * that it neither overflows nor rounds to 0. d/da ln(1 + e^a) = s(a), the sigmoid.
   * @example
   * ```ts
   * reverse.derivative((m, x) => m.softplus(x), 0) // => 0.5
   * plain.softplus(1000) // => 1000
   * ```
   */
  readonly softplus: (a: Operand<T, C>) => T
  /**
   * max(a, 0). d/da max(a, 0) = 1 for a > 0, 0 for a <= 0: relu'(0) = 0,
   * the subgradient PyTorch and JAX use.
   * @example
   * ```ts
   * forward.derivative((m, x) => m.relu(x), 2) // => 1
   * forward.derivative((m, x) => m.relu(x), 0) // => 0
   * ```
   */
  readonly relu: (a: Operand<T, C>) => T
  /**
   * a^2, for every real a. d/da a^2 = 2a.
   * @example
   * ```ts
   * reverse.derivative((m, x) => m.square(x), 3) // => 6
   * ```
   */
  readonly square: (a: Operand<T, C>) => T
}

import type { Operand, Ops } from './types.js'

/**
 * A unary primitive: its value on numbers and its local partial derivative.
 *
 * `partial` is written against any `Ops<S>` (not only numbers) so that the
 * rule can itself be differentiated when strategies are layered, as JAX writes
 * its JVP rules in terms of its own primitives. `out` is the already computed
 * output, which some rules reuse (`exp`, `tanh`, `sqrt`).
 */
export interface UnaryRule {
  /** The mathematics, shown in docs and test names: `d/da sin a = cos a`. */
  readonly math: string
  /**
   * The op on a plain number.
   * @example
   * ```ts
   * unaryRules.sqrt.value(9) // => 3
   * ```
   */
  readonly value: (a: number) => number
  /**
   * d out / d a at `a`, given `out`, the op's value there, computed with the
   * ops `m`; a kink gets the convention of the op's doc (abs'(0) = 0).
   * @example
   * ```ts
   * unaryRules.exp.partial(plain, 0, 1) // => 1
   * unaryRules.abs.partial(plain, 0, 0) // => 0
   * ```
   */
  readonly partial: <S>(m: Ops<S>, a: S, out: S) => Operand<S>
  /**
   * Whether the op is differentiable in a neighbourhood of `a`: inside its
   * domain and away from kinks. Generators of test points use it.
   * @example
   * ```ts
   * unaryRules.log.smoothAt(0) // => false
   * unaryRules.log.smoothAt(2) // => true
   * ```
   */
  readonly smoothAt: (a: number) => boolean
}

/** A binary primitive: its value and its two local partials, each computed only when needed. */
export interface BinaryRule {
  /** The mathematics, shown in docs and test names: `d(a b) = (b, a)`. */
  readonly math: string
  /**
   * The op on plain numbers.
   * @example
   * ```ts
   * binaryRules.hypot.value(3, 4) // => 5
   * ```
   */
  readonly value: (a: number, b: number) => number
  /**
   * d out / d a at (a, b), given `out`, the op's value there.
   * @example
   * ```ts
   * binaryRules.mul.partialA(plain, 2, 3, 6) // => 3
   * ```
   */
  readonly partialA: <S>(m: Ops<S>, a: S, b: S, out: S) => Operand<S>
  /**
   * d out / d b at (a, b), given `out`, the op's value there.
   * @example
   * ```ts
   * binaryRules.mul.partialB(plain, 2, 3, 6) // => 2
   * ```
   */
  readonly partialB: <S>(m: Ops<S>, a: S, b: S, out: S) => Operand<S>
  /**
   * Whether the op is differentiable in a neighbourhood of (a, b): inside its
   * domain and away from kinks and ties.
   * @example
   * ```ts
   * binaryRules.min.smoothAt(1, 2) // => true
   * binaryRules.min.smoothAt(1, 1) // => false
   * ```
   */
  readonly smoothAt: (a: number, b: number) => boolean
}

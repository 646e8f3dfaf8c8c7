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
  readonly value: (a: number) => number
  readonly partial: <S>(m: Ops<S>, a: S, out: S) => Operand<S>
  /**
   * Whether the op is differentiable in a neighbourhood of `a`: inside its
   * domain and away from kinks. Generators of test points use it.
   */
  readonly smoothAt: (a: number) => boolean
}

/** A binary primitive: its value and its two local partials, each computed only when needed. */
export interface BinaryRule {
  readonly math: string
  readonly value: (a: number, b: number) => number
  /** d out / d a */
  readonly partialA: <S>(m: Ops<S>, a: S, b: S, out: S) => Operand<S>
  /** d out / d b */
  readonly partialB: <S>(m: Ops<S>, a: S, b: S, out: S) => Operand<S>
  readonly smoothAt: (a: number, b: number) => boolean
}

import type { BinaryName, UnaryName } from './names.js'

/** An argument of an op: a value made by the same ops, or a plain number (a constant). */
export type Operand<T> = T | number

type UnaryMembers<T> = { readonly [K in UnaryName]: (a: Operand<T>) => T }
type BinaryMembers<T> = { readonly [K in BinaryName]: (a: Operand<T>, b: Operand<T>) => T }

/**
 * The one op interface. A function written once against `Ops<T>` can be
 * evaluated with plain numbers, dual numbers (forward mode), tape variables
 * (reverse mode) or perturbed numbers (finite differences).
 *
 * The unary and binary members are derived from the op table in `rules.ts`;
 * `sum` and `dot` are fused n-ary ops, so that a long sum or inner product is
 * one node on a tape rather than a chain of `add`s.
 *
 * @example
 * const f = <T>(m: Ops<T>, x: readonly T[]) => m.mul(m.sin(x[0]), m.exp(x[1]))
 */
export interface Ops<T> extends UnaryMembers<T>, BinaryMembers<T> {
  /** A constant of this algebra: its derivative with respect to every input is zero. */
  constant(c: number): T
  /** The primal value as a plain number, so user code can branch on it. */
  value(a: Operand<T>): number
  /** `xs[0] + xs[1] + ...`; the sum of an empty list is 0. d/dxs[i] = 1. */
  sum(xs: readonly Operand<T>[]): T
  /** `xs[0] * ys[0] + xs[1] * ys[1] + ...`; d/dxs[i] = ys[i], d/dys[i] = xs[i]. */
  dot(xs: readonly Operand<T>[], ys: readonly Operand<T>[]): T
}

/** A scalar function of one scalar, for `derivative`. It may return a plain number (a constant). */
export type UnivariateFn = <T>(m: Ops<T>, x: T) => Operand<T>

/** A scalar function of a vector, for `gradient` and `valueAndGradient`. */
export type ScalarFn = <T>(m: Ops<T>, x: readonly T[]) => Operand<T>

/** A vector function of a vector, for `jacobian`, `jvp` and `vjp`. */
export type VectorFn = <T>(m: Ops<T>, x: readonly T[]) => readonly Operand<T>[]

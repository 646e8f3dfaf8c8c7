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

/**
 * What a function receives for the point `X`: one `T` per entry, as a tuple
 * when `X` is a tuple of numbers (an array literal such as `[2, 0]`), so that
 * `(m, [a, b]) => ...` type-checks under `noUncheckedIndexedAccess`; for any
 * other array of numbers, `readonly T[]`.
 */
export type Inputs<X, T> = X extends readonly number[]
  ? { readonly [K in keyof X]: T }
  : readonly T[]

/** A scalar function of a vector, for `gradient` and `valueAndGradient`. */
export type ScalarFn<X = ArrayLike<number>> = <T>(m: Ops<T>, x: Inputs<X, T>) => Operand<T>

/** A vector function of a vector, for `jacobian`, `jvp` and `vjp`. */
export type VectorFn<X = ArrayLike<number>> = <T>(
  m: Ops<T>,
  x: Inputs<X, T>,
) => readonly Operand<T>[]

/**
 * `f` typed for the point `X`, as a function of any array of inputs. Sound
 * because every strategy calls `f` with exactly one input per entry of the
 * point it was given, which is what `Inputs<X, T>` promises.
 */
export function forAnyPoint<X>(f: ScalarFn<X>): ScalarFn
export function forAnyPoint<X>(f: VectorFn<X>): VectorFn
export function forAnyPoint<X>(f: ScalarFn<X> | VectorFn<X>): ScalarFn | VectorFn
export function forAnyPoint(f: unknown): unknown {
  return f
}

import type { BinaryOps } from './binary-ops.js'
import type { BinaryName, UnaryName } from './names.js'
import type { UnaryOps } from './unary-ops.js'

/**
 * An argument of an op: a value made by the same ops, or a constant: a plain
 * number, or (for the ops of a derivative taken inside another, see
 * `within`) a value `C` of the enclosing derivative's ops.
 */
export type Operand<T, C = never> = T | C | number

/**
 * The one op interface. A function written once against `Ops<T>` can be
 * evaluated with plain numbers ({@link plain}), dual numbers ({@link forward}),
 * tape variables ({@link reverse}) or perturbed numbers ({@link numeric}).
 *
 * The unary and binary members are the primitives of the op table
 * (`unaryRules`, `binaryRules`), documented in {@link UnaryOps} and
 * {@link BinaryOps}; `sum` and `dot` are fused n-ary ops, so that a long sum
 * or inner product is one node on a tape rather than a chain of `add`s.
 *
 * `C` is what else an op takes as a constant besides plain numbers: nothing
 * for the ops a strategy hands to f; for the ops of a derivative taken inside
 * another (`forward.within(m)` and the like), the values of the enclosing
 * derivative's ops `m`.
 *
 * @example
 * ```ts
 * const f = <T>(m: Ops<T>, [a, b]: readonly [T, T]) => m.mul(m.sin(a), m.exp(b))
 * f(plain, [0, 0]) // => 0
 * reverse.gradient(f, [0, 0]) // => Float64Array(2) [ 1, 0 ]
 * ```
 */
export interface Ops<T, C = never> extends UnaryOps<T, C>, BinaryOps<T, C> {
  /**
   * A constant of this algebra, with derivative 0 with respect to every input.
   * Ops accept plain numbers as constants too; this gives one as a `T`.
   * Throws a TypeError if `c` is not a number.
   * @example
   * ```ts
   * reverse.gradient((m, [a]) => m.constant(5), [1]) // => Float64Array(1) [ 0 ]
   * ```
   */
  constant(c: number): T
  /**
   * The value of `a` as a plain number, so a function can branch on it. No
   * derivative flows through the number; a compiled gradient watches the
   * values read and records again when one changes (see `CompileOptions`).
   * Throws a TypeError for a value of another strategy or evaluation.
   * @example
   * ```ts
   * forward.derivative((m, x) => (m.value(x) > 0 ? x : m.neg(x)), -2) // => -1
   * ```
   */
  value(a: Operand<T, C>): number
  /**
   * Whether a < b, by their values: a boolean to branch on, as `value`
   * gives a number to branch on, and no derivative flows through it. A
   * compiled gradient keeps the comparison's outcome rather than the values,
   * so it records again only where the outcome changes (see
   * `CompileOptions`). Throws a TypeError as `value` does.
   * @example
   * ```ts
   * const absolute = reverse.compile((m, [x]) => (m.lt(x, 0) ? m.neg(x) : x), [1])
   * absolute.gradient([3]) // => Float64Array(1) [ 1 ]
   * absolute.gradient([-3]) // => Float64Array(1) [ -1 ]
   * absolute.gradient([-5]) // => Float64Array(1) [ -1 ]
   * absolute.recordings // => 2
   * ```
   */
  lt(a: Operand<T, C>, b: Operand<T, C>): boolean
  /**
   * Whether a <= b, by their values; see {@link Ops.lt}.
   * @example
   * ```ts
   * plain.le(1, 1) // => true
   * ```
   */
  le(a: Operand<T, C>, b: Operand<T, C>): boolean
  /**
   * Whether a > b, by their values; see {@link Ops.lt}.
   * @example
   * ```ts
   * forward.derivative((m, x) => (m.gt(x, 0) ? m.square(x) : x), 3) // => 6
   * ```
   */
  gt(a: Operand<T, C>, b: Operand<T, C>): boolean
  /**
   * Whether a >= b, by their values; see {@link Ops.lt}. NaN compares false.
   * @example
   * ```ts
   * plain.ge(Number.NaN, 0) // => false
   * ```
   */
  ge(a: Operand<T, C>, b: Operand<T, C>): boolean
  /**
   * xs[0] + xs[1] + ..., one op however long: d/dxs[i] = 1. The sum of an
   * empty list is 0. Throws a TypeError if `xs` is not an array.
   * @example
   * ```ts
   * reverse.gradient((m, x) => m.sum(x), [1, 2, 3]) // => Float64Array(3) [ 1, 1, 1 ]
   * ```
   */
  sum(xs: readonly Operand<T, C>[]): T
  /**
   * xs[0] ys[0] + xs[1] ys[1] + ..., one op however long: d/dxs[i] = ys[i],
   * d/dys[i] = xs[i]. Throws a TypeError if either is not an array and a
   * RangeError if their lengths differ.
   * @example
   * ```ts
   * reverse.gradient((m, x) => m.dot(x, [1, 2, 3]), [0, 0, 0]) // => Float64Array(3) [ 1, 2, 3 ]
   * ```
   */
  dot(xs: readonly Operand<T, C>[], ys: readonly Operand<T, C>[]): T
}

/*
 * Compile-time checks that UnaryOps and BinaryOps declare exactly the names of
 * names.ts, each with its arity: a missing, extra or misshapen op is a type
 * error here, naming the op.
 */
interface Probe {
  readonly probe: 'any T'
}
type Mismatch<Declared, Names> = Exclude<Declared, Names> | Exclude<Names, Declared>
type MustBeNever<T extends never> = T
type Shaped<Members, Names extends PropertyKey, Signature> = {
  [K in Names]: K extends keyof Members ? (Members[K] extends Signature ? never : K) : K
}[Names]
export type OpsMatchTheTable = [
  MustBeNever<Mismatch<keyof UnaryOps<Probe>, UnaryName>>,
  MustBeNever<Mismatch<keyof BinaryOps<Probe>, BinaryName>>,
  MustBeNever<Shaped<UnaryOps<Probe>, UnaryName, (a: Operand<Probe>) => Probe>>,
  MustBeNever<
    Shaped<BinaryOps<Probe>, BinaryName, (a: Operand<Probe>, b: Operand<Probe>) => Probe>
  >,
]

/**
 * A scalar function of one scalar, g: R -> R, for `derivative`, written
 * against any {@link Ops}. It may return a plain number (a constant).
 */
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

/**
 * A scalar function of a vector, f: R^n -> R, for `gradient`,
 * `valueAndGradient`, `compile` and `gradcheck`, written against any
 * {@link Ops}. It must return one value made by `m` or a plain number.
 */
export type ScalarFn<X = ArrayLike<number>> = <T>(m: Ops<T>, x: Inputs<X, T>) => Operand<T>

/**
 * A scalar function of a vector and of data it is not differentiated in,
 * for `reverse.compile` with `options.data`: `data[k]` holds the k-th data
 * array's numbers as values of the ops (use them through `m`, as any value).
 */
export type DataFn<X = ArrayLike<number>> = <T>(
  m: Ops<T>,
  x: Inputs<X, T>,
  data: readonly (readonly T[])[],
) => Operand<T>

/**
 * A vector function of a vector, F: R^n -> R^m, for `jacobian`, `jvp`, `vjp`
 * and `gradcheck`: an array of m outputs, each made by `m` or a plain number,
 * with the same m at every point.
 */
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

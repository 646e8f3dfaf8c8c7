import type { Ops, ScalarFn, UnivariateFn, VectorFn } from '../ops/types.js'
import type { Within } from './nested.js'

/** What `valueAndGradient` returns: f(x) and its gradient. */
export interface ValueAndGradient {
  /** f(x) */
  readonly value: number
  /** The gradient of f at x: entry i is df/dx_i. */
  readonly gradient: Float64Array
}

/** What `valueGradientAndHessian` returns: f(x), its gradient and its Hessian. */
export interface ValueGradientAndHessian extends ValueAndGradient {
  /** The Hessian of f at x, as n rows: entry (i, j) is d^2 f / dx_i dx_j. */
  readonly hessian: Float64Array[]
}

/** What `jvp` returns for F: R^n -> R^m at x along v. */
export interface JvpResult {
  /** F(x), length m. */
  readonly value: Float64Array
  /** J v, length m: the directional derivative of F at x along v. */
  readonly tangent: Float64Array
}

/** What `vjp` returns for F: R^n -> R^m at x with weights u. */
export interface VjpResult {
  /** F(x), length m. */
  readonly value: Float64Array
  /** u^T J, length n: the gradient of u . F(x). */
  readonly cotangent: Float64Array
}

/**
 * What every strategy offers. The methods are the same in {@link forward},
 * {@link reverse} and {@link numeric}; what differs is how they work and
 * what they cost, which each method states.
 *
 * Every method checks its arguments and throws, with a message that names
 * the call and says what to do: a TypeError when a function is not a
 * function, a point is not a number or an array of numbers, or the function
 * returns something other than values made by the ops it was given (a
 * Promise, an array where one value is due, a value kept from another
 * evaluation, or a gradlab value used as a plain number); a RangeError when a
 * direction or weight vector has the wrong length or a vector function
 * returns a different number of outputs on another evaluation. NaN and
 * infinite inputs are not errors: they propagate.
 *
 * @example
 * ```ts
 * const c = <T>(m: Ops<T>, [a, b]: readonly [T, T]) => m.pow(m.sub(a, b), 2)
 * const strategies: Strategy[] = [forward, reverse, numeric]
 * strategies.map((s) => s.name) // => [ 'forward', 'reverse', 'numeric' ]
 * strategies.map((s) => s.gradient(c, [2, 0])[0]?.toFixed(6)) // => [ '4.000000', '4.000000', '4.000000' ]
 * ```
 */
export interface Strategy {
  /** Which strategy this is. */
  readonly name: 'forward' | 'reverse' | 'numeric'
  /**
   * g'(x) for g: R -> R. Forward mode takes one pass, reverse mode one
   * recording and one backward pass, numeric differences two evaluations
   * (central) of g. Throws a TypeError if `x` is not a number (for a function
   * of several inputs, use `gradient`).
   * @example
   * ```ts
   * forward.derivative((m, x) => m.sin(x), 0) // => 1
   * reverse.derivative((m, x) => m.mul(x, m.exp(x)), 0) // => 1
   * ```
   */
  derivative(g: UnivariateFn, x: number): number
  /**
   * The gradient of f: R^n -> R at x, entry i df/dx_i. Reverse mode takes one
   * recording and one backward pass whatever n is; forward mode ceil(n / k)
   * passes of k directions; numeric differences 2n + 1 evaluations (central: f(x) and two per input).
   * @example
   * ```ts
   * reverse.gradient((m, [a, b]) => m.pow(m.sub(a, b), 2), [2, 0]) // => Float64Array(2) [ 4, -4 ]
   * forward.gradient((m, x) => m.dot(x, x), [1, 2, 3]) // => Float64Array(3) [ 2, 4, 6 ]
   * ```
   */
  gradient<const X extends ArrayLike<number>>(f: ScalarFn<X>, x: X): Float64Array
  /**
   * f(x) and its gradient, from the same evaluation where the strategy allows
   * (forward and reverse mode), at the cost of `gradient`.
   * @example
   * ```ts
   * reverse.valueAndGradient((m, [a, b]) => m.mul(a, b), [2, 3]) // => { value: 6, gradient: Float64Array(2) [ 3, 2 ] }
   * ```
   */
  valueAndGradient<const X extends ArrayLike<number>>(f: ScalarFn<X>, x: X): ValueAndGradient
  /**
   * The m x n Jacobian of F: R^n -> R^m at x, as m rows of length n: row i,
   * entry j is dF_i/dx_j. Forward mode takes ceil(n / k) passes, reverse mode
   * one recording and m backward passes, numeric differences 2n + 1 evaluations.
   * @example
   * ```ts
   * reverse.jacobian((m, [a, b]) => [m.mul(a, b), m.add(a, b)], [2, 3]) // => [ Float64Array(2) [ 3, 2 ], Float64Array(2) [ 1, 1 ] ]
   * ```
   */
  jacobian<const X extends ArrayLike<number>>(F: VectorFn<X>, x: X): Float64Array[]
  /**
   * F(x) and the Jacobian-vector product J v (the directional derivative of F
   * along v) without forming J: one forward pass, or one recording and one
   * forward sweep of its tape, or three evaluations (F(x) and two along v). Throws a
   * RangeError unless `v` has one entry per input.
   * @example
   * ```ts
   * const F = <T>(m: Ops<T>, [a, b]: readonly [T, T]) => [m.mul(a, b), m.sin(a)]
   * const { value, tangent } = forward.jvp(F, [2, 3], [1, 0])
   * value // => Float64Array(2) [ 6, 0.9092974268256817 ]
   * tangent // => Float64Array(2) [ 3, -0.4161468365471424 ]
   * ```
   */
  jvp<const X extends ArrayLike<number>>(F: VectorFn<X>, x: X, v: ArrayLike<number>): JvpResult
  /**
   * F(x) and the vector-Jacobian product u^T J (the gradient of u . F(x)):
   * reverse mode takes one recording and one backward pass; forward mode and
   * numeric differences form J first. Throws a RangeError unless `u` has one
   * entry per output of F.
   * @example
   * ```ts
   * const F = <T>(m: Ops<T>, [a, b]: readonly [T, T]) => [m.mul(a, b), m.add(a, b)]
   * const { value, cotangent } = reverse.vjp(F, [2, 3], [1, 1])
   * value // => Float64Array(2) [ 6, 5 ]
   * cotangent // => Float64Array(2) [ 4, 3 ]
   * ```
   */
  vjp<const X extends ArrayLike<number>>(F: VectorFn<X>, x: X, u: ArrayLike<number>): VjpResult
  /**
   * The n x n Hessian of f: R^n -> R at x, as n rows: entry (i, j) is
   * d^2 f / dx_i dx_j. Forward mode nests forward mode in forward mode (about
   * n^2 evaluations' worth of work); reverse mode nests reverse mode in
   * forward mode (forward-over-reverse: about n gradients); numeric
   * differences take second differences (2n^2 + 1 evaluations, about 1e-8
   * relative). The exact strategies compute each entry once per row, so
   * their Hessians are symmetric to rounding, not bit for bit.
   * @example
   * ```ts
   * reverse.hessian((m, [a, b]) => m.mul(m.square(a), b), [2, 3]) // => [ Float64Array(2) [ 6, 4 ], Float64Array(2) [ 4, 0 ] ]
   * ```
   */
  hessian<const X extends ArrayLike<number>>(f: ScalarFn<X>, x: X): Float64Array[]
  /**
   * The Hessian-vector product H v without forming H: reverse mode takes
   * one forward-over-reverse pass, a small multiple of one gradient
   * whatever n is; forward mode n passes; numeric differences 4n
   * evaluations. Throws a RangeError unless `v` has one entry per input.
   * @example
   * ```ts
   * reverse.hvp((m, [a, b]) => m.mul(m.square(a), b), [2, 3], [1, 0]) // => Float64Array(2) [ 6, 4 ]
   * ```
   */
  hvp<const X extends ArrayLike<number>>(f: ScalarFn<X>, x: X, v: ArrayLike<number>): Float64Array
  /**
   * f(x), its gradient and its Hessian, from the same passes where the
   * strategy allows (forward and reverse mode), at the cost of `hessian`.
   * @example
   * ```ts
   * const { value, gradient, hessian } = forward.valueGradientAndHessian((m, [a]) => m.exp(m.mul(2, a)), [0])
   * [value, gradient[0], hessian[0]?.[0]] // => [ 1, 2, 4 ]
   * ```
   */
  valueGradientAndHessian<const X extends ArrayLike<number>>(
    f: ScalarFn<X>,
    x: X,
  ): ValueGradientAndHessian
  /**
   * This strategy's methods for use inside a function being differentiated,
   * by any strategy: `m` is that function's ops, and points, directions and
   * results are values of `m` (or plain numbers), so the enclosing derivative
   * differentiates through the inner one. The inner function may close over
   * values of `m`: they are constants to it. Nesting any strategy in any
   * other gives second derivatives (and, nested again, higher ones); each
   * value belongs to one derivative, so the derivatives' perturbations are
   * never confused. Throws a TypeError if `m` is not an ops object.
   * @example
   * ```ts
   * // the second derivative of x^3 at 2 (12), as forward mode over reverse mode
   * forward.derivative((m, x) => reverse.within(m).derivative((mi, y) => mi.mul(y, mi.square(y)), x), 2) // => 12
   * ```
   */
  within<S>(m: Ops<S>): Within<S>
}

/** u^T J for a Jacobian given as rows: the cotangent of strategies without a backward pass. */
export function transposeTimes(
  jacobian: readonly Float64Array[],
  u: Float64Array,
  n: number,
): Float64Array {
  const out = new Float64Array(n)
  for (let i = 0; i < jacobian.length; i++) {
    const ui = u[i] as number
    if (ui === 0) continue
    const row = jacobian[i] as Float64Array
    for (let j = 0; j < n; j++) out[j] = (out[j] as number) + ui * (row[j] as number)
  }
  return out
}

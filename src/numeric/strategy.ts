import type {
  JvpResult,
  Strategy,
  ValueAndGradient,
  ValueGradientAndHessian,
  VjpResult,
} from '../core/strategy.js'
import type { ScalarFn, UnivariateFn, VectorFn } from '../ops/types.js'
import type { NumericOptions } from './step.js'

/**
 * The methods of finite differences: those of {@link Strategy}, each taking
 * {@link NumericOptions} (scheme and step) as an optional last argument. The
 * results are approximations; a TypeError or RangeError is thrown for options
 * that are not `{ scheme, step }` with a known scheme and a positive finite
 * step.
 */
export interface NumericStrategy extends Strategy {
  /** Always `'numeric'`. */
  readonly name: 'numeric'
  /**
   * g'(x) from values of g alone: (g(x + h) - g(x - h)) / 2h by default,
   * error about 1e-10 relative.
   * @example
   * ```ts
   * numeric.derivative((m, x) => m.sin(x), 0) // => 0.9999999999938886
   * numeric.derivative((m, x) => m.sin(x), 0, { scheme: 'richardson' }) // => 1
   * ```
   */
  derivative(g: UnivariateFn, x: number, options?: NumericOptions): number
  /**
   * The gradient of f: R^n -> R at x, one difference per input: 2n + 1
   * evaluations (central), n + 1 (forward) or 4n + 1 to 20n + 1 (richardson).
   * @example
   * ```ts
   * numeric.gradient((m, [a, b]) => m.pow(m.sub(a, b), 2), [2, 0]) // => Float64Array(2) [ 3.9999999999816658, -4.000000000020878 ]
   * numeric.gradient((m, [a, b]) => m.mul(a, b), [2, 3], { scheme: 'forward' }) // => Float64Array(2) [ 3, 2 ]
   * ```
   */
  gradient<const X extends ArrayLike<number>>(
    f: ScalarFn<X>,
    x: X,
    options?: NumericOptions,
  ): Float64Array
  /**
   * f(x) and its gradient by differences, at the cost of `gradient` plus the
   * evaluation at x.
   * @example
   * ```ts
   * numeric.valueAndGradient((m, [a]) => m.exp(a), [0], { scheme: 'richardson' }) // => { value: 1, gradient: Float64Array(1) [ 0.9999999999999997 ] }
   * ```
   */
  valueAndGradient<const X extends ArrayLike<number>>(
    f: ScalarFn<X>,
    x: X,
    options?: NumericOptions,
  ): ValueAndGradient
  /**
   * The m x n Jacobian of F: R^n -> R^m at x, one column per input
   * difference, as m rows.
   * @example
   * ```ts
   * const F = <T>(m: Ops<T>, [a, b]: readonly [T, T]) => [m.mul(a, b), m.add(a, b)]
   * numeric.jacobian(F, [2, 3])[1] // => Float64Array(2) [ 1.0000000000275013, 1.0000000000244458 ]
   * numeric.jacobian(F, [2, 3], { scheme: 'richardson' })[1] // => Float64Array(2) [ 1.0000000000000009, 1 ]
   * ```
   */
  jacobian<const X extends ArrayLike<number>>(
    F: VectorFn<X>,
    x: X,
    options?: NumericOptions,
  ): Float64Array[]
  /**
   * F(x) and J v from one difference along v, F(x + t v) - F(x - t v) by
   * default, with t scaled so that the largest coordinate moves by the usual
   * relative step. Throws a RangeError unless `v` has one entry per input.
   * @example
   * ```ts
   * numeric.jvp((m, [a, b]) => [m.mul(a, b)], [2, 3], [1, 1]).tangent // => Float64Array(1) [ 4.9999999999955405 ]
   * ```
   */
  jvp<const X extends ArrayLike<number>>(
    F: VectorFn<X>,
    x: X,
    v: ArrayLike<number>,
    options?: NumericOptions,
  ): JvpResult
  /**
   * F(x) and u^T J, from the whole Jacobian by differences: there is no
   * backward pass. Throws a RangeError unless `u` has one entry per output.
   * @example
   * ```ts
   * const F = <T>(m: Ops<T>, [a, b]: readonly [T, T]) => [m.mul(a, b), m.add(a, b)]
   * numeric.vjp(F, [2, 3], [1, 1], { scheme: 'richardson' }).cotangent // => Float64Array(2) [ 3.999999999999999, 3 ]
   * ```
   */
  vjp<const X extends ArrayLike<number>>(
    F: VectorFn<X>,
    x: X,
    u: ArrayLike<number>,
    options?: NumericOptions,
  ): VjpResult
  /**
   * The Hessian of f at x by second differences, 2n^2 + 1 evaluations, with
   * steps eps^(1/4) max(1, |x_i|) (about 1e-8 relative error on smooth
   * functions), or `options.step`. Only the central scheme is offered here:
   * `options.scheme` other than `'central'` is a RangeError.
   * @example
   * ```ts
   * numeric.hessian((m, [a, b]) => m.mul(a, b), [2, 3]).map((row) => Array.from(row, (h) => h.toFixed(6))) // => [ [ '0.000000', '1.000000' ], [ '1.000000', '0.000000' ] ]
   * ```
   */
  hessian<const X extends ArrayLike<number>>(
    f: ScalarFn<X>,
    x: X,
    options?: NumericOptions,
  ): Float64Array[]
  /**
   * H v by the mixed second difference along each coordinate and v: 4n
   * evaluations.
   * @example
   * ```ts
   * Array.from(numeric.hvp((m, [a, b]) => m.mul(m.square(a), b), [2, 3], [1, 0]), (h) => h.toFixed(6)) // => [ '6.000000', '4.000000' ]
   * ```
   */
  hvp<const X extends ArrayLike<number>>(
    f: ScalarFn<X>,
    x: X,
    v: ArrayLike<number>,
    options?: NumericOptions,
  ): Float64Array
  /**
   * f(x), its gradient (central differences) and its Hessian (second differences).
   * @example
   * ```ts
   * numeric.valueGradientAndHessian((m, [a]) => m.square(a), [3]).value // => 9
   * ```
   */
  valueGradientAndHessian<const X extends ArrayLike<number>>(
    f: ScalarFn<X>,
    x: X,
    options?: NumericOptions,
  ): ValueGradientAndHessian
}

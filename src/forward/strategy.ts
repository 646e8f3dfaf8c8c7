import type {
  Strategy,
  ValueAndGradient,
  ValueGradientAndHessian,
  VjpResult,
} from '../core/strategy.js'
import type { ScalarFn, VectorFn } from '../ops/types.js'
import type { ForwardOptions } from './chunk.js'

/**
 * Forward mode's methods: those of {@link Strategy}, where `gradient`,
 * `valueAndGradient`, `jacobian` and `vjp` take {@link ForwardOptions} (the
 * directions per pass) as an optional last argument. Throws a TypeError or
 * RangeError for an options value that is not `{ chunkSize }` with a positive
 * integer.
 */
export interface ForwardStrategy extends Strategy {
  /** Always `'forward'`. */
  readonly name: 'forward'
  /**
   * The gradient of f: R^n -> R at x, from ceil(n / k) passes that each carry
   * k unit directions (`options.chunkSize`, automatic by default).
   * @example
   * ```ts
   * forward.gradient((m, [a, b]) => m.pow(m.sub(a, b), 2), [2, 0]) // => Float64Array(2) [ 4, -4 ]
   * forward.gradient((m, x) => m.sum(x), [1, 2, 3], { chunkSize: 2 }) // => Float64Array(3) [ 1, 1, 1 ]
   * ```
   */
  gradient<const X extends ArrayLike<number>>(
    f: ScalarFn<X>,
    x: X,
    options?: ForwardOptions,
  ): Float64Array
  /**
   * f(x) and its gradient, from the same passes as `gradient`.
   * @example
   * ```ts
   * forward.valueAndGradient((m, [a, b]) => m.mul(a, m.exp(b)), [3, 0]) // => { value: 3, gradient: Float64Array(2) [ 1, 3 ] }
   * ```
   */
  valueAndGradient<const X extends ArrayLike<number>>(
    f: ScalarFn<X>,
    x: X,
    options?: ForwardOptions,
  ): ValueAndGradient
  /**
   * The m x n Jacobian of F: R^n -> R^m at x, as m rows: ceil(n / k) passes
   * whatever m is, which is where forward mode beats reverse mode (m
   * backward passes) for tall Jacobians.
   * @example
   * ```ts
   * forward.jacobian((m, [a]) => [m.sin(a), m.cos(a), m.square(a)], [0]) // => [ Float64Array(1) [ 1 ], Float64Array(1) [ 0 ], Float64Array(1) [ 0 ] ]
   * ```
   */
  jacobian<const X extends ArrayLike<number>>(
    F: VectorFn<X>,
    x: X,
    options?: ForwardOptions,
  ): Float64Array[]
  /**
   * F(x) and u^T J. Forward mode has no backward pass, so it forms J (as
   * `jacobian` does) and then u^T J; `reverse.vjp` needs one backward pass.
   * Throws a RangeError unless `u` has one entry per output of F.
   * @example
   * ```ts
   * forward.vjp((m, [a, b]) => [m.mul(a, b), m.add(a, b)], [2, 3], [1, 1]).cotangent // => Float64Array(2) [ 4, 3 ]
   * ```
   */
  vjp<const X extends ArrayLike<number>>(
    F: VectorFn<X>,
    x: X,
    u: ArrayLike<number>,
    options?: ForwardOptions,
  ): VjpResult
  /**
   * The Hessian of f at x by forward mode over forward mode: ceil(n / k)
   * outer passes (`options.chunkSize`), each of n inner passes.
   * @example
   * ```ts
   * forward.hessian((m, [a, b]) => m.mul(a, b), [2, 3], { chunkSize: 1 }) // => [ Float64Array(2) [ 0, 1 ], Float64Array(2) [ 1, 0 ] ]
   * ```
   */
  hessian<const X extends ArrayLike<number>>(
    f: ScalarFn<X>,
    x: X,
    options?: ForwardOptions,
  ): Float64Array[]
  /**
   * f(x), its gradient and its Hessian, from the passes of `hessian`.
   * @example
   * ```ts
   * forward.valueGradientAndHessian((m, [a]) => m.mul(a, m.square(a)), [2]).hessian // => [ Float64Array(1) [ 12 ] ]
   * ```
   */
  valueGradientAndHessian<const X extends ArrayLike<number>>(
    f: ScalarFn<X>,
    x: X,
    options?: ForwardOptions,
  ): ValueGradientAndHessian
}

import { checkFunction, toVector } from '../core/validate.js'
import type { ScalarFn, VectorFn } from '../ops/index.js'
import { forAnyPoint } from '../ops/types.js'
import { asVector, fast, full, type Shape } from './check.js'
import { type GradcheckOptions, settings } from './options.js'
import { type GradcheckResult, summarize } from './result.js'

export type { GradcheckOptions, GradcheckPoint } from './options.js'
export type {
  GradcheckEntry,
  GradcheckReference,
  GradcheckResult,
  GradcheckSource,
} from './result.js'

/**
 * Checks derivatives of your function: gradlab's, or your own. By default it
 * compares forward mode and reverse mode with central differences, entry by
 * entry, like PyTorch's `torch.autograd.gradcheck` and JAX's `check_grads`.
 * Given a derivative you wrote by hand (`options.gradient`, `options.vjp` or
 * `options.jvp`), it checks yours instead, against central differences and
 * against forward and reverse mode.
 *
 * For F: R^n -> R^m (or a scalar f, taken as m = 1), every entry
 * J_ij = dF_i/dx_j is compared with the reference's and passes when
 * |analytic - numeric| <= atol + rtol |numeric| (defaults 1e-8 and 1e-6). The
 * references cost 2n + 1 evaluations for `numeric.jacobian`, n forward passes
 * for `forward.jacobian` and one recording with m backward passes for
 * `reverse.jacobian`; your gradient is called once, your vjp m times (one row
 * of J each) and your jvp n times (one column each).
 *
 * With `fast: true` it compares one random projection u^T J v instead, with u
 * and v uniform in [-1, 1) from `seed`: u . (J v) from one forward pass,
 * (u^T J) . v from one recording and backward pass,
 * (u . F(x + h v) - u . F(x - h v)) / (2h) from two evaluations, and one call
 * of each derivative of yours, whatever n and m are. A wrong entry of J
 * changes u^T J v unless u or v happens to weight it by almost 0, so one
 * projection catches almost every error.
 *
 * The result names the worst entry (what computed it, what it was compared
 * with, its indices, both values, the error and the tolerance) rather than
 * returning a bare boolean; the message names it as df/dx_j for a scalar f
 * and dF_i/dx_j for a vector F. Use it only where F is smooth: at a kink
 * (|x| at 0, max at a tie) the derivative is a convention and central
 * differences may see another.
 *
 * Throws a TypeError if `f` is not a function or `x` not an array of
 * numbers, a TypeError for options that are not an object of the known keys
 * or a key of the wrong type, a RangeError for a tolerance out of range (see
 * {@link GradcheckOptions}), a TypeError or RangeError for a derivative of
 * yours that returns something other than the right number of numbers (or a
 * gradient given for a vector F), and whatever the strategies throw for
 * `f`'s results; a wrong derivative is never an error, only `ok: false`.
 *
 * @example
 * ```ts
 * const f = <T>(m: Ops<T>, [a, b]: readonly [T, T]) => m.mul(m.sin(a), m.exp(b))
 * const result = gradcheck(f, [1, 0.5])
 * result.ok // => true
 * result.checked // => 4
 * gradcheck(f, [1, 0.5], { fast: true }).mode // => 'fast'
 *
 * // A gradient by hand, with a slip in df/db: cos where sin belongs.
 * const slip = gradcheck(f, [1, 0.5], {
 *   gradient: ([a, b]) => [Math.cos(a) * Math.exp(b), Math.cos(a) * Math.exp(b)],
 * })
 * slip.ok // => false
 * slip.worst?.input // => 1
 * slip.message.slice(0, 70) // => 'gradcheck: 3 of 6 failed; worst df/dx1 from your gradient: 0.890807904'
 * ```
 */
export function gradcheck<const X extends ArrayLike<number>>(
  f: ScalarFn<X> | VectorFn<X>,
  x: X,
  options?: GradcheckOptions<X>,
): GradcheckResult {
  checkFunction('gradcheck', 'f', f)
  const point = toVector('gradcheck', 'x', x)
  const s = settings(options)
  const shape: Shape = { scalar: false }
  const F = asVector(forAnyPoint(f), shape)
  const entries = s.fast ? fast(F, point, s, shape) : full(F, point, s, shape)
  return summarize(s.fast ? 'fast' : 'full', entries, shape.scalar)
}

import { checkFunction, toVector } from '../core/validate.js'
import { forward } from '../forward/index.js'
import { numeric } from '../numeric/index.js'
import { DEFAULT_RELATIVE_STEP } from '../numeric/step.js'
import { type Operand, type Ops, plain, type ScalarFn, type VectorFn } from '../ops/index.js'
import { forAnyPoint } from '../ops/types.js'
import { reverse } from '../reverse/index.js'
import { type GradcheckOptions, type Settings, settings } from './options.js'
import { uniforms } from './random.js'
import { type GradcheckEntry, type GradcheckResult, summarize } from './result.js'

export type { GradcheckOptions } from './options.js'
export type { GradcheckEntry, GradcheckResult } from './result.js'

type Fn = ScalarFn | VectorFn

/** A scalar or vector function as a vector function: a scalar result becomes one output. */
const asVector =
  (f: Fn): VectorFn =>
  <T>(m: Ops<T>, x: readonly T[]) => {
    const r = (f as (m: Ops<T>, x: readonly T[]) => unknown)(m, x)
    return (Array.isArray(r) ? r : [r]) as Operand<T>[]
  }

function entry(
  s: Settings,
  strategy: 'forward' | 'reverse',
  output: number | null,
  input: number | null,
  analytic: number,
  numericValue: number,
): GradcheckEntry {
  const tolerance = s.atol + s.rtol * Math.abs(numericValue)
  return {
    strategy,
    output,
    input,
    analytic,
    numeric: numericValue,
    error: Math.abs(analytic - numericValue),
    tolerance,
  }
}

function full(F: VectorFn, x: Float64Array, s: Settings): GradcheckEntry[] {
  const differenced = numeric.jacobian(F, x)
  const entries: GradcheckEntry[] = []
  for (const strategy of [forward, reverse]) {
    const rows = strategy.jacobian(F, x)
    rows.forEach((row, i) => {
      row.forEach((analytic, j) => {
        const d = (differenced[i] as Float64Array)[j] as number
        entries.push(entry(s, strategy.name as 'forward' | 'reverse', i, j, analytic, d))
      })
    })
  }
  return entries
}

const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let total = 0
  for (let i = 0; i < a.length; i++) total += (a[i] as number) * (b[i] as number)
  return total
}

/** u^T J v three ways: forward's J v, reverse's u^T J, and one central difference along v. */
function fast(F: VectorFn, x: Float64Array, s: Settings): GradcheckEntry[] {
  const n = x.length
  const next = uniforms(s.seed)
  const v = Float64Array.from({ length: n }, next)
  const { value, tangent } = forward.jvp(F, x, v)
  if (n === 0 || value.length === 0) return []
  const u = Float64Array.from({ length: value.length }, next)
  const { cotangent } = reverse.vjp(F, x, u)
  // The step of numeric.jvp: eps^(1/3) max(1, max |x_i|), scaled so the largest entry of v moves that far.
  const vmax = v.reduce((mx, vi) => Math.max(mx, Math.abs(vi)), 0)
  const xmax = x.reduce((mx, xi) => Math.max(mx, Math.abs(xi)), 0)
  const h = (DEFAULT_RELATIVE_STEP.central * Math.max(1, xmax)) / vmax
  const projected = (t: number) => {
    const out = F(
      plain,
      Array.from(x, (xi, i) => xi + t * (v[i] as number)),
    )
    return dot(u, out as number[])
  }
  const central = (projected(h) - projected(-h)) / (2 * h)
  return [
    entry(s, 'forward', null, null, dot(u, tangent), central),
    entry(s, 'reverse', null, null, dot(cotangent, v), central),
  ]
}

/**
 * Checks the derivatives of your own function: forward mode and reverse
 * mode against central differences, entry by entry, like PyTorch's
 * `torch.autograd.gradcheck` and JAX's `check_grads`.
 *
 * For F: R^n -> R^m (or a scalar f, taken as m = 1), every entry
 * J_ij = dF_i/dx_j from `forward.jacobian` and `reverse.jacobian` is compared
 * with `numeric.jacobian` and passes when
 * |analytic - numeric| <= atol + rtol |numeric| (defaults 1e-8 and 1e-6). That
 * costs 2n + 1 evaluations for the differences, n forward passes and one
 * recording with m backward passes.
 *
 * With `fast: true` it compares one random projection u^T J v instead, with u
 * and v uniform in [-1, 1) from `seed`: u . (J v) from one forward pass,
 * (u^T J) . v from one recording and backward pass, and
 * (u . F(x + h v) - u . F(x - h v)) / (2h) from two evaluations, whatever
 * n and m are. A wrong entry of J changes u^T J v unless u or v happens to
 * weight it by almost 0, so one projection catches almost every error.
 *
 * The result names the worst entry (index, analytic value, numeric value,
 * error and tolerance) rather than returning a bare boolean. Use it only
 * where F is smooth: at a kink (|x| at 0, max at a tie) the derivative is a
 * convention and central differences may see another.
 *
 * Throws a TypeError if `f` is not a function or `x` not an array of
 * numbers, a TypeError or RangeError for malformed options (see
 * {@link GradcheckOptions}), and whatever the strategies throw for `f`'s
 * results; a wrong derivative is never an error, only `ok: false`.
 *
 * @example
 * ```ts
 * const f = <T>(m: Ops<T>, [a, b]: readonly [T, T]) => m.mul(m.sin(a), m.exp(b))
 * const result = gradcheck(f, [1, 0.5])
 * result.ok // => true
 * result.checked // => 4
 * gradcheck(f, [1, 0.5], { fast: true }).mode // => 'fast'
 * ```
 */
export function gradcheck<const X extends ArrayLike<number>>(
  f: ScalarFn<X> | VectorFn<X>,
  x: X,
  options?: GradcheckOptions,
): GradcheckResult {
  checkFunction('gradcheck', 'f', f)
  const point = toVector('gradcheck', 'x', x)
  const s = settings(options)
  const F = asVector(forAnyPoint(f))
  return s.fast ? summarize('fast', fast(F, point, s)) : summarize('full', full(F, point, s))
}

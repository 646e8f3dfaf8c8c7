import { gradlabError } from '../core/errors.js'
import { forward } from '../forward/index.js'
import { numeric } from '../numeric/index.js'
import { DEFAULT_RELATIVE_STEP } from '../numeric/step.js'
import { type Operand, type Ops, plain, type ScalarFn, type VectorFn } from '../ops/index.js'
import { reverse } from '../reverse/index.js'
import { dot, ownJacobian, ownProjection } from './derivatives.js'
import type { Settings } from './options.js'
import { uniforms } from './random.js'
import type { GradcheckEntry, GradcheckReference, GradcheckSource } from './result.js'

/*
 * The two checks: every entry of J (full) or one projection u^T J v (fast),
 * of gradlab's forward and reverse mode against central differences, or of
 * your derivatives against central differences and both exact modes.
 */

export type Fn = ScalarFn | VectorFn

/** Whether f returned one number (a scalar f) rather than an array, as seen on its last evaluation. */
export interface Shape {
  scalar: boolean
}

/** A scalar or vector function as a vector function: a scalar result becomes one output. */
export const asVector =
  (f: Fn, shape: Shape): VectorFn =>
  <T>(m: Ops<T>, x: readonly T[]) => {
    const r = (f as (m: Ops<T>, x: readonly T[]) => unknown)(m, x)
    shape.scalar = !Array.isArray(r)
    return (shape.scalar ? [r] : r) as Operand<T>[]
  }

/** A gradient is of a scalar f: refuses one for a vector F, once F's outputs are known. */
function checkGradientOf(s: Settings, shape: Shape, outputs: number): void {
  if (s.own.includes('gradient') && !shape.scalar) {
    throw gradlabError(
      TypeError,
      'ERR_GRADLAB_INVALID_OPTIONS',
      `gradcheck: options.gradient is the gradient of a scalar f, but f returned an array of ${outputs} outputs. For a vector function, pass options.vjp or options.jvp.`,
    )
  }
}

function entry(
  s: Settings,
  strategy: GradcheckSource,
  reference: GradcheckReference,
  output: number | null,
  input: number | null,
  analytic: number,
  numericValue: number,
): GradcheckEntry {
  const tolerance = s.atol + s.rtol * Math.abs(numericValue)
  return {
    strategy,
    reference,
    output,
    input,
    analytic,
    numeric: numericValue,
    error: Math.abs(analytic - numericValue),
    tolerance,
  }
}

/** Every entry of one Jacobian against another's, both as rows. */
function compare(
  s: Settings,
  strategy: GradcheckSource,
  reference: GradcheckReference,
  analytic: readonly Float64Array[],
  expected: readonly Float64Array[],
): GradcheckEntry[] {
  return analytic.flatMap((row, i) =>
    Array.from(row, (a, j) =>
      entry(s, strategy, reference, i, j, a, (expected[i] as Float64Array)[j] as number),
    ),
  )
}

const REFERENCES = ['central', 'forward', 'reverse'] as const

export function full(F: VectorFn, x: Float64Array, s: Settings, shape: Shape): GradcheckEntry[] {
  const differenced = numeric.jacobian(F, x)
  checkGradientOf(s, shape, differenced.length)
  const exact = { forward: forward.jacobian(F, x), reverse: reverse.jacobian(F, x) }
  if (s.own.length === 0) {
    return [
      ...compare(s, 'forward', 'central', exact.forward, differenced),
      ...compare(s, 'reverse', 'central', exact.reverse, differenced),
    ]
  }
  const references = { central: differenced, ...exact }
  return s.own.flatMap((name) => {
    const rows = ownJacobian(name, s.derivatives, x, differenced.length)
    return REFERENCES.flatMap((r) => compare(s, name, r, rows, references[r]))
  })
}

/** u^T J v several ways: forward's J v, reverse's u^T J, one central difference along v, and yours. */
export function fast(F: VectorFn, x: Float64Array, s: Settings, shape: Shape): GradcheckEntry[] {
  const n = x.length
  const next = uniforms(s.seed)
  const v = Float64Array.from({ length: n }, next)
  const { value, tangent } = forward.jvp(F, x, v)
  checkGradientOf(s, shape, value.length)
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
  const references = {
    central: (projected(h) - projected(-h)) / (2 * h),
    forward: dot(u, tangent),
    reverse: dot(cotangent, v),
  }
  if (s.own.length === 0) {
    return [
      entry(s, 'forward', 'central', null, null, references.forward, references.central),
      entry(s, 'reverse', 'central', null, null, references.reverse, references.central),
    ]
  }
  return s.own.flatMap((name) => {
    const mine = ownProjection(name, s.derivatives, x, u, v)
    return REFERENCES.map((r) => entry(s, name, r, null, null, mine, references[r]))
  })
}

import { describe } from '../core/describe.js'
import {
  type JvpResult,
  type Strategy,
  transposeTimes,
  type ValueAndGradient,
  type VjpResult,
} from '../core/strategy.js'
import {
  badOutput,
  checkFunction,
  checkLength,
  checkOutputCount,
  checkScalarPoint,
  checkScalarResult,
  checkVectorResult,
  toVector,
} from '../core/validate.js'
import { createPlainOps, type OpsContext } from '../ops/plain.js'
import type { ScalarFn, UnivariateFn, VectorFn } from '../ops/types.js'
import { DEFAULT_RELATIVE_STEP, type NumericOptions, type Scheme, stepFor } from './step.js'

/*
 * Finite differences: the derivative from values alone, by perturbing one
 * input (or one direction) at a time. It needs no op rules, which makes it the
 * independent check on the other two strategies, and it is approximate: see
 * step.ts for the error of each scheme. A gradient costs 2n evaluations
 * (central) or n + 1 (forward).
 */

export interface NumericStrategy extends Strategy {
  readonly name: 'numeric'
  derivative(g: UnivariateFn, x: number, options?: NumericOptions): number
  gradient(f: ScalarFn, x: ArrayLike<number>, options?: NumericOptions): Float64Array
  valueAndGradient(f: ScalarFn, x: ArrayLike<number>, options?: NumericOptions): ValueAndGradient
  jacobian(F: VectorFn, x: ArrayLike<number>, options?: NumericOptions): Float64Array[]
  jvp(F: VectorFn, x: ArrayLike<number>, v: ArrayLike<number>, options?: NumericOptions): JvpResult
  vjp(F: VectorFn, x: ArrayLike<number>, u: ArrayLike<number>, options?: NumericOptions): VjpResult
}

const context: OpsContext = { label: 'numeric' }
const ops = createPlainOps(context)

interface Settings {
  readonly scheme: Scheme
  readonly step: number | undefined
}

function settings(label: string, options: NumericOptions | undefined): Settings {
  if (options === undefined) return { scheme: 'central', step: undefined }
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(
      `${label}: options must be an object such as { scheme: 'forward' }, got ${describe(options)}.`,
    )
  }
  const { scheme = 'central', step } = options
  if (scheme !== 'central' && scheme !== 'forward') {
    throw new TypeError(
      `${label}: options.scheme must be 'central' or 'forward', got ${describe(scheme)}.`,
    )
  }
  if (step !== undefined && !(typeof step === 'number' && step > 0 && Number.isFinite(step))) {
    throw new RangeError(
      `${label}: options.step must be a positive finite number, got ${describe(step)}.`,
    )
  }
  return { scheme, step }
}

/** Evaluates with the numeric ops, reporting errors under `label`; restores the label for nested calls. */
function evaluate<R>(label: string, body: () => R): R {
  const saved = context.label
  context.label = label
  try {
    return body()
  } finally {
    context.label = saved
  }
}

function scalarValue(label: string, name: string, r: unknown): number {
  checkScalarResult(label, name, r)
  if (typeof r !== 'number') throw badOutput(label, name, r)
  return r
}

/** F at x as a Float64Array, checked to have `m` outputs when m >= 0. */
function vectorValue(label: string, F: VectorFn, x: readonly number[], m: number): Float64Array {
  const r = checkVectorResult(label, 'F', F(ops, x))
  if (m >= 0) checkOutputCount(label, 'F', r.length, m)
  const out = new Float64Array(r.length)
  for (let i = 0; i < r.length; i++) {
    const ri = r[i]
    if (typeof ri !== 'number') throw badOutput(label, 'F', ri, i)
    out[i] = ri
  }
  return out
}

/**
 * The difference quotient along coordinate j of `x` (perturbed in place and
 * restored): `(F(x + h e_j) - F(x - h e_j)) / (2h)` or the forward quotient
 * against `atX`, with h the representable distance actually moved.
 */
function partialAlong<V extends number | Float64Array>(
  x: number[],
  j: number,
  s: Settings,
  atX: V,
  evalAt: (x: number[]) => V,
  quotient: (plus: V, minus: V, h: number) => V,
): V {
  const xj = x[j] as number
  const h = stepFor(xj, s.scheme, s.step)
  const up = xj + h
  x[j] = up
  const plus = evalAt(x)
  if (s.scheme === 'forward') {
    x[j] = xj
    return quotient(plus, atX, up - xj)
  }
  const down = xj - h
  x[j] = down
  const minus = evalAt(x)
  x[j] = xj
  return quotient(plus, minus, up - down)
}

const scalarQuotient = (plus: number, minus: number, h: number) => (plus - minus) / h
const vectorQuotient = (plus: Float64Array, minus: Float64Array, h: number) =>
  plus.map((p, i) => (p - (minus[i] as number)) / h)

function valueAndGradient(
  label: string,
  f: ScalarFn,
  xs: ArrayLike<number>,
  options?: NumericOptions,
) {
  checkFunction(label, 'f', f)
  const x = Array.from(toVector(label, 'x', xs))
  const s = settings(label, options)
  return evaluate(label, () => {
    const at = (p: number[]) => scalarValue(label, 'f', f(ops, p))
    const value = at(x)
    const gradient = new Float64Array(x.length)
    for (let j = 0; j < x.length; j++)
      gradient[j] = partialAlong(x, j, s, value, at, scalarQuotient)
    return { value, gradient }
  })
}

function jacobianAndValue(label: string, F: VectorFn, x: number[], s: Settings) {
  return evaluate(label, () => {
    const value = vectorValue(label, F, x, -1)
    const at = (p: number[]) => vectorValue(label, F, p, value.length)
    const columns = x.map((_, j) => partialAlong(x, j, s, value, at, vectorQuotient))
    const rows = Array.from(value, (_, i) =>
      Float64Array.from(columns, (column) => column[i] as number),
    )
    return { value, rows }
  })
}

/**
 * Finite differences: central by default, or forward, with a step that
 * scales with |x|. See `NumericOptions` for the accuracy of each.
 *
 * @example
 * numeric.gradient((m, [a, b]) => m.pow(m.sub(a, b), 2), [2, 0]) // ≈ [4, -4], to about 1e-10
 */
export const numeric: NumericStrategy = {
  name: 'numeric',
  derivative(g, xv, options) {
    const label = 'numeric.derivative'
    checkFunction(label, 'g', g)
    const x = checkScalarPoint(label, xv)
    const s = settings(label, options)
    return evaluate(label, () => {
      const at = (p: number[]) => scalarValue(label, 'g', g(ops, p[0] as number))
      const atX = s.scheme === 'forward' ? at([x]) : Number.NaN
      return partialAlong([x], 0, s, atX, at, scalarQuotient)
    })
  },
  gradient: (f, x, options) => valueAndGradient('numeric.gradient', f, x, options).gradient,
  valueAndGradient: (f, x, options) => valueAndGradient('numeric.valueAndGradient', f, x, options),
  jacobian(F, xs, options) {
    const label = 'numeric.jacobian'
    checkFunction(label, 'F', F)
    const x = Array.from(toVector(label, 'x', xs))
    return jacobianAndValue(label, F, x, settings(label, options)).rows
  },
  jvp(F, xs, vs, options) {
    const label = 'numeric.jvp'
    checkFunction(label, 'F', F)
    const x = toVector(label, 'x', xs)
    const v = toVector(label, 'v', vs)
    checkLength(label, 'v', v, x.length, 'one entry per input')
    const s = settings(label, options)
    return evaluate(label, () => {
      const value = vectorValue(label, F, Array.from(x), -1)
      // One difference along the direction v: x + t v for t = +-h, with h
      // scaled so that the largest coordinate moves by the usual relative step.
      const vmax = v.reduce((mx, vi) => Math.max(mx, Math.abs(vi)), 0)
      if (vmax === 0) return { value, tangent: new Float64Array(value.length) }
      const xmax = x.reduce((mx, xi) => Math.max(mx, Math.abs(xi)), 0)
      const h = (s.step ?? DEFAULT_RELATIVE_STEP[s.scheme] * Math.max(1, xmax)) / vmax
      const moved = (t: number) =>
        vectorValue(
          label,
          F,
          Array.from(x, (xi, i) => xi + t * (v[i] as number)),
          value.length,
        )
      const tangent =
        s.scheme === 'forward'
          ? vectorQuotient(moved(h), value, h)
          : vectorQuotient(moved(h), moved(-h), 2 * h)
      return { value, tangent }
    })
  },
  vjp(F, xs, us, options) {
    // Without a backward pass, u^T J needs the whole Jacobian first.
    const label = 'numeric.vjp'
    checkFunction(label, 'F', F)
    const x = Array.from(toVector(label, 'x', xs))
    const u = toVector(label, 'u', us)
    const { value, rows } = jacobianAndValue(label, F, x, settings(label, options))
    checkLength(label, 'u', u, value.length, 'one entry per output of F')
    return { value, cotangent: transposeTimes(rows, u, x.length) }
  },
}

export type { NumericOptions, Scheme } from './step.js'

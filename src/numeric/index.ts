import { gradlabError } from '../core/errors.js'
import { checkOps } from '../core/nested.js'
import { transposeTimes } from '../core/strategy.js'
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
import { forAnyPoint, type ScalarFn, type VectorFn } from '../ops/types.js'
import {
  CoordinateLine,
  Differences,
  DirectionLine,
  type EvaluateInto,
  type Settings,
} from './differences.js'
import { differenceHessian, differenceHessianVector } from './second.js'
import { DEFAULT_RELATIVE_STEP, type NumericOptions, settings } from './step.js'
import type { NumericStrategy } from './strategy.js'
import { numericWithin } from './within.js'

/*
 * Finite differences: the derivative from values alone, by perturbing one
 * input (or one direction) at a time. It needs no op rules, which makes it the
 * independent check on the other two strategies, and it is approximate: see
 * step.ts for the error and cost of each scheme. A gradient costs 2n + 1
 * evaluations (central), n + 1 (forward) or 4n + 1 to 20n + 1 (richardson).
 */

const context: OpsContext = { label: 'numeric' }
const ops = createPlainOps(context)

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

/**
 * The copy of the point each evaluation hands to f. The point is moved in
 * place between evaluations, so a write by f into its input (`x[0] = 5`,
 * `x.sort()`) would otherwise move the next evaluation's point; forward and
 * reverse mode hand each evaluation a new array too. A copy costs less than
 * checking for a write, and lets f use its input as scratch.
 */
const own = (point: readonly number[]): number[] => point.slice()

/** Evaluation of a scalar function as one output, written into `into[0]`. */
function scalarInto(
  label: string,
  name: string,
  g: (x: readonly number[]) => unknown,
): EvaluateInto {
  return (x, into) => {
    const r = g(x)
    checkScalarResult(label, name, r)
    if (typeof r !== 'number') throw badOutput(label, name, r)
    into[0] = r
  }
}

/** F at x, checked to have `into.length` outputs, written into `into`. */
function vectorInto(label: string, F: VectorFn): EvaluateInto {
  return (x, into) => {
    const r = checkVectorResult(label, 'F', F(ops, own(x)))
    checkOutputCount(label, 'F', r.length, into.length)
    copyOutputs(label, r, into)
  }
}

/** F(x), of whatever length F returns. */
function vectorAt(label: string, F: VectorFn, x: readonly number[]): Float64Array {
  const r = checkVectorResult(label, 'F', F(ops, own(x)))
  return copyOutputs(label, r, new Float64Array(r.length))
}

function copyOutputs(label: string, r: readonly unknown[], into: Float64Array): Float64Array {
  for (let i = 0; i < r.length; i++) {
    const ri = r[i]
    if (typeof ri !== 'number') throw badOutput(label, 'F', ri, i)
    into[i] = ri
  }
  return into
}

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
    const at = scalarInto(label, 'f', (p) => f(ops, own(p)))
    const value = new Float64Array(1)
    at(x, value)
    const differences = new Differences(s, at, value)
    const line = new CoordinateLine(x)
    const gradient = new Float64Array(x.length)
    const partial = new Float64Array(1)
    for (let j = 0; j < x.length; j++) {
      differences.derivative(line.along(j), differences.step(x[j] as number), partial)
      gradient[j] = partial[0] as number
    }
    return { value: value[0] as number, gradient }
  })
}

function jacobianAndValue(label: string, F: VectorFn, x: number[], s: Settings) {
  return evaluate(label, () => {
    const value = vectorAt(label, F, x)
    const differences = new Differences(s, vectorInto(label, F), value)
    const line = new CoordinateLine(x)
    const rows = Array.from(value, () => new Float64Array(x.length))
    const column = new Float64Array(value.length)
    for (let j = 0; j < x.length; j++) {
      differences.derivative(line.along(j), differences.step(x[j] as number), column)
      for (let i = 0; i < rows.length; i++) (rows[i] as Float64Array)[j] = column[i] as number
    }
    return { value, rows }
  })
}

/** f at a point, checked to be a number; the point is copied for f. */
function scalarAt(label: string, f: ScalarFn) {
  const into = scalarInto(label, 'f', (p) => f(ops, own(p)))
  const value = new Float64Array(1)
  return (p: readonly number[]) => {
    into(p, value)
    return value[0] as number
  }
}

/** The options of second differences: only the central scheme, and a step. */
function centralOnly(label: string, options: NumericOptions | undefined) {
  const s = settings(label, options)
  if (s.scheme !== 'central') {
    throw gradlabError(
      RangeError,
      'ERR_GRADLAB_INVALID_OPTIONS',
      `${label}: second differences are central only, got scheme '${s.scheme}'. Leave the scheme out, or give only a step.`,
    )
  }
  return s
}

/** f(x), its gradient (by the scheme) and its Hessian by second differences. */
function secondDifferences(
  label: string,
  f: ScalarFn,
  xs: ArrayLike<number>,
  options: NumericOptions | undefined,
) {
  const { step } = centralOnly(label, options)
  const { value, gradient } = valueAndGradient(label, f, xs, options)
  const x = Array.from(toVector(label, 'x', xs))
  const hessian = evaluate(label, () => differenceHessian(scalarAt(label, f), x, step))
  return { value, gradient, hessian }
}

/**
 * Finite differences: central by default, forward, or central extrapolated
 * to a zero step (`scheme: 'richardson'`), with a step that scales with |x|.
 * See `NumericOptions` for the accuracy and cost of each.
 *
 * They need no op rules, which makes them the independent check on the two
 * exact strategies (see {@link gradcheck}). At a kink a central difference
 * gives the average of the one-sided slopes, which need not be the op
 * table's convention (relu at 0 gives 1/2, not 0).
 *
 * @example
 * ```ts
 * numeric.gradient((m, [a, b]) => m.pow(m.sub(a, b), 2), [2, 0]) // => Float64Array(2) [ 3.9999999999816658, -4.000000000020878 ]
 * numeric.derivative((m, x) => m.relu(x), 0) // => 0.5
 * ```
 */
export const numeric: NumericStrategy = {
  name: 'numeric',
  within(m) {
    checkOps('numeric.within', m)
    return numericWithin(m)
  },
  derivative(g, xv, options) {
    const label = 'numeric.derivative'
    checkFunction(label, 'g', g)
    const x = checkScalarPoint(label, xv)
    const s = settings(label, options)
    return evaluate(label, () => {
      const at = scalarInto(label, 'g', (p) => g(ops, p[0] as number))
      const point = [x]
      const value = new Float64Array(1)
      if (s.scheme === 'forward') at(point, value)
      const differences = new Differences(s, at, value)
      const derivative = new Float64Array(1)
      differences.derivative(new CoordinateLine(point).along(0), differences.step(x), derivative)
      return derivative[0] as number
    })
  },
  gradient: (f, x, options) =>
    valueAndGradient('numeric.gradient', forAnyPoint(f), x, options).gradient,
  valueAndGradient: (f, x, options) =>
    valueAndGradient('numeric.valueAndGradient', forAnyPoint(f), x, options),
  jacobian(F, xs, options) {
    const label = 'numeric.jacobian'
    checkFunction(label, 'F', F)
    const x = Array.from(toVector(label, 'x', xs))
    return jacobianAndValue(label, forAnyPoint(F), x, settings(label, options)).rows
  },
  jvp(F, xs, vs, options) {
    const label = 'numeric.jvp'
    checkFunction(label, 'F', F)
    const x = toVector(label, 'x', xs)
    const v = toVector(label, 'v', vs)
    checkLength(label, 'v', v, x.length, 'one entry per input')
    const s = settings(label, options)
    return evaluate(label, () => {
      const value = vectorAt(label, forAnyPoint(F), Array.from(x))
      const tangent = new Float64Array(value.length)
      // One derivative along the direction v: x + t v, with the step scaled
      // so that the largest coordinate moves by the usual relative step.
      const vmax = v.reduce((mx, vi) => Math.max(mx, Math.abs(vi)), 0)
      if (vmax === 0) return { value, tangent }
      const xmax = x.reduce((mx, xi) => Math.max(mx, Math.abs(xi)), 0)
      const h = (s.step ?? DEFAULT_RELATIVE_STEP[s.scheme] * Math.max(1, xmax)) / vmax
      const differences = new Differences(s, vectorInto(label, forAnyPoint(F)), value)
      differences.derivative(new DirectionLine(x, v), h, tangent)
      return { value, tangent }
    })
  },
  hessian(f, xs, options) {
    const label = 'numeric.hessian'
    checkFunction(label, 'f', f)
    const x = Array.from(toVector(label, 'x', xs))
    const { step } = centralOnly(label, options)
    return evaluate(label, () => differenceHessian(scalarAt(label, forAnyPoint(f)), x, step))
  },
  hvp(f, xs, vs, options) {
    const label = 'numeric.hvp'
    checkFunction(label, 'f', f)
    const x = Array.from(toVector(label, 'x', xs))
    const v = toVector(label, 'v', vs)
    checkLength(label, 'v', v, x.length, 'one entry per input')
    const { step } = centralOnly(label, options)
    return evaluate(label, () =>
      differenceHessianVector(scalarAt(label, forAnyPoint(f)), x, Array.from(v), step),
    )
  },
  valueGradientAndHessian: (f, x, options) =>
    secondDifferences('numeric.valueGradientAndHessian', forAnyPoint(f), x, options),
  vjp(F, xs, us, options) {
    // Without a backward pass, u^T J needs the whole Jacobian first.
    const label = 'numeric.vjp'
    checkFunction(label, 'F', F)
    const x = Array.from(toVector(label, 'x', xs))
    const u = toVector(label, 'u', us)
    const { value, rows } = jacobianAndValue(label, forAnyPoint(F), x, settings(label, options))
    checkLength(label, 'u', u, value.length, 'one entry per output of F')
    return { value, cotangent: transposeTimes(rows, u, x.length) }
  },
}

export type { NumericOptions, Scheme } from './step.js'
export type { NumericStrategy } from './strategy.js'

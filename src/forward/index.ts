import { checkOps, type NestedScalarFn, type Within } from '../core/nested.js'
import { noOptions } from '../core/options.js'
import { type JvpResult, transposeTimes } from '../core/strategy.js'
import {
  checkFunction,
  checkLength,
  checkOutputCount,
  checkScalarPoint,
  checkScalarResult,
  checkVectorResult,
  toVector,
} from '../core/validate.js'
import {
  forAnyPoint,
  type Ops,
  type ScalarFn,
  type UnivariateFn,
  type VectorFn,
} from '../ops/types.js'
import { chunkSizeOption, type ForwardOptions, forEachChunk } from './chunk.js'
import type { Dual } from './dual.js'
import { createDualOps } from './ops.js'
import { copyTangents, output, runPass, type Seed, storedDuals, tangentOf } from './pass.js'
import type { ForwardStrategy } from './strategy.js'
import { context } from './tangents.js'
import { forwardWithin } from './within.js'

/*
 * Forward mode. Each pass seeds the inputs with tangents, evaluates the
 * function once on dual numbers, and reads J v from the outputs' tangents for
 * every direction v the pass carries. A gradient of f: R^n -> R or a Jacobian
 * of F: R^n -> R^m (whatever m is, which is where forward mode beats reverse
 * mode) takes ceil(n / k) passes of k directions each (see chunk.ts).
 */

const ops = createDualOps(context)

function scalarPass(
  label: string,
  f: ScalarFn,
  x: Float64Array,
  seed: Seed,
  read: (out: Dual) => void,
) {
  runPass(label, x, seed, (inputs) => {
    const r = f(ops, inputs)
    checkScalarResult(label, 'f', r)
    read(output(label, 'f', r))
  })
}

function vectorPass(
  label: string,
  F: VectorFn,
  x: Float64Array,
  seed: Seed,
  read: (outs: Dual[]) => void,
) {
  runPass(label, x, seed, (inputs) => {
    const r = checkVectorResult(label, 'F', F(ops, inputs))
    read(r.map((ri, i) => output(label, 'F', ri, i)))
  })
}

function valueAndGradient(label: string, f: ScalarFn, xs: ArrayLike<number>, options: unknown) {
  checkFunction(label, 'f', f)
  const x = toVector(label, 'x', xs)
  const chunkSize = chunkSizeOption(label, options)
  const gradient = new Float64Array(x.length)
  let value = 0
  forEachChunk(x.length, chunkSize, (first, lanes) => {
    let duals = 0
    scalarPass(label, f, x, { first, lanes }, (out) => {
      value = out.value
      copyTangents(out, gradient, first)
      duals = storedDuals()
    })
    return duals
  })
  return { value, gradient }
}

function jacobianAndValue(label: string, F: VectorFn, x: Float64Array, chunkSize?: number) {
  const n = x.length
  let rows: Float64Array[] | undefined
  let value = new Float64Array(0)
  forEachChunk(n, chunkSize, (first, lanes) => {
    let duals = 0
    vectorPass(label, F, x, { first, lanes }, (outs) => {
      if (rows === undefined) {
        rows = outs.map(() => new Float64Array(n))
        value = Float64Array.from(outs, (o) => o.value)
      } else checkOutputCount(label, 'F', outs.length, rows.length)
      for (let i = 0; i < outs.length; i++)
        copyTangents(outs[i] as Dual, rows[i] as Float64Array, first)
      duals = storedDuals()
    })
    return duals
  })
  return { value, rows: rows ?? [] }
}

/**
 * f(x), its gradient and its Hessian by forward mode over `inner` (forward
 * or reverse mode taken within forward mode's ops): each pass of forward
 * mode carries k directions into the inner gradient, whose entries' tangents
 * are k columns of the Hessian. With reverse mode inside, a pass costs about
 * k gradients, so a Hessian costs about n gradients, and a Hessian-vector
 * product (one direction, `jvp`) about one.
 */
export function secondOrder(
  label: string,
  f: ScalarFn,
  xs: ArrayLike<number>,
  inner: (m: Ops<Dual>) => Within<Dual>,
  options: unknown,
): { value: number; gradient: Float64Array; hessian: Float64Array[] } {
  checkFunction(label, 'f', f)
  const x = toVector(label, 'x', xs)
  const chunkSize = chunkSizeOption(label, options)
  const both: VectorFn = <T>(m: Ops<T>, point: readonly T[]) => {
    const { value, gradient } = inner(m as unknown as Ops<Dual>).valueAndGradient(
      f as unknown as NestedScalarFn<Dual>,
      point as unknown as Dual[],
    )
    return [value, ...gradient] as unknown as T[]
  }
  const { value, rows } = jacobianAndValue(label, both, x, chunkSize)
  return { value: value[0] as number, gradient: value.slice(1), hessian: rows.slice(1) }
}

/** H v by forward mode over `inner`: one pass of one direction, v. */
export function hessianVector(
  label: string,
  f: ScalarFn,
  xs: ArrayLike<number>,
  vs: ArrayLike<number>,
  inner: (m: Ops<Dual>) => Within<Dual>,
): Float64Array {
  checkFunction(label, 'f', f)
  const x = toVector(label, 'x', xs)
  const v = toVector(label, 'v', vs)
  checkLength(label, 'v', v, x.length, 'one entry per input')
  let hv = new Float64Array(0)
  vectorPass(
    label,
    <T>(m: Ops<T>, point: readonly T[]) =>
      inner(m as unknown as Ops<Dual>).gradient(
        f as unknown as NestedScalarFn<Dual>,
        point as unknown as Dual[],
      ) as unknown as T[],
    x,
    v,
    (outs) => {
      hv = Float64Array.from(outs, tangentOf)
    },
  )
  return hv
}

/**
 * Forward-mode automatic differentiation with dual numbers ({@link Dual}),
 * several directions per pass: evaluating f on a + v ε gives f(a) + f'(a) v ε,
 * so one pass carries J v along with the value. It is exact (up to rounding)
 * and costs one evaluation per pass; `gradient`, `valueAndGradient`,
 * `jacobian` and `vjp` take an optional last argument `{ chunkSize }` (see
 * {@link ForwardOptions}).
 *
 * @example
 * ```ts
 * forward.gradient((m, [a, b]) => m.pow(m.sub(a, b), 2), [2, 0]) // => Float64Array(2) [ 4, -4 ]
 * forward.derivative((m, x) => m.tanh(x), 0) // => 1
 * ```
 */
export const forward: ForwardStrategy = {
  name: 'forward',
  within(m) {
    checkOps('forward.within', m)
    return forwardWithin(m)
  },
  derivative(g: UnivariateFn, xv: number, ...extra: unknown[]): number {
    const label = 'forward.derivative'
    noOptions(label, 2, extra)
    checkFunction(label, 'g', g)
    const x = checkScalarPoint(label, xv)
    let derivative = 0
    runPass(label, Float64Array.of(x), Float64Array.of(1), ([input]) => {
      const r = g(ops, input as Dual)
      checkScalarResult(label, 'g', r)
      derivative = tangentOf(output(label, 'g', r))
    })
    return derivative
  },
  gradient: (f, x, options) =>
    valueAndGradient('forward.gradient', forAnyPoint(f), x, options).gradient,
  valueAndGradient: (f, x, options) =>
    valueAndGradient('forward.valueAndGradient', forAnyPoint(f), x, options),
  jacobian(F, xs, options) {
    const label = 'forward.jacobian'
    checkFunction(label, 'F', F)
    const x = toVector(label, 'x', xs)
    return jacobianAndValue(label, forAnyPoint(F), x, chunkSizeOption(label, options)).rows
  },
  jvp(F, xs, vs, ...extra: unknown[]): JvpResult {
    const label = 'forward.jvp'
    noOptions(label, 3, extra)
    checkFunction(label, 'F', F)
    const x = toVector(label, 'x', xs)
    const v = toVector(label, 'v', vs)
    checkLength(label, 'v', v, x.length, 'one entry per input')
    let result: JvpResult = { value: new Float64Array(0), tangent: new Float64Array(0) }
    vectorPass(label, forAnyPoint(F), x, v, (outs) => {
      result = {
        value: Float64Array.from(outs, (o) => o.value),
        tangent: Float64Array.from(outs, tangentOf),
      }
    })
    return result
  },
  hessian: (f, x, options) =>
    secondOrder(
      'forward.hessian',
      forAnyPoint(f),
      x,
      (m) => forwardWithin(m, 'forward.hessian'),
      options,
    ).hessian,
  hvp(f, x, v, ...extra: unknown[]) {
    noOptions('forward.hvp', 3, extra)
    return hessianVector('forward.hvp', forAnyPoint(f), x, v, (m) =>
      forwardWithin(m, 'forward.hvp'),
    )
  },
  valueGradientAndHessian: (f, x, options) =>
    secondOrder(
      'forward.valueGradientAndHessian',
      forAnyPoint(f),
      x,
      (m) => forwardWithin(m, 'forward.valueGradientAndHessian'),
      options,
    ),
  vjp(F, xs, us, options) {
    // Forward mode has no backward pass: it builds J, k columns per pass, and
    // then forms u^T J. Reverse mode does this in one pass.
    const label = 'forward.vjp'
    checkFunction(label, 'F', F)
    const x = toVector(label, 'x', xs)
    const u = toVector(label, 'u', us)
    const chunkSize = chunkSizeOption(label, options)
    const { value, rows } = jacobianAndValue(label, forAnyPoint(F), x, chunkSize)
    checkLength(label, 'u', u, value.length, 'one entry per output of F')
    return { value, cotangent: transposeTimes(rows, u, x.length) }
  },
}

export type { ForwardOptions } from './chunk.js'
export type { ForwardStrategy } from './strategy.js'

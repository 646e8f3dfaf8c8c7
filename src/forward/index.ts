import { type Strategy, transposeTimes } from '../core/strategy.js'
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
import type { ScalarFn, UnivariateFn, VectorFn } from '../ops/types.js'
import { Dual } from './dual.js'
import { createDualOps, type ForwardContext } from './ops.js'

/*
 * Forward mode. Each pass seeds the inputs with tangents (a direction v),
 * evaluates the function once on dual numbers, and reads J v from the outputs'
 * tangents. A gradient of f: R^n -> R therefore takes n passes, one per unit
 * direction; a Jacobian of F: R^n -> R^m also takes n passes, whatever m is,
 * which is where forward mode beats reverse mode.
 */

const context: ForwardContext = { label: 'forward', pass: 0 }
const ops = createDualOps(context)
let passesStarted = 0

/** Runs one forward pass of `fn` at x seeded with `tangents` (all zero but `unit` when `unit >= 0`). */
function pass<R>(
  label: string,
  x: Float64Array,
  seed: Float64Array | number,
  body: (inputs: Dual[]) => R,
): R {
  const saved = { label: context.label, pass: context.pass }
  context.label = label
  context.pass = ++passesStarted
  try {
    const inputs = new Array<Dual>(x.length)
    for (let i = 0; i < x.length; i++) {
      const tangent = typeof seed === 'number' ? (i === seed ? 1 : 0) : (seed[i] as number)
      inputs[i] = new Dual(x[i] as number, tangent, context.pass)
    }
    return body(inputs)
  } finally {
    context.label = saved.label
    context.pass = saved.pass
  }
}

/** Reads one output of the pass that is running: a dual of this pass or a plain number (tangent 0). */
function output(label: string, name: string, r: unknown, index?: number): Dual {
  if (typeof r === 'number') return new Dual(r, 0, context.pass)
  if (r instanceof Dual && r.pass === context.pass) return r
  if (r instanceof Dual) {
    throw new TypeError(
      `${label}: ${name} returned a dual number from another forward pass (kept from an earlier call); return values computed in this call.`,
    )
  }
  throw badOutput(label, name, r, index)
}

function scalarPass(
  label: string,
  f: ScalarFn,
  x: Float64Array,
  seed: Float64Array | number,
): Dual {
  return pass(label, x, seed, (inputs) => {
    const r = f(ops, inputs)
    checkScalarResult(label, 'f', r)
    return output(label, 'f', r)
  })
}

function vectorPass(
  label: string,
  F: VectorFn,
  x: Float64Array,
  seed: Float64Array | number,
): Dual[] {
  return pass(label, x, seed, (inputs) => {
    const r = checkVectorResult(label, 'F', F(ops, inputs))
    return r.map((ri, i) => output(label, 'F', ri, i))
  })
}

function valueAndGradient(label: string, f: ScalarFn, xs: ArrayLike<number>) {
  checkFunction(label, 'f', f)
  const x = toVector(label, 'x', xs)
  const gradient = new Float64Array(x.length)
  // One pass per input; with no inputs, one pass still gives the value.
  let value = x.length === 0 ? scalarPass(label, f, x, -1).value : 0
  for (let j = 0; j < x.length; j++) {
    const out = scalarPass(label, f, x, j)
    gradient[j] = out.tangent
    value = out.value
  }
  return { value, gradient }
}

function jacobianAndValue(label: string, F: VectorFn, x: Float64Array) {
  const n = x.length
  let rows: Float64Array[] = []
  let value = new Float64Array(0)
  for (let j = 0; j < Math.max(n, 1); j++) {
    const outs = vectorPass(label, F, x, n === 0 ? -1 : j)
    if (j === 0) {
      rows = outs.map(() => new Float64Array(n))
      value = Float64Array.from(outs, (o) => o.value)
    } else checkOutputCount(label, 'F', outs.length, rows.length)
    for (let i = 0; i < outs.length; i++) (rows[i] as Float64Array)[j] = (outs[i] as Dual).tangent
  }
  return { value, rows }
}

/**
 * Forward-mode automatic differentiation with dual numbers.
 *
 * @example
 * forward.gradient((m, [a, b]) => m.pow(m.sub(a, b), 2), [2, 0]) // Float64Array [4, -4]
 */
export const forward: Strategy = {
  name: 'forward',
  derivative(g: UnivariateFn, xv: number): number {
    const label = 'forward.derivative'
    checkFunction(label, 'g', g)
    const x = checkScalarPoint(label, xv)
    return pass(label, Float64Array.of(x), 0, ([input]) => {
      const r = g(ops, input as Dual)
      checkScalarResult(label, 'g', r)
      return output(label, 'g', r).tangent
    })
  },
  gradient: (f, x) => valueAndGradient('forward.gradient', f, x).gradient,
  valueAndGradient: (f, x) => valueAndGradient('forward.valueAndGradient', f, x),
  jacobian(F, xs) {
    const label = 'forward.jacobian'
    checkFunction(label, 'F', F)
    return jacobianAndValue(label, F, toVector(label, 'x', xs)).rows
  },
  jvp(F, xs, vs) {
    const label = 'forward.jvp'
    checkFunction(label, 'F', F)
    const x = toVector(label, 'x', xs)
    const v = toVector(label, 'v', vs)
    checkLength(label, 'v', v, x.length, 'one entry per input')
    const outs = vectorPass(label, F, x, v)
    return {
      value: Float64Array.from(outs, (o) => o.value),
      tangent: Float64Array.from(outs, (o) => o.tangent),
    }
  },
  vjp(F, xs, us) {
    // Forward mode has no backward pass: it builds J column by column (n
    // passes) and then forms u^T J. Reverse mode does this in one pass.
    const label = 'forward.vjp'
    checkFunction(label, 'F', F)
    const x = toVector(label, 'x', xs)
    const u = toVector(label, 'u', us)
    const { value, rows } = jacobianAndValue(label, F, x)
    checkLength(label, 'u', u, value.length, 'one entry per output of F')
    return { value, cotangent: transposeTimes(rows, u, x.length) }
  },
}

import type { Strategy } from '../core/strategy.js'
import { checkFunction, checkLength, checkScalarPoint, toVector } from '../core/validate.js'
import { forAnyPoint, type ScalarFn, type UnivariateFn } from '../ops/types.js'
import { type CompiledGradient, type CompileOptions, compile } from './compile.js'
import { ops, pullback, record, scalarOutput, vectorOutputs } from './recording.js'
import type { TapeVar } from './variable.js'

/*
 * Reverse mode. One evaluation records every op's local partials on a tape;
 * one backward pass from an output then accumulates adjoints (`+=`) into every
 * input. A gradient of f: R^n -> R costs one recording and one backward pass
 * whatever n is, which is why backpropagation trains networks with millions of
 * parameters. A Jacobian of F: R^n -> R^m takes m backward passes.
 */

function valueAndGradient(label: string, f: ScalarFn, xs: ArrayLike<number>) {
  checkFunction(label, 'f', f)
  const x = toVector(label, 'x', xs)
  return record(label, x, (inputs, tape) => {
    const out = scalarOutput(label, 'f', f(ops, inputs))
    return { value: out.value, gradient: pullback(tape, [out], [1], x.length) }
  })
}

/**
 * Reverse-mode automatic differentiation: a tape and backpropagation.
 *
 * @example
 * reverse.gradient((m, [a, b]) => m.pow(m.sub(a, b), 2), [2, 0]) // Float64Array [4, -4]
 */
/** Reverse mode's methods: the shared ones, and `compile` for gradients replayed without re-recording. */
export interface ReverseStrategy extends Strategy {
  readonly name: 'reverse'
  compile<const X extends ArrayLike<number>>(
    f: ScalarFn<X>,
    x0: X,
    options?: CompileOptions,
  ): CompiledGradient
}

export const reverse: ReverseStrategy = {
  name: 'reverse',
  compile: (f, x0, options) => compile(forAnyPoint(f), x0, options),
  derivative(g: UnivariateFn, xv: number): number {
    const label = 'reverse.derivative'
    checkFunction(label, 'g', g)
    const x = checkScalarPoint(label, xv)
    return record(label, Float64Array.of(x), ([input], tape) => {
      const out = scalarOutput(label, 'g', g(ops, input as TapeVar))
      return pullback(tape, [out], [1], 1)[0] as number
    })
  },
  gradient: (f, x) => valueAndGradient('reverse.gradient', forAnyPoint(f), x).gradient,
  valueAndGradient: (f, x) => valueAndGradient('reverse.valueAndGradient', forAnyPoint(f), x),
  jacobian(F, xs) {
    const label = 'reverse.jacobian'
    checkFunction(label, 'F', F)
    const x = toVector(label, 'x', xs)
    return record(label, x, (inputs, tape) => {
      // One recording, then one backward pass per output (row).
      const outs = vectorOutputs(label, forAnyPoint(F), inputs)
      return outs.map((out) => pullback(tape, [out], [1], x.length))
    })
  },
  jvp(F, xs, vs) {
    const label = 'reverse.jvp'
    checkFunction(label, 'F', F)
    const x = toVector(label, 'x', xs)
    const v = toVector(label, 'v', vs)
    checkLength(label, 'v', v, x.length, 'one entry per input')
    return record(label, x, (inputs, tape) => {
      const outs = vectorOutputs(label, forAnyPoint(F), inputs)
      // J v by a forward sweep over the recorded partials: no second evaluation of F.
      const tangent = tape.scratch()
      tangent.set(v)
      tape.forwardSweep(tangent)
      return {
        value: Float64Array.from(outs, (o) => o.value),
        tangent: Float64Array.from(outs, (o) => (o.index < 0 ? 0 : (tangent[o.index] as number))),
      }
    })
  },
  vjp(F, xs, us) {
    const label = 'reverse.vjp'
    checkFunction(label, 'F', F)
    const x = toVector(label, 'x', xs)
    const u = toVector(label, 'u', us)
    return record(label, x, (inputs, tape) => {
      const outs = vectorOutputs(label, forAnyPoint(F), inputs)
      checkLength(label, 'u', u, outs.length, 'one entry per output of F')
      return {
        value: Float64Array.from(outs, (o) => o.value),
        cotangent: pullback(tape, outs, u, x.length),
      }
    })
  },
}

export type { CompiledGradient, CompileOptions } from './compile.js'
export { type TapeStats, tapeStats } from './recording.js'

import { checkOps } from '../core/nested.js'
import { noOptions } from '../core/options.js'
import type { Strategy } from '../core/strategy.js'
import { checkFunction, checkLength, checkScalarPoint, toVector } from '../core/validate.js'
import { hessianVector, secondOrder } from '../forward/index.js'
import { type DataFn, forAnyPoint, type ScalarFn, type UnivariateFn } from '../ops/types.js'
import { type CompiledGradient, type CompileOptions, compile } from './compile.js'
import { ops, pullback, record, scalarOutput, vectorOutputs } from './recording.js'
import { type GradientTrace, type TraceOptions, trace } from './trace.js'
import type { TapeVar } from './variable.js'
import { reverseWithin } from './within.js'

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
 * Reverse mode's methods: those of {@link Strategy}, and `compile` for
 * gradients replayed at new points without recording again.
 */
export interface ReverseStrategy extends Strategy {
  /** Always `'reverse'`. */
  readonly name: 'reverse'
  /**
   * Records f once at x0 and returns a {@link CompiledGradient}, which
   * replays the recording at new points of the same length without calling f
   * again (unless a value f read with `m.value` changes; see
   * {@link CompileOptions}). For a function whose ops do not depend on x
   * (a network, most losses) it is the fastest gradient gradlab offers.
   * Throws as `gradient` does for f and x0, and a TypeError for an unknown
   * `options.onValueChange`.
   * @example
   * ```ts
   * const g = reverse.compile((m, [a, b]) => m.pow(m.sub(a, b), 2), [0, 0])
   * g.gradient([2, 0]) // => Float64Array(2) [ 4, -4 ]
   * g.gradient([1, 3]) // => Float64Array(2) [ -4, 4 ]
   * g.recordings // => 1
   * ```
   */
  compile<const X extends ArrayLike<number>>(
    f: ScalarFn<X>,
    x0: X,
    options?: CompileOptions,
  ): CompiledGradient
  /**
   * With `options.data`: f also reads data it is not differentiated in (a
   * batch), given again at every call of the compiled gradient.
   * @example
   * ```ts
   * // Least squares over a batch: f(w) = sum over examples of (w . x_e - y_e)^2.
   * const loss = <T>(m: Ops<T>, w: readonly T[], [xs, ys]: readonly (readonly T[])[]) =>
   *   m.sum((ys ?? []).map((y, e) => m.square(m.sub(m.dot(w, (xs ?? []).slice(2 * e, 2 * e + 2)), y))))
   * const g = reverse.compile(loss, [0, 0], { data: [[1, 0, 0, 1], [1, 2]] })
   * g.gradient([1, 1], [[1, 0, 0, 1], [1, 2]]) // => Float64Array(2) [ 0, -2 ]
   * g.gradient([1, 1], [[2, 0, 0, 2], [1, 2]]) // => Float64Array(2) [ 4, 0 ]
   * g.recordings // => 1
   * ```
   */
  compile<const X extends ArrayLike<number>>(
    f: DataFn<X>,
    x0: X,
    options: CompileOptions & { readonly data: readonly ArrayLike<number>[] },
  ): CompiledGradient
  /**
   * The gradient of f at x with its whole recording as data: every node's
   * op, operands, value, local partials and adjoint, and the backward
   * pass's edges in the order it walks them (a {@link GradientTrace}). Name
   * the inputs with `options.names` and any value with {@link named}; draw
   * the trace with `traceToDot` or `traceToMermaid`. The numbers are those
   * of a compiled gradient's interpreter: the gradient is
   * `reverse.gradient`'s bit for bit. Meant for small functions: it keeps
   * an object per node.
   * @example
   * ```ts
   * const t = reverse.trace((m, [a, b]) => m.pow(m.sub(a, b), 2), [2, 0], { names: ['a', 'b'] })
   * t.nodes.map((node) => `${node.name ?? node.op} = ${node.value}, adjoint ${node.adjoint}`)
   * // => [ 'a = 2, adjoint 4', 'b = 0, adjoint -4', 'sub = 2, adjoint 4', 'pow = 4, adjoint 1' ]
   * t.edges.map((e) => [e.from, e.to, e.partial]) // => [ [ 3, 2, 4 ], [ 2, 1, -1 ], [ 2, 0, 1 ] ]
   * ```
   */
  trace<const X extends ArrayLike<number>>(
    f: ScalarFn<X>,
    x: X,
    options?: TraceOptions,
  ): GradientTrace
}

/**
 * Reverse-mode automatic differentiation: one evaluation records every op's
 * local partials on a tape, and one backward pass from the output adds
 * `adjoint_input += partial * adjoint_output` into every input, so a gradient
 * of f: R^n -> R costs one recording and one backward pass whatever n is.
 * It is exact (up to rounding) and holds every intermediate's partials until
 * the backward pass has run.
 *
 * @example
 * ```ts
 * reverse.gradient((m, [a, b]) => m.pow(m.sub(a, b), 2), [2, 0]) // => Float64Array(2) [ 4, -4 ]
 * reverse.derivative((m, x) => m.tanh(x), 0) // => 1
 * ```
 */
export const reverse: ReverseStrategy = {
  name: 'reverse',
  within(m) {
    checkOps('reverse.within', m)
    return reverseWithin(m)
  },
  compile: (f: ScalarFn | DataFn, x0: ArrayLike<number>, options?: CompileOptions) =>
    compile(f as ScalarFn | DataFn, x0, options),
  trace(f, x, options) {
    return trace(forAnyPoint(f), x, options)
  },
  derivative(g: UnivariateFn, xv: number, ...extra: unknown[]): number {
    const label = 'reverse.derivative'
    noOptions(label, 2, extra)
    checkFunction(label, 'g', g)
    const x = checkScalarPoint(label, xv)
    return record(label, Float64Array.of(x), ([input], tape) => {
      const out = scalarOutput(label, 'g', g(ops, input as TapeVar))
      return pullback(tape, [out], [1], 1)[0] as number
    })
  },
  gradient(f, x, ...extra: unknown[]) {
    noOptions('reverse.gradient', 2, extra)
    return valueAndGradient('reverse.gradient', forAnyPoint(f), x).gradient
  },
  valueAndGradient(f, x, ...extra: unknown[]) {
    noOptions('reverse.valueAndGradient', 2, extra)
    return valueAndGradient('reverse.valueAndGradient', forAnyPoint(f), x)
  },
  jacobian(F, xs, ...extra: unknown[]) {
    const label = 'reverse.jacobian'
    noOptions(label, 2, extra)
    checkFunction(label, 'F', F)
    const x = toVector(label, 'x', xs)
    return record(label, x, (inputs, tape) => {
      // One recording, then one backward pass per output (row).
      const outs = vectorOutputs(label, forAnyPoint(F), inputs)
      return outs.map((out) => pullback(tape, [out], [1], x.length))
    })
  },
  jvp(F, xs, vs, ...extra: unknown[]) {
    const label = 'reverse.jvp'
    noOptions(label, 3, extra)
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
  hessian(f, x, ...extra: unknown[]) {
    const label = 'reverse.hessian'
    noOptions(label, 2, extra)
    return secondOrder(label, forAnyPoint(f), x, (m) => reverseWithin(m, label), undefined).hessian
  },
  hvp(f, x, v, ...extra: unknown[]) {
    const label = 'reverse.hvp'
    noOptions(label, 3, extra)
    return hessianVector(label, forAnyPoint(f), x, v, (m) => reverseWithin(m, label))
  },
  valueGradientAndHessian(f, x, ...extra: unknown[]) {
    const label = 'reverse.valueGradientAndHessian'
    noOptions(label, 2, extra)
    return secondOrder(label, forAnyPoint(f), x, (m) => reverseWithin(m, label), undefined)
  },
  vjp(F, xs, us, ...extra: unknown[]) {
    const label = 'reverse.vjp'
    noOptions(label, 3, extra)
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
export {
  type GradientTrace,
  named,
  type TraceEdge,
  type TraceNode,
  type TraceOperand,
  type TraceOptions,
} from './trace.js'

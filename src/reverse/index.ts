import type { Strategy } from '../core/strategy.js'
import {
  badOutput,
  checkFunction,
  checkLength,
  checkScalarPoint,
  checkScalarResult,
  checkVectorResult,
  toVector,
} from '../core/validate.js'
import type { ScalarFn, UnivariateFn, VectorFn } from '../ops/types.js'
import { createTapeOps, type ReverseContext } from './ops.js'
import { Tape } from './tape.js'
import { TapeVar } from './variable.js'

/*
 * Reverse mode. One evaluation records every op's local partials on a tape;
 * one backward pass from an output then accumulates adjoints (`+=`) into every
 * input. A gradient of f: R^n -> R costs one recording and one backward pass
 * whatever n is, which is why backpropagation trains networks with millions of
 * parameters. A Jacobian of F: R^n -> R^m takes m backward passes.
 */

/** One tape per nesting depth (a reverse call inside a function being recorded gets its own). */
const tapes: Tape[] = []
const context: ReverseContext = { label: 'reverse', session: 0, tape: new Tape() }
const ops = createTapeOps(context)
let sessionsStarted = 0
let depth = 0

/** Records `body` on a fresh session with the inputs x as nodes 0 .. n-1. */
function record<R>(label: string, x: Float64Array, body: (inputs: TapeVar[], tape: Tape) => R): R {
  const saved = { label: context.label, session: context.session, tape: context.tape }
  const tape = tapes[depth] ?? new Tape()
  tapes[depth++] = tape
  tape.reset()
  context.label = label
  context.tape = tape
  context.session = ++sessionsStarted
  try {
    const inputs = new Array<TapeVar>(x.length)
    for (let i = 0; i < x.length; i++)
      inputs[i] = new TapeVar(x[i] as number, tape.input(), context.session)
    return body(inputs, tape)
  } finally {
    depth--
    context.label = saved.label
    context.tape = saved.tape
    context.session = saved.session
  }
}

/** Reads one output of the evaluation being recorded: a variable of this session or a plain number. */
function output(label: string, name: string, r: unknown, index?: number): TapeVar {
  if (typeof r === 'number') return new TapeVar(r, -1, context.session)
  if (r instanceof TapeVar && r.session === context.session) return r
  if (r instanceof TapeVar) {
    throw new TypeError(
      `${label}: ${name} returned a variable recorded in another evaluation (kept from an earlier call); return values computed in this call.`,
    )
  }
  throw badOutput(label, name, r, index)
}

function scalarOutput(label: string, name: string, r: unknown): TapeVar {
  checkScalarResult(label, name, r)
  return output(label, name, r)
}

function vectorOutputs(label: string, F: VectorFn, inputs: TapeVar[]): TapeVar[] {
  return checkVectorResult(label, 'F', F(ops, inputs)).map((r, i) => output(label, 'F', r, i))
}

/** Runs the backward pass from `seeds` (adjoints of output nodes) and returns the inputs' adjoints. */
function pullback(
  tape: Tape,
  outputs: readonly TapeVar[],
  seeds: ArrayLike<number>,
  n: number,
): Float64Array {
  const adjoint = tape.scratch()
  for (let i = 0; i < outputs.length; i++) {
    const { index } = outputs[i] as TapeVar
    if (index >= 0) adjoint[index] = (adjoint[index] as number) + (seeds[i] as number)
  }
  tape.backward(adjoint)
  return adjoint.slice(0, n)
}

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
export const reverse: Strategy = {
  name: 'reverse',
  derivative(g: UnivariateFn, xv: number): number {
    const label = 'reverse.derivative'
    checkFunction(label, 'g', g)
    const x = checkScalarPoint(label, xv)
    return record(label, Float64Array.of(x), ([input], tape) => {
      const out = scalarOutput(label, 'g', g(ops, input as TapeVar))
      return pullback(tape, [out], [1], 1)[0] as number
    })
  },
  gradient: (f, x) => valueAndGradient('reverse.gradient', f, x).gradient,
  valueAndGradient: (f, x) => valueAndGradient('reverse.valueAndGradient', f, x),
  jacobian(F, xs) {
    const label = 'reverse.jacobian'
    checkFunction(label, 'F', F)
    const x = toVector(label, 'x', xs)
    return record(label, x, (inputs, tape) => {
      // One recording, then one backward pass per output (row).
      const outs = vectorOutputs(label, F, inputs)
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
      const outs = vectorOutputs(label, F, inputs)
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
      const outs = vectorOutputs(label, F, inputs)
      checkLength(label, 'u', u, outs.length, 'one entry per output of F')
      return {
        value: Float64Array.from(outs, (o) => o.value),
        cotangent: pullback(tape, outs, u, x.length),
      }
    })
  },
}

/** The size of the last top-level recording, and the memory its tape holds. */
export interface TapeStats {
  /** Nodes recorded: the inputs and every op output that depends on them. */
  readonly nodes: number
  /** Edges recorded: one per non-zero local partial; the backward pass does one multiply-add per edge. */
  readonly edges: number
  /** Bytes the recording used: 12 per edge and 8 per node (its adjoint), so 32 for a binary op. */
  readonly bytes: number
  /** Bytes the tape's arrays hold for reuse by later calls: at most about twice the largest recording's. */
  readonly heldBytes: number
}

/** Statistics of the last top-level (not nested) reverse-mode recording, for cost and memory measurements. */
export function tapeStats(): TapeStats {
  const tape = tapes[0]
  return tape === undefined
    ? { nodes: 0, edges: 0, bytes: 0, heldBytes: 0 }
    : { nodes: tape.nodes, edges: tape.edges, bytes: tape.usedBytes(), heldBytes: tape.heldBytes() }
}

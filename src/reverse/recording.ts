import { gradlabError } from '../core/errors.js'
import { badOutput, checkScalarResult, checkVectorResult } from '../core/validate.js'
import type { DataFn, ScalarFn, VectorFn } from '../ops/types.js'
import { createTapeOps, type ReverseContext } from './ops.js'
import { dataIndex, Program } from './program.js'
import { createProgramOps, type ProgramContext } from './program-ops.js'
import { Tape } from './tape.js'
import { SESSION, TapeVar } from './variable.js'

/*
 * Recording: running the user's function on tape variables, one tape per
 * nesting depth, with the session checks that keep evaluations apart.
 */

/** One tape per nesting depth (a reverse call inside a function being recorded gets its own). */
const tapes: Tape[] = []
const context: ReverseContext = { label: 'reverse', session: 0, tape: new Tape() }
export const ops = createTapeOps(context)
const programContext: ProgramContext = {
  label: 'reverse.compile',
  session: 0,
  program: new Program(),
  inputs: 0,
}
const programOps = createProgramOps(programContext)
let sessionsStarted = 0
let depth = 0

/** Records `body` on a fresh session with the inputs x as nodes 0 .. n-1. */
export function record<R>(
  label: string,
  x: Float64Array,
  body: (inputs: TapeVar[], tape: Tape) => R,
): R {
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

/** A scalar function recorded as a program: its instructions, and its output's node (-1 for a constant) and value. */
export interface Recorded {
  readonly program: Program
  readonly output: number
  readonly value: number
}

/**
 * Records f at x as a program of instructions (program-ops.ts), for
 * reverse.compile, on a fresh session with the inputs x as nodes 0 .. n-1
 * and each number of `data` a data slot, handed to f as its third argument.
 */
export function recordProgram(
  label: string,
  x: Float64Array,
  f: ScalarFn | DataFn,
  data: readonly Float64Array[] | null = null,
  started?: (session: number) => void,
): Recorded {
  const saved = { ...programContext }
  let slots = 0
  for (const d of data ?? []) slots += d.length
  const program = new Program(slots)
  const session = ++sessionsStarted
  programContext.label = label
  programContext.session = session
  programContext.program = program
  programContext.inputs = x.length
  started?.(session)
  try {
    const inputs = Array.from(x, (value, i) => new TapeVar(value, i, session))
    let slot = 0
    const given = data?.map((d) =>
      Array.from(d, (value) => {
        program.constants[slot] = value
        return new TapeVar(value, dataIndex(slot++), session)
      }),
    )
    const r =
      given === undefined
        ? (f as ScalarFn)(programOps, inputs)
        : (f as DataFn)(programOps, inputs, given)
    checkScalarResult(label, 'f', r)
    const out = output(label, 'f', r, undefined, session)
    return { program, output: out.index, value: out.value }
  } finally {
    Object.assign(programContext, saved)
  }
}

/** Reads one output of the evaluation being recorded: a variable of this session or a plain number. */
export function output(
  label: string,
  name: string,
  r: unknown,
  index?: number,
  session = context.session,
): TapeVar {
  if (typeof r === 'number') return new TapeVar(r, -1, session)
  if (r instanceof TapeVar && r[SESSION] === session) return r
  if (r instanceof TapeVar) {
    throw gradlabError(
      TypeError,
      'ERR_GRADLAB_FOREIGN_VALUE',
      `${label}: ${name} returned a variable recorded in another evaluation (kept from an earlier call); return values computed in this call.`,
    )
  }
  throw badOutput(label, name, r, index)
}

export function scalarOutput(label: string, name: string, r: unknown): TapeVar {
  checkScalarResult(label, name, r)
  return output(label, name, r)
}

export function vectorOutputs(label: string, F: VectorFn, inputs: TapeVar[]): TapeVar[] {
  return checkVectorResult(label, 'F', F(ops, inputs)).map((r, i) => output(label, 'F', r, i))
}

/** Runs the backward pass from `seeds` (adjoints of output nodes) and returns the inputs' adjoints. */
export function pullback(
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

/** The size of the last top-level recording, and the memory its tape holds; see {@link tapeStats}. */
export interface TapeStats {
  /** Nodes recorded: the inputs and every op output that depends on them. */
  readonly nodes: number
  /**
   * Edges recorded: one per non-zero local partial, those of a run (a dot of
   * a weight row times data, stored as one record) included; the backward
   * pass does one multiply-add per edge.
   */
  readonly edges: number
  /**
   * Bytes the recording used: 12 per edge and 8 per node (its adjoint), so
   * 32 for a binary op; a run takes 16 and 8 per number it had to store
   * (none when they repeat the last run's) instead of 12 per edge.
   */
  readonly bytes: number
  /**
   * Bytes the tape's arrays hold for reuse by later calls: their initial
   * capacity (about 11 KB) for small recordings, and beyond that at most about
   * twice the largest recording's.
   */
  readonly heldBytes: number
}

/**
 * The size of the last top-level (not nested) reverse-mode recording, by
 * `reverse`'s methods, and the memory its tape holds (`reverse.compile`
 * records instructions instead, with no tape):
 * deterministic measures of cost, where a clock is noisy. All zeros before
 * the first recording.
 *
 * @example
 * ```ts
 * reverse.gradient((m, [a, b]) => m.mul(m.add(a, b), b), [1, 2])
 * tapeStats() // => { nodes: 4, edges: 4, bytes: 80, heldBytes: 11264 }
 * ```
 */
export function tapeStats(): TapeStats {
  const tape = tapes[0]
  return tape === undefined
    ? { nodes: 0, edges: 0, bytes: 0, heldBytes: 0 }
    : {
        nodes: tape.nodes,
        edges: tape.multiplyAdds(),
        bytes: tape.usedBytes(),
        heldBytes: tape.heldBytes(),
      }
}

import type { ValueAndGradient } from '../core/strategy.js'
import { checkFunction, checkLength, toVector } from '../core/validate.js'
import { numbers } from '../ops/index.js'
import type { ScalarFn } from '../ops/types.js'
import { BINARY_RULES, DOT, FIRST_BINARY, Program, SUM, UNARY_RULES } from './program.js'
import { ops, record, scalarOutput } from './recording.js'
import type { Tape } from './tape.js'

export interface CompileOptions {
  /**
   * What to do when a value the function read with `m.value` while recording
   * comes out different at a new point, so that a branch may go the other
   * way: `'rerecord'` (default) records the function again at that point;
   * `'throw'` throws a RangeError. Either way no gradient of the wrong branch
   * is returned.
   */
  readonly onValueChange?: 'rerecord' | 'throw'
}

/** A gradient recorded once and replayed at new points; see `reverse.compile`. */
export interface CompiledGradient {
  /** The number of inputs the function was compiled for. */
  readonly inputs: number
  /** How many times the function has been recorded: 1, plus one per re-recording. */
  readonly recordings: number
  gradient(x: ArrayLike<number>): Float64Array
  valueAndGradient(x: ArrayLike<number>): ValueAndGradient
}

const sameValue = (a: number, b: number) => a === b || (Number.isNaN(a) && Number.isNaN(b))

class Compiled implements CompiledGradient {
  recordings = 0
  readonly inputs: number
  private program = new Program()
  private tape!: Tape
  private values = new Float64Array(0)
  /** The output's node, or -1 when the output is a constant. */
  private output = -1
  private constantOutput = 0

  constructor(
    private readonly f: ScalarFn,
    x0: Float64Array,
    private readonly onValueChange: 'rerecord' | 'throw',
  ) {
    this.inputs = x0.length
    this.recordAt(x0)
  }

  gradient(x: ArrayLike<number>): Float64Array {
    return this.evaluate('reverse.compiled.gradient', x).gradient
  }

  valueAndGradient(x: ArrayLike<number>): ValueAndGradient {
    return this.evaluate('reverse.compiled.valueAndGradient', x)
  }

  private evaluate(label: string, xs: ArrayLike<number>): ValueAndGradient {
    const x = toVector(label, 'x', xs)
    checkLength(label, 'x', x, this.inputs, 'the length the function was compiled for')
    this.replay(x)
    const changed = this.changedRead()
    if (changed >= 0) {
      if (this.onValueChange === 'throw') {
        const { reads } = this.program
        throw new RangeError(
          `${label}: the function read a value with m.value that is ${this.values[reads[changed] as number]} at this x but was ${reads[changed + 1]} when recorded, so its control flow may differ. Use reverse.gradient, or compile with { onValueChange: 'rerecord' }.`,
        )
      }
      this.recordAt(x)
    }
    if (this.output < 0)
      return { value: this.constantOutput, gradient: new Float64Array(this.inputs) }
    const adjoint = this.tape.scratch()
    adjoint[this.output] = 1
    this.tape.backward(adjoint)
    return { value: this.values[this.output] as number, gradient: adjoint.slice(0, this.inputs) }
  }

  /** Records f at x: the program, a snapshot of the tape, and the values of every node. */
  private recordAt(x: Float64Array): void {
    const program = new Program()
    record(
      'reverse.compile',
      x,
      (inputs, tape) => {
        const out = scalarOutput('reverse.compile', 'f', this.f(ops, inputs))
        this.output = out.index
        this.constantOutput = out.value
        this.tape = tape.snapshot()
      },
      program,
    )
    this.program = program
    this.values = new Float64Array(this.tape.nodes)
    this.recordings++
    this.replay(x)
  }

  /**
   * Recomputes every node's value and every edge's partial at x, in
   * recording order, from the op table: the forward half of a gradient
   * without calling the user's function or allocating.
   */
  private replay(x: Float64Array): void {
    const { code, argEnd, args, constants, instructions } = this.program
    const values = this.values
    const partial = this.tape.partials
    values.set(x)
    const at = (ref: number) => (ref >= 0 ? (values[ref] as number) : (constants[~ref] as number))
    let node = this.inputs
    let e = 0
    let start = 0
    for (let i = 0; i < instructions; i++, node++) {
      const c = code[i] as number
      const end = argEnd[i] as number
      if (c < FIRST_BINARY) {
        const rule = UNARY_RULES[c] as (typeof UNARY_RULES)[number]
        const a = at(args[start] as number)
        const out = rule.value(a)
        values[node] = out
        partial[e++] = rule.partial(numbers, a, out)
      } else if (c < SUM) {
        const rule = BINARY_RULES[c - FIRST_BINARY] as (typeof BINARY_RULES)[number]
        const ra = args[start] as number
        const rb = args[start + 1] as number
        const a = at(ra)
        const b = at(rb)
        const out = rule.value(a, b)
        values[node] = out
        if (ra >= 0) partial[e++] = rule.partialA(numbers, a, b, out)
        if (rb >= 0) partial[e++] = rule.partialB(numbers, a, b, out)
      } else if (c === SUM) {
        // sum's partials are all 1 and were recorded so: only the value changes.
        let total = 0
        for (let j = start; j < end; j++) {
          const r = args[j] as number
          total += at(r)
          if (r >= 0) e++
        }
        values[node] = total
      } else if (c === DOT) {
        // dot's partial with respect to each factor is the other factor.
        let total = 0
        for (let j = start; j < end; j += 2) {
          const ra = args[j] as number
          const rb = args[j + 1] as number
          const a = at(ra)
          const b = at(rb)
          total += a * b
          if (ra >= 0) partial[e++] = b
          if (rb >= 0) partial[e++] = a
        }
        values[node] = total
      }
      start = end
    }
  }

  /** The position in `reads` of the first read value that differs now, or -1. */
  private changedRead(): number {
    const { reads } = this.program
    for (let k = 0; k < reads.length; k += 2) {
      if (!sameValue(this.values[reads[k] as number] as number, reads[k + 1] as number)) return k
    }
    return -1
  }
}

/**
 * Records f once at x0 and returns a gradient that replays the recording at
 * new points, recomputing values and partials from a flat instruction stream
 * without calling f again. For functions whose control flow does not depend
 * on x (networks, most losses), this is the fastest gradient gradlab offers.
 *
 * If f read a value with `m.value` while recording, a branch may depend on
 * x: the replay compares each value read with the one recorded, and when any
 * differs it records f again (or throws, by option), never returning the
 * gradient of the wrong branch.
 *
 * @example
 * const g = reverse.compile((m, [a, b]) => m.pow(m.sub(a, b), 2), [0, 0])
 * g.gradient([2, 0]) // Float64Array [4, -4]
 */
export function compile(
  f: ScalarFn,
  x0: ArrayLike<number>,
  options: CompileOptions = {},
): CompiledGradient {
  const label = 'reverse.compile'
  checkFunction(label, 'f', f)
  const x = toVector(label, 'x0', x0)
  const { onValueChange = 'rerecord' } = options
  if (onValueChange !== 'rerecord' && onValueChange !== 'throw') {
    throw new TypeError(
      `${label}: options.onValueChange must be 'rerecord' or 'throw', got ${String(onValueChange)}.`,
    )
  }
  return new Compiled(f, x, onValueChange)
}

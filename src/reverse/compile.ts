import { describe } from '../core/describe.js'
import { gradlabError } from '../core/errors.js'
import { noOptions, optionsOf } from '../core/options.js'
import type { ValueAndGradient } from '../core/strategy.js'
import { checkFunction, checkLength, toVector } from '../core/validate.js'
import { compareValues } from '../ops/compare.js'
import type { DataFn, ScalarFn } from '../ops/types.js'
import { type Engine, Generated, generate } from './codegen.js'
import { Interpreter } from './interpreter.js'
import { Program } from './program.js'
import { recordProgram } from './recording.js'
import { generatable } from './reroll.js'

/** Options of `reverse.compile`. */
export interface CompileOptions {
  /**
   * What to do when a value the function read with `m.value` while recording
   * comes out different at a new point, so that a branch may go the other
   * way: `'rerecord'` (default) records the function again at that point;
   * `'throw'` throws a RangeError. Either way no gradient of the wrong branch
   * is returned. Values are compared with Object.is: NaN is the same as NaN,
   * and -0 differs from 0.
   */
  readonly onValueChange?: 'rerecord' | 'throw'
  /**
   * How the recording is replayed: `'generated'` as JavaScript generated for
   * it (loops found in the recording become loops), `'interpreter'` by a
   * loop over its instructions, `'auto'` (default) generated code where it
   * can be made (no custom ops or blocks, code generation allowed, source
   * under a size cap) and the interpreter otherwise. Both give the same
   * numbers, bitwise; `compiled.mode` says which one runs.
   */
  readonly mode?: 'auto' | 'generated' | 'interpreter'
  /**
   * Data the function reads but is not differentiated in (a batch of
   * examples, targets): arrays of numbers, handed to f as its third argument
   * as arrays of the ops' values, and given again at every call of the
   * compiled gradient (`gradient(x, data)`), which replays the recording
   * with the new numbers. Numbers f closes over are frozen into the
   * recording instead; pass anything that changes between calls here. A
   * call whose arrays have other lengths records f again (or throws, with
   * `onValueChange: 'throw'`).
   */
  readonly data?: readonly ArrayLike<number>[]
}

/**
 * A gradient recorded once and replayed at new points, made by
 * `reverse.compile`. Its methods take points of the length it was compiled
 * for and throw a RangeError for any other length, a TypeError for a point
 * that is not an array of numbers, and with `onValueChange: 'throw'` a
 * RangeError when a value the function read has changed.
 *
 * It is first order: it has no Hessian or Hessian-vector product (use
 * `reverse.hessian` and `reverse.hvp`). A function it compiles may take a
 * derivative of its own with `within(m)`; that derivative's ops are recorded
 * like any others, so the compiled gradient replays a second derivative.
 */
export interface CompiledGradient {
  /** The number of inputs the function was compiled for. */
  readonly inputs: number
  /** How many times the function has been recorded: 1, plus one per re-recording. */
  readonly recordings: number
  /**
   * How the current recording is replayed: `'generated'` (JavaScript made
   * for it) or `'interpreter'`; see {@link CompileOptions.mode}.
   * @example
   * ```ts
   * reverse.compile((m, x) => m.dot(x, x), [1, 2]).mode // => 'generated'
   * reverse.compile((m, x) => m.dot(x, x), [1, 2], { mode: 'interpreter' }).mode // => 'interpreter'
   * ```
   */
  readonly mode: 'generated' | 'interpreter'
  /**
   * The gradient of f at x, from the recording replayed at x: the same
   * numbers as `reverse.gradient(f, x)`.
   * @example
   * ```ts
   * const g = reverse.compile((m, x) => m.dot(x, x), [0, 0, 0])
   * g.gradient([1, 2, 3]) // => Float64Array(3) [ 2, 4, 6 ]
   * ```
   */
  gradient(x: ArrayLike<number>, data?: readonly ArrayLike<number>[]): Float64Array
  /**
   * f(x) and its gradient, from the recording replayed at x. A branch on
   * `m.value` is followed: the function is recorded again where the value it
   * read changes.
   * @example
   * ```ts
   * const g = reverse.compile((m, [a]) => (m.value(a) > 0 ? m.square(a) : m.neg(a)), [1])
   * g.valueAndGradient([3]) // => { value: 9, gradient: Float64Array(1) [ 6 ] }
   * g.valueAndGradient([-3]) // => { value: 3, gradient: Float64Array(1) [ -1 ] }
   * g.recordings // => 3
   * ```
   */
  valueAndGradient(x: ArrayLike<number>, data?: readonly ArrayLike<number>[]): ValueAndGradient
}

/** A pass whose generated source is longer than this is left to the interpreter (see codegen.ts). */
const MAX_SOURCE = 40_000

class Compiled implements CompiledGradient {
  recordings = 0
  readonly inputs: number
  private program = new Program()
  private replay!: Engine
  mode: 'generated' | 'interpreter' = 'interpreter'
  /** The output's node, or -1 when the output is a constant. */
  private output = -1
  private constantOutput = 0
  /** The lengths of the data arrays of the current recording (set by recordAt); null when compiled without data. */
  private shape: readonly number[] | null = null

  constructor(
    private readonly f: ScalarFn | DataFn,
    x0: Float64Array,
    data0: readonly Float64Array[] | null,
    private readonly onValueChange: 'rerecord' | 'throw',
    private readonly requested: 'auto' | 'generated' | 'interpreter',
  ) {
    this.inputs = x0.length
    this.recordAt(x0, data0)
  }

  gradient(x: ArrayLike<number>, ...rest: unknown[]): Float64Array {
    const label = 'reverse.compiled.gradient'
    const data = this.dataOf(label, rest)
    // With no value to compare and none to return, the engine may skip its forward pass.
    const { reads, guards } = this.program
    if (reads.length === 0 && guards.length === 0 && this.output >= 0 && this.sameShape(data)) {
      const point = this.point(label, x)
      this.load(data)
      return this.replay.gradientAt(point)
    }
    return this.evaluate(label, x, data).gradient
  }

  valueAndGradient(x: ArrayLike<number>, ...rest: unknown[]): ValueAndGradient {
    const label = 'reverse.compiled.valueAndGradient'
    return this.evaluate(label, x, this.dataOf(label, rest))
  }

  /** The point x as a Float64Array of the compiled length, or an error naming the call. */
  private point(label: string, xs: ArrayLike<number>): Float64Array {
    // A Float64Array is read as it is: the replay neither keeps it past this call nor hands it to f.
    const x = xs instanceof Float64Array ? xs : toVector(label, 'x', xs)
    checkLength(label, 'x', x, this.inputs, 'the length the function was compiled for')
    return x
  }

  /**
   * The data given after x: required, as arrays of numbers, when compiled
   * with `options.data`, and refused otherwise; nothing may follow it.
   */
  private dataOf(label: string, rest: readonly unknown[]): Float64Array[] | null {
    if (this.shape === null) {
      if (Array.isArray(rest[0])) {
        throw gradlabError(
          TypeError,
          'ERR_GRADLAB_INVALID_OPTIONS',
          `${label}: this gradient was compiled without options.data, but argument 2 is data (${describe(rest[0])}). Compile with { data } to give data at every call.`,
        )
      }
      noOptions(label, 1, rest)
      return null
    }
    noOptions(label, 2, rest.slice(1))
    return toData(label, 'data', rest[0], 'the data this gradient was compiled with')
  }

  /** Whether data has the lengths the current recording was made with. */
  private sameShape(data: readonly Float64Array[] | null): boolean {
    const { shape } = this
    if (data === null || shape === null) return true
    return data.length === shape.length && data.every((d, k) => d.length === shape[k])
  }

  /** Writes the data into the program's data slots, which the replay reads as constants. */
  private load(data: readonly Float64Array[] | null): void {
    if (data === null) return
    const { constants } = this.program
    let slot = 0
    for (const d of data) {
      constants.set(d, slot)
      slot += d.length
    }
  }

  private evaluate(
    label: string,
    xs: ArrayLike<number>,
    data: readonly Float64Array[] | null,
  ): ValueAndGradient {
    const x = this.point(label, xs)
    if (!this.sameShape(data)) {
      if (this.onValueChange === 'throw') throw this.shapeChanged(label, data as Float64Array[])
      this.recordAt(x, data)
    } else {
      this.load(data)
      this.replay.forward(x)
    }
    const changed = this.changedRead()
    const flipped = changed < 0 ? this.flippedGuard() : null
    if (changed >= 0 || flipped !== null) {
      if (this.onValueChange === 'throw') {
        const { reads } = this.program
        const what =
          flipped !== null
            ? `compared ${flipped.av} and ${flipped.bv} with m.${flipped.test} (${flipped.outcome} when recorded, now ${!flipped.outcome})`
            : `read a value with m.value that is ${this.valueOf(reads[changed] as number)} at this x but was ${reads[changed + 1]} when recorded`
        throw gradlabError(
          RangeError,
          'ERR_GRADLAB_VALUE_CHANGED',
          `${label}: the function ${what}, so its control flow may differ. Use reverse.gradient, or compile with { onValueChange: 'rerecord' }.`,
        )
      }
      this.recordAt(x, data)
    }
    if (this.output < 0)
      return { value: this.constantOutput, gradient: new Float64Array(this.inputs) }
    return {
      value: this.replay.valueOf(this.output),
      gradient: this.replay.gradient(),
    }
  }

  private shapeChanged(label: string, data: readonly Float64Array[]): Error {
    const shape = this.shape as readonly number[]
    const what =
      data.length !== shape.length
        ? `${data.length} data arrays at this call but ${shape.length}`
        : (() => {
            const k = data.findIndex((d, i) => d.length !== shape[i])
            return `data[${k}] of length ${data[k]?.length} at this call but ${shape[k]}`
          })()
    return gradlabError(
      RangeError,
      'ERR_GRADLAB_VALUE_CHANGED',
      `${label}: the function was given ${what} when recorded, so its control flow may differ. Use reverse.gradient, or compile with { onValueChange: 'rerecord' }.`,
    )
  }

  /** Records f at x (and data): its program, from which the engine recomputes values and partials. */
  private recordAt(x: Float64Array, data: readonly Float64Array[] | null): void {
    const { program, output, value } = recordProgram('reverse.compile', x, this.f, data)
    this.output = output
    this.constantOutput = value
    this.program = program
    if (data !== null) this.shape = data.map((d) => d.length)
    this.replay = this.engineFor(program)
    this.recordings++
    this.replay.forward(x)
  }

  /** A value the function read: a node's at the last point replayed, or a data slot's. */
  private valueOf(ref: number): number {
    return ref >= 0 ? this.replay.valueOf(ref) : (this.program.constants[~ref] as number)
  }

  /** The generated passes of a program, or the interpreter where they cannot be made or are not asked for. */
  private engineFor(program: Program): Engine {
    if (this.requested !== 'interpreter') {
      const why = this.generatedOrWhyNot(program)
      if (typeof why !== 'string') {
        this.mode = 'generated'
        return why
      }
      if (this.requested === 'generated') {
        throw gradlabError(
          Error,
          'ERR_GRADLAB_CODEGEN_UNAVAILABLE',
          `reverse.compile: options.mode is 'generated', but ${why}. Use mode 'auto' to fall back to the interpreter.`,
        )
      }
    }
    this.mode = 'interpreter'
    return new Interpreter(program, this.inputs, this.output)
  }

  private generatedOrWhyNot(program: Program): Generated | string {
    if (!generatable(program)) return 'the recording calls a custom op or block'
    const source = generate(
      program,
      this.inputs,
      this.output,
      this.requested === 'generated' ? Number.POSITIVE_INFINITY : MAX_SOURCE,
    )
    if (typeof source === 'string') return source
    try {
      return new Generated(program, this.inputs, this.output, source)
    } catch (error) {
      if (error instanceof EvalError) return 'code generation from strings is not allowed here'
      throw error
    }
  }

  /** The first comparison whose outcome differs now, with the operands' values now; or null. */
  private flippedGuard(): { test: string; av: number; bv: number; outcome: boolean } | null {
    const at = (ref: number | null, recorded: number) =>
      ref === null ? recorded : this.valueOf(ref)
    for (const { test, a, b, av, bv, outcome } of this.program.guards) {
      const now = { av: at(a, av), bv: at(b, bv) }
      if (compareValues[test](now.av, now.bv) !== outcome) return { test, ...now, outcome }
    }
    return null
  }

  /** The position in `reads` of the first read value that differs now, or -1. */
  private changedRead(): number {
    const { reads } = this.program
    for (let k = 0; k < reads.length; k += 2) {
      const now = this.valueOf(reads[k] as number)
      // Object.is: NaN is NaN, and -0 is not 0 (1 / x and atan2 tell them apart).
      if (!Object.is(now, reads[k + 1] as number)) return k
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
 * ```ts
 * const g = reverse.compile((m, [a, b]) => m.pow(m.sub(a, b), 2), [0, 0])
 * g.gradient([2, 0]) // => Float64Array(2) [ 4, -4 ]
 * ```
 */
export function compile(
  f: ScalarFn | DataFn,
  x0: ArrayLike<number>,
  options?: CompileOptions,
): CompiledGradient {
  const label = 'reverse.compile'
  checkFunction(label, 'f', f)
  const x = toVector(label, 'x0', x0)
  const given = optionsOf(
    label,
    options,
    ['onValueChange', 'mode', 'data'],
    "{ onValueChange: 'throw' }",
  )
  const { onValueChange = 'rerecord', mode = 'auto', data } = given ?? {}
  const data0 =
    data === undefined
      ? null
      : toData(label, 'options.data', data, 'the arrays f reads as its third argument')
  if (onValueChange !== 'rerecord' && onValueChange !== 'throw') {
    const got = typeof onValueChange === 'string' ? onValueChange : describe(onValueChange)
    throw gradlabError(
      TypeError,
      'ERR_GRADLAB_INVALID_OPTIONS',
      `${label}: options.onValueChange must be 'rerecord' or 'throw', got ${got}. Use 'rerecord' (the default) to record f again where a value it read changes, or 'throw' to be told instead.`,
    )
  }
  if (mode !== 'auto' && mode !== 'generated' && mode !== 'interpreter') {
    const got = typeof mode === 'string' ? mode : describe(mode)
    throw gradlabError(
      TypeError,
      'ERR_GRADLAB_INVALID_OPTIONS',
      `${label}: options.mode must be 'auto', 'generated' or 'interpreter', got ${got}. Use 'auto' (the default) for generated code where it can be made.`,
    )
  }
  return new Compiled(f, x, data0, onValueChange, mode)
}

/**
 * Data as Float64Arrays (copies), or a TypeError naming the call: an array
 * of arrays or typed arrays of numbers.
 */
function toData(label: string, name: string, data: unknown, expected: string): Float64Array[] {
  if (!Array.isArray(data)) {
    throw gradlabError(
      TypeError,
      'ERR_GRADLAB_INVALID_POINT',
      `${label}: ${name} must be an array of arrays of numbers (${expected}), got ${describe(data)}.`,
    )
  }
  return data.map((d, k) => toVector(label, `${name}[${k}]`, d))
}

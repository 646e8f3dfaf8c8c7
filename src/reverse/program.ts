import { grow } from '../core/grow.js'
import type { ComparisonName } from '../ops/compare.js'
import type { CustomBinary, CustomBlock, CustomUnary } from '../ops/custom-rule.js'
import { BINARY_OPS, type BinaryName, UNARY_OPS, type UnaryName } from '../ops/index.js'

/*
 * A recorded program: which op made each tape node, and from what. The
 * dynamic tape keeps only the partials of one evaluation; a program keeps the
 * instructions, so a compiled gradient can recompute values and partials at a
 * new point without calling the user's function again.
 */

/** Op codes: the unary ops in table order, then the binary ops, then sum and dot. */
export const FIRST_BINARY = UNARY_OPS.length
export const SUM = FIRST_BINARY + BINARY_OPS.length
export const DOT = SUM + 1
/** A custom op (defineUnary, defineBinary): its operands, and its rules in `callees`. */
export const CALL = DOT + 1
/** One output of a block (defineBlock): the first output's instruction holds the block's inputs. */
export const BLOCK = DOT + 2

/** A block's instructions: its rules, its first output's instruction and how many outputs it has. */
export interface BlockCall {
  readonly op: CustomBlock
  readonly first: number
  readonly count: number
  /** Whether its `value` returned one number rather than an array. */
  readonly scalar: boolean
}

/** Each unary op's code, by name. */
export const UNARY = Object.freeze(
  Object.fromEntries(UNARY_OPS.map((name, k) => [name, k])) as Record<UnaryName, number>,
)
/** Each binary op's code, by name. */
export const BINARY = Object.freeze(
  Object.fromEntries(BINARY_OPS.map((name, k) => [name, FIRST_BINARY + k])) as Record<
    BinaryName,
    number
  >,
)

/**
 * A comparison the function made (m.lt and the like), kept as a guard: its
 * operands as a node (>= 0), a data slot (`~j`) or null for a constant
 * (whose value is kept), and the outcome it had.
 */
export interface Guard {
  readonly test: ComparisonName
  readonly a: number | null
  readonly b: number | null
  readonly av: number
  readonly bv: number
  readonly outcome: boolean
}

/** A variable's index for data slot j (see `Program.data`): below -1, the index of a constant. */
export const dataIndex = (j: number) => -2 - j

/**
 * Instructions in flat typed arrays, one per op node. An operand is a node
 * index (>= 0) or `~k` for the constant `constants[k]`. A dot's operands are
 * interleaved: x0, y0, x1, y1, ...
 *
 * The first `data` constants are data slots: values the function was given
 * as data (reverse.compile's `options.data`), which a compiled gradient
 * overwrites at every call, so that the same program serves every batch.
 * The constants recorded from plain numbers follow them.
 */
export class Program {
  code = new Uint8Array(256)
  /** Instruction i's operands are `args[argEnd[i-1] .. argEnd[i]-1]`. */
  argEnd = new Int32Array(256)
  args = new Int32Array(512)
  constants: Float64Array
  instructions = 0
  argCount = 0
  constantCount: number
  /**
   * Values the function read with `m.value`, and the value it read: [ref,
   * value, ...], ref a node index (>= 0) or `~j` for data slot j.
   */
  readonly reads: number[] = []
  /** The comparisons the function made, in order: guards a replay checks. */
  readonly guards: Guard[] = []
  /** The custom op of each CALL instruction and the block of each BLOCK instruction, by instruction. */
  readonly callees = new Map<number, CustomUnary | CustomBinary | BlockCall>()
  /** `constantCount` when the instruction being recorded began. */
  private firstConstant: number
  /** The constants of the last dot that recorded any: `constants[sharedStart .. + sharedCount - 1]`. */
  private sharedStart = 0
  private sharedCount = 0

  constructor(
    /** How many data slots the constants begin with. */
    readonly data = 0,
  ) {
    this.constants = new Float64Array(Math.max(64, 2 * data))
    this.constantCount = data
    this.firstConstant = data
  }

  /**
   * Appends an operand of the instruction being recorded: a node index, a
   * data slot (`dataIndex(j)`), or a constant's value (index -1).
   */
  operand(index: number, value: number): void {
    if (this.argCount === this.args.length) this.args = grow(this.args)
    if (index >= 0) this.args[this.argCount++] = index
    else if (index < -1) this.args[this.argCount++] = ~(-2 - index)
    else {
      if (this.constantCount === this.constants.length) this.constants = grow(this.constants)
      this.constants[this.constantCount] = value
      this.args[this.argCount++] = ~this.constantCount++
    }
  }

  /** Closes the instruction whose operands were just appended. */
  end(code: number): void {
    if (code === DOT) this.shareConstants()
    this.firstConstant = this.constantCount
    if (this.instructions === this.code.length) {
      this.code = grow(this.code)
      this.argEnd = grow(this.argEnd)
    }
    this.code[this.instructions] = code
    this.argEnd[this.instructions++] = this.argCount
  }

  /** Closes a custom op's instruction, whose operands were just appended. */
  call(op: CustomUnary | CustomBinary): void {
    this.callees.set(this.instructions, op)
    this.end(CALL)
  }

  /** Closes a block's `count` instructions: the first takes the operands just appended, the others none. */
  block(op: CustomBlock, count: number, scalar: boolean): void {
    const call: BlockCall = { op, first: this.instructions, count, scalar }
    for (let k = 0; k < count; k++) {
      this.callees.set(this.instructions, call)
      this.end(BLOCK)
    }
  }

  /** Drops the operands appended since the last instruction: the op turned out to be a constant. */
  discard(): void {
    this.argCount = this.instructions === 0 ? 0 : (this.argEnd[this.instructions - 1] as number)
    this.constantCount = this.firstConstant
  }

  /**
   * Stores a dot's constants once when they repeat the last dot's: a network
   * multiplies every weight row by the same example, and recording that row
   * again for each hidden unit would make the program's constants (and the
   * memory each replay streams through) as large as the weights times the
   * batch. Equal means the same numbers, zeros' signs included; the operands
   * are renumbered in order, so a run of constants stays a run.
   */
  private shareConstants(): void {
    const start = this.firstConstant
    const count = this.constantCount - start
    if (count === 0) return
    const { constants, sharedStart } = this
    let same = count === this.sharedCount
    for (let k = 0; same && k < count; k++) {
      same = Object.is(constants[start + k], constants[sharedStart + k])
    }
    if (!same) {
      this.sharedStart = start
      this.sharedCount = count
      return
    }
    const first = this.instructions === 0 ? 0 : (this.argEnd[this.instructions - 1] as number)
    for (let j = first; j < this.argCount; j++) {
      const ref = this.args[j] as number
      // Only the constants this dot appended: a data slot stays where it is.
      if (ref < 0 && ~ref >= start) this.args[j] = ~(~ref - start + sharedStart)
    }
    this.constantCount = start
  }

  /** Notes that the function read a variable's value (index as in `operand`), so its control flow may depend on it. */
  read(index: number, value: number): void {
    if (index >= 0) this.reads.push(index, value)
    else if (index < -1) this.reads.push(~(-2 - index), value)
  }
}

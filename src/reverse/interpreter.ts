import { internalError } from '../core/errors.js'
import { binaryRuleOf, numbers, unaryRuleOf } from '../ops/index.js'
import { allFinite, type Engine } from './codegen.js'
import { BINARY, BLOCK, CALL, DOT, type Program, SUM, UNARY } from './program.js'
import { backwardBlock, forwardBlock, forwardCall } from './replay-custom.js'

/*
 * The interpreter of a compiled gradient: what runs where generated code
 * cannot (a page whose Content-Security-Policy forbids code generation, a
 * recording that calls a custom op or does not reroll). It replays the
 * program's instructions in a layout chosen for a tight loop:
 *
 * - Every value has a slot in one array: the nodes (inputs, then one per
 *   instruction), then the constants (data slots first). An operand is a
 *   slot, so reading it needs no test of whether it is a node or a constant.
 * - A unary or binary instruction has two operand slots and two partials,
 *   which the forward pass computes from the op table (a unary op's second
 *   operand is a spare slot with partial 0); a sum's and a dot's operands
 *   are listed apart.
 * - The backward pass adds `partial * adjoint` into both operands of every
 *   instruction without testing either for 0; the sums into constants' slots
 *   are never read. As in generated code (see codegen.ts), the pass that
 *   skips zero products, which the tape's semantics ask for, runs only when
 *   some input's adjoint is not finite; otherwise both give the same numbers.
 *
 * Operands are visited last to first, the tape's order, so the gradient is
 * the dynamic one bit for bit.
 */

/**
 * Op codes as the interpreter's cases name them. The values must be the
 * program's (UNARY and BINARY in program.ts), which `checkCodes` verifies
 * when the module loads; a const enum, so that every case is a literal and
 * the switch a jump table.
 */
enum Op {
  neg = 0,
  abs = 1,
  sqrt = 2,
  exp = 3,
  expm1 = 4,
  log = 5,
  log1p = 6,
  sin = 7,
  cos = 8,
  tan = 9,
  asin = 10,
  acos = 11,
  atan = 12,
  sinh = 13,
  cosh = 14,
  tanh = 15,
  sigmoid = 16,
  softplus = 17,
  relu = 18,
  square = 19,
  add = 20,
  sub = 21,
  mul = 22,
  div = 23,
  pow = 24,
  atan2 = 25,
  hypot = 26,
  min = 27,
  max = 28,
}

/** Throws if an op code of `codes` (the program's, by default) is not the interpreter's for that op. */
export function checkCodes(
  codes: Readonly<Record<string, number>> = { ...UNARY, ...BINARY },
): void {
  // biome-ignore format: an op a line
  const named: Record<string, number> = {
    neg: Op.neg, abs: Op.abs, sqrt: Op.sqrt, exp: Op.exp, expm1: Op.expm1, log: Op.log,
    log1p: Op.log1p, sin: Op.sin, cos: Op.cos, tan: Op.tan, asin: Op.asin, acos: Op.acos,
    atan: Op.atan, sinh: Op.sinh, cosh: Op.cosh, tanh: Op.tanh, sigmoid: Op.sigmoid,
    softplus: Op.softplus, relu: Op.relu, square: Op.square, add: Op.add, sub: Op.sub,
    mul: Op.mul, div: Op.div, pow: Op.pow, atan2: Op.atan2, hypot: Op.hypot, min: Op.min,
    max: Op.max,
  }
  for (const [name, code] of Object.entries(codes)) {
    if (named[name] !== code) {
      throw internalError(
        `the interpreter's code for ${name} is ${named[name]}, the program's ${code}: add it to Op in interpreter.ts.`,
      )
    }
  }
}
checkCodes()

const U = unaryRuleOf
const B = binaryRuleOf

export class Interpreter implements Engine {
  /** Every value: nodes [0, nodes), then constants, then the spare slot. */
  private readonly slots: Float64Array
  /** Adjoints by slot; those of constants and of the spare slot are never read. */
  private readonly adjoint: Float64Array
  private readonly nodes: number
  private readonly code: Uint8Array
  /** Per instruction i, its operands' slots at 2 i and 2 i + 1 (a unary op's second is the spare slot). */
  private readonly operands: Int32Array
  /** Per instruction, the partials along its two operands (`2 i` and `2 i + 1`). */
  private readonly partials: Float64Array
  /** Per instruction, 1 if its first operand is a node, 2 if its second is: partials computed only for those. */
  private readonly moving: Uint8Array
  /** A sum's or dot's operands' slots (a dot's interleaved): `wide[start[i] .. start[i + 1] - 1]`. */
  private readonly wide: Int32Array
  private readonly start: Int32Array
  /**
   * A dot whose factors are runs of consecutive slots (a weight row times an
   * example's data): the runs' first slots, read by two strided loops with
   * no slot lists, and whether the second run is constants (whose adjoints
   * are not wanted); -1 for any other instruction.
   */
  private readonly runX: Int32Array
  private readonly runY: Int32Array
  private readonly runYConstant: Uint8Array

  constructor(
    private readonly program: Program,
    private readonly inputs: number,
    private readonly output: number,
  ) {
    const { instructions, argEnd, args, constantCount, constants } = program
    const nodes = inputs + instructions
    this.nodes = nodes
    const spare = nodes + constantCount
    this.slots = new Float64Array(spare + 1)
    this.adjoint = new Float64Array(spare + 1)
    this.slots.set(constants.subarray(0, constantCount), nodes)
    this.code = program.code.slice(0, instructions)
    this.operands = new Int32Array(2 * instructions).fill(spare)
    this.partials = new Float64Array(2 * instructions)
    this.moving = new Uint8Array(instructions)
    this.start = new Int32Array(instructions + 1)
    const slotOf = (ref: number) => (ref >= 0 ? ref : nodes + ~ref)
    const wide: number[] = []
    for (let i = 0, s = 0; i < instructions; s = argEnd[i++] as number) {
      const end = argEnd[i] as number
      const c = this.code[i] as number
      this.start[i] = wide.length
      if (c === SUM || c === DOT) {
        for (let j = s; j < end; j++) wide.push(slotOf(args[j] as number))
      } else if (c !== BLOCK) {
        const a = args[s] as number
        this.operands[2 * i] = slotOf(a)
        this.moving[i] = a >= 0 ? 1 : 0
        if (end - s > 1) {
          const b = args[s + 1] as number
          this.operands[2 * i + 1] = slotOf(b)
          this.moving[i] = (this.moving[i] as number) | (b >= 0 ? 2 : 0)
        }
      }
    }
    this.start[instructions] = wide.length
    this.wide = Int32Array.from(wide)
    this.runX = new Int32Array(instructions).fill(-1)
    this.runY = new Int32Array(instructions).fill(-1)
    this.runYConstant = new Uint8Array(instructions)
    for (let i = 0; i < instructions; i++) {
      if (this.code[i] !== DOT) continue
      const from = this.start[i] as number
      const to = this.start[i + 1] as number
      if (to - from < 4) continue
      const x0 = this.wide[from] as number
      const y0 = this.wide[from + 1] as number
      let run = true
      for (let j = from, k = 0; run && j < to; j += 2, k++) {
        run = this.wide[j] === x0 + k && this.wide[j + 1] === y0 + k
      }
      if (!run) continue
      this.runX[i] = x0
      this.runY[i] = y0
      this.runYConstant[i] = y0 >= nodes ? 1 : 0
    }
  }

  valueOf(node: number): number {
    return this.slots[node] as number
  }

  /**
   * The arrays the last `forward` and `gradient` left: values and adjoints
   * by slot (nodes first), and each unary or binary instruction's two
   * partials. For reverse.trace, which reads them; not copies.
   */
  inspect(): {
    readonly slots: Float64Array
    readonly adjoint: Float64Array
    readonly partials: Float64Array
  } {
    return { slots: this.slots, adjoint: this.adjoint, partials: this.partials }
  }

  gradientAt(x: Float64Array): Float64Array {
    this.forward(x)
    return this.gradient()
  }

  /** Recomputes every value, and the partials of unary, binary and custom ops, at x. */
  forward(x: Float64Array): void {
    const { slots, code, operands, partials, moving, wide, start, runX, runY, program, inputs } =
      this
    slots.set(x)
    // Data slots change between calls; the other constants were copied once.
    if (program.data > 0) slots.set(program.constants.subarray(0, program.data), this.nodes)
    const n = code.length
    for (let i = 0; i < n; i++) {
      const node = inputs + i
      const c = code[i] as number
      const p = 2 * i
      const a = slots[operands[p] as number] as number
      const b = slots[operands[p + 1] as number] as number
      const mv = moving[i] as number
      let out: number
      // biome-ignore format: a case a line
      switch (c) {
        case Op.neg: slots[node] = out = U.neg.value(a); partials[p] = U.neg.partial(numbers, a, out); break
        case Op.abs: slots[node] = out = U.abs.value(a); partials[p] = U.abs.partial(numbers, a, out); break
        case Op.sqrt: slots[node] = out = U.sqrt.value(a); partials[p] = U.sqrt.partial(numbers, a, out); break
        case Op.exp: slots[node] = out = U.exp.value(a); partials[p] = U.exp.partial(numbers, a, out); break
        case Op.expm1: slots[node] = out = U.expm1.value(a); partials[p] = U.expm1.partial(numbers, a, out); break
        case Op.log: slots[node] = out = U.log.value(a); partials[p] = U.log.partial(numbers, a, out); break
        case Op.log1p: slots[node] = out = U.log1p.value(a); partials[p] = U.log1p.partial(numbers, a, out); break
        case Op.sin: slots[node] = out = U.sin.value(a); partials[p] = U.sin.partial(numbers, a, out); break
        case Op.cos: slots[node] = out = U.cos.value(a); partials[p] = U.cos.partial(numbers, a, out); break
        case Op.tan: slots[node] = out = U.tan.value(a); partials[p] = U.tan.partial(numbers, a, out); break
        case Op.asin: slots[node] = out = U.asin.value(a); partials[p] = U.asin.partial(numbers, a, out); break
        case Op.acos: slots[node] = out = U.acos.value(a); partials[p] = U.acos.partial(numbers, a, out); break
        case Op.atan: slots[node] = out = U.atan.value(a); partials[p] = U.atan.partial(numbers, a, out); break
        case Op.sinh: slots[node] = out = U.sinh.value(a); partials[p] = U.sinh.partial(numbers, a, out); break
        case Op.cosh: slots[node] = out = U.cosh.value(a); partials[p] = U.cosh.partial(numbers, a, out); break
        case Op.tanh: slots[node] = out = U.tanh.value(a); partials[p] = U.tanh.partial(numbers, a, out); break
        case Op.sigmoid: slots[node] = out = U.sigmoid.value(a); partials[p] = U.sigmoid.partial(numbers, a, out); break
        case Op.softplus: slots[node] = out = U.softplus.value(a); partials[p] = U.softplus.partial(numbers, a, out); break
        case Op.relu: slots[node] = out = U.relu.value(a); partials[p] = U.relu.partial(numbers, a, out); break
        case Op.square: slots[node] = out = U.square.value(a); partials[p] = U.square.partial(numbers, a, out); break
        case Op.add: slots[node] = out = B.add.value(a, b); if (mv & 1) partials[p] = B.add.partialA(numbers, a, b, out); if (mv & 2) partials[p + 1] = B.add.partialB(numbers, a, b, out); break
        case Op.sub: slots[node] = out = B.sub.value(a, b); if (mv & 1) partials[p] = B.sub.partialA(numbers, a, b, out); if (mv & 2) partials[p + 1] = B.sub.partialB(numbers, a, b, out); break
        case Op.mul: slots[node] = out = B.mul.value(a, b); if (mv & 1) partials[p] = B.mul.partialA(numbers, a, b, out); if (mv & 2) partials[p + 1] = B.mul.partialB(numbers, a, b, out); break
        case Op.div: slots[node] = out = B.div.value(a, b); if (mv & 1) partials[p] = B.div.partialA(numbers, a, b, out); if (mv & 2) partials[p + 1] = B.div.partialB(numbers, a, b, out); break
        case Op.pow: slots[node] = out = B.pow.value(a, b); if (mv & 1) partials[p] = B.pow.partialA(numbers, a, b, out); if (mv & 2) partials[p + 1] = B.pow.partialB(numbers, a, b, out); break
        case Op.atan2: slots[node] = out = B.atan2.value(a, b); if (mv & 1) partials[p] = B.atan2.partialA(numbers, a, b, out); if (mv & 2) partials[p + 1] = B.atan2.partialB(numbers, a, b, out); break
        case Op.hypot: slots[node] = out = B.hypot.value(a, b); if (mv & 1) partials[p] = B.hypot.partialA(numbers, a, b, out); if (mv & 2) partials[p + 1] = B.hypot.partialB(numbers, a, b, out); break
        case Op.min: slots[node] = out = B.min.value(a, b); if (mv & 1) partials[p] = B.min.partialA(numbers, a, b, out); if (mv & 2) partials[p + 1] = B.min.partialB(numbers, a, b, out); break
        case Op.max: slots[node] = out = B.max.value(a, b); if (mv & 1) partials[p] = B.max.partialA(numbers, a, b, out); if (mv & 2) partials[p + 1] = B.max.partialB(numbers, a, b, out); break
        case SUM: {
          let total = 0
          for (let j = start[i] as number; j < (start[i + 1] as number); j++) {
            total += slots[wide[j] as number] as number
          }
          slots[node] = total
          break
        }
        case DOT: {
          let total = 0
          const x0 = runX[i] as number
          if (x0 >= 0) {
            const y0 = runY[i] as number
            const length = ((start[i + 1] as number) - (start[i] as number)) >> 1
            for (let k = 0; k < length; k++) {
              total += (slots[x0 + k] as number) * (slots[y0 + k] as number)
            }
          } else {
            for (let j = start[i] as number; j < (start[i + 1] as number); j += 2) {
              total += (slots[wide[j] as number] as number) * (slots[wide[j + 1] as number] as number)
            }
          }
          slots[node] = total
          break
        }
        case CALL: forwardCall(program, i, node, slots, partials); break
        case BLOCK: forwardBlock(program, i, node, slots); break
        default: throw internalError(`the interpreter has no case for op code ${c}; add one to Interpreter.forward.`)
      }
    }
  }

  /** The gradient of the output at the last point given to `forward`: a new array. */
  gradient(): Float64Array {
    if (this.output < this.inputs) {
      const unit = new Float64Array(this.inputs)
      unit[this.output] = 1
      return unit
    }
    this.backward()
    if (!allFinite(this.adjoint, this.inputs)) this.guardedBackward()
    return this.adjoint.slice(0, this.inputs)
  }

  /**
   * Adjoints for the output (seeded with 1), last instruction first, into
   * both operands of each, whatever the partial or the adjoint.
   */
  private backward(): void {
    const { adjoint, slots, code, operands, partials, wide, start, program, inputs } = this
    // Only nodes' adjoints are read; those added into constants' slots are left as they are.
    adjoint.fill(0, 0, this.nodes)
    adjoint[this.output] = 1
    for (let i = code.length - 1; i >= 0; i--) {
      const c = code[i] as number
      const g = adjoint[inputs + i] as number
      const p = 2 * i
      if (c < SUM || c === CALL) {
        const b = operands[p + 1] as number
        const a = operands[p] as number
        adjoint[b] = (adjoint[b] as number) + (partials[p + 1] as number) * g
        adjoint[a] = (adjoint[a] as number) + (partials[p] as number) * g
      } else if (c === SUM) {
        for (let j = (start[i + 1] as number) - 1; j >= (start[i] as number); j--) {
          const s = wide[j] as number
          adjoint[s] = (adjoint[s] as number) + g
        }
      } else if (c === DOT) {
        const x0 = this.runX[i] as number
        if (x0 >= 0) this.backwardRun(i, x0, g)
        else {
          for (let j = (start[i + 1] as number) - 2; j >= (start[i] as number); j -= 2) {
            const x = wide[j] as number
            const y = wide[j + 1] as number
            adjoint[y] = (adjoint[y] as number) + (slots[x] as number) * g
            adjoint[x] = (adjoint[x] as number) + (slots[y] as number) * g
          }
        }
      } else if (c === BLOCK) backwardBlock(program, i, inputs, slots, adjoint)
    }
  }

  /** A run dot's part of the backward pass: its pairs last to first, the data's adjoints left out. */
  private backwardRun(i: number, x0: number, g: number): void {
    const { adjoint, slots, start } = this
    const y0 = this.runY[i] as number
    const length = ((start[i + 1] as number) - (start[i] as number)) >> 1
    if (this.runYConstant[i] === 1) {
      for (let k = length - 1; k >= 0; k--) {
        adjoint[x0 + k] = (adjoint[x0 + k] as number) + (slots[y0 + k] as number) * g
      }
      return
    }
    for (let k = length - 1; k >= 0; k--) {
      adjoint[y0 + k] = (adjoint[y0 + k] as number) + (slots[x0 + k] as number) * g
      adjoint[x0 + k] = (adjoint[x0 + k] as number) + (slots[y0 + k] as number) * g
    }
  }

  /**
   * The backward pass as the tape runs it: a product whose partial or
   * adjoint is 0 adds nothing. Run when `backward` gives an input an
   * adjoint that is not finite.
   */
  private guardedBackward(): void {
    const { adjoint, slots, code, operands, partials, wide, start, program, inputs } = this
    adjoint.fill(0, 0, this.nodes)
    adjoint[this.output] = 1
    for (let i = code.length - 1; i >= 0; i--) {
      const c = code[i] as number
      const g = adjoint[inputs + i] as number
      const p = 2 * i
      if (c === BLOCK) backwardBlock(program, i, inputs, slots, adjoint)
      if (g === 0) continue
      if (c < SUM || c === CALL) {
        const pb = partials[p + 1] as number
        const pa = partials[p] as number
        const b = operands[p + 1] as number
        const a = operands[p] as number
        if (pb !== 0) adjoint[b] = (adjoint[b] as number) + pb * g
        if (pa !== 0) adjoint[a] = (adjoint[a] as number) + pa * g
      } else if (c === SUM) {
        for (let j = (start[i + 1] as number) - 1; j >= (start[i] as number); j--) {
          const s = wide[j] as number
          adjoint[s] = (adjoint[s] as number) + g
        }
      } else if (c === DOT) {
        for (let j = (start[i + 1] as number) - 2; j >= (start[i] as number); j -= 2) {
          const x = wide[j] as number
          const y = wide[j + 1] as number
          const xv = slots[x] as number
          const yv = slots[y] as number
          if (xv !== 0) adjoint[y] = (adjoint[y] as number) + xv * g
          if (yv !== 0) adjoint[x] = (adjoint[x] as number) + yv * g
        }
      }
    }
  }
}

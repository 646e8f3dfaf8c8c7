import { numbers } from '../ops/index.js'
import { BINARY_RULES, DOT, FIRST_BINARY, type Program, SUM, UNARY_RULES } from './program.js'

/*
 * The two passes of a compiled gradient, run over a recorded program instead
 * of a tape: `forward` recomputes every node's value, and the partials of the
 * unary and binary ops, at a new point; `backward` walks the instructions in
 * reverse and adds `partial * adjoint` into each operand, as the tape's
 * backward pass does for its edges. The operands of an instruction are
 * visited in the reverse of their recorded order, the order of the tape's
 * edges, so a compiled gradient is bitwise the dynamic one.
 *
 * Working from instructions rather than edges lets sum and dot store no
 * partials at all (1, and the other factor's value), and lets the commonest
 * dot of a network, a run of consecutive nodes (a weight row sliced from the
 * parameters) times a run of recorded constants (the data), become two
 * strided loops: the same work as hand-written backpropagation.
 */

/** An operand's value: a node's (ref >= 0) or the constant `constants[~ref]`. */
const at = (values: Float64Array, constants: Float64Array, ref: number) =>
  ref >= 0 ? (values[ref] as number) : (constants[~ref] as number)

/**
 * The first node of a dot whose operands are consecutive nodes times
 * consecutive constants (x_s, c_k, x_{s+1}, c_{k+1}, ...), or -1. Recorded
 * constants are numbered in order, so their refs ~k, ~(k+1), ... decrease.
 */
function runStart(args: Int32Array, start: number, end: number): number {
  const first = args[start] as number
  const constant = args[start + 1] as number
  if (first < 0 || constant >= 0) return -1
  for (let j = start + 2, k = 1; j < end; j += 2, k++) {
    if (args[j] !== first + k || args[j + 1] !== constant - k) return -1
  }
  return first
}

/** For each instruction, `runStart` of a dot, or -1. */
function runsOfNodes(program: Program): Int32Array {
  const { code, argEnd, args, instructions } = program
  const runs = new Int32Array(instructions).fill(-1)
  for (let i = 0, start = 0; i < instructions; start = argEnd[i++] as number) {
    if (code[i] === DOT) runs[i] = runStart(args, start, argEnd[i] as number)
  }
  return runs
}

export class Replay {
  /** Every node's value at the last point replayed: the inputs, then one per instruction. */
  readonly values: Float64Array
  /** The partials of unary and binary instructions: two slots per instruction. */
  private readonly partials: Float64Array
  private readonly adjoint: Float64Array
  private readonly runs: Int32Array

  constructor(
    private readonly program: Program,
    private readonly inputs: number,
  ) {
    this.values = new Float64Array(inputs + program.instructions)
    this.adjoint = new Float64Array(inputs + program.instructions)
    this.partials = new Float64Array(2 * program.instructions)
    this.runs = runsOfNodes(program)
  }

  /** Recomputes every value and partial at x, in recording order, from the op table. */
  forward(x: Float64Array): void {
    const { code, argEnd, args, constants, instructions } = this.program
    const { values, partials, runs } = this
    values.set(x)
    let start = 0
    for (let i = 0, node = this.inputs; i < instructions; i++, node++) {
      const c = code[i] as number
      const end = argEnd[i] as number
      if (c < FIRST_BINARY) {
        const rule = UNARY_RULES[c] as (typeof UNARY_RULES)[number]
        const a = at(values, constants, args[start] as number)
        const out = rule.value(a)
        values[node] = out
        partials[2 * i] = rule.partial(numbers, a, out)
      } else if (c < SUM) {
        const rule = BINARY_RULES[c - FIRST_BINARY] as (typeof BINARY_RULES)[number]
        const ra = args[start] as number
        const rb = args[start + 1] as number
        const a = at(values, constants, ra)
        const b = at(values, constants, rb)
        const out = rule.value(a, b)
        values[node] = out
        if (ra >= 0) partials[2 * i] = rule.partialA(numbers, a, b, out)
        if (rb >= 0) partials[2 * i + 1] = rule.partialB(numbers, a, b, out)
      } else if (c === SUM) {
        let total = 0
        for (let j = start; j < end; j++) total += at(values, constants, args[j] as number)
        values[node] = total
      } else if (c === DOT) {
        let total = 0
        const first = runs[i] as number
        if (first >= 0) {
          const k0 = ~(args[start + 1] as number)
          for (let k = 0; k < (end - start) >> 1; k++) {
            total += (values[first + k] as number) * (constants[k0 + k] as number)
          }
        } else {
          for (let j = start; j < end; j += 2) {
            total +=
              at(values, constants, args[j] as number) *
              at(values, constants, args[j + 1] as number)
          }
        }
        values[node] = total
      }
      start = end
    }
  }

  /**
   * The adjoints of every node for the output node `output` (seeded with 1),
   * from the values and partials of the last `forward`. A zero adjoint or a
   * zero partial adds nothing, as on the tape (exact zeros are strong).
   */
  backward(output: number): Float64Array {
    const { code, argEnd, args, constants, instructions } = this.program
    const { values, partials, adjoint, runs } = this
    adjoint.fill(0)
    adjoint[output] = 1
    for (let i = instructions - 1, node = this.inputs + i; i >= 0; i--, node--) {
      const g = adjoint[node] as number
      const start = i === 0 ? 0 : (argEnd[i - 1] as number)
      const end = argEnd[i] as number
      const c = code[i] as number
      if (g === 0) continue
      if (c < SUM) {
        for (let j = end - 1; j >= start; j--) {
          const r = args[j] as number
          const p = partials[2 * i + j - start] as number
          if (r >= 0 && p !== 0) adjoint[r] = (adjoint[r] as number) + p * g
        }
      } else if (c === SUM) {
        for (let j = end - 1; j >= start; j--) {
          const r = args[j] as number
          if (r >= 0) adjoint[r] = (adjoint[r] as number) + g
        }
      } else if ((runs[i] as number) >= 0) {
        const first = runs[i] as number
        const k0 = ~(args[start + 1] as number)
        for (let k = ((end - start) >> 1) - 1; k >= 0; k--) {
          const p = constants[k0 + k] as number
          if (p !== 0) adjoint[first + k] = (adjoint[first + k] as number) + p * g
        }
      } else {
        // dot: each factor's partial is the other factor's value.
        for (let j = end - 2; j >= start; j -= 2) {
          const ra = args[j] as number
          const rb = args[j + 1] as number
          const a = at(values, constants, ra)
          const b = at(values, constants, rb)
          if (rb >= 0 && a !== 0) adjoint[rb] = (adjoint[rb] as number) + a * g
          if (ra >= 0 && b !== 0) adjoint[ra] = (adjoint[ra] as number) + b * g
        }
      }
    }
    return adjoint
  }
}

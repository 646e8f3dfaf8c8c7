import { internalError } from '../core/errors.js'
import { BINARY_OPS, binaryRuleOf, numbers, UNARY_OPS, unaryRuleOf } from '../ops/index.js'
import type { Engine } from './codegen.js'
import { BLOCK, CALL, DOT, FIRST_BINARY, type Program, SUM } from './program.js'
import { backwardBlock, forwardBlock, forwardCall } from './replay-custom.js'
import { addScaledRow } from './tape.js'

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
 * strided loops: the same work as hand-written backpropagation. Four such
 * dots over the same constants (four weight rows times one example; the
 * program stores an example once) run side by side: one load of each
 * constant for four rows and four independent sums, which the processor
 * overlaps. Each sum still adds its products in recorded order, so the
 * values are the ones computed a dot at a time.
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
export function runsOfNodes(program: Program): Int32Array {
  const { code, argEnd, args, instructions } = program
  const runs = new Int32Array(instructions).fill(-1)
  for (let i = 0, start = 0; i < instructions; start = argEnd[i++] as number) {
    if (code[i] === DOT) runs[i] = runStart(args, start, argEnd[i] as number)
  }
  return runs
}

/** How many run dots a group computes side by side. */
const GROUP = 4
/** How far after its first dot a group's last may be: a layer's unit is a dot and a few ops. */
const WINDOW = 32
/** `groups.of[i]` of a group's later dots: computed with the first. */
export const LATER = -2

/** Whether instruction operands `args[start .. end-1]` include a node in [lo, hi). */
function reads(args: Int32Array, start: number, end: number, lo: number, hi: number): boolean {
  for (let j = start; j < end; j++) {
    const r = args[j] as number
    if (r >= lo && r < hi) return true
  }
  return false
}

/**
 * Groups of GROUP run dots that can run side by side: the dots of a layer
 * times one example. A group's dots have one length and the same constants,
 * their rows follow one another in one range of nodes recorded before the
 * group, and the instructions between them are unary and binary ops that
 * do not read that range (a sum or another dot between them ends the
 * search, which keeps it to a few operands per step). So computing the
 * group's values at its first dot reads only final values, and adding all
 * its adjoints at its first dot (when the backward pass reaches it, every
 * later instruction has added to the dots' own adjoints) adds to each row's
 * nodes exactly what the dots added one at a time, in the same order
 * relative to every other instruction: the same numbers, bitwise.
 *
 * `of[i]` is the group number of a group's first dot, LATER for its other
 * dots, -1 otherwise; `members` lists each group's instructions.
 */
export function groupsOfRuns(
  program: Program,
  runs: Int32Array,
  inputs: number,
): { of: Int32Array; members: Int32Array } {
  const { code, argEnd, args, instructions } = program
  const of = new Int32Array(instructions).fill(-1)
  const members: number[] = []
  const startOf = (i: number) => (i === 0 ? 0 : (argEnd[i - 1] as number))
  for (let i = 0; i < instructions; i++) {
    const first = runs[i] as number
    if (first < 0 || of[i] !== -1) continue
    const start = startOf(i)
    const length = ((argEnd[i] as number) - start) >> 1
    const constants = args[start + 1] as number
    const rowsEnd = first + GROUP * length
    if (rowsEnd > inputs + i) continue
    const found = [i]
    for (let j = i + 1; j < instructions && j <= i + WINDOW && found.length < GROUP; j++) {
      const s = startOf(j)
      const end = argEnd[j] as number
      const next =
        runs[j] === first + found.length * length &&
        end - s === 2 * length &&
        args[s + 1] === constants &&
        of[j] === -1
      if (next) found.push(j)
      else if ((code[j] as number) >= SUM || reads(args, s, end, first, rowsEnd)) break
    }
    if (found.length < GROUP) continue
    of[i] = members.length / GROUP
    for (let t = 1; t < GROUP; t++) of[found[t] as number] = LATER
    members.push(...found)
  }
  return { of, members: Int32Array.from(members) }
}

/*
 * Why a case per op. `Replay.forward` computes each unary and binary
 * instruction by calling its rules from the op table. Called as
 * `rules[c].value(a)`, every op would share one call site, which V8
 * cannot inline once it has seen more than four targets: each call then
 * boxes its arguments and its result as heap numbers. In a switch, each
 * op's rules are called from a site of their own, which sees one target and
 * is inlined. The rules themselves stay in the table; the cases only name
 * them. Built package, the shared call site and the switch alternating in
 * one process, two runs: Ackley (n = 2,000) 228 -> 159 and 224 -> 157 us,
 * Rosenbrock 289 -> 187 and 305 -> 233 us, the 64-256-1 network written
 * with dot 3.27 -> 2.75 and 3.26 -> 2.74 ms, the same network with scalar
 * add/mul only 70 -> 35 and 65 -> 43 ms. A unary case k is UNARY_OPS[k],
 * a binary case k is BINARY_OPS[k] (op code FIRST_BINARY + k), so a name
 * appended to either list shifts no case; test/reverse/compile.test.ts
 * checks each op.
 */

/** The op table's rules by name, short names for the cases below. */
const U = unaryRuleOf
const B = binaryRuleOf

/** An op code the replay has no case for: an op added to the table needs one. */
function missingCase(c: number): Error {
  const name = c < FIRST_BINARY ? UNARY_OPS[c] : BINARY_OPS[c - FIRST_BINARY]
  return internalError(
    `the compiled replay has no case for op code ${c} (${name}); add one to Replay.forward.`,
  )
}

export class Replay implements Engine {
  /** Every node's value at the last point replayed: the inputs, then one per instruction. */
  readonly values: Float64Array
  /** The partials of unary and binary instructions: two slots per instruction. */
  private readonly partials: Float64Array
  private readonly adjoint: Float64Array
  private readonly runs: Int32Array
  private readonly groups: { readonly of: Int32Array; readonly members: Int32Array }

  constructor(
    private readonly program: Program,
    private readonly inputs: number,
    private readonly output: number,
  ) {
    this.values = new Float64Array(inputs + program.instructions)
    this.adjoint = new Float64Array(inputs + program.instructions)
    this.partials = new Float64Array(2 * program.instructions)
    this.runs = runsOfNodes(program)
    this.groups = groupsOfRuns(program, this.runs, inputs)
  }

  valueOf(node: number): number {
    return this.values[node] as number
  }

  gradient(): Float64Array {
    return this.backward(this.output).slice(0, this.inputs)
  }

  gradientAt(x: Float64Array): Float64Array {
    this.forward(x)
    return this.gradient()
  }

  /** Recomputes every value and partial at x, in recording order, from the op table. */
  forward(x: Float64Array): void {
    const { code, argEnd, args, constants, instructions } = this.program
    const { values, partials, runs, inputs } = this
    const { of } = this.groups
    values.set(x)
    let start = 0
    let out = 0
    for (let i = 0, node = inputs; i < instructions; i++, node++) {
      const c = code[i] as number
      const end = argEnd[i] as number
      if (c < FIRST_BINARY) {
        const a = at(values, constants, args[start] as number)
        // One call site per op (see "Why a case per op" above); case k is UNARY_OPS[k].
        // biome-ignore format: a case a line
        switch (c) {
          case 0: values[node] = out = U.neg.value(a); partials[2 * i] = U.neg.partial(numbers, a, out); break
          case 1: values[node] = out = U.abs.value(a); partials[2 * i] = U.abs.partial(numbers, a, out); break
          case 2: values[node] = out = U.sqrt.value(a); partials[2 * i] = U.sqrt.partial(numbers, a, out); break
          case 3: values[node] = out = U.exp.value(a); partials[2 * i] = U.exp.partial(numbers, a, out); break
          case 4: values[node] = out = U.expm1.value(a); partials[2 * i] = U.expm1.partial(numbers, a, out); break
          case 5: values[node] = out = U.log.value(a); partials[2 * i] = U.log.partial(numbers, a, out); break
          case 6: values[node] = out = U.log1p.value(a); partials[2 * i] = U.log1p.partial(numbers, a, out); break
          case 7: values[node] = out = U.sin.value(a); partials[2 * i] = U.sin.partial(numbers, a, out); break
          case 8: values[node] = out = U.cos.value(a); partials[2 * i] = U.cos.partial(numbers, a, out); break
          case 9: values[node] = out = U.tan.value(a); partials[2 * i] = U.tan.partial(numbers, a, out); break
          case 10: values[node] = out = U.asin.value(a); partials[2 * i] = U.asin.partial(numbers, a, out); break
          case 11: values[node] = out = U.acos.value(a); partials[2 * i] = U.acos.partial(numbers, a, out); break
          case 12: values[node] = out = U.atan.value(a); partials[2 * i] = U.atan.partial(numbers, a, out); break
          case 13: values[node] = out = U.sinh.value(a); partials[2 * i] = U.sinh.partial(numbers, a, out); break
          case 14: values[node] = out = U.cosh.value(a); partials[2 * i] = U.cosh.partial(numbers, a, out); break
          case 15: values[node] = out = U.tanh.value(a); partials[2 * i] = U.tanh.partial(numbers, a, out); break
          case 16: values[node] = out = U.sigmoid.value(a); partials[2 * i] = U.sigmoid.partial(numbers, a, out); break
          case 17: values[node] = out = U.softplus.value(a); partials[2 * i] = U.softplus.partial(numbers, a, out); break
          case 18: values[node] = out = U.relu.value(a); partials[2 * i] = U.relu.partial(numbers, a, out); break
          case 19: values[node] = out = U.square.value(a); partials[2 * i] = U.square.partial(numbers, a, out); break
          default: throw missingCase(c)
        }
      } else if (c < SUM) {
        const ra = args[start] as number
        const rb = args[start + 1] as number
        const a = at(values, constants, ra)
        const b = at(values, constants, rb)
        // One call site per op; case k is BINARY_OPS[k].
        // biome-ignore format: a case a line
        switch (c - FIRST_BINARY) {
          case 0: values[node] = out = B.add.value(a, b); if (ra >= 0) partials[2 * i] = B.add.partialA(numbers, a, b, out); if (rb >= 0) partials[2 * i + 1] = B.add.partialB(numbers, a, b, out); break
          case 1: values[node] = out = B.sub.value(a, b); if (ra >= 0) partials[2 * i] = B.sub.partialA(numbers, a, b, out); if (rb >= 0) partials[2 * i + 1] = B.sub.partialB(numbers, a, b, out); break
          case 2: values[node] = out = B.mul.value(a, b); if (ra >= 0) partials[2 * i] = B.mul.partialA(numbers, a, b, out); if (rb >= 0) partials[2 * i + 1] = B.mul.partialB(numbers, a, b, out); break
          case 3: values[node] = out = B.div.value(a, b); if (ra >= 0) partials[2 * i] = B.div.partialA(numbers, a, b, out); if (rb >= 0) partials[2 * i + 1] = B.div.partialB(numbers, a, b, out); break
          case 4: values[node] = out = B.pow.value(a, b); if (ra >= 0) partials[2 * i] = B.pow.partialA(numbers, a, b, out); if (rb >= 0) partials[2 * i + 1] = B.pow.partialB(numbers, a, b, out); break
          case 5: values[node] = out = B.atan2.value(a, b); if (ra >= 0) partials[2 * i] = B.atan2.partialA(numbers, a, b, out); if (rb >= 0) partials[2 * i + 1] = B.atan2.partialB(numbers, a, b, out); break
          case 6: values[node] = out = B.hypot.value(a, b); if (ra >= 0) partials[2 * i] = B.hypot.partialA(numbers, a, b, out); if (rb >= 0) partials[2 * i + 1] = B.hypot.partialB(numbers, a, b, out); break
          case 7: values[node] = out = B.min.value(a, b); if (ra >= 0) partials[2 * i] = B.min.partialA(numbers, a, b, out); if (rb >= 0) partials[2 * i + 1] = B.min.partialB(numbers, a, b, out); break
          case 8: values[node] = out = B.max.value(a, b); if (ra >= 0) partials[2 * i] = B.max.partialA(numbers, a, b, out); if (rb >= 0) partials[2 * i + 1] = B.max.partialB(numbers, a, b, out); break
          default: throw missingCase(c)
        }
      } else if (c === SUM) {
        let total = 0
        for (let j = start; j < end; j++) total += at(values, constants, args[j] as number)
        values[node] = total
      } else if (c === DOT) {
        // A group's four dots are all computed at its first (see groupsOfRuns).
        const group = of[i] as number
        if (group >= 0) this.forwardGroup(group, (end - start) >> 1, ~(args[start + 1] as number))
        else if (group !== LATER) {
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
      } else if (c === CALL) forwardCall(this.program, i, node, values, partials)
      else if (c === BLOCK) forwardBlock(this.program, i, node, values)
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
    const { values, partials, adjoint, runs, inputs } = this
    const { of } = this.groups
    adjoint.fill(0)
    adjoint[output] = 1
    for (let i = instructions - 1, node = inputs + i; i >= 0; i--, node--) {
      const g = adjoint[node] as number
      const start = i === 0 ? 0 : (argEnd[i - 1] as number)
      const end = argEnd[i] as number
      const c = code[i] as number
      if (c === DOT && (of[i] as number) !== -1) {
        // A group's four dots are all done at its first (see groupsOfRuns).
        const group = of[i] as number
        if (group >= 0) {
          this.backwardGroup(group, (end - start) >> 1, ~(args[start + 1] as number))
        }
        continue
      }
      if (g === 0) continue
      // A custom op's partials are stored as a unary or binary op's are.
      if (c < SUM || c === CALL) {
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
      } else if (c === BLOCK) {
        backwardBlock(this.program, i, inputs, values, adjoint)
      } else if ((runs[i] as number) >= 0) {
        const k0 = ~(args[start + 1] as number)
        addScaledRow(adjoint, runs[i] as number, constants, k0, (end - start) >> 1, g)
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

  /** The values of a group's four dots, each summed in recorded order. */
  private forwardGroup(group: number, length: number, k0: number): void {
    const { values, runs, inputs } = this
    const { members } = this.groups
    const { constants } = this.program
    const m = GROUP * group
    const r0 = runs[members[m] as number] as number
    const r1 = runs[members[m + 1] as number] as number
    const r2 = runs[members[m + 2] as number] as number
    const r3 = runs[members[m + 3] as number] as number
    let t0 = 0
    let t1 = 0
    let t2 = 0
    let t3 = 0
    for (let k = 0; k < length; k++) {
      const constant = constants[k0 + k] as number
      t0 += (values[r0 + k] as number) * constant
      t1 += (values[r1 + k] as number) * constant
      t2 += (values[r2 + k] as number) * constant
      t3 += (values[r3 + k] as number) * constant
    }
    values[inputs + (members[m] as number)] = t0
    values[inputs + (members[m + 1] as number)] = t1
    values[inputs + (members[m + 2] as number)] = t2
    values[inputs + (members[m + 3] as number)] = t3
  }

  /**
   * A group's dots, at its first: each row's nodes get `constant * adjoint`
   * of their dot, k from last to first as on the tape. A dot whose adjoint is
   * 0 adds nothing (exact zeros are strong), so the four-row loop runs only
   * when no adjoint is 0.
   */
  private backwardGroup(group: number, length: number, k0: number): void {
    const { adjoint, runs, inputs } = this
    const { members } = this.groups
    const m = GROUP * group
    const g0 = adjoint[inputs + (members[m] as number)] as number
    const g1 = adjoint[inputs + (members[m + 1] as number)] as number
    const g2 = adjoint[inputs + (members[m + 2] as number)] as number
    const g3 = adjoint[inputs + (members[m + 3] as number)] as number
    const r0 = runs[members[m] as number] as number
    const r1 = runs[members[m + 1] as number] as number
    const r2 = runs[members[m + 2] as number] as number
    const r3 = runs[members[m + 3] as number] as number
    const { constants } = this.program
    if (g0 !== 0 && g1 !== 0 && g2 !== 0 && g3 !== 0) {
      for (let k = length - 1; k >= 0; k--) {
        const p = constants[k0 + k] as number
        if (p === 0) continue
        adjoint[r3 + k] = (adjoint[r3 + k] as number) + p * g3
        adjoint[r2 + k] = (adjoint[r2 + k] as number) + p * g2
        adjoint[r1 + k] = (adjoint[r1 + k] as number) + p * g1
        adjoint[r0 + k] = (adjoint[r0 + k] as number) + p * g0
      }
      return
    }
    // One row at a time, last dot first as on the tape, skipping zero adjoints.
    if (g3 !== 0) addScaledRow(adjoint, r3, constants, k0, length, g3)
    if (g2 !== 0) addScaledRow(adjoint, r2, constants, k0, length, g2)
    if (g1 !== 0) addScaledRow(adjoint, r1, constants, k0, length, g1)
    if (g0 !== 0) addScaledRow(adjoint, r0, constants, k0, length, g0)
  }
}

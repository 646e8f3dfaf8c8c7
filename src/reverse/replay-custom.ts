import { gradlabError, internalError } from '../core/errors.js'
import { binaryPartial, unaryPartial } from '../ops/custom-partials.js'
import { blockValue, blockVjp, customValue } from '../ops/custom-results.js'
import type { BlockCall, Program } from './program.js'

/*
 * The replay's CALL and BLOCK instructions: users' own ops, recomputed at a
 * new point from their rules, with the same checks, in the same order and
 * with the same numbers as on the tape, so a compiled gradient through them
 * is bitwise the dynamic one. They are rare next to the table's ops, so they
 * take a function call and a lookup by instruction rather than a case each.
 */

/** How replay errors name the call: the replay does not know which method of the compiled gradient runs it. */
const LABEL = 'reverse.compiled'

/** The operands of instruction i: `args[start .. end-1]`. */
const startOf = (program: Program, i: number) => (i === 0 ? 0 : (program.argEnd[i - 1] as number))

/** An operand's value: a node's (ref >= 0) or a recorded constant's. */
const valueAt = (values: Float64Array, constants: Float64Array, ref: number) =>
  ref >= 0 ? (values[ref] as number) : (constants[~ref] as number)

/** A CALL instruction at `node`: the custom op's value, and its partials for node operands. */
export function forwardCall(
  program: Program,
  i: number,
  node: number,
  values: Float64Array,
  partials: Float64Array,
): void {
  const op = program.callees.get(i)
  if (op === undefined || !('kind' in op)) {
    throw internalError(`instruction ${i} calls no custom op`)
  }
  const { args, constants } = program
  const start = startOf(program, i)
  const ra = args[start] as number
  const a = valueAt(values, constants, ra)
  if (op.kind === 'unary') {
    const out = customValue(LABEL, op, op.rule.value(a))
    values[node] = out
    partials[2 * i] = unaryPartial(LABEL, op, a, out)
  } else {
    const rb = args[start + 1] as number
    const b = valueAt(values, constants, rb)
    const out = customValue(LABEL, op, op.rule.value(a, b))
    values[node] = out
    if (ra >= 0) partials[2 * i] = binaryPartial(LABEL, op, 'partialA', a, b, out)
    if (rb >= 0) partials[2 * i + 1] = binaryPartial(LABEL, op, 'partialB', a, b, out)
  }
}

function blockCall(program: Program, i: number): BlockCall {
  const call = program.callees.get(i)
  if (call !== undefined && 'first' in call) return call
  throw internalError(`instruction ${i} is no block's output`)
}

/** The inputs' values of a block, from its first output's operands. */
function blockInputs(program: Program, call: BlockCall, values: Float64Array): number[] {
  const { args, constants, argEnd } = program
  const inputs: number[] = []
  for (let j = startOf(program, call.first); j < (argEnd[call.first] as number); j++) {
    inputs.push(valueAt(values, constants, args[j] as number))
  }
  return inputs
}

const shapeOf = (scalar: boolean, count: number) =>
  scalar ? 'a number' : `an array of ${count} number${count === 1 ? '' : 's'}`

/**
 * A BLOCK instruction: at a block's first output, every output's value from
 * its `value`, which must give as many outputs as it did when recorded.
 */
export function forwardBlock(program: Program, i: number, node: number, values: Float64Array) {
  const call = blockCall(program, i)
  if (i !== call.first) return
  const { op, count, scalar } = call
  const shape = blockValue(LABEL, op, blockInputs(program, call, values))
  if (shape.scalar !== scalar || shape.outputs.length !== count) {
    const was = shapeOf(scalar, count)
    const now = shapeOf(shape.scalar, shape.outputs.length)
    throw gradlabError(
      RangeError,
      'ERR_GRADLAB_VALUE_CHANGED',
      `${LABEL}: ${op.name}: value returned ${now} at this point but ${was} when the function was recorded. A block must return the same shape at every point; use reverse.gradient if it does not.`,
    )
  }
  values.set(shape.outputs, node)
}

/**
 * A BLOCK instruction in the backward pass, reached at the block's last
 * output whose adjoint is not 0: the vjp of all its outputs' adjoints, added
 * into its node operands last to first, and its outputs' adjoints cleared
 * (see backwardBlock in blocks.ts, which the tape runs).
 */
export function backwardBlock(
  program: Program,
  i: number,
  inputs: number,
  values: Float64Array,
  adjoint: Float64Array,
): void {
  const call = blockCall(program, i)
  const { op, first, count, scalar } = call
  const node = inputs + first
  const u = Array.from(adjoint.subarray(node, node + count))
  if (u.every((ui) => ui === 0)) return
  const xs = blockInputs(program, call, values)
  const shape = { scalar, outputs: Array.from(values.subarray(node, node + count)) }
  const r = blockVjp(LABEL, op, xs, shape, u)
  const { args } = program
  const start = startOf(program, first)
  for (let k = xs.length - 1; k >= 0; k--) {
    const ref = args[start + k] as number
    const rk = r[k] as number
    if (ref >= 0 && rk !== 0) adjoint[ref] = (adjoint[ref] as number) + rk
  }
  adjoint.fill(0, node, node + count)
}

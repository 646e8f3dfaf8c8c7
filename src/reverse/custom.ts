import { binaryPartial, unaryPartial } from '../ops/custom-partials.js'
import { blockValue, customValue } from '../ops/custom-results.js'
import type { CustomOps } from '../ops/custom-rule.js'
import { checkArray } from '../ops/plain.js'
import { type ReverseContext, tapeVar } from './ops.js'
import type { Program } from './program.js'
import { TapeVar } from './variable.js'

/**
 * Custom ops on the tape. A custom unary or binary op records its partials
 * as the table's ops do (`push2`, so a custom copy of a table op records the
 * same edges), and while compiling writes a CALL instruction naming it. A
 * block records its outputs as nodes whose backward pass is its vjp (see
 * blocks.ts), and while compiling writes BLOCK instructions, which the
 * replay computes by calling its value and vjp.
 */
export function createTapeCustomOps(context: ReverseContext): CustomOps<TapeVar> {
  const constant = (value: number) => new TapeVar(value, -1, context.session)
  const operandValue = (a: unknown, op: string) =>
    typeof a === 'number' ? a : tapeVar(context, op, a).value
  const nodeOf = (a: unknown) => (typeof a === 'number' ? -1 : (a as TapeVar).index)
  /** Closes a compiled custom node, whose edges were just added. */
  const compiled = (out: number) => new TapeVar(out, context.tape.endNode(), context.session)
  return {
    unary(op, a) {
      const { label, tape, program } = context
      const v = operandValue(a, op.name)
      const out = customValue(label, op, op.rule.value(v))
      const i = nodeOf(a)
      if (i < 0) return constant(out)
      const p = unaryPartial(label, op, v, out)
      if (program === null) return new TapeVar(out, tape.push2(i, p, -1, 0), context.session)
      // While compiling, the edge is kept even if p is 0: it may not be at another point.
      tape.addEdge(i, p)
      program.operand(i, v)
      program.call(op)
      return compiled(out)
    },
    binary(op, a, b) {
      const { label, tape, program } = context
      const v = operandValue(a, op.name)
      const w = operandValue(b, op.name)
      const out = customValue(label, op, op.rule.value(v, w))
      const i = nodeOf(a)
      const j = nodeOf(b)
      if (i < 0 && j < 0) return constant(out)
      const pa = i < 0 ? 0 : binaryPartial(label, op, 'partialA', v, w, out)
      const pb = j < 0 ? 0 : binaryPartial(label, op, 'partialB', v, w, out)
      if (program === null) return new TapeVar(out, tape.push2(i, pa, j, pb), context.session)
      if (i >= 0) tape.addEdge(i, pa)
      if (j >= 0) tape.addEdge(j, pb)
      program.operand(i, v)
      program.operand(j, w)
      program.call(op)
      return compiled(out)
    },
    block(op, xs) {
      const { label, tape, program, session } = context
      checkArray(context, op.name, xs)
      const items = xs as readonly unknown[]
      const values = items.map((a) => operandValue(a, op.name))
      const inputs = Int32Array.from(items, nodeOf)
      const shape = blockValue(label, op, values)
      const { outputs } = shape
      const moving = inputs.some((i) => i >= 0)
      let outs: TapeVar[]
      if (!moving || outputs.length === 0) outs = outputs.map(constant)
      else {
        const first = tape.endBlock(outputs.length, (node) => ({
          op,
          label,
          inputs,
          values,
          shape,
          first: node,
        }))
        if (program !== null) writeBlock(program, op, inputs, values, shape.scalar, outputs.length)
        outs = outputs.map((out, k) => new TapeVar(out, first + k, session))
      }
      return shape.scalar ? (outs[0] as TapeVar) : outs
    },
  }
}

function writeBlock(
  program: Program,
  op: Parameters<Program['block']>[0],
  inputs: Int32Array,
  values: readonly number[],
  scalar: boolean,
  count: number,
): void {
  for (let i = 0; i < inputs.length; i++) program.operand(inputs[i] as number, values[i] as number)
  program.block(op, count, scalar)
}

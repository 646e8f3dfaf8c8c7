import { binaryPartial, unaryPartial } from '../ops/custom-partials.js'
import { blockValue, customValue } from '../ops/custom-results.js'
import type { CustomOps } from '../ops/custom-rule.js'
import { checkArray } from '../ops/plain.js'
import { type ReverseContext, tapeVar } from './ops.js'
import { TapeVar } from './variable.js'

/**
 * Custom ops on the tape. A custom unary or binary op records its partials
 * as the table's ops do (`push2`, so a custom copy of a table op records the
 * same edges). A block records its outputs as nodes whose backward pass is
 * its vjp (see blocks.ts). (reverse.compile records them with
 * program-ops.ts.)
 */
export function createTapeCustomOps(context: ReverseContext): CustomOps<TapeVar> {
  const constant = (value: number) => new TapeVar(value, -1, context.session)
  const operandValue = (a: unknown, op: string) =>
    typeof a === 'number' ? a : tapeVar(context, op, a).value
  const nodeOf = (a: unknown) => (typeof a === 'number' ? -1 : (a as TapeVar).index)
  return {
    unary(op, a) {
      const { label, tape } = context
      const v = operandValue(a, op.name)
      const out = customValue(label, op, op.rule.value(v))
      const i = nodeOf(a)
      if (i < 0) return constant(out)
      const p = unaryPartial(label, op, v, out)
      return new TapeVar(out, tape.push2(i, p, -1, 0), context.session)
    },
    binary(op, a, b) {
      const { label, tape } = context
      const v = operandValue(a, op.name)
      const w = operandValue(b, op.name)
      const out = customValue(label, op, op.rule.value(v, w))
      const i = nodeOf(a)
      const j = nodeOf(b)
      if (i < 0 && j < 0) return constant(out)
      const pa = i < 0 ? 0 : binaryPartial(label, op, 'partialA', v, w, out)
      const pb = j < 0 ? 0 : binaryPartial(label, op, 'partialB', v, w, out)
      return new TapeVar(out, tape.push2(i, pa, j, pb), context.session)
    },
    block(op, xs) {
      const { label, tape, session } = context
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
        outs = outputs.map((out, k) => new TapeVar(out, first + k, session))
      }
      return shape.scalar ? (outs[0] as TapeVar) : outs
    },
  }
}

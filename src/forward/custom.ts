import { binaryPartial, unaryPartial } from '../ops/custom-partials.js'
import { blockJvp, blockValue, customValue } from '../ops/custom-results.js'
import type { CustomOps } from '../ops/custom-rule.js'
import { checkArray } from '../ops/plain.js'
import { Dual } from './dual.js'
import { dual } from './ops.js'
import { combined, type ForwardContext, NO_TANGENTS, reserve, scaled } from './tangents.js'

/**
 * Custom ops on dual numbers: a custom unary or binary op is the table's
 * unary or binary op with the user's rules (the same `scaled` and `combined`,
 * so a custom copy of a table op gives the same tangents bit for bit); a
 * block pushes each lane's tangents through its `jvp`.
 */
export function createDualCustomOps(context: ForwardContext): CustomOps<Dual> {
  const constant = (value: number) => new Dual(value, context.pass, NO_TANGENTS)
  return {
    unary(op, a) {
      const { label } = context
      if (typeof a === 'number') return constant(customValue(label, op, op.rule.value(a)))
      const x = dual(context, op.name, a)
      const out = customValue(label, op, op.rule.value(x.value))
      if (x.offset === NO_TANGENTS) return constant(out)
      const p = unaryPartial(label, op, x.value, out)
      return new Dual(out, context.pass, scaled(context, p, x.offset))
    },
    binary(op, a, b) {
      const { label } = context
      const x = typeof a === 'number' ? null : dual(context, op.name, a)
      const y = typeof b === 'number' ? null : dual(context, op.name, b)
      const av = x === null ? (a as number) : x.value
      const bv = y === null ? (b as number) : y.value
      const out = customValue(label, op, op.rule.value(av, bv))
      const xo = x === null ? NO_TANGENTS : x.offset
      const yo = y === null ? NO_TANGENTS : y.offset
      const pa = xo === NO_TANGENTS ? 0 : binaryPartial(label, op, 'partialA', av, bv, out)
      const pb = yo === NO_TANGENTS ? 0 : binaryPartial(label, op, 'partialB', av, bv, out)
      return new Dual(out, context.pass, combined(context, pa, xo, pb, yo))
    },
    block(op, xs) {
      const { label, lanes } = context
      checkArray(context, op.name, xs)
      const inputs = (xs as readonly unknown[]).map((a) =>
        typeof a === 'number' ? null : dual(context, op.name, a),
      )
      const values = inputs.map((x, i) => (x === null ? ((xs as number[])[i] as number) : x.value))
      const shape = blockValue(label, op, values)
      const k = shape.outputs.length
      // Each output's tangents, lane by lane: jvp of the inputs' tangents in that lane.
      const tangents = new Float64Array(k * lanes)
      const v = new Array<number>(inputs.length)
      for (let l = 0; l < lanes; l++) {
        let moving = false
        for (let i = 0; i < inputs.length; i++) {
          const offset = inputs[i]?.offset ?? NO_TANGENTS
          v[i] = offset === NO_TANGENTS ? 0 : (context.tangents[offset + l] as number)
          if (v[i] !== 0) moving = true
        }
        // A lane in which no input moves moves no output (strong zeros), and needs no jvp.
        if (!moving) continue
        const t = blockJvp(label, op, values, v.slice(), shape)
        for (let j = 0; j < k; j++) tangents[j * lanes + l] = t[j] as number
      }
      const outs = shape.outputs.map((out, j) => {
        let zero = true
        for (let l = 0; l < lanes; l++) if (tangents[j * lanes + l] !== 0) zero = false
        if (zero) return constant(out)
        const offset = reserve(context)
        context.tangents.set(tangents.subarray(j * lanes, (j + 1) * lanes), offset)
        return new Dual(out, context.pass, offset)
      })
      return shape.scalar ? (outs[0] as Dual) : outs
    },
  }
}

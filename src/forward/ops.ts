import { describe } from '../core/describe.js'
import { gradlabError } from '../core/errors.js'
import { comparisons } from '../ops/compare.js'
import { CUSTOM } from '../ops/custom-rule.js'
import {
  BINARY_OPS,
  binaryRuleOf,
  checkArray,
  checked,
  checkSameLength,
  numbers,
  type Ops,
  opsObject,
  UNARY_OPS,
  unaryRuleOf,
} from '../ops/index.js'
import { createDualCustomOps } from './custom.js'
import { Dual } from './dual.js'
import {
  accumulate,
  combined,
  type ForwardContext,
  NO_TANGENTS,
  reserveZeros,
  scaled,
  settle,
} from './tangents.js'

export function dual(context: ForwardContext, op: string, a: unknown): Dual {
  if (a instanceof Dual && a.pass === context.pass) return a
  if (a instanceof Dual) {
    throw gradlabError(
      TypeError,
      'ERR_GRADLAB_FOREIGN_VALUE',
      `${context.label}: ${op} received a dual number from another forward pass (kept from an earlier call or an enclosing one). Values made by the ops are valid only inside the call that made them; pass m.value(...) to use one as a constant.`,
    )
  }
  throw gradlabError(
    TypeError,
    'ERR_GRADLAB_INVALID_OPERAND',
    `${context.label}: ${op} received ${describe(a)}; expected a value made by these ops or a plain number.`,
  )
}

/**
 * `Ops<Dual>` built from the op table: value by the value rule, tangents by
 * the chain rule `tangent_out = sum_i partial_i * tangent_i` in every lane of
 * the pass (tangents.ts). A partial is evaluated only for inputs whose
 * tangents are not all zero, once per op however many lanes the pass carries.
 */
export function createDualOps(context: ForwardContext): Ops<Dual> {
  const constant = (value: number) => new Dual(value, context.pass, NO_TANGENTS)
  const ops: Record<string, unknown> = {
    constant: (c: unknown) => constant(checked(context, 'constant', c)),
    value: (a: unknown) => (typeof a === 'number' ? a : dual(context, 'value', a).value),
    ...comparisons((op, a) => (typeof a === 'number' ? a : dual(context, op, a).value)),
    // sum and dot are fused n-ary ops, so their partials (1; the other factor)
    // are applied here directly rather than through a table entry per input.
    sum(xs: readonly unknown[]) {
      checkArray(context, 'sum', xs)
      let value = 0
      let offset = NO_TANGENTS
      for (const a of xs) {
        if (typeof a === 'number') value += a
        else {
          const x = dual(context, 'sum', a)
          value += x.value
          if (x.offset === NO_TANGENTS) continue
          if (offset === NO_TANGENTS) offset = reserveZeros(context)
          accumulate(context, offset, 1, x.offset)
        }
      }
      return new Dual(
        value,
        context.pass,
        offset === NO_TANGENTS ? offset : settle(context, offset),
      )
    },
    dot(xs: readonly unknown[], ys: readonly unknown[]) {
      checkSameLength(context, xs, ys)
      let value = 0
      let offset = NO_TANGENTS
      for (let i = 0; i < xs.length; i++) {
        const a = xs[i]
        const b = ys[i]
        const x = typeof a === 'number' ? null : dual(context, 'dot', a)
        const y = typeof b === 'number' ? null : dual(context, 'dot', b)
        const av = x === null ? (a as number) : x.value
        const bv = y === null ? (b as number) : y.value
        value += av * bv
        const xo = x === null ? NO_TANGENTS : x.offset
        const yo = y === null ? NO_TANGENTS : y.offset
        if (xo === NO_TANGENTS && yo === NO_TANGENTS) continue
        if (offset === NO_TANGENTS) offset = reserveZeros(context)
        if (xo !== NO_TANGENTS) accumulate(context, offset, bv, xo)
        if (yo !== NO_TANGENTS) accumulate(context, offset, av, yo)
      }
      return new Dual(
        value,
        context.pass,
        offset === NO_TANGENTS ? offset : settle(context, offset),
      )
    },
  }
  for (const name of UNARY_OPS) {
    const rule = unaryRuleOf[name]
    ops[name] = (a: unknown) => {
      if (typeof a === 'number') return constant(rule.value(a))
      const x = dual(context, name, a)
      const out = rule.value(x.value)
      if (x.offset === NO_TANGENTS) return new Dual(out, context.pass, NO_TANGENTS)
      const partial = rule.partial(numbers, x.value, out) as number
      return new Dual(out, context.pass, scaled(context, partial, x.offset))
    }
  }
  for (const name of BINARY_OPS) {
    const rule = binaryRuleOf[name]
    ops[name] = (a: unknown, b: unknown) => {
      const x = typeof a === 'number' ? null : dual(context, name, a)
      const y = typeof b === 'number' ? null : dual(context, name, b)
      const av = x === null ? (a as number) : x.value
      const bv = y === null ? (b as number) : y.value
      const out = rule.value(av, bv)
      const xo = x === null ? NO_TANGENTS : x.offset
      const yo = y === null ? NO_TANGENTS : y.offset
      const partialA = xo === NO_TANGENTS ? 0 : (rule.partialA(numbers, av, bv, out) as number)
      const partialB = yo === NO_TANGENTS ? 0 : (rule.partialB(numbers, av, bv, out) as number)
      return new Dual(out, context.pass, combined(context, partialA, xo, partialB, yo))
    }
  }
  return opsObject<Dual>({ ...ops, [CUSTOM]: createDualCustomOps(context) }, 1)
}

import { describe } from '../core/describe.js'
import {
  BINARY_OPS,
  type BinaryName,
  type BinaryRule,
  binaryRules,
  chainTerm,
  checkArray,
  checkSameLength,
  numbers,
  type Ops,
  type OpsContext,
  plain,
  UNARY_OPS,
  type UnaryName,
  type UnaryRule,
  unaryRules,
} from '../ops/index.js'
import { Dual } from './dual.js'

export interface ForwardContext extends OpsContext {
  /** The pass whose duals the ops accept; 0 when no pass is running. */
  pass: number
}

function dual(context: ForwardContext, op: string, a: unknown): Dual {
  if (a instanceof Dual && a.pass === context.pass) return a
  if (a instanceof Dual) {
    throw new TypeError(
      `${context.label}: ${op} received a dual number from another forward pass (kept from an earlier call or an enclosing one). Values made by the ops are valid only inside the call that made them; pass m.value(...) to use one as a constant.`,
    )
  }
  throw new TypeError(
    `${context.label}: ${op} received ${describe(a)}; expected a value made by these ops or a plain number.`,
  )
}

/**
 * `Ops<Dual>` built from the op table: value by the value rule, tangent by
 * the chain rule `tangent_out = sum_i partial_i * tangent_i`. A partial is
 * evaluated only for inputs whose tangent is non-zero.
 */
export function createDualOps(context: ForwardContext): Ops<Dual> {
  const ops: Record<string, unknown> = {
    constant: (c: unknown) => new Dual(plain.constant(c as number), 0, context.pass),
    value: (a: unknown) => (typeof a === 'number' ? a : dual(context, 'value', a).value),
    // sum and dot are fused n-ary ops, so their partials (1; the other factor)
    // are applied here directly rather than through a table entry per input.
    sum(xs: readonly unknown[]) {
      checkArray(context, 'sum', xs)
      let value = 0
      let tangent = 0
      for (const a of xs) {
        if (typeof a === 'number') value += a
        else {
          const x = dual(context, 'sum', a)
          value += x.value
          tangent += x.tangent
        }
      }
      return new Dual(value, tangent, context.pass)
    },
    dot(xs: readonly unknown[], ys: readonly unknown[]) {
      checkSameLength(context, xs, ys)
      let value = 0
      let tangent = 0
      for (let i = 0; i < xs.length; i++) {
        const a = xs[i]
        const b = ys[i]
        const x = typeof a === 'number' ? null : dual(context, 'dot', a)
        const y = typeof b === 'number' ? null : dual(context, 'dot', b)
        const av = x === null ? (a as number) : x.value
        const bv = y === null ? (b as number) : y.value
        value += av * bv
        if (x !== null) tangent += chainTerm(bv, x.tangent)
        if (y !== null) tangent += chainTerm(av, y.tangent)
      }
      return new Dual(value, tangent, context.pass)
    },
  }
  for (const name of UNARY_OPS) {
    const rule = (unaryRules as Record<UnaryName, UnaryRule>)[name]
    ops[name] = (a: unknown) => {
      if (typeof a === 'number') return new Dual(rule.value(a), 0, context.pass)
      const x = dual(context, name, a)
      const out = rule.value(x.value)
      const tangent =
        x.tangent === 0 ? 0 : chainTerm(rule.partial(numbers, x.value, out) as number, x.tangent)
      return new Dual(out, tangent, context.pass)
    }
  }
  for (const name of BINARY_OPS) {
    const rule = (binaryRules as Record<BinaryName, BinaryRule>)[name]
    ops[name] = (a: unknown, b: unknown) => {
      const x = typeof a === 'number' ? null : dual(context, name, a)
      const y = typeof b === 'number' ? null : dual(context, name, b)
      const av = x === null ? (a as number) : x.value
      const bv = y === null ? (b as number) : y.value
      const out = rule.value(av, bv)
      let tangent = 0
      if (x !== null && x.tangent !== 0) {
        tangent += chainTerm(rule.partialA(numbers, av, bv, out) as number, x.tangent)
      }
      if (y !== null && y.tangent !== 0) {
        tangent += chainTerm(rule.partialB(numbers, av, bv, out) as number, y.tangent)
      }
      return new Dual(out, tangent, context.pass)
    }
  }
  return ops as unknown as Ops<Dual>
}

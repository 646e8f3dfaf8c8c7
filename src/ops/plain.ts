import { describe } from '../core/describe.js'
import { gradlabError } from '../core/errors.js'
import { compareValues, comparisons } from './compare.js'
import { blockValue, customValue } from './custom-results.js'
import { CUSTOM, type CustomOps } from './custom-rule.js'
import { BINARY_OPS, UNARY_OPS } from './names.js'
import { binaryRuleOf, unaryRuleOf } from './rules.js'
import { opsObject } from './shape.js'
import type { Operand, Ops } from './types.js'

/** Where an ops object reports its errors from, e.g. `numeric.gradient`; strategies update it per call. */
export interface OpsContext {
  label: string
}

/** `a` if it is a number; otherwise a TypeError naming the call and the op. */
export function checked(context: OpsContext, op: string, a: unknown): number {
  if (typeof a === 'number') return a
  // An object here is most often a value of another strategy's ops.
  const code =
    typeof a === 'object' && a !== null
      ? 'ERR_GRADLAB_FOREIGN_VALUE'
      : 'ERR_GRADLAB_INVALID_OPERAND'
  throw gradlabError(
    TypeError,
    code,
    `${context.label}: ${op} received ${describe(a)}, but these ops compute with plain numbers. A value made by another strategy's ops cannot be used here.`,
  )
}

/**
 * `Ops<number>`: the op table's value rules on plain numbers, with every
 * argument checked. Finite differences evaluate with these, the benchmarks
 * call them "plain".
 */
export function createPlainOps(context: OpsContext): Ops<number> {
  const ops: Record<string, unknown> = {
    constant: (c: unknown) => checked(context, 'constant', c),
    value: (a: unknown) => checked(context, 'value', a),
    ...comparisons((op, a) => checked(context, op, a)),
    sum(xs: readonly Operand<number>[]) {
      checkArray(context, 'sum', xs)
      let total = 0
      for (let i = 0; i < xs.length; i++) total += checked(context, 'sum', xs[i])
      return total
    },
    dot(xs: readonly Operand<number>[], ys: readonly Operand<number>[]) {
      checkSameLength(context, xs, ys)
      let total = 0
      for (let i = 0; i < xs.length; i++) {
        total += checked(context, 'dot', xs[i]) * checked(context, 'dot', ys[i])
      }
      return total
    },
  }
  for (const name of UNARY_OPS) {
    const value = unaryRuleOf[name].value
    ops[name] = (a: unknown) => value(checked(context, name, a))
  }
  for (const name of BINARY_OPS) {
    const value = binaryRuleOf[name].value
    ops[name] = (a: unknown, b: unknown) =>
      value(checked(context, name, a), checked(context, name, b))
  }
  return opsObject<number>({ ...ops, [CUSTOM]: plainCustomOps(context) }, 0)
}

/** Custom ops on plain numbers: their values, every operand checked. */
function plainCustomOps(context: OpsContext): CustomOps<number> {
  return {
    unary: (op, a) => customValue(context.label, op, op.rule.value(checked(context, op.name, a))),
    binary: (op, a, b) =>
      customValue(
        context.label,
        op,
        op.rule.value(checked(context, op.name, a), checked(context, op.name, b)),
      ),
    block(op, xs) {
      checkArray(context, op.name, xs)
      const values = (xs as readonly unknown[]).map((x) => checked(context, op.name, x))
      const { scalar, outputs } = blockValue(context.label, op, values)
      return scalar ? (outputs[0] as number) : outputs.slice()
    },
  }
}

export function checkArray(context: OpsContext, op: string, xs: unknown): void {
  if (!Array.isArray(xs)) {
    throw gradlabError(
      TypeError,
      'ERR_GRADLAB_INVALID_OPERAND',
      `${context.label}: ${op} expects an array, got ${describe(xs)}.`,
    )
  }
}

export function checkSameLength(
  context: OpsContext,
  xs: readonly unknown[],
  ys: readonly unknown[],
): void {
  checkArray(context, 'dot', xs)
  checkArray(context, 'dot', ys)
  if (xs.length !== ys.length) {
    throw gradlabError(
      RangeError,
      'ERR_GRADLAB_LENGTH_MISMATCH',
      `${context.label}: dot received arrays of lengths ${xs.length} and ${ys.length}; they must have the same length.`,
    )
  }
}

/**
 * Unchecked `Ops<number>` whose methods are the table's value rules
 * themselves, for the strategies to evaluate partial rules with. Their
 * arguments are always numbers, and a partial rule such as `m.cos(a)` then
 * calls `Math.cos` directly, which the JIT can inline (speed). Not exported.
 */
export const numbers: Ops<number> = (() => {
  const ops: Record<string, unknown> = {
    constant: (c: number) => c,
    value: (a: number) => a,
    ...compareValues,
    sum: (xs: readonly number[]) => xs.reduce((total, x) => total + x, 0),
    dot: (xs: readonly number[], ys: readonly number[]) =>
      xs.reduce((total, x, i) => total + x * (ys[i] as number), 0),
  }
  for (const name of UNARY_OPS) ops[name] = unaryRuleOf[name].value
  for (const name of BINARY_OPS) ops[name] = binaryRuleOf[name].value
  return opsObject<number>(ops, 0)
})()

/**
 * `Ops<number>` on plain numbers: the op table's value rules, for evaluating
 * a function written against `Ops<T>` without derivatives. Every argument is
 * checked: a value made by another strategy's ops is a TypeError.
 *
 * @example
 * ```ts
 * const f = <T>(m: Ops<T>, [a, b]: readonly [T, T]) => m.pow(m.sub(a, b), 2)
 * f(plain, [2, 0]) // => 4
 * plain.max(1, 2) // => 2
 * ```
 */
export const plain: Ops<number> = createPlainOps({ label: 'plain' })

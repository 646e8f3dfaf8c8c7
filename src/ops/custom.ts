import { describe } from '../core/describe.js'
import { gradlabError } from '../core/errors.js'
import {
  type BlockOutput,
  type BlockRule,
  CUSTOM,
  type CustomBinary,
  type CustomBinaryRule,
  type CustomBlock,
  type CustomOps,
  type CustomUnary,
  type CustomUnaryRule,
} from './custom-rule.js'
import type { BinaryRule, UnaryRule } from './rule.js'
import type { Operand, Ops } from './types.js'

/*
 * Why a function of m rather than a member m.call(op, a): a member would
 * have to be part of Ops<T>, so every Ops<T> a user writes or wraps by hand
 * would have to implement it, and `m.call` reads like Function.prototype.call.
 * A custom op reached through a symbol on the ops object needs nothing of
 * Ops<T>: `softsign(m, x)` type-checks in any generic function, and the
 * symbol survives `{ ...m }` and countingOps.
 */

/** The handlers of the strategy that made `m`; a TypeError naming `op` for anything else. */
function handlersOf<T>(m: Ops<T>, op: string): CustomOps<T> {
  const custom =
    typeof m === 'object' && m !== null
      ? (m as unknown as { [CUSTOM]?: CustomOps<T> })[CUSTOM]
      : undefined
  if (custom !== undefined) return custom
  throw gradlabError(
    TypeError,
    'ERR_GRADLAB_INVALID_OPERAND',
    `${op}: its first argument must be the ops m that a strategy passed to your function (or plain), got ${describe(m)}. Call ${op}(m, ...) with your function's m.`,
  )
}

function checkName(definer: string, name: unknown): asserts name is string {
  if (typeof name !== 'string' || name === '') {
    throw gradlabError(
      TypeError,
      'ERR_GRADLAB_INVALID_DEFINITION',
      `${definer}: the name must be a non-empty string, got ${describe(name)}.`,
    )
  }
}

function checkRules(definer: string, name: string, spec: unknown, fns: readonly string[]): void {
  if (typeof spec !== 'object' || spec === null) {
    throw gradlabError(
      TypeError,
      'ERR_GRADLAB_INVALID_DEFINITION',
      `${definer}: ${name}: the rules must be an object, got ${describe(spec)}.`,
    )
  }
  const rules = spec as Record<string, unknown>
  for (const key of fns) {
    const optional = key.endsWith('?')
    const fn = rules[optional ? key.slice(0, -1) : key]
    if (typeof fn === 'function' || (optional && fn === undefined)) continue
    throw gradlabError(
      TypeError,
      'ERR_GRADLAB_INVALID_DEFINITION',
      `${definer}: ${name}: ${key.replace('?', '')} must be a function, got ${describe(fn)}.`,
    )
  }
  if (rules.math !== undefined && typeof rules.math !== 'string') {
    throw gradlabError(
      TypeError,
      'ERR_GRADLAB_INVALID_DEFINITION',
      `${definer}: ${name}: math must be a string, got ${describe(rules.math)}.`,
    )
  }
}

/** `fn`, named `name`, with the members of a custom op. */
function named<F extends object, M extends object>(fn: F, name: string, members: M): F & M {
  Object.defineProperty(fn, 'name', { value: name })
  return Object.freeze(Object.assign(fn, members))
}

/**
 * A primitive of the user's own, f: R -> R, given its value on numbers and
 * its local partial d f / d a (written against any `Ops<S>`, as the table's
 * rules are, and free to reuse the output `out`). The result is a function
 * `op(m, a)` that works with the ops of every strategy: forward mode
 * multiplies the partial by the input's tangents (at every chunk size),
 * reverse mode records it on the tape, `reverse.compile` replays it by name,
 * and finite differences and `plain` use only its value.
 *
 * Domain: wherever `value` and `partial` are; `smoothAt` (default: every
 * finite number) says where it is differentiable, for test generators.
 * Throws a TypeError here for a missing rule, and while differentiating,
 * naming the op (`reverse.gradient: softsign: partial returned ...`), for a
 * rule that returns something other than a number, an operand that is not a
 * number or a value of this evaluation, or an `m` that is not a strategy's ops.
 *
 * @example
 * ```ts
 * // softsign(a) = a / (1 + |a|), d/da = 1 / (1 + |a|)^2
 * const softsign = defineUnary('softsign', {
 *   value: (a) => a / (1 + Math.abs(a)),
 *   partial: (m, a) => m.div(1, m.square(m.add(1, m.abs(a)))),
 * })
 * const f = <T>(m: Ops<T>, [x]: readonly [T]) => softsign(m, m.mul(2, x))
 * reverse.gradient(f, [0.5]) // => Float64Array(1) [ 0.5 ]
 * forward.gradient(f, [0.5]) // => Float64Array(1) [ 0.5 ]
 * softsign(plain, 1) // => 0.5
 * ```
 */
export function defineUnary(name: string, rule: CustomUnaryRule): CustomUnary {
  checkName('defineUnary', name)
  checkRules('defineUnary', name, rule, ['value', 'partial', 'smoothAt?'])
  const full: UnaryRule = Object.freeze({
    math: rule.math ?? `d/da ${name}(a)`,
    value: rule.value,
    partial: rule.partial,
    smoothAt: rule.smoothAt ?? Number.isFinite,
  })
  const op = <T>(m: Ops<T>, a: Operand<T>): T => handlersOf(m, name).unary(self, a)
  const self: CustomUnary = named(op, name, { kind: 'unary' as const, rule: full })
  return self
}

/**
 * A binary primitive of the user's own, f: R^2 -> R, given its value and its
 * two local partials, written as the table's binary rules are. The result
 * `op(m, a, b)` works with every strategy as {@link defineUnary}'s does.
 *
 * Domain: wherever its rules are; `smoothAt` (default: both operands
 * finite) says where it is differentiable. Throws as `defineUnary` does.
 *
 * @example
 * ```ts
 * // logaddexp(a, b) = ln(e^a + e^b), with partials e^(a - out) and e^(b - out)
 * const logaddexp = defineBinary('logaddexp', {
 *   value: (a, b) => Math.max(a, b) + Math.log1p(Math.exp(-Math.abs(a - b))),
 *   partialA: (m, a, _b, out) => m.exp(m.sub(a, out)),
 *   partialB: (m, _a, b, out) => m.exp(m.sub(b, out)),
 * })
 * reverse.gradient((m, [a, b]) => logaddexp(m, a, b), [0, 0]) // => Float64Array(2) [ 0.5, 0.5 ]
 * logaddexp(plain, 1000, 1000) // => 1000.6931471805599
 * ```
 */
export function defineBinary(name: string, rule: CustomBinaryRule): CustomBinary {
  checkName('defineBinary', name)
  checkRules('defineBinary', name, rule, ['value', 'partialA', 'partialB', 'smoothAt?'])
  const full: BinaryRule = Object.freeze({
    math: rule.math ?? `d ${name}(a, b)`,
    value: rule.value,
    partialA: rule.partialA,
    partialB: rule.partialB,
    smoothAt: rule.smoothAt ?? ((a: number, b: number) => Number.isFinite(a) && Number.isFinite(b)),
  })
  const op = <T>(m: Ops<T>, a: Operand<T>, b: Operand<T>): T =>
    handlersOf(m, name).binary(self, a, b)
  const self: CustomBinary = named(op, name, { kind: 'binary' as const, rule: full })
  return self
}

/**
 * A block of computation whose derivative the user supplies whole, as a
 * vector-Jacobian product: an external solver, or a fused and stable form of
 * a function (logsumexp) whose recorded ops would be slow or inaccurate.
 * `block(m, xs)` takes an array of inputs and gives one output when `value`
 * returns a number, an array when it returns an array.
 *
 * - Reverse mode records the block as one node and calls `vjp(xs, out, u)`
 *   in the backward pass, with u the adjoints of its outputs (skipped when
 *   they are all 0); `reverse.compile` replays it the same way, calling
 *   `value` and `vjp` at each new point.
 * - Forward mode (and `reverse.jvp`) calls `jvp(xs, v)` once per direction
 *   it carries, and throws a TypeError naming the block if it has none.
 * - Finite differences and `plain` call only `value`.
 *
 * Throws a TypeError here for a missing `value` or `vjp`, and while
 * differentiating, naming the block, for a rule whose result has the wrong
 * shape (a vjp gives one number per input; value and jvp give one number or
 * the same number of numbers every time).
 *
 * @example
 * ```ts
 * // logsumexp(xs) = ln sum_i e^(x_i), computed stably; d/dx_i = e^(x_i - out)
 * const lse = (xs: readonly number[]) => {
 *   const top = Math.max(...xs)
 *   return top + Math.log(xs.reduce((s, x) => s + Math.exp(x - top), 0))
 * }
 * const logsumexp = defineBlock('logsumexp', {
 *   value: lse,
 *   vjp: (xs, out, g) => xs.map((x) => g * Math.exp(x - out)),
 *   jvp: (xs, v) => xs.reduce((t, x, i) => t + Math.exp(x - lse(xs)) * (v[i] as number), 0),
 * })
 * reverse.gradient((m, x) => logsumexp(m, x), [0, 0]) // => Float64Array(2) [ 0.5, 0.5 ]
 * forward.gradient((m, x) => logsumexp(m, x), [0, 0]) // => Float64Array(2) [ 0.5, 0.5 ]
 * logsumexp(plain, [1000, 1000]) // => 1000.6931471805599
 * ```
 */
export function defineBlock<Out extends BlockOutput>(
  name: string,
  rule: BlockRule<Out>,
): CustomBlock<Out> {
  checkName('defineBlock', name)
  checkRules('defineBlock', name, rule, ['value', 'vjp', 'jvp?'])
  const full: BlockRule<Out> = Object.freeze({ ...rule })
  const op = <T>(m: Ops<T>, xs: readonly Operand<T>[]) =>
    handlersOf(m, name).block(self as unknown as CustomBlock, xs) as Out extends number ? T : T[]
  const self: CustomBlock<Out> = named(op, name, { kind: 'block' as const, rule: full })
  return self
}

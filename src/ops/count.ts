import { CUSTOM, type CustomOps } from './custom-rule.js'
import { levelOf } from './level.js'
import { BINARY_OPS, UNARY_OPS } from './names.js'
import { opsObject } from './shape.js'
import type { Operand, Ops } from './types.js'

/** A tally of primitive op evaluations, filled in by {@link countingOps}. */
export interface OpCounter {
  /** Ops counted so far; `countingOps` adds to it, and a caller may reset it to 0. */
  ops: number
}

/**
 * Wraps `m` so that every primitive the user's function applies adds to
 * `counter.ops`: 1 per unary or binary op, k per `sum` of k terms and 2k per
 * `dot` of k pairs (a multiply and an add each), 1 per custom op or block
 * (defineUnary, defineBinary, defineBlock). `constant` and `value` are
 * free. Strategies are not changed by it: wrap the function instead,
 * `(m, x) => f(countingOps(m, counter), x)`, and compare the count of one
 * plain evaluation with the count of a whole gradient. The counts are
 * deterministic, so claims about cost do not depend on a noisy clock. The
 * wrapped ops compute exactly what `m` does, errors included.
 *
 * @example
 * ```ts
 * const counter: OpCounter = { ops: 0 }
 * const f = <T>(m: Ops<T>, x: readonly T[]) => m.sum(x.map((xi) => m.sin(xi)))
 * reverse.gradient((m, x) => f(countingOps(m, counter), x), [1, 2, 3])
 * counter // => { ops: 6 }
 * ```
 */
export function countingOps<T>(m: Ops<T>, counter: OpCounter): Ops<T> {
  const source = m as unknown as Record<string, (...args: unknown[]) => T>
  const counted: Record<string, unknown> = {
    constant: (c: number) => m.constant(c),
    value: (a: Operand<T>) => m.value(a),
    lt: (a: Operand<T>, b: Operand<T>) => m.lt(a, b),
    le: (a: Operand<T>, b: Operand<T>) => m.le(a, b),
    gt: (a: Operand<T>, b: Operand<T>) => m.gt(a, b),
    ge: (a: Operand<T>, b: Operand<T>) => m.ge(a, b),
    sum(xs: readonly Operand<T>[]) {
      counter.ops += Array.isArray(xs) ? xs.length : 0
      return m.sum(xs)
    },
    dot(xs: readonly Operand<T>[], ys: readonly Operand<T>[]) {
      counter.ops += Array.isArray(xs) ? 2 * xs.length : 0
      return m.dot(xs, ys)
    },
  }
  for (const name of [...UNARY_OPS, ...BINARY_OPS]) {
    const op = source[name] as (...args: unknown[]) => T
    counted[name] = (...args: unknown[]) => {
      counter.ops++
      return op(...args)
    }
  }
  const custom = (m as { [CUSTOM]?: CustomOps<T> })[CUSTOM]
  if (custom === undefined) return opsObject<T>(counted, levelOf(m))
  const countedCustom: CustomOps<T> = {
    unary(op, a) {
      counter.ops++
      return custom.unary(op, a)
    },
    binary(op, a, b) {
      counter.ops++
      return custom.binary(op, a, b)
    },
    block(op, xs) {
      counter.ops++
      return custom.block(op, xs)
    },
  }
  return opsObject<T>({ ...counted, [CUSTOM]: countedCustom }, levelOf(m))
}

import { comparisons } from '../ops/compare.js'
import {
  CUSTOM,
  type CustomBinary,
  type CustomBlock,
  type CustomUnary,
} from '../ops/custom-rule.js'
import {
  BINARY_OPS,
  binaryRuleOf,
  checkArray,
  checkSameLength,
  type Ops,
  opsObject,
  UNARY_OPS,
  unaryRuleOf,
} from '../ops/index.js'
import type { Operand } from '../ops/types.js'
import { describe } from './describe.js'
import { gradlabError } from './errors.js'
import type { Level, NestedValue } from './nested.js'

/*
 * The ops of a derivative taken within another, shared by forward and
 * reverse mode: each op computes its value with the enclosing ops (so the
 * value is one of theirs, differentiable by them) and its local partials
 * with the op table's rules, written against any ops, evaluated with the
 * enclosing ones. What a strategy does with the partials (carry tangents,
 * record edges) is its `NestedAlgebra`.
 *
 * Only structural zeros are dropped: a partial that is the plain number 0
 * (a rule's constant, or a convention such as abs'(0) = 0). A partial
 * whose value is 0 but which is a value of the enclosing ops may have a
 * derivative of its own (d/da 2a at a = 0 is 2), and is kept.
 */

/** What a strategy makes of an op's result. */
export interface NestedAlgebra<S, V extends NestedValue<S>> {
  /** A value that depends on none of this level's inputs. */
  constant(value: Operand<S>): V
  /**
   * A value that depends on `operands` (this level's own) with the local
   * partials `partials` (structural zeros already dropped).
   */
  result(value: Operand<S>, operands: V[], partials: Operand<S>[]): V
  /** Whether the partial along an own operand is wanted (forward mode: only where it carries a tangent). */
  wants(operand: V): boolean
}

/** `Ops<V, S>` for a level, from the op table and the strategy's algebra. */
export function nestedOps<S, V extends NestedValue<S>>(
  level: Level<S>,
  algebra: NestedAlgebra<S, V>,
): Ops<V, S> {
  const m = level.outer
  const own = (op: string, a: unknown) => level.own(op, a) as V | null
  const operandValue = (x: V | null, a: unknown) => (x === null ? (a as Operand<S>) : x.value)

  /** An op of one operand, given its value and its partial's rule. */
  const unary = (
    op: string,
    a: unknown,
    value: (v: Operand<S>) => Operand<S>,
    partial: (v: Operand<S>, out: Operand<S>) => Operand<S>,
  ): V => {
    const x = own(op, a)
    const out = value(operandValue(x, a))
    if (x === null || !algebra.wants(x))
      return x === null ? algebra.constant(out) : algebra.result(out, [], [])
    return withPartials(out, [x], [partial(x.value, out)])
  }

  const binary = (
    op: string,
    a: unknown,
    b: unknown,
    value: (av: Operand<S>, bv: Operand<S>) => Operand<S>,
    partialA: (av: Operand<S>, bv: Operand<S>, out: Operand<S>) => Operand<S>,
    partialB: (av: Operand<S>, bv: Operand<S>, out: Operand<S>) => Operand<S>,
  ): V => {
    const x = own(op, a)
    const y = own(op, b)
    const av = operandValue(x, a)
    const bv = operandValue(y, b)
    const out = value(av, bv)
    if (x === null && y === null) return algebra.constant(out)
    const operands: V[] = []
    const partials: Operand<S>[] = []
    if (x !== null && algebra.wants(x)) {
      operands.push(x)
      partials.push(partialA(av, bv, out))
    }
    if (y !== null && algebra.wants(y)) {
      operands.push(y)
      partials.push(partialB(av, bv, out))
    }
    return withPartials(out, operands, partials)
  }

  /** The result, with structural zeros dropped from its partials. */
  const withPartials = (out: Operand<S>, operands: V[], partials: Operand<S>[]): V => {
    let k = 0
    for (let i = 0; i < operands.length; i++) {
      const p = partials[i] as Operand<S>
      if (p === 0) continue
      operands[k] = operands[i] as V
      partials[k++] = p
    }
    // Truncating an array is slow in V8: only where a zero was dropped.
    if (k < operands.length) {
      operands.length = k
      partials.length = k
    }
    return algebra.result(out, operands, partials)
  }

  const ops: Record<string | symbol, unknown> = {
    constant: (c: unknown) => {
      if (typeof c === 'number') return algebra.constant(c)
      // These ops compute with the enclosing ops' values, so plain's message would mislead.
      throw gradlabError(
        TypeError,
        'ERR_GRADLAB_INVALID_OPERAND',
        `${level.label}: constant received ${describe(c)}; it takes a plain number. A value of the enclosing derivative's ops is a constant here already: pass it to the ops as it is.`,
      )
    },
    value: (a: unknown) => {
      const x = own('value', a)
      return x === null ? level.numberOf(a) : m.value(x.value)
    },
    ...comparisons((op, a) => {
      const x = own(op, a)
      return x === null ? level.numberOf(a) : m.value(x.value)
    }),
    sum(xs: readonly unknown[]) {
      checkArray(level, 'sum', xs)
      const values: Operand<S>[] = []
      const operands: V[] = []
      for (const a of xs) {
        const x = own('sum', a)
        values.push(operandValue(x, a))
        if (x !== null && algebra.wants(x)) operands.push(x)
      }
      const out = m.sum(values)
      return withPartials(
        out,
        operands,
        operands.map(() => 1),
      )
    },
    dot(xs: readonly unknown[], ys: readonly unknown[]) {
      checkSameLength(level, xs, ys)
      const left: Operand<S>[] = []
      const right: Operand<S>[] = []
      const operands: V[] = []
      const partials: Operand<S>[] = []
      for (let i = 0; i < xs.length; i++) {
        const x = own('dot', xs[i])
        const y = own('dot', ys[i])
        const xv = operandValue(x, xs[i])
        const yv = operandValue(y, ys[i])
        left.push(xv)
        right.push(yv)
        if (x !== null && algebra.wants(x)) {
          operands.push(x)
          partials.push(yv)
        }
        if (y !== null && algebra.wants(y)) {
          operands.push(y)
          partials.push(xv)
        }
      }
      return withPartials(m.dot(left, right), operands, partials)
    },
  }
  const outer = m as unknown as Record<string, (...args: Operand<S>[]) => Operand<S>>
  for (const name of UNARY_OPS) {
    const rule = unaryRuleOf[name]
    const value = outer[name] as (a: Operand<S>) => Operand<S>
    ops[name] = (a: unknown) => unary(name, a, value, (v, out) => rule.partial(m, v as S, out as S))
  }
  for (const name of BINARY_OPS) {
    const rule = binaryRuleOf[name]
    const value = outer[name] as (a: Operand<S>, b: Operand<S>) => Operand<S>
    ops[name] = (a: unknown, b: unknown) =>
      binary(
        name,
        a,
        b,
        value,
        (av, bv, out) => rule.partialA(m, av as S, bv as S, out as S),
        (av, bv, out) => rule.partialB(m, av as S, bv as S, out as S),
      )
  }
  ops[CUSTOM] = {
    // A custom op's value on the enclosing ops is the op itself, applied with them.
    unary: (op: CustomUnary, a: unknown) =>
      unary(
        op.name,
        a,
        (v) => op(m, v),
        (v, out) => op.rule.partial(m, v as S, out as S),
      ),
    binary: (op: CustomBinary, a: unknown, b: unknown) =>
      binary(
        op.name,
        a,
        b,
        (av, bv) => op(m, av, bv),
        (av, bv, out) => op.rule.partialA(m, av as S, bv as S, out as S),
        (av, bv, out) => op.rule.partialB(m, av as S, bv as S, out as S),
      ),
    block(op: CustomBlock) {
      throw gradlabError(
        TypeError,
        'ERR_GRADLAB_NOT_NESTABLE',
        `${level.label}: the block ${op.name} cannot be differentiated inside another derivative: its value and vjp compute on plain numbers, so its derivative has no derivative of its own. Write it with the ops, or as defineUnary or defineBinary ops, whose partials are written against any ops.`,
      )
    },
  }
  return opsObject<V>(ops, level.level) as unknown as Ops<V, S>
}

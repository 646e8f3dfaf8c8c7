import { describe } from '../core/describe.js'
import {
  BINARY_OPS,
  type BinaryName,
  type BinaryRule,
  binaryRules,
  checkArray,
  checkSameLength,
  type Ops,
  type OpsContext,
  plain,
  UNARY_OPS,
  type UnaryName,
  type UnaryRule,
  unaryRules,
} from '../ops/index.js'
import type { Tape } from './tape.js'
import { TapeVar } from './variable.js'

export interface ReverseContext extends OpsContext {
  /** The evaluation whose variables the ops accept; 0 when none is recording. */
  session: number
  tape: Tape
}

function tapeVar(context: ReverseContext, op: string, a: unknown): TapeVar {
  if (a instanceof TapeVar && a.session === context.session) return a
  if (a instanceof TapeVar) {
    throw new TypeError(
      `${context.label}: ${op} received a variable recorded in another evaluation (kept from an earlier call or an enclosing one). Values made by the ops are valid only inside the call that made them; pass m.value(...) to use one as a constant.`,
    )
  }
  throw new TypeError(
    `${context.label}: ${op} received ${describe(a)}; expected a value made by these ops or a plain number.`,
  )
}

/**
 * `Ops<TapeVar>` built from the op table: each op computes its value by the
 * value rule and records its local partials as edges on the tape. Constants
 * (plain numbers, `m.constant`) get no node, and an edge whose partial is
 * exactly 0 is not recorded: it carries no dependence.
 */
export function createTapeOps(context: ReverseContext): Ops<TapeVar> {
  const constant = (value: number) => new TapeVar(value, -1, context.session)
  /** Records an edge from the variable at `index` unless its partial is exactly 0; returns edges added. */
  const edge = (index: number, partial: number) => {
    if (partial === 0) return 0
    context.tape.addEdge(index, partial)
    return 1
  }
  const node = (value: number, edges: number) =>
    edges === 0 ? constant(value) : new TapeVar(value, context.tape.endNode(), context.session)
  const isVariable = (x: TapeVar | null): x is TapeVar => x !== null && x.index >= 0

  const ops: Record<string, unknown> = {
    constant: (c: unknown) => constant(plain.constant(c as number)),
    value: (a: unknown) => (typeof a === 'number' ? a : tapeVar(context, 'value', a).value),
    // sum and dot are fused n-ary ops: one node with an edge per variable
    // input, so their partials (1; the other factor) are applied here.
    sum(xs: readonly unknown[]) {
      checkArray(context, 'sum', xs)
      let value = 0
      let edges = 0
      for (const a of xs) {
        const x = typeof a === 'number' ? null : tapeVar(context, 'sum', a)
        value += x === null ? (a as number) : x.value
        if (isVariable(x)) edges += edge(x.index, 1)
      }
      return node(value, edges)
    },
    dot(xs: readonly unknown[], ys: readonly unknown[]) {
      checkSameLength(context, xs, ys)
      let value = 0
      let edges = 0
      for (let i = 0; i < xs.length; i++) {
        const a = xs[i]
        const b = ys[i]
        const x = typeof a === 'number' ? null : tapeVar(context, 'dot', a)
        const y = typeof b === 'number' ? null : tapeVar(context, 'dot', b)
        const av = x === null ? (a as number) : x.value
        const bv = y === null ? (b as number) : y.value
        value += av * bv
        if (isVariable(x)) edges += edge(x.index, bv)
        if (isVariable(y)) edges += edge(y.index, av)
      }
      return node(value, edges)
    },
  }
  for (const name of UNARY_OPS) {
    const rule = (unaryRules as Record<UnaryName, UnaryRule>)[name]
    ops[name] = (a: unknown) => {
      if (typeof a === 'number') return constant(rule.value(a))
      const x = tapeVar(context, name, a)
      const out = rule.value(x.value)
      return node(out, x.index < 0 ? 0 : edge(x.index, rule.partial(plain, x.value, out)))
    }
  }
  for (const name of BINARY_OPS) {
    const rule = (binaryRules as Record<BinaryName, BinaryRule>)[name]
    ops[name] = (a: unknown, b: unknown) => {
      const x = typeof a === 'number' ? null : tapeVar(context, name, a)
      const y = typeof b === 'number' ? null : tapeVar(context, name, b)
      const av = x === null ? (a as number) : x.value
      const bv = y === null ? (b as number) : y.value
      const out = rule.value(av, bv)
      let edges = 0
      if (isVariable(x)) edges += edge(x.index, rule.partialA(plain, av, bv, out))
      if (isVariable(y)) edges += edge(y.index, rule.partialB(plain, av, bv, out))
      return node(out, edges)
    }
  }
  return ops as unknown as Ops<TapeVar>
}

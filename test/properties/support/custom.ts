import {
  BINARY_OPS,
  type BinaryName,
  binaryRules,
  type CustomBinary,
  type CustomUnary,
  defineBinary,
  defineBlock,
  defineUnary,
  type Operand,
  type Ops,
  UNARY_OPS,
  type UnaryName,
  unaryRules,
} from '../../../src/index.js'
import type { Expr } from './expr.js'

/*
 * The op table rebuilt from users' own ops: every unary and binary op a
 * custom op with the table's rules (sin, softplus and mul written out by
 * hand, as a user would), sum and dot blocks with their own vjp and jvp.
 * Evaluating a random expression with these instead of the table's ops must
 * change no number in any strategy.
 */

/** The strong-zero product of the chain rule (src/ops/chain.ts), as a user's vjp would write it. */
const term = (partial: number, sensitivity: number) =>
  partial === 0 || sensitivity === 0 ? 0 : partial * sensitivity

const handWritten: Partial<Record<UnaryName, CustomUnary>> = {
  sin: defineUnary('mySin', {
    math: 'd/da sin a = cos a',
    value: Math.sin,
    partial: (m, a) => m.cos(a),
  }),
  softplus: defineUnary('mySoftplus', {
    math: 'd/da ln(1 + e^a) = s(a)',
    value: (a) => Math.max(a, 0) + Math.log1p(Math.exp(-Math.abs(a))),
    partial: (m, a) => m.sigmoid(a),
  }),
}

/** The custom copy of each unary op. */
export const customUnary = Object.fromEntries(
  UNARY_OPS.map((op) => [op, handWritten[op] ?? defineUnary(`my${op}`, unaryRules[op])]),
) as Record<UnaryName, CustomUnary>

/** The custom copy of each binary op. */
export const customBinary = Object.fromEntries(
  BINARY_OPS.map((op) => [
    op,
    op === 'mul'
      ? defineBinary('myMul', {
          value: (a, b) => a * b,
          partialA: (_m, _a, b) => b,
          partialB: (_m, a) => a,
        })
      : defineBinary(`my${op}`, binaryRules[op]),
  ]),
) as Record<BinaryName, CustomBinary>

/** sum(xs) as a block: vjp g for every input, jvp the sum of the tangents, each in input order. */
export const sumBlock = defineBlock('mySum', {
  value: (xs) => {
    let total = 0
    for (const x of xs) total += x
    return total
  },
  vjp: (xs, _out, g) => xs.map(() => g),
  jvp: (_xs, v) => {
    let total = 0
    for (const vi of v) total += term(1, vi)
    return total
  },
})

/** dot(xs, ys) as a block of the pairs x0, y0, x1, y1, ...: each factor's partial is the other. */
export const dotBlock = defineBlock('myDot', {
  value: (pairs) => {
    let total = 0
    for (let i = 0; i < pairs.length; i += 2)
      total += (pairs[i] as number) * (pairs[i + 1] as number)
    return total
  },
  vjp: (pairs, _out, g) => pairs.map((_, i) => term(pairs[i ^ 1] as number, g)),
  jvp: (pairs, v) => {
    let total = 0
    for (let i = 0; i < pairs.length; i += 2) {
      total += term(pairs[i + 1] as number, v[i] as number)
      total += term(pairs[i] as number, v[i + 1] as number)
    }
    return total
  },
})

/** Evaluates `e` with the ops `m` as `evaluate` does, every op replaced by its custom copy. */
export function evaluateCustom<T>(m: Ops<T>, e: Expr, x: readonly T[]): Operand<T> {
  switch (e.kind) {
    case 'input':
      return x[e.index] as T
    case 'constant':
      return e.value
    case 'unary':
      return customUnary[e.op](m, evaluateCustom(m, e.arg, x))
    case 'binary':
      return customBinary[e.op](m, evaluateCustom(m, e.left, x), evaluateCustom(m, e.right, x))
    case 'sum':
      return sumBlock(
        m,
        e.terms.map((t) => evaluateCustom(m, t, x)),
      )
    case 'dot': {
      // xs before ys, as `evaluate` records them; then paired for the block.
      const xs = e.xs.map((t) => evaluateCustom(m, t, x))
      const ys = e.ys.map((t) => evaluateCustom(m, t, x))
      return dotBlock(
        m,
        xs.flatMap((xi, i) => [xi, ys[i] as Operand<T>]),
      )
    }
  }
}

/** The expression, evaluated with custom ops, as a function a strategy can differentiate. */
export const customScalarFn =
  (e: Expr) =>
  <T>(m: Ops<T>, x: readonly T[]): Operand<T> =>
    evaluateCustom(m, e, x)

/** Several expressions, evaluated with custom ops, as one vector function. */
export const customVectorFn =
  (es: readonly Expr[]) =>
  <T>(m: Ops<T>, x: readonly T[]): Operand<T>[] =>
    es.map((e) => evaluateCustom(m, e, x))

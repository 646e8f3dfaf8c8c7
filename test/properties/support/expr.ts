import type { BinaryName, Operand, Ops, UnaryName } from '../../../src/index.js'

/**
 * A random expression as data: the generators build these, the properties
 * evaluate them with any strategy's ops, and a failure prints them as a formula.
 */
export type Expr =
  | { readonly kind: 'input'; readonly index: number }
  | { readonly kind: 'constant'; readonly value: number }
  | { readonly kind: 'unary'; readonly op: UnaryName; readonly arg: Expr }
  | { readonly kind: 'binary'; readonly op: BinaryName; readonly left: Expr; readonly right: Expr }
  | { readonly kind: 'sum'; readonly terms: readonly Expr[] }
  | { readonly kind: 'dot'; readonly xs: readonly Expr[]; readonly ys: readonly Expr[] }

export const input = (index: number): Expr => ({ kind: 'input', index })
export const constant = (value: number): Expr => ({ kind: 'constant', value })
export const unary = (op: UnaryName, arg: Expr): Expr => ({ kind: 'unary', op, arg })
export const binary = (op: BinaryName, left: Expr, right: Expr): Expr => ({
  kind: 'binary',
  op,
  left,
  right,
})

/** Evaluates `e` with the ops `m` at the inputs `x`: the same tree, any strategy. */
export function evaluate<T>(m: Ops<T>, e: Expr, x: readonly T[]): Operand<T> {
  switch (e.kind) {
    case 'input':
      return x[e.index] as T
    case 'constant':
      return e.value
    case 'unary':
      return m[e.op](evaluate(m, e.arg, x))
    case 'binary':
      return m[e.op](evaluate(m, e.left, x), evaluate(m, e.right, x))
    case 'sum':
      return m.sum(e.terms.map((t) => evaluate(m, t, x)))
    case 'dot':
      return m.dot(
        e.xs.map((t) => evaluate(m, t, x)),
        e.ys.map((t) => evaluate(m, t, x)),
      )
  }
}

/** The expression as a function a strategy can differentiate. */
export const scalarFn =
  (e: Expr) =>
  <T>(m: Ops<T>, x: readonly T[]): Operand<T> =>
    evaluate(m, e, x)

/** Several expressions as one vector function F: R^n -> R^m. */
export const vectorFn =
  (es: readonly Expr[]) =>
  <T>(m: Ops<T>, x: readonly T[]): Operand<T>[] =>
    es.map((e) => evaluate(m, e, x))

/**
 * The number of floating-point roundings an expression can put on one path
 * from an input to the output, summed over its nodes: each op rounds once per
 * incoming term it adds (fan-in) and once for its result. It bounds the
 * length k of the products and sums in the chain rule, and so their rounding
 * error by gamma_k = k eps / (1 - k eps) (Higham, Accuracy and Stability of
 * Numerical Algorithms, 2nd ed., section 3.1).
 */
export function roundings(e: Expr): number {
  switch (e.kind) {
    case 'input':
    case 'constant':
      return 0
    case 'unary':
      return 2 + roundings(e.arg)
    case 'binary':
      return 3 + roundings(e.left) + roundings(e.right)
    case 'sum':
      return e.terms.length + 1 + total(e.terms)
    case 'dot':
      return 2 * e.xs.length + 1 + total(e.xs) + total(e.ys)
  }
}

const total = (es: readonly Expr[]) => es.reduce((k, t) => k + roundings(t), 0)

const INFIX: Partial<Record<BinaryName, string>> = { add: '+', sub: '-', mul: '*', div: '/' }

/** A readable formula, e.g. `sin(x0 * x1) / (1.5 + x2)`. */
export function formula(e: Expr): string {
  return show(e, true)
}

function show(e: Expr, top: boolean): string {
  switch (e.kind) {
    case 'input':
      return `x${e.index}`
    case 'constant':
      return e.value < 0 && !top ? `(${e.value})` : String(e.value)
    case 'unary':
      return e.op === 'neg' ? `-${show(e.arg, false)}` : `${e.op}(${show(e.arg, true)})`
    case 'binary': {
      const symbol = INFIX[e.op]
      if (symbol === undefined) return `${e.op}(${show(e.left, true)}, ${show(e.right, true)})`
      const text = `${show(e.left, false)} ${symbol} ${show(e.right, false)}`
      return top ? text : `(${text})`
    }
    case 'sum':
      return `sum(${e.terms.map((t) => show(t, true)).join(', ')})`
    case 'dot':
      return `dot([${e.xs.map((t) => show(t, true)).join(', ')}], [${e.ys.map((t) => show(t, true)).join(', ')}])`
  }
}

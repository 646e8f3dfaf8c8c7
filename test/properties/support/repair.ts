import type { BinaryName, UnaryName } from '../../../src/index.js'
import {
  binaryPartials,
  binaryRule,
  binarySmoothNear,
  unaryPartial,
  unaryRule,
  unarySmoothNear,
} from './domain.js'
import { binary, constant, type Expr, unary } from './expr.js'

/*
 * Repair: a random tree is made safe at its point bottom-up. Each argument
 * that would leave its op's smooth region (the table's `smoothAt`, checked on
 * a neighbourhood) is shifted by a constant, `log(sin(x0) + 1.47)`, and each
 * argument that is too large or moves too fast is scaled by a power of two,
 * which is exact. The result is a tree that is differentiable on a
 * neighbourhood of the point much wider than any finite-difference step, so
 * every strategy must agree there. Repair is a pure function of the shape and
 * the point, so fast-check can shrink both.
 */

/** Arguments are kept below this size, so that exp, cosh and friends stay finite. */
const LARGEST_ARGUMENT = 64
/** And below this speed: |d arg / dx| summed over the inputs, times the point's scale. */
const FASTEST_ARGUMENT = 16
/**
 * The neighbourhood each op must be smooth on, per unit of speed. It is
 * 170 times the default central step eps^(1/3) ~ 6e-6, so finite differences
 * stay far inside it, and small enough that smooth ops pass almost everywhere.
 */
const NEIGHBOURHOOD = 1e-3
/** Where a shifted argument lands, tried in order: inside every op's domain and away from every kink. */
const TARGETS = [0.5, -0.3, 0.7, 1.5, -1.5, 0.1, 3]

export interface Node {
  readonly expr: Expr
  readonly value: number
  /** d value / d x_j, signed. */
  readonly gradient: Float64Array
}

export interface Scale {
  /** max(1, max |x_j|): the size of a finite-difference step, relative. */
  readonly size: number
}

export const speed = (node: Node, scale: Scale) =>
  node.gradient.reduce((s, g) => s + Math.abs(g), 0) * scale.size

const radius = (node: Node, scale: Scale) => NEIGHBOURHOOD * speed(node, scale)

const combine = (expr: Expr, value: number, parts: [number, Node][], n: number): Node => {
  const gradient = new Float64Array(n)
  for (const [p, node] of parts) {
    for (let j = 0; j < n; j++)
      gradient[j] = (gradient[j] as number) + p * (node.gradient[j] as number)
  }
  return { expr, value, gradient }
}

/** `node * 2^-k` for the least k that brings it under the size and speed limits. */
export function tame(node: Node, scale: Scale): Node {
  let k = 0
  const big = Math.max(
    Math.abs(node.value) / LARGEST_ARGUMENT,
    speed(node, scale) / FASTEST_ARGUMENT,
  )
  while (2 ** k < big) k++
  if (k === 0) return node
  const factor = 2 ** -k
  return combine(
    binary('mul', node.expr, constant(factor)),
    node.value * factor,
    [[factor, node]],
    node.gradient.length,
  )
}

/** `node + c` with c rounded to 3 significant digits, so the formula stays readable. */
function shift(node: Node, target: number): Node {
  const c = Number((target - node.value).toPrecision(3))
  return combine(
    binary('add', node.expr, constant(c)),
    node.value + c,
    [[1, node]],
    node.gradient.length,
  )
}

export function applyUnary(op: UnaryName, arg: Node): Node {
  const value = unaryRule(op).value(arg.value)
  return combine(
    unary(op, arg.expr),
    value,
    [[unaryPartial(op, arg.value), arg]],
    arg.gradient.length,
  )
}

export function applyBinary(op: BinaryName, left: Node, right: Node): Node {
  const [pa, pb] = binaryPartials(op, left.value, right.value)
  const value = binaryRule(op).value(left.value, right.value)
  return combine(
    binary(op, left.expr, right.expr),
    value,
    [
      [pa, left],
      [pb, right],
    ],
    left.gradient.length,
  )
}

/** `op(arg)`, with arg tamed and, if the op is not smooth around it, shifted. Null if nothing works. */
export function safeUnary(op: UnaryName, raw: Node, scale: Scale): Node | null {
  const arg = tame(raw, scale)
  const ok = (a: Node) => unarySmoothNear(op, a.value, radius(a, scale))
  if (ok(arg)) return applyUnary(op, arg)
  for (const target of TARGETS) {
    const moved = shift(arg, target)
    if (ok(moved)) return applyUnary(op, moved)
  }
  return null
}

/** `op(left, right)`, shifting the right argument, then the left, then both, until the op is smooth around them. */
export function safeBinary(
  op: BinaryName,
  rawLeft: Node,
  rawRight: Node,
  scale: Scale,
): Node | null {
  const left = tame(rawLeft, scale)
  const right = tame(rawRight, scale)
  const ok = (a: Node, b: Node) =>
    binarySmoothNear(op, a.value, b.value, radius(a, scale), radius(b, scale))
  const candidates: [Node, Node][] = [[left, right]]
  for (const t of TARGETS) candidates.push([left, shift(right, t)])
  for (const t of TARGETS) candidates.push([shift(left, t), right])
  for (const t of TARGETS) candidates.push([shift(left, t), shift(right, -t / 3)])
  for (const [a, b] of candidates) if (ok(a, b)) return applyBinary(op, a, b)
  return null
}

/** `sum(terms)`, accumulated left to right from 0 as every strategy does. */
export function sumNode(terms: readonly Node[]): Node {
  let value = 0
  for (const t of terms) value += t.value
  return combine(
    { kind: 'sum', terms: terms.map((t) => t.expr) },
    value,
    terms.map((t) => [1, t]),
    terms[0]?.gradient.length ?? 0,
  )
}

/** `dot(xs, ys)`, accumulated left to right from 0. */
export function dotNode(pairs: readonly (readonly [Node, Node])[]): Node {
  let value = 0
  const parts: [number, Node][] = []
  for (const [a, b] of pairs) {
    value += a.value * b.value
    parts.push([b.value, a], [a.value, b])
  }
  const expr: Expr = {
    kind: 'dot',
    xs: pairs.map(([a]) => a.expr),
    ys: pairs.map(([, b]) => b.expr),
  }
  return combine(expr, value, parts, pairs[0]?.[0].gradient.length ?? 0)
}

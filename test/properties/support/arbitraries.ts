import fc from 'fast-check'
import { BINARY_OPS, type BinaryName, UNARY_OPS, type UnaryName } from '../../../src/index.js'
import { binary, constant, type Expr, formula, input } from './expr.js'
import { dotNode, type Node, type Scale, safeBinary, safeUnary, sumNode, tame } from './repair.js'

/** A tree before repair: which op goes where, with no regard yet to domains. */
export type Shape =
  | { readonly kind: 'input'; readonly index: number }
  | { readonly kind: 'constant'; readonly value: number }
  | { readonly kind: 'unary'; readonly op: UnaryName; readonly arg: Shape }
  | {
      readonly kind: 'binary'
      readonly op: BinaryName
      readonly left: Shape
      readonly right: Shape
    }
  | { readonly kind: 'sum'; readonly terms: readonly Shape[] }
  | { readonly kind: 'dot'; readonly pairs: readonly (readonly [Shape, Shape])[] }

export interface ShapeOptions {
  /** Force the op at the root, to cover one op on purpose. */
  readonly root?: UnaryName | BinaryName
  readonly maxDepth?: number
}

/** Constants with short decimal forms (multiples of 1/8 in [-4, 4]), exactly representable. */
const constantArb = fc
  .integer({ min: -32, max: 32 })
  .map((k) => ({ kind: 'constant' as const, value: k / 8 }))

export function shapeArb(n: number, options: ShapeOptions = {}): fc.Arbitrary<Shape> {
  const { tree } = fc.letrec<{ tree: Shape; leaf: Shape }>((tie) => ({
    tree: fc.oneof(
      { depthSize: 'small', maxDepth: options.maxDepth ?? 5, withCrossShrink: true },
      tie('leaf'),
      fc.record({
        kind: fc.constant('unary' as const),
        op: fc.constantFrom(...UNARY_OPS),
        arg: tie('tree'),
      }),
      fc.record({
        kind: fc.constant('binary' as const),
        op: fc.constantFrom(...BINARY_OPS),
        left: tie('tree'),
        right: tie('tree'),
      }),
      fc.record({
        kind: fc.constant('sum' as const),
        terms: fc.array(tie('tree'), { minLength: 1, maxLength: 4 }),
      }),
      fc.record({
        kind: fc.constant('dot' as const),
        pairs: fc.array(fc.tuple(tie('tree'), tie('tree')), { minLength: 1, maxLength: 3 }),
      }),
    ),
    leaf: fc.oneof(
      {
        weight: 4,
        arbitrary: fc.nat({ max: n - 1 }).map((index) => ({ kind: 'input' as const, index })),
      },
      { weight: 1, arbitrary: constantArb },
    ),
  }))
  const root = options.root
  if (root === undefined) return tree
  if ((UNARY_OPS as readonly string[]).includes(root)) {
    return tree.map((arg) => ({ kind: 'unary', op: root as UnaryName, arg }))
  }
  return fc
    .tuple(tree, tree)
    .map(([left, right]) => ({ kind: 'binary', op: root as BinaryName, left, right }))
}

/**
 * A point: n coordinates in [-4, 4] with six decimals, all multiplied by one power of two from
 * 2^-40 to 2^40 (about 1e-12 to 1e12) a third of the time. Inputs of a scaled
 * point enter the expression as `x0 / 2^k`, which is exact, so the tree sees
 * moderate values while the strategies see large or small ones; this is the
 * well-conditioned way to test magnitudes.
 */
export function pointArb(n: number): fc.Arbitrary<{ x: number[]; exponent: number }> {
  // Six decimals keep a printed point short; fc.double would favour subnormals and +-0,
  // which say nothing about derivatives that the scaled points do not already say.
  const coordinate = fc.integer({ min: -4e6, max: 4e6 }).map((k) => k / 1e6)
  return fc.record({
    x: fc.array(coordinate, { minLength: n, maxLength: n }),
    exponent: fc.oneof(
      { weight: 2, arbitrary: fc.constant(0) },
      { weight: 1, arbitrary: fc.integer({ min: -40, max: 40 }) },
    ),
  })
}

/** A random differentiable function at a point where it is smooth, printed as a formula on failure. */
export interface Case {
  readonly n: number
  readonly exprs: readonly Expr[]
  readonly x: readonly number[]
}

export const printCase = (c: Case) =>
  `${c.exprs.map((e, i) => `${c.exprs.length === 1 ? 'f' : `F${i}`}(x) = ${formula(e)}`).join('; ')} at x = [${c.x.join(', ')}]`

function build(shape: Shape, leaves: readonly Node[], scale: Scale): Node {
  switch (shape.kind) {
    case 'input':
      return leaves[shape.index] as Node
    case 'constant':
      return {
        expr: constant(shape.value),
        value: shape.value,
        gradient: new Float64Array(leaves.length),
      }
    case 'unary': {
      const arg = build(shape.arg, leaves, scale)
      return safeUnary(shape.op, arg, scale) ?? arg
    }
    case 'binary': {
      const left = build(shape.left, leaves, scale)
      const right = build(shape.right, leaves, scale)
      return safeBinary(shape.op, left, right, scale) ?? left
    }
    case 'sum':
      return sumNode(shape.terms.map((t) => tame(build(t, leaves, scale), scale)))
    case 'dot':
      return dotNode(
        shape.pairs.map(([a, b]) => [
          tame(build(a, leaves, scale), scale),
          tame(build(b, leaves, scale), scale),
        ]),
      )
  }
}

/** The shape made safe at the point: its inputs, scaled back to moderate size if the point is scaled. */
export function repairAt(shape: Shape, x: readonly number[], exponent: number): Expr {
  const n = x.length
  const scale: Scale = { size: Math.max(1, ...x.map(Math.abs)) }
  const leaves = x.map((xj, j): Node => {
    const gradient = new Float64Array(n)
    if (exponent === 0) {
      gradient[j] = 1
      return { expr: input(j), value: xj, gradient }
    }
    gradient[j] = 2 ** -exponent
    return {
      expr: binary('div', input(j), constant(2 ** exponent)),
      value: xj / 2 ** exponent,
      gradient,
    }
  })
  return build(shape, leaves, scale).expr
}

export interface CaseOptions extends ShapeOptions {
  readonly inputs?: { readonly min: number; readonly max: number }
  /** How many outputs: 1 for f: R^n -> R. */
  readonly outputs?: { readonly min: number; readonly max: number }
}

/** Random functions R^n -> R^m, each output a repaired random tree, at random points. */
export function caseArb(options: CaseOptions = {}): fc.Arbitrary<Case> {
  const { inputs = { min: 1, max: 4 }, outputs = { min: 1, max: 1 } } = options
  return fc
    .integer(inputs)
    .chain((n) =>
      fc.record({
        n: fc.constant(n),
        shapes: fc.array(shapeArb(n, options), { minLength: outputs.min, maxLength: outputs.max }),
        point: pointArb(n),
      }),
    )
    .map(({ n, shapes, point }) => {
      const x = point.x.map((u) => u * 2 ** point.exponent)
      const c: Case = { n, x, exprs: shapes.map((s) => repairAt(s, x, point.exponent)) }
      return Object.assign(c, { [fc.toStringMethod]: () => printCase(c) })
    })
}

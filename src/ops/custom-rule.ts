import type { BinaryRule, UnaryRule } from './rule.js'
import type { Operand, Ops } from './types.js'

/*
 * Users' own primitives. A custom op is a function of the ops `m` and its
 * operands; it hands itself to `m[CUSTOM]`, which every strategy's ops object
 * carries, and so reaches the strategy that made `m` without a member of
 * `Ops<T>` of its own: generic code keeps its type, and a hand-made or
 * wrapped `Ops<T>` (spread, or `countingOps`) keeps working.
 */

/** The key of a strategy's handlers of custom ops on its ops object. */
export const CUSTOM: unique symbol = Symbol('gradlab.custom')

/**
 * What `defineUnary` takes: a {@link UnaryRule} whose `math` and `smoothAt`
 * may be left out (`math` then reads `d/da name(a)`, and `smoothAt` holds at
 * every finite number).
 */
export type CustomUnaryRule = Omit<UnaryRule, 'math' | 'smoothAt'> &
  Partial<Pick<UnaryRule, 'math' | 'smoothAt'>>

/**
 * What `defineBinary` takes: a {@link BinaryRule} whose `math` and `smoothAt`
 * may be left out (`smoothAt` then holds wherever both operands are finite).
 */
export type CustomBinaryRule = Omit<BinaryRule, 'math' | 'smoothAt'> &
  Partial<Pick<BinaryRule, 'math' | 'smoothAt'>>

/** A block's output: one number, or an array of them. */
export type BlockOutput = number | readonly number[]

/**
 * A block's rules, for `defineBlock`: its value on numbers and its
 * vector-Jacobian product, and optionally its Jacobian-vector product. `Out`
 * is what `value` returns, one number or an array; the cotangent and the
 * tangent of the outputs have the same shape.
 */
export interface BlockRule<Out extends BlockOutput = BlockOutput> {
  /** The mathematics, for docs and messages. */
  readonly math?: string
  /**
   * The block on numbers: its outputs at the inputs `xs`.
   * @example
   * ```ts
   * const norm = defineBlock('norm', {
   *   value: (xs) => Math.hypot(...xs),
   *   vjp: (xs, out, g) => xs.map((x) => (g * x) / out),
   * })
   * norm.rule.value([3, 4]) // => 5
   * ```
   */
  readonly value: (xs: readonly number[]) => Out
  /**
   * u^T J at `xs`, given the outputs `out` there and the cotangent u (the
   * adjoints of the outputs): one number per input. Reverse mode calls it
   * once per backward pass, instead of recording the block's own ops.
   * @example
   * ```ts
   * const norm = defineBlock('norm', {
   *   value: (xs) => Math.hypot(...xs),
   *   vjp: (xs, out, g) => xs.map((x) => (g * x) / out),
   * })
   * norm.rule.vjp([3, 4], 5, 1) // => [ 0.6, 0.8 ]
   * ```
   */
  readonly vjp: (xs: readonly number[], out: Out, cotangent: Out) => ArrayLike<number>
  /**
   * J v at `xs` along the inputs' tangent v: the outputs' tangents, shaped
   * as `value`'s result. Forward mode calls it once per direction it
   * carries; without it, forward mode (and `reverse.jvp`) throw.
   * @example
   * ```ts
   * const norm = defineBlock('norm', {
   *   value: (xs) => Math.hypot(...xs),
   *   vjp: (xs, out, g) => xs.map((x) => (g * x) / out),
   *   jvp: (xs, v) => xs.reduce((t, x, i) => t + x * (v[i] as number), 0) / Math.hypot(...xs),
   * })
   * norm.rule.jvp?.([3, 4], [1, 0]) // => 0.6
   * ```
   */
  readonly jvp?: (xs: readonly number[], tangent: readonly number[]) => Out
}

/**
 * A unary op made by {@link defineUnary}: `op(m, a)` with the ops `m` of any
 * strategy. `name` is the name it was defined with, and `rule` its rule with
 * the defaults filled in.
 */
export interface CustomUnary {
  <T>(m: Ops<T>, a: Operand<T>): T
  /** The name it was defined with, which its error messages use. */
  readonly name: string
  /** Always `'unary'`. */
  readonly kind: 'unary'
  /** The rule it was defined with, `math` and `smoothAt` filled in. */
  readonly rule: UnaryRule
}

/** A binary op made by {@link defineBinary}: `op(m, a, b)` with the ops `m` of any strategy. */
export interface CustomBinary {
  <T>(m: Ops<T>, a: Operand<T>, b: Operand<T>): T
  /** The name it was defined with, which its error messages use. */
  readonly name: string
  /** Always `'binary'`. */
  readonly kind: 'binary'
  /** The rule it was defined with, `math` and `smoothAt` filled in. */
  readonly rule: BinaryRule
}

/**
 * A block made by {@link defineBlock}: `block(m, xs)` with the ops `m` of
 * any strategy, one value for a block whose `value` returns a number, an
 * array for one that returns an array.
 */
export interface CustomBlock<Out extends BlockOutput = BlockOutput> {
  <T>(m: Ops<T>, xs: readonly Operand<T>[]): Out extends number ? T : T[]
  /** The name it was defined with, which its error messages use. */
  readonly name: string
  /** Always `'block'`. */
  readonly kind: 'block'
  /** The rules it was defined with. */
  readonly rule: BlockRule<Out>
}

/** A strategy's handlers of custom ops, at `m[CUSTOM]`; operands are checked by the strategy. */
export interface CustomOps<T> {
  unary(op: CustomUnary, a: unknown): T
  binary(op: CustomBinary, a: unknown, b: unknown): T
  /** The block's outputs: one value when its `value` returned a number, else an array. */
  block(op: CustomBlock, xs: unknown): T | T[]
}

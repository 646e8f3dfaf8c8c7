/*
 * The names of gradlab's primitives, by arity. They are the keys of the op
 * table (`rules.ts` checks that it has exactly these) and the members of
 * `Ops<T>` (`types.ts` checks that too), so adding a primitive means adding its
 * name here, its rule there and its documented member in unary-ops.ts or
 * binary-ops.ts. The order is that of compiled gradients' op codes: a new
 * name goes at the end of its list, and the compiled gradient's interpreter
 * (src/reverse/interpreter.ts) needs a case for it.
 */
/**
 * The names of the unary primitives, in the order of compiled gradients' op
 * codes: each is a member of {@link UnaryOps} and a key of `unaryRules`.
 *
 * @example
 * ```ts
 * UNARY_OPS.length // => 20
 * UNARY_OPS.includes('tanh') // => true
 * ```
 */
export const UNARY_OPS = [
  'neg',
  'abs',
  'sqrt',
  'exp',
  'expm1',
  'log',
  'log1p',
  'sin',
  'cos',
  'tan',
  'asin',
  'acos',
  'atan',
  'sinh',
  'cosh',
  'tanh',
  'sigmoid',
  'softplus',
  'relu',
  'square',
] as const

/**
 * The names of the binary primitives, in the order of compiled gradients' op
 * codes: each is a member of {@link BinaryOps} and a key of `binaryRules`.
 *
 * @example
 * ```ts
 * BINARY_OPS.length // => 9
 * BINARY_OPS.includes('atan2') // => true
 * ```
 */
export const BINARY_OPS = [
  'add',
  'sub',
  'mul',
  'div',
  'pow',
  'atan2',
  'hypot',
  'min',
  'max',
] as const

/** A unary primitive's name: `'neg' | 'abs' | ... | 'square'`. */
export type UnaryName = (typeof UNARY_OPS)[number]
/** A binary primitive's name: `'add' | 'sub' | ... | 'max'`. */
export type BinaryName = (typeof BINARY_OPS)[number]

/**
 * The names of gradlab's primitives, by arity. They are the keys of the op
 * table (`rules.ts` checks that it has exactly these) and the method names of
 * `Ops<T>`, so adding a primitive means adding its name here and its rule there.
 * The order is that of compiled gradients' op codes: a new name goes at the end
 * of its list, and `Replay.forward` (src/reverse/replay.ts) needs a case for it.
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

export type UnaryName = (typeof UNARY_OPS)[number]
export type BinaryName = (typeof BINARY_OPS)[number]

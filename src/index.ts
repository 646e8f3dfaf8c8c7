/**
 * gradlab: derivatives three ways behind one op interface.
 *
 * Write a function once against `Ops<T>`; differentiate it with `forward`
 * (dual numbers), `reverse` (a tape and backpropagation) or `numeric`
 * (finite differences), which share the methods of `Strategy`.
 */
export type { JvpResult, Strategy, ValueAndGradient, VjpResult } from './core/strategy.js'
export { Dual } from './forward/dual.js'
export { type ForwardOptions, type ForwardStrategy, forward } from './forward/index.js'
export {
  type GradcheckEntry,
  type GradcheckOptions,
  type GradcheckResult,
  gradcheck,
} from './gradcheck/index.js'
export { type NumericOptions, type NumericStrategy, numeric, type Scheme } from './numeric/index.js'
export {
  BINARY_OPS,
  type BinaryName,
  type BinaryRule,
  binaryRules,
  countingOps,
  type OpCounter,
  type Operand,
  type Ops,
  plain,
  type ScalarFn,
  UNARY_OPS,
  type UnaryName,
  type UnaryRule,
  type UnivariateFn,
  unaryRules,
  type VectorFn,
} from './ops/index.js'
export {
  type CompiledGradient,
  type CompileOptions,
  type ReverseStrategy,
  reverse,
  type TapeStats,
  tapeStats,
} from './reverse/index.js'
export { TapeVar } from './reverse/variable.js'

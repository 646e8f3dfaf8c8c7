/**
 * gradlab: derivatives three ways behind one op interface.
 *
 * Write a function once against {@link Ops}; differentiate it with
 * {@link forward} (dual numbers), {@link reverse} (a tape and
 * backpropagation) or {@link numeric} (finite differences), which share the
 * methods of {@link Strategy}; evaluate it without derivatives with
 * {@link plain}; check its derivatives with {@link gradcheck}.
 *
 * Every op takes its derivative from one table ({@link unaryRules},
 * {@link binaryRules}), so the exact strategies agree everywhere, at kinks
 * too, and finite differences are the independent check.
 *
 * @example
 * ```ts
 * const c = <T>(m: Ops<T>, [a, b]: readonly [T, T]) => m.pow(m.sub(a, b), 2)
 * forward.gradient(c, [2, 0]) // => Float64Array(2) [ 4, -4 ]
 * reverse.gradient(c, [2, 0]) // => Float64Array(2) [ 4, -4 ]
 * ```
 *
 * @packageDocumentation
 */
export {
  ERROR_CODES,
  type GradlabError,
  type GradlabErrorCode,
  isGradlabError,
} from './core/errors.js'
export type {
  NestedInputs,
  NestedJvpResult,
  NestedScalarFn,
  NestedUnivariateFn,
  NestedValueAndGradient,
  NestedVectorFn,
  NestedVjpResult,
  Within,
} from './core/nested.js'
export type {
  JvpResult,
  Strategy,
  ValueAndGradient,
  ValueGradientAndHessian,
  VjpResult,
} from './core/strategy.js'
export { Dual } from './forward/dual.js'
export { type ForwardOptions, type ForwardStrategy, forward } from './forward/index.js'
export {
  type GradcheckEntry,
  type GradcheckOptions,
  type GradcheckPoint,
  type GradcheckReference,
  type GradcheckResult,
  type GradcheckSource,
  gradcheck,
} from './gradcheck/index.js'
export { type NumericOptions, type NumericStrategy, numeric, type Scheme } from './numeric/index.js'
export type { BinaryOps } from './ops/binary-ops.js'
export { defineBinary, defineBlock, defineUnary } from './ops/custom.js'
export type {
  BlockOutput,
  BlockRule,
  CustomBinary,
  CustomBinaryRule,
  CustomBlock,
  CustomUnary,
  CustomUnaryRule,
} from './ops/custom-rule.js'
// The tables as rules by name: the same objects, typed as UnaryRule and
// BinaryRule per op rather than as their literals.
export {
  BINARY_OPS,
  type BinaryName,
  type BinaryRule,
  binaryRuleOf as binaryRules,
  countingOps,
  type DataFn,
  type OpCounter,
  type Operand,
  type Ops,
  plain,
  type ScalarFn,
  UNARY_OPS,
  type UnaryName,
  type UnaryRule,
  type UnivariateFn,
  unaryRuleOf as unaryRules,
  type VectorFn,
} from './ops/index.js'
export type { Inputs } from './ops/types.js'
export type { UnaryOps } from './ops/unary-ops.js'
export {
  type CompiledGradient,
  type CompileOptions,
  type GradientTrace,
  named,
  type ReverseStrategy,
  reverse,
  type TapeStats,
  type TraceEdge,
  type TraceNode,
  type TraceOperand,
  type TraceOptions,
  tapeStats,
} from './reverse/index.js'
export { TapeVar } from './reverse/variable.js'
export {
  type ChainFactor,
  type ChainGraph,
  chainGraph,
  type MultiplicationCount,
  multiplications,
  sharedEdges,
  sharedFactors,
} from './trace/chain.js'
export {
  type TraceDrawOptions,
  traceToDot,
  traceToJSON,
  traceToMermaid,
} from './trace/text.js'

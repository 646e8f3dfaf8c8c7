export { chainTerm } from './chain.js'
export { countingOps, type OpCounter } from './count.js'
export { BINARY_OPS, type BinaryName, UNARY_OPS, type UnaryName } from './names.js'
export {
  checkArray,
  checked,
  checkSameLength,
  createPlainOps,
  numbers,
  type OpsContext,
  plain,
} from './plain.js'
export type { BinaryRule, UnaryRule } from './rule.js'
export { binaryRuleOf, binaryRules, unaryRuleOf, unaryRules } from './rules.js'
export { opsObject } from './shape.js'
export type { DataFn, Operand, Ops, ScalarFn, UnivariateFn, VectorFn } from './types.js'

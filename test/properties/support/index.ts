import './runs.js'

export { type Case, caseArb, pointArb, printCase, shapeArb } from './arbitraries.js'
export { thrownMessage } from './bad-values.js'
export {
  centralDifferenceBound,
  centralStep,
  chainRuleTolerance,
  forwardDifferenceBound,
  forwardStep,
  gamma,
  taylor,
} from './bounds.js'
export { binaryPartials, binaryRule, unaryPartial, unaryRule } from './domain.js'
export { type Expr, evaluate, formula, roundings, scalarFn, vectorFn } from './expr.js'
export { magnitude } from './magnitude.js'
export { prop } from './prop.js'
export { ridders } from './ridders.js'
export { scaledRuns } from './runs.js'

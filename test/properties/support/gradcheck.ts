import { uniforms } from '../../../src/gradcheck/random.js'
import { reverse } from '../../../src/index.js'
import type { Case } from './arbitraries.js'
import { centralDifferenceBound, centralStep, chainRuleTolerance } from './bounds.js'
import { evaluate, vectorFn } from './expr.js'
import { type Jet, jetOps } from './jets.js'

/*
 * For gradcheck's properties: where its central differences are predicted
 * accurate enough for its default tolerances (so that it must pass), and a
 * Jacobian "by hand" from the op table's jets, independent of the strategies,
 * for the derivatives a user would write.
 */

const EPS = Number.EPSILON
const unit = (n: number, j: number) => Array.from({ length: n }, (_, i) => (i === j ? 1 : 0))
const withinDefaults = (error: number, derivative: number) =>
  error <= (1e-8 + 1e-6 * Math.abs(derivative)) / 2

/**
 * Whether central differences are predicted accurate enough for gradcheck's
 * default tolerances at every entry (half of each, for margin). Where f''' is
 * large, or f is large beside its derivative, they are not, and gradcheck
 * then rightly reports the disagreement. See `centralDifferenceBound`.
 */
export function differencesAccurate(c: Case): boolean {
  const rows = reverse.jacobian(vectorFn(c.exprs), c.x)
  return c.exprs.every((e, i) => {
    const own = chainRuleTolerance(e, c.x)
    return c.x.every((xj, j) => {
      const step = centralStep(xj)
      const bound = centralDifferenceBound(e, c.x, unit(c.n, j), step, false) + (own[j] as number)
      return withinDefaults(bound, (rows[i] as Float64Array)[j] as number)
    })
  })
}

/** The same for the fast mode's one projection, with gradcheck's own u and v for the seed. */
export function projectionAccurate(c: Case, seed: number): boolean {
  const next = uniforms(seed)
  const v = Array.from({ length: c.n }, next)
  const u = Array.from({ length: c.exprs.length }, next)
  const h = centralStep(Math.max(...c.x.map(Math.abs))) / Math.max(...v.map(Math.abs))
  const rows = reverse.jacobian(vectorFn(c.exprs), c.x)
  let bound = 0
  let exact = 0
  c.exprs.forEach((e, i) => {
    const ui = u[i] as number
    bound += Math.abs(ui) * centralDifferenceBound(e, c.x, v, h, true)
    chainRuleTolerance(e, c.x).forEach((t, j) => {
      const vj = v[j] as number
      bound += Math.abs(ui * vj) * t
      exact += ui * ((rows[i] as Float64Array)[j] as number) * vj
    })
  })
  // The two dot products with u and v round too: a few ulps of their terms.
  bound += 4 * (c.n + c.exprs.length) * EPS * Math.abs(exact)
  return withinDefaults(bound, exact)
}

/**
 * J_ij = dF_i/dx_j at the case's point from degree-1 jets of the op table
 * (support/jets.ts): the chain rule evaluated apart from forward and reverse
 * mode, as a derivative written by hand would be.
 */
export function jacobianByJets(c: Case): number[][] {
  const ops = jetOps(1)
  const columns = c.x.map((_, j) => {
    const inputs = c.x.map((xk, k): Jet => [xk, k === j ? 1 : 0])
    return c.exprs.map((e) => {
      const r = evaluate(ops, e, inputs)
      return typeof r === 'number' ? 0 : (r[1] as number)
    })
  })
  return c.exprs.map((_, i) => columns.map((column) => column[i] as number))
}

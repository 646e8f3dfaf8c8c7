import fc from 'fast-check'
import { describe, expect } from 'vitest'
import { forward, reverse } from '../../src/index.js'
import { caseArb, type Expr, gamma, magnitude, prop, roundings, vectorFn } from './support/index.js'

/*
 * Property 5, the adjoint identity that defines the two modes. Forward mode
 * computes J v (a column combination, one pass per direction v); reverse mode
 * computes u^T J (a row combination, one backward pass per weighting u). For
 * every u and v the two numbers u . (J v) and (u^T J) . v are the same
 * bilinear form, so they must agree.
 *
 * Tolerance: both are sums over (output i, input j, path) of u_i (product of
 * partials) v_j. With K the most roundings on a path of any output and m + n
 * more for the two outer dot products, each is within gamma_{K+m+n} of the
 * exact value relative to |u|^T size |v|, so they differ by at most twice that.
 */

const entry = fc.integer({ min: -16, max: 16 }).map((k) => k / 8)
const problem = caseArb({ outputs: { min: 1, max: 4 } }).chain((c) =>
  fc.record({
    c: fc.constant(c),
    u: fc.array(entry, { minLength: c.exprs.length, maxLength: c.exprs.length }),
    v: fc.array(entry, { minLength: c.n, maxLength: c.n }),
  }),
)

const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let total = 0
  for (let i = 0; i < a.length; i++) total += (a[i] as number) * (b[i] as number)
  return total
}

describe('Forward mode', () => {
  prop([problem])(
    'the adjoint identity holds: u . (J v) from forward jvp equals (u^T J) . v from reverse vjp, for random u and v',
    ({ c, u, v }) => {
      const F = vectorFn(c.exprs)
      const columnSide = dot(u, forward.jvp(F, c.x, v).tangent)
      const rowSide = dot(reverse.vjp(F, c.x, u).cotangent, v)
      const k = Math.max(...c.exprs.map(roundings)) + c.exprs.length + c.n
      const weighted = c.exprs.reduce((total, e: Expr, i) => {
        const size = magnitude(e, c.x).size
        return total + Math.abs(u[i] as number) * dot(size, v.map(Math.abs))
      }, 0)
      expect(Math.abs(columnSide - rowSide)).toBeLessThanOrEqual(2 * gamma(k) * weighted)
    },
  )
})

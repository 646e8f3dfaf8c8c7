import { describe, expect } from 'vitest'
import { forward, numeric, reverse, type Strategy } from '../../src/index.js'
import {
  type Case,
  caseArb,
  centralDifferenceBound,
  centralStep,
  chainRuleTolerance,
  type Expr,
  prop,
  vectorFn,
} from './support/index.js'

/*
 * Property 6: the Jacobian is its columns J e_j (what jvp computes) stacked
 * side by side, and its rows e_i^T J (what vjp computes) stacked on top of
 * each other, in every strategy. Where a strategy computes both the same way
 * the results are identical bit for bit; where it computes them differently
 * (reverse's jvp replays the tape forward; numeric's jvp steps along a
 * direction) each side is held to its own error bound.
 */

const vectorCases = caseArb({ outputs: { min: 1, max: 3 } })
const unit = (n: number, j: number) => Array.from({ length: n }, (_, i) => (i === j ? 1 : 0))

function rowsOfVjp(s: Strategy, c: Case): Float64Array[] {
  return c.exprs.map((_, i) => s.vjp(vectorFn(c.exprs), c.x, unit(c.exprs.length, i)).cotangent)
}

function columnsOfJvp(s: Strategy, c: Case): Float64Array[] {
  return c.x.map((_, j) => s.jvp(vectorFn(c.exprs), c.x, unit(c.n, j)).tangent)
}

describe.each([forward, reverse, numeric])('Reverse mode', (s) => {
  prop([vectorCases])(
    `${s.name}.jacobian equals the stacked rows of ${s.name}.vjp with unit weightings, bit for bit`,
    (c) => {
      expect(s.jacobian(vectorFn(c.exprs), c.x)).toEqual(rowsOfVjp(s, c))
    },
  )
})

describe('Forward mode', () => {
  prop([vectorCases])(
    'forward.jacobian equals the stacked columns of forward.jvp with unit directions, bit for bit',
    (c) => {
      const columns = columnsOfJvp(forward, c)
      const rows = forward.jacobian(vectorFn(c.exprs), c.x)
      rows.forEach((row, i) => {
        row.forEach((entry, j) => {
          expect(entry).toBe((columns[j] as Float64Array)[i])
        })
      })
    },
  )
})

describe('Reverse mode', () => {
  prop([vectorCases])(
    'reverse.jacobian equals the stacked columns of reverse.jvp (a forward sweep over the tape) to chain-rule rounding',
    (c) => {
      const columns = columnsOfJvp(reverse, c)
      reverse.jacobian(vectorFn(c.exprs), c.x).forEach((row, i) => {
        const tolerance = chainRuleTolerance(c.exprs[i] as Expr, c.x)
        row.forEach((entry, j) => {
          const gap = Math.abs(entry - ((columns[j] as Float64Array)[i] as number))
          expect(gap).toBeLessThanOrEqual(tolerance[j] as number)
        })
      })
    },
  )
})

describe('Finite differences', () => {
  prop([vectorCases])(
    'numeric.jacobian columns and numeric.jvp columns each agree with reverse mode within their own central-difference bounds',
    (c) => {
      // jacobian steps each coordinate by eps^(1/3) max(1, |x_j|); jvp steps
      // along e_j by eps^(1/3) max(1, max |x|), from a rounded point.
      const exact = reverse.jacobian(vectorFn(c.exprs), c.x)
      const differenced = numeric.jacobian(vectorFn(c.exprs), c.x)
      const columns = columnsOfJvp(numeric, c)
      const along = centralStep(Math.max(...c.x.map(Math.abs)))
      c.exprs.forEach((e, i) => {
        const own = chainRuleTolerance(e, c.x)
        c.x.forEach((xj, j) => {
          const d = (exact[i] as Float64Array)[j] as number
          const coordinateBound = centralDifferenceBound(
            e,
            c.x,
            unit(c.n, j),
            centralStep(xj),
            false,
          )
          const directionBound = centralDifferenceBound(e, c.x, unit(c.n, j), along, true)
          const entry = (differenced[i] as Float64Array)[j] as number
          const column = (columns[j] as Float64Array)[i] as number
          expect(Math.abs(entry - d)).toBeLessThanOrEqual(coordinateBound + (own[j] as number))
          expect(Math.abs(column - d)).toBeLessThanOrEqual(directionBound + (own[j] as number))
        })
      })
    },
  )
})

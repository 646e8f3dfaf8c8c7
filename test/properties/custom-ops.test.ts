import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { BINARY_OPS, forward, numeric, reverse, UNARY_OPS } from '../../src/index.js'
import { customScalarFn, customVectorFn } from './support/custom.js'
import {
  type Case,
  caseArb,
  centralDifferenceBound,
  centralStep,
  chainRuleTolerance,
  type Expr,
  prop,
  scalarFn,
  scaledRuns,
  vectorFn,
} from './support/index.js'

/*
 * Users' own ops. A custom op defined with a table op's rules, and sum and
 * dot rebuilt as blocks with their own vjp and jvp, are read by the
 * strategies exactly as the table is: the same values and partials at the
 * same points, applied in the same order. So a random expression evaluated
 * with these copies must give every strategy's numbers bit for bit, and
 * central differences must agree with it within the bounds of Property 2.
 */

/** Whether two arrays hold the same numbers bit for bit (NaN equal to NaN, 0 unequal to -0). */
function expectSameBits(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string) {
  expect(actual.length, what).toBe(expected.length)
  for (let j = 0; j < expected.length; j++) {
    const [a, e] = [actual[j] as number, expected[j] as number]
    expect(Object.is(a, e), `${what} [${j}]: custom ${a}, table ${e}`).toBe(true)
  }
}

function expectSameGradients(c: Case): void {
  const e = c.exprs[0] as Expr
  const [table, custom] = [scalarFn(e), customScalarFn(e)]
  const dynamic = reverse.valueAndGradient(custom, c.x)
  const builtIn = reverse.valueAndGradient(table, c.x)
  expect(Object.is(dynamic.value, builtIn.value), 'reverse value').toBe(true)
  expectSameBits(dynamic.gradient, builtIn.gradient, 'reverse gradient')
  for (const chunkSize of [undefined, 1, 2]) {
    const options = chunkSize === undefined ? undefined : { chunkSize }
    const tangents = forward.valueAndGradient(custom, c.x, options)
    expect(Object.is(tangents.value, builtIn.value), 'forward value').toBe(true)
    expectSameBits(
      tangents.gradient,
      forward.gradient(table, c.x, options),
      `forward gradient, chunk size ${chunkSize ?? 'default'}`,
    )
  }
}

describe('Your own ops', () => {
  prop([caseArb()])(
    'forward and reverse mode give custom copies of the table ops, and sum and dot as blocks with their own vjp and jvp, the built-ins’ values and gradients bit for bit',
    expectSameGradients,
  )

  // One op at the root each, so that every custom copy is checked on purpose.
  test.each([...UNARY_OPS, ...BINARY_OPS])(
    'a custom copy of %s applied to random expressions gives the built-in’s gradients bit for bit in forward and reverse mode',
    (op) => {
      fc.assert(fc.property(caseArb({ root: op, maxDepth: 3 }), expectSameGradients), {
        numRuns: scaledRuns(0.2),
      })
    },
  )

  prop([caseArb(), fc.double({ min: 0.5, max: 1.5, noNaN: true })])(
    'reverse.compile replays custom ops and blocks to the dynamic gradient bit for bit, recorded at another point',
    (c, scale) => {
      const f = customScalarFn(c.exprs[0] as Expr)
      const compiled = reverse.compile(
        f,
        c.x.map((xi) => xi * scale),
      )
      const replayed = compiled.valueAndGradient(c.x)
      const dynamic = reverse.valueAndGradient(f, c.x)
      expect(Object.is(replayed.value, dynamic.value), 'value').toBe(true)
      expectSameBits(replayed.gradient, dynamic.gradient, 'compiled gradient')
      expect(compiled.recordings).toBe(1)
    },
  )

  prop([caseArb()])(
    'central differences of custom ops and blocks are the built-ins’ differences, and agree with reverse mode within the truncation plus rounding bound',
    (c) => {
      const e = c.exprs[0] as Expr
      const f = customScalarFn(e)
      const differences = numeric.gradient(f, c.x)
      expectSameBits(differences, numeric.gradient(scalarFn(e), c.x), 'central differences')
      const exact = reverse.gradient(f, c.x)
      const ownRounding = chainRuleTolerance(e, c.x)
      exact.forEach((d, j) => {
        const unit = c.x.map((_, i) => (i === j ? 1 : 0))
        const bound =
          centralDifferenceBound(e, c.x, unit, centralStep(c.x[j] as number), false) +
          (ownRounding[j] as number)
        const gap = Math.abs((differences[j] as number) - d)
        expect(gap, `d/dx${j}: central ${differences[j]}, reverse ${d}`).toBeLessThanOrEqual(bound)
      })
    },
  )

  prop([caseArb({ outputs: { min: 1, max: 3 } }), fc.integer({ min: 0, max: 1000 })])(
    'Jacobians and vjps through custom ops are the built-ins’ bit for bit; reverse.jvp pushes tangents through blocks’ jvps to the built-ins’ J v within rounding',
    (c, seed) => {
      const [table, custom] = [vectorFn(c.exprs), customVectorFn(c.exprs)]
      const rows = reverse.jacobian(custom, c.x)
      reverse.jacobian(table, c.x).forEach((row, i) => {
        expectSameBits(rows[i] as Float64Array, row, `reverse row ${i}`)
      })
      forward.jacobian(table, c.x).forEach((row, i) => {
        expectSameBits(forward.jacobian(custom, c.x)[i] as Float64Array, row, `forward row ${i}`)
      })
      const u = c.exprs.map((_, i) => Math.cos(seed + i))
      expectSameBits(
        reverse.vjp(custom, c.x, u).cotangent,
        reverse.vjp(table, c.x, u).cotangent,
        'vjp',
      )
      // The tape's forward sweep adds a dot's terms in recorded order, which a
      // dot with data on its left swaps, so only rounding may differ here.
      const v = c.x.map((_, j) => Math.sin(seed + 7 * j) + 0.1)
      const tangent = reverse.jvp(custom, c.x, v).tangent
      const expected = reverse.jvp(table, c.x, v).tangent
      c.exprs.forEach((e, i) => {
        const tolerance = chainRuleTolerance(e, c.x).reduce(
          (s, t, j) => s + t * Math.abs(v[j] as number),
          0,
        )
        const gap = Math.abs((tangent[i] as number) - (expected[i] as number))
        if (Number.isFinite(expected[i] as number)) expect(gap).toBeLessThanOrEqual(tolerance)
        else expect(tangent[i]).toBe(expected[i])
      })
    },
  )
})

import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { BINARY_OPS, type BinaryName, UNARY_OPS, type UnaryName } from '../../src/index.js'
import { binaryRule, prop, unaryRule } from './support/index.js'

/*
 * The table's `smoothAt` predicates are what the generators trust to keep
 * random points away from kinks and domain edges, so they are specified here
 * independently, from the conventions documented in rules.ts: where each op
 * is differentiable on a neighbourhood. Points mix special values (the kinks,
 * edges, infinities and NaN) with random doubles.
 */

const finite = Number.isFinite
const UNARY_DOMAINS: Record<Exclude<UnaryName, 'tan'>, (a: number) => boolean> = {
  neg: finite,
  abs: (a) => finite(a) && a !== 0,
  sqrt: (a) => finite(a) && a > 0,
  exp: finite,
  expm1: finite,
  log: (a) => finite(a) && a > 0,
  log1p: (a) => finite(a) && a > -1,
  sin: finite,
  cos: finite,
  asin: (a) => a > -1 && a < 1,
  acos: (a) => a > -1 && a < 1,
  atan: finite,
  sinh: finite,
  cosh: finite,
  tanh: finite,
  sigmoid: finite,
  softplus: finite,
  relu: (a) => finite(a) && a !== 0,
  square: finite,
}

const BINARY_DOMAINS: Record<Exclude<BinaryName, 'pow'>, (a: number, b: number) => boolean> = {
  add: (a, b) => finite(a + b),
  sub: (a, b) => finite(a - b),
  mul: (a, b) => finite(a * b),
  div: (a, b) => finite(b) && b !== 0 && finite(a / b),
  // Away from the origin and from the branch cut, the negative b axis.
  atan2: (a, b) => finite(a) && finite(b) && (a !== 0 || b > 0),
  hypot: (a, b) => finite(Math.hypot(a, b)) && Math.hypot(a, b) > 0,
  min: (a, b) => finite(a) && finite(b) && a !== b,
  max: (a, b) => finite(a) && finite(b) && a !== b,
}

const SPECIAL = [
  0,
  -0,
  1,
  -1,
  2,
  -2,
  0.5,
  Math.PI / 2,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  Number.NaN,
  1e308,
  -1e308,
]
const point = fc.oneof(fc.constantFrom(...SPECIAL), fc.double())
// The edges of the domains are checked at every run count, not only when drawn.
const specialPoints = SPECIAL.map((a) => [a] as [number])
const specialPairs = SPECIAL.flatMap((a) =>
  SPECIAL.map((b) => [a, b, false] as [number, number, boolean]),
)

describe('The chain rule', () => {
  test.each(Object.keys(UNARY_DOMAINS) as Exclude<UnaryName, 'tan'>[])(
    '%s: smoothAt holds exactly on the documented open domain, away from kinks',
    (op) => {
      fc.assert(
        fc.property(point, (a) => unaryRule(op).smoothAt(a) === UNARY_DOMAINS[op](a)),
        { examples: specialPoints },
      )
    },
  )

  prop([
    fc.integer({ min: -1000, max: 1000 }),
    fc.double({ min: 1e-3, max: Math.PI - 1e-3, noNaN: true }),
  ])(
    'tan: smoothAt fails at the poles pi/2 + k pi and at infinities, and holds between them',
    (k, offset) => {
      const tan = unaryRule('tan')
      expect(tan.smoothAt(Math.PI / 2 + k * Math.PI)).toBe(false)
      expect(tan.smoothAt(Math.PI / 2 + k * Math.PI + offset)).toBe(true)
      expect(tan.smoothAt(Number.POSITIVE_INFINITY) || tan.smoothAt(Number.NaN)).toBe(false)
    },
  )

  test.each(Object.keys(BINARY_DOMAINS) as Exclude<BinaryName, 'pow'>[])(
    '%s: smoothAt holds exactly on the documented open domain, away from ties and cuts',
    (op) => {
      fc.assert(
        fc.property(point, point, fc.boolean(), (a, b, tie) => {
          const second = tie ? a : b
          return binaryRule(op).smoothAt(a, second) === BINARY_DOMAINS[op](a, second)
        }),
        { examples: specialPairs },
      )
    },
  )

  prop([point, point])(
    'pow: smoothAt holds where the base is positive and a^b is finite',
    (a, b) => {
      const inside = finite(a) && a > 0 && finite(b) && finite(a ** b)
      expect(binaryRule('pow').smoothAt(a, b)).toBe(inside)
    },
  )

  test('every rule states its derivative as a formula: d/da ... for one argument, d... for two', () => {
    for (const op of UNARY_OPS) expect(unaryRule(op).math).toMatch(/^d\/da .+ = .+/)
    for (const op of BINARY_OPS) expect(binaryRule(op).math).toMatch(/^d.+ = \(.+, .+\)/)
  })
})

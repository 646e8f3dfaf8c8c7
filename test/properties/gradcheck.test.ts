import fc from 'fast-check'
import { describe, expect } from 'vitest'
import { countingOps, forward, gradcheck, type Ops, plain, reverse } from '../../src/index.js'
import { differencesAccurate, projectionAccurate } from './support/gradcheck.js'
import { caseArb, type Expr, evaluate, prop, vectorFn } from './support/index.js'

/*
 * gradcheck on random functions: it passes wherever the strategies are
 * right (every property above says they are), and it fails, naming the
 * entry, where a user's function hides a dependence from automatic
 * differentiation, the commonest real bug it exists to catch.
 */

const vectorCases = caseArb({ outputs: { min: 1, max: 3 } })

describe('Checking your own derivatives', () => {
  prop([vectorCases])(
    'gradcheck passes on every random smooth function where central differences are accurate to its tolerances, comparing all 2 m n entries',
    (c) => {
      fc.pre(differencesAccurate(c))
      const result = gradcheck(vectorFn(c.exprs), c.x)
      expect(result.message).toMatch(/^gradcheck: passed/)
      expect(result.ok).toBe(true)
      expect(result.checked).toBe(2 * c.exprs.length * c.n)
      expect(result.failed).toBe(0)
      expect(result.worst?.error).toBeLessThanOrEqual(result.worst?.tolerance as number)
    },
  )

  prop([vectorCases, fc.integer()])(
    'gradcheck in fast mode passes on the same functions with one projection u^T J v per strategy',
    (c, seed) => {
      fc.pre(projectionAccurate(c, seed))
      const result = gradcheck(vectorFn(c.exprs), c.x, { fast: true, seed })
      expect(result.ok).toBe(true)
      expect(result.mode).toBe('fast')
      expect(result.checked).toBe(2)
      expect(result.worst?.output).toBeNull()
    },
  )

  prop([caseArb({ inputs: { min: 1, max: 4 } }), fc.nat()])(
    'gradcheck fails on a function that hides an input from differentiation, and names that input as the worst entry',
    (c, pick) => {
      const e = c.exprs[0] as Expr
      const j = pick % c.n
      const truth = reverse.gradient((m, x) => evaluate(m, e, x), c.x)[j] as number
      // Only where the hidden dependence is far above the tolerance does the claim apply.
      fc.pre(Math.abs(truth) > 1e-3)
      // m.constant(m.value(x_j)) keeps x_j's value and drops its dependence: automatic
      // strategies see a constant, central differences still see x_j move.
      const hiding = <T>(m: Ops<T>, x: readonly T[]) =>
        evaluate(
          m,
          e,
          x.map((xi, i) => (i === j ? m.constant(m.value(xi)) : xi)),
        )
      const result = gradcheck(hiding, c.x)
      expect(result.ok).toBe(false)
      expect(result.worst?.input).toBe(j)
      expect(result.worst?.analytic).toBe(0)
      expect(result.worst?.reference).toBe('central')
      // f is scalar, so the message names the entry df/dx_j.
      expect(result.message).toMatch(
        new RegExp(`^gradcheck: \\d+ of \\d+ failed; worst df/dx${j} from`),
      )
    },
  )

  prop([caseArb({ inputs: { min: 1, max: 30 } })])(
    "fast mode costs four evaluations whatever n is (a forward pass, a recording, two for the difference); full mode 2n + 2 and forward mode's passes",
    (c) => {
      const e = c.exprs[0] as Expr
      const counter = { ops: 0 }
      const f = <T>(m: Ops<T>, x: readonly T[]) => evaluate(countingOps(m, counter), e, x)
      f(plain, c.x)
      const once = counter.ops
      counter.ops = 0
      gradcheck(f, c.x, { fast: true })
      expect(counter.ops).toBe(4 * once)
      counter.ops = 0
      forward.jacobian((m, x) => [f(m, x)], c.x)
      const forwardPasses = counter.ops
      counter.ops = 0
      gradcheck(f, c.x)
      // numeric.jacobian 2n + 1 evaluations, forward.jacobian its passes, reverse.jacobian one recording.
      expect(counter.ops).toBe((2 * c.n + 2) * once + forwardPasses)
    },
  )
})

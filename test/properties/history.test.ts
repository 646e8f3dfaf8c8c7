import fc from 'fast-check'
import { describe, expect } from 'vitest'
import { forward, numeric, type Ops, reverse, type Strategy } from '../../src/index.js'
import {
  type Case,
  caseArb,
  type Expr,
  evaluate,
  prop,
  scalarFn,
  vectorFn,
} from './support/index.js'

/*
 * Property 7: results do not depend on call history. The strategies keep
 * state between calls (reverse mode reuses its tape's arrays, forward mode
 * numbers its passes), so the property checks that no state leaks: a call
 * returns bit for bit what it returned when made first and alone, whatever
 * was called before it and whatever is running around it.
 */

const strategies: Strategy[] = [forward, reverse, numeric]
type Call = { strategy: number; method: 'gradient' | 'jacobian' | 'jvp' | 'vjp' }

const callArb = fc.record({
  strategy: fc.integer({ min: 0, max: 2 }),
  method: fc.constantFrom('gradient' as const, 'jacobian' as const, 'jvp' as const, 'vjp' as const),
})

function run(call: Call, c: Case): unknown {
  const s = strategies[call.strategy] as Strategy
  const F = vectorFn(c.exprs)
  const ones = (k: number) => Array.from({ length: k }, (_, i) => 1 - i / 4)
  switch (call.method) {
    case 'gradient':
      return s.gradient(scalarFn(c.exprs[0] as Expr), c.x)
    case 'jacobian':
      return s.jacobian(F, c.x)
    case 'jvp':
      return s.jvp(F, c.x, ones(c.n))
    case 'vjp':
      return s.vjp(F, c.x, ones(c.exprs.length))
  }
}

const cases = caseArb({ outputs: { min: 1, max: 3 } })

describe('One interface, any order of calls', () => {
  prop([cases, fc.array(callArb, { minLength: 2, maxLength: 12 })])(
    'interleaved and repeated calls of different strategies return bit for bit what a first call returned',
    (c, calls) => {
      const first = calls.map((call) => run(call, c))
      // Again, in reverse order, with every call repeated.
      for (let k = calls.length - 1; k >= 0; k--) {
        const call = calls[k] as Call
        expect(run(call, c)).toEqual(first[k])
        expect(run(call, c)).toEqual(first[k])
      }
    },
  )

  prop([cases, fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 2 })])(
    "a strategy called inside another strategy's function returns what it returns alone, and so does the outer call",
    (c, outer, inner) => {
      const e = c.exprs[0] as Expr
      const [outside, enclosing] = [strategies[inner] as Strategy, strategies[outer] as Strategy]
      const alone = outside.gradient(scalarFn(e), c.x)
      const outerAlone = enclosing.gradient(scalarFn(e), c.x)
      const seen: Float64Array[] = []
      const nesting = <T>(m: Ops<T>, x: readonly T[]) => {
        seen.push(outside.gradient(scalarFn(e), c.x))
        return evaluate(m, e, x)
      }
      expect(enclosing.gradient(nesting, c.x)).toEqual(outerAlone)
      for (const g of seen) expect(g).toEqual(alone)
    },
  )
})

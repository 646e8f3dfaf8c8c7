import fc from 'fast-check'
import { describe, expect } from 'vitest'
import { forward, numeric, type Ops, plain, reverse, type Strategy } from '../../src/index.js'
import { notANumber } from './support/bad-values.js'
import { caseArb, evaluate, thrownMessage as message, prop, vectorFn } from './support/index.js'

/*
 * The parts of the one interface that every strategy shares: values come back
 * as they are, identities and zero directions give exact answers, and the
 * ops name themselves and their call in every error.
 */

const strategies: Strategy[] = [forward, reverse, numeric]
const strategy = fc.constantFrom(...strategies)
const cases = caseArb({ outputs: { min: 1, max: 3 } })

describe('One interface, any order of calls', () => {
  prop([strategy, cases])(
    'jvp and vjp return F(x) as their value, bit for bit the plain evaluation',
    (s, c) => {
      const F = vectorFn(c.exprs)
      const value = Float64Array.from(F(plain, c.x) as number[])
      expect(
        s.jvp(
          F,
          c.x,
          c.x.map(() => 1),
        ).value,
      ).toEqual(value)
      expect(
        s.vjp(
          F,
          c.x,
          c.exprs.map(() => 1),
        ).value,
      ).toEqual(value)
    },
  )

  prop([
    strategy,
    fc.array(fc.double({ min: -8, max: 8, noNaN: true }), { minLength: 1, maxLength: 5 }),
  ])(
    'the identity F(x) = x has J v = v and u^T J = u exactly, every input being its own output',
    (s, x) => {
      const identity = <T>(_m: Ops<T>, xs: readonly T[]) => [...xs]
      const w = x.map((_, i) => i - 1.5)
      expect(Array.from(s.vjp(identity, x, w).cotangent)).toEqual(w)
      if (s !== numeric) expect(Array.from(s.jvp(identity, x, w).tangent)).toEqual(w)
    },
  )

  prop([strategy, cases])('the directional derivative along v = 0 is exactly 0', (s, c) => {
    const tangent = s.jvp(
      vectorFn(c.exprs),
      c.x,
      c.x.map(() => 0),
    ).tangent
    expect(Array.from(tangent, (t) => t + 0)).toEqual(c.exprs.map(() => 0))
  })

  prop([strategy, fc.double({ min: -8, max: 8, noNaN: true })])(
    'a function of no inputs has an empty gradient and its value; m.value of a plain number is that number',
    (s, k) => {
      const f = <T>(m: Ops<T>) => m.add(m.constant(k), m.value(k))
      const { value, gradient } = s.valueAndGradient(f, [])
      expect(value).toBe(k + k)
      expect(gradient.length).toBe(0)
      expect(s.jacobian(<T>(m: Ops<T>) => [m.constant(k), k], [])).toEqual([
        new Float64Array(0),
        new Float64Array(0),
      ])
    },
  )
})

describe('Errors that say what to do', () => {
  prop([strategy, notANumber])(
    'every argument and op names itself in its error: g, v, u, F, x, value, sum, dot',
    (s, bad) => {
      const F = <T>(_m: Ops<T>, x: readonly T[]) => [x[0] as T]
      const at = `${s.name}.`
      expect(message(() => s.derivative(() => bad.value as never, 1))).toContain(
        `${at}derivative: g returned`,
      )
      expect(message(() => s.jvp(F, [1], [bad.value as number]))).toContain(
        `${at}jvp: v[0] must be a number`,
      )
      expect(message(() => s.vjp(F, [1], [bad.value as number]))).toContain(
        `${at}vjp: u[0] must be a number`,
      )
      if (typeof bad.value !== 'function') {
        expect(message(() => s.jvp(bad.value as never, [1], [1]))).toContain(
          `${at}jvp: F must be a function`,
        )
        expect(message(() => s.vjp(bad.value as never, [1], [1]))).toContain(
          `${at}vjp: F must be a function`,
        )
      }
      expect(message(() => s.jvp(F, bad.value as never, [1]))).toContain(
        `${at}jvp: x must be an array`,
      )
      expect(message(() => s.vjp(F, bad.value as never, [1]))).toContain(
        `${at}vjp: x must be an array`,
      )
      const inside = (body: (m: Ops<unknown>, x: unknown) => unknown) =>
        message(() => s.gradient((m, x) => body(m as Ops<unknown>, x[0]) as never, [1]))
      expect(inside((m) => m.value(bad.value as never))).toContain(
        `${at}gradient: value received ${bad.phrase}`,
      )
      expect(inside((m, x) => m.sum([x, bad.value as never]))).toContain(
        `${at}gradient: sum received ${bad.phrase}`,
      )
      expect(inside((m, x) => m.dot([bad.value as never], [x]))).toContain(
        `${at}gradient: dot received ${bad.phrase}`,
      )
      expect(inside((m, x) => m.dot([x], [bad.value as never]))).toContain(
        `${at}gradient: dot received ${bad.phrase}`,
      )
      expect(inside((m, x) => m.dot(bad.value as never, [x]))).toContain(
        `${at}gradient: dot expects an array`,
      )
      expect(inside((m, x) => m.dot([x], bad.value as never))).toContain(
        `${at}gradient: dot expects an array`,
      )
    },
  )

  prop([strategy, notANumber])(
    "ops kept past their call report under the strategy's own name",
    (s, bad) => {
      let kept: Ops<unknown> | undefined
      s.gradient(
        (m, x) => {
          kept = m as Ops<unknown>
          return evaluate(m, { kind: 'input', index: 0 }, x)
        },
        [1],
      )
      expect(message(() => kept?.sin(bad.value as never))).toMatch(
        new RegExp(`^${s.name}: sin received`),
      )
    },
  )

  prop([notANumber])("plain ops report as 'plain', with the op's name", (bad) => {
    expect(message(() => plain.constant(bad.value as never))).toContain(
      `plain: constant received ${bad.phrase}`,
    )
    expect(message(() => plain.value(bad.value as never))).toContain(
      `plain: value received ${bad.phrase}`,
    )
  })
})

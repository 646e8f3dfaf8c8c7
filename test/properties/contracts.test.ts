import fc from 'fast-check'
import { describe, expect } from 'vitest'
import { forward, numeric, type Ops, reverse, type Strategy } from '../../src/index.js'
import { arrayLike, notANumber, notAPoint } from './support/bad-values.js'
import { thrownMessage as message, prop } from './support/index.js'

/*
 * The contract of every error: `<strategy>.<method>: <what was wrong> (<the
 * value, described>). <what to do>`, for any bad value of any kind, in every
 * strategy. A reader who passes the wrong thing learns from the message what
 * gradlab expected.
 */

const strategies: Strategy[] = [forward, reverse, numeric]
const strategy = fc.constantFrom(...strategies)
type Any = (m: Ops<unknown>, x: readonly unknown[]) => unknown

describe('Errors that say what to do', () => {
  prop([strategy, notANumber])(
    'derivative(g, x) with x not a number names the value and, for points, suggests gradient',
    (s, bad) => {
      const text = message(() => s.derivative((_m, x) => x, bad.value as number))
      expect(text).toContain(`${s.name}.derivative: x must be a number, got ${bad.phrase}`)
    },
  )

  prop([strategy, arrayLike])(
    'derivative(g, x) with an array x suggests gradient(f, x)',
    (s, bad) => {
      const text = message(() => s.derivative((_m, x) => x, bad.value as number))
      expect(text).toBe(
        `${s.name}.derivative: x must be a number, got ${bad.phrase}. For a function of several inputs, use gradient(f, x).`,
      )
    },
  )

  prop([strategy, notAPoint])(
    'gradient(f, x) with x not an array names the value; a number suggests derivative',
    (s, bad) => {
      const text = message(() => s.gradient((_m, x) => x[0] as never, bad.value as number[]))
      expect(text).toContain(
        `${s.name}.gradient: x must be an array or typed array of numbers, got ${bad.phrase}`,
      )
      if (typeof bad.value === 'number') expect(text).toContain(`use derivative(g, ${bad.value})`)
    },
  )

  prop([strategy, notANumber, fc.nat({ max: 3 })])(
    'an entry of x that is not a number is named by its index',
    (s, bad, i) => {
      const x: unknown[] = [1, 2, 3, 4]
      x[i] = bad.value
      const text = message(() => s.jacobian((_m, xs) => xs as never, x as number[]))
      expect(text).toContain(`${s.name}.jacobian: x[${i}] must be a number, got ${bad.phrase}`)
    },
  )

  prop([strategy, notAPoint.filter((b) => typeof b.value !== 'function')])(
    'a function argument that is not a function is named',
    (s, bad) => {
      expect(message(() => s.gradient(bad.value as never, [1]))).toContain(
        `${s.name}.gradient: f must be a function (m, x) => ..., got ${bad.phrase}`,
      )
      expect(message(() => s.jacobian(bad.value as never, [1]))).toContain(
        `${s.name}.jacobian: F must be a function`,
      )
      expect(message(() => s.derivative(bad.value as never, 1))).toContain(
        `${s.name}.derivative: g must be a function`,
      )
    },
  )

  prop([strategy, notANumber])(
    'a scalar function returning something else is told what it must return',
    (s, bad) => {
      const text = message(() => s.gradient((() => bad.value) as Any as never, [1, 2]))
      expect(text).toContain(`${s.name}.gradient: f returned ${bad.phrase}`)
      if (bad.phrase === 'a Promise') expect(text).toContain('Remove async/await from f.')
      else
        expect(text).toContain(
          'it must return values made by the ops it was given (m) or plain numbers.',
        )
    },
  )

  prop([strategy, arrayLike])(
    'a scalar function returning an array is pointed to jacobian',
    (s, bad) => {
      const text = message(() => s.valueAndGradient((() => bad.value) as Any as never, [1]))
      expect(text).toBe(
        `${s.name}.valueAndGradient: f returned ${bad.phrase}; use jacobian, jvp or vjp for vector-valued functions.`,
      )
    },
  )

  prop([strategy, notANumber, fc.nat({ max: 2 })])(
    'a vector function with a bad output is told which output',
    (s, bad, i) => {
      const outputs: unknown[] = [1, 2, 3]
      outputs[i] = bad.value
      const text = message(() => s.jacobian((() => outputs) as Any as never, [1]))
      expect(text).toContain(`${s.name}.jacobian: F returned, at output ${i}, ${bad.phrase}`)
    },
  )

  prop([strategy, notANumber])(
    'a vector function returning a non-array is told to return an array',
    (s, bad) => {
      const text = message(() => s.jvp((() => bad.value) as Any as never, [1], [1]))
      if (bad.phrase === 'a Promise') expect(text).toContain(`${s.name}.jvp: F returned a Promise`)
      else {
        expect(text).toContain(
          `${s.name}.jvp: F must return an array of outputs, got ${bad.phrase}`,
        )
        expect(text).toContain('For a scalar function, use gradient; or return [value].')
      }
    },
  )

  prop([strategy, fc.nat({ max: 4 }), fc.nat({ max: 4 })])(
    'jvp and vjp name a direction or weighting of the wrong length',
    (s, n, k) => {
      fc.pre(n !== 2 && k !== 3)
      const F = <T>(_m: Ops<T>, x: readonly T[]) => [x[0] as T, x[1] as T, x[0] as T]
      const v = new Array<number>(n).fill(1)
      const u = new Array<number>(k).fill(1)
      expect(message(() => s.jvp(F, [1, 2], v))).toBe(
        `${s.name}.jvp: v has length ${n} but must have length 2 (one entry per input).`,
      )
      expect(message(() => s.vjp(F, [1, 2], u))).toBe(
        `${s.name}.vjp: u has length ${k} but must have length 3 (one entry per output of F).`,
      )
    },
  )

  prop([strategy, notANumber])(
    'an op given a bad argument names the op and the value',
    (s, bad) => {
      const text = message(() =>
        s.gradient((m, x) => m.mul(x[0] as never, bad.value as never), [1]),
      )
      expect(text).toContain(`${s.name}.gradient: mul received ${bad.phrase}`)
    },
  )

  prop([strategy, fc.nat({ max: 4 }), fc.nat({ max: 4 })])(
    'dot of arrays of different lengths names both lengths; sum needs an array',
    (s, a, b) => {
      fc.pre(a !== b)
      const text = message(() =>
        s.gradient((m, x) => m.dot(new Array(a).fill(x[0]), new Array(b).fill(x[0])), [1]),
      )
      expect(text).toBe(
        `${s.name}.gradient: dot received arrays of lengths ${a} and ${b}; they must have the same length.`,
      )
      expect(message(() => s.gradient((m, x) => m.sum(x[0] as never), [1]))).toMatch(
        new RegExp(`^${s.name}.gradient: sum expects an array, got`),
      )
    },
  )

  // Reverse mode evaluates F once per call, so only the other two can see it change.
  prop([fc.constantFrom(forward, numeric), fc.integer({ min: 1, max: 3 })])(
    'a function whose number of outputs depends on x is refused',
    (s, extra) => {
      let calls = 0
      const F = <T>(_m: Ops<T>, x: readonly T[]) =>
        new Array<T>((calls++ % 2) * extra).fill(x[0] as T)
      expect(message(() => s.jacobian(F, [1, 2, 3]))).toContain(`${s.name}.jacobian: F returned`)
      expect(message(() => s.jacobian(F, [1, 2, 3]))).toContain(
        'its output length must not depend on x.',
      )
    },
  )

  prop([fc.constantFrom(forward, reverse)])(
    'a value kept from an earlier call is refused, with the advice to use m.value(...) as a constant',
    (s) => {
      let kept: unknown
      s.gradient(
        (_m, x) => {
          kept = x[0]
          return x[0] as never
        },
        [1],
      )
      const used = message(() => s.gradient((m, x) => m.add(x[0] as never, kept as never), [1]))
      expect(used).toMatch(
        new RegExp(`^${s.name}.gradient: add received a (dual number|variable) `),
      )
      expect(used).toContain('pass m.value(...) to use one as a constant.')
      const returned = message(() => s.gradient(() => kept as never, [1]))
      expect(returned).toContain(
        '(kept from an earlier call); return values computed in this call.',
      )
    },
  )
})

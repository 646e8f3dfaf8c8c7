import { describe, expect, it } from 'vitest'
import {
  forward,
  isGradlabError,
  numeric,
  type Operand,
  type Ops,
  plain,
  reverse,
  type Strategy,
} from '../src/index.js'
import { thrown } from './helpers/errors.js'
import { expectClose, strategies } from './helpers/strategies.js'

/*
 * Every method of within(m) (jacobian, jvp, vjp, valueAndGradient, beside
 * the derivative and gradient that test/nested.test.ts covers), differentiated
 * again by every strategy, in all nine ordered pairs, and their argument
 * checks. The inner function closes over the outer variable x:
 *
 *   F(y; x) = [x y0 y1, sin(x y0)] at y = (x, 2)
 *   J = [[x y1, x y0], [x cos(x y0), 0]] = [[2x, x^2], [x cos(x^2), 0]]
 *
 * and each expected derivative below is worked out by hand from it.
 */

/**
 * Relative tolerance of a pair: exact (forward, reverse) in both places is
 * rounding only; a finite difference anywhere carries its truncation error,
 * about eps^(2/3) relative for central differences (docs/strategies.md), and
 * a difference of differences about eps^(1/3) relative (its step is eps^(1/3),
 * and it differentiates values already that far off).
 */
function tolerance(outer: Strategy, inner: Strategy): number {
  const differences = [outer, inner].filter((s) => s === numeric).length
  return [1e-12, 1e-7, 1e-4][differences] as number
}

const F =
  <T>(x: T) =>
  <U>(mi: Ops<U, T>, [y0, y1]: readonly U[]): U[] => [
    mi.mul(mi.mul(x, y0 as U), y1 as U),
    mi.sin(mi.mul(x, y0 as U)),
  ]

const sum = <T>(m: Ops<T>, xs: readonly Operand<T>[]): T =>
  xs.reduce<T>((s, v) => m.add(s, v), m.constant(0))

const at = 0.7
const x2 = at * at

for (const outer of strategies) {
  for (const inner of strategies) {
    const tol = tolerance(outer, inner)
    describe(`${outer.name} over ${inner.name}.within(m)`, () => {
      it('jacobian: d/dx of the sum of J = 2 + 2x + cos(x^2) - 2x^2 sin(x^2)', () => {
        const d = outer.derivative(
          (m, x) => sum(m, inner.within(m).jacobian(F(x), [x, 2]).flat()),
          at,
        )
        expectClose(d, 2 + 2 * at + Math.cos(x2) - 2 * x2 * Math.sin(x2), tol)
      })

      it('jvp along (1, x): d/dx of the sum of J v = 2 + 3x^2 + cos(x^2) - 2x^2 sin(x^2); of F, 4x + 2x cos(x^2)', () => {
        const tangent = outer.derivative((m, x) => {
          const r = inner.within(m).jvp(F(x), [x, 2], [1, x])
          return sum(m, r.tangent)
        }, at)
        expectClose(tangent, 2 + 3 * x2 + Math.cos(x2) - 2 * x2 * Math.sin(x2), tol)
        const value = outer.derivative(
          (m, x) => sum(m, inner.within(m).jvp(F(x), [x, 2], [1, x]).value),
          at,
        )
        expectClose(value, 4 * at + 2 * at * Math.cos(x2), tol)
      })

      it('vjp with u = (x, 1): d/dx of the sum of u^T J = 4x + cos(x^2) - 2x^2 sin(x^2) + 3x^2', () => {
        const d = outer.derivative((m, x) => {
          const r = inner.within(m).vjp(F(x), [x, 2], [x, 1])
          return sum(m, r.cotangent)
        }, at)
        expectClose(d, 4 * at + Math.cos(x2) - 2 * x2 * Math.sin(x2) + 3 * x2, tol)
      })

      it('valueAndGradient of g(y) = x y0^2 at y0 = x: d/dx of value + gradient = d/dx (x^3 + 2x^2) = 3x^2 + 4x', () => {
        const d = outer.derivative((m, x) => {
          const r = inner
            .within(m)
            .valueAndGradient((mi, [y0]) => mi.mul(x, mi.square(y0 as never)), [x])
          return m.add(r.value, r.gradient[0] as Operand<typeof x>)
        }, at)
        expectClose(d, 3 * x2 + 4 * at, tol)
      })
    })
  }
}

describe('within(m) checks its arguments as the top-level methods do', () => {
  for (const inner of strategies) {
    const label = `${inner.name}.within(m)`
    it(`${label}.jvp: v of the wrong length`, () => {
      const error = thrown(() =>
        forward.derivative((m, x) => sum(m, inner.within(m).jvp(F(x), [x, 2], [1]).tangent), at),
      )
      expect(isGradlabError(error, 'ERR_GRADLAB_LENGTH_MISMATCH')).toBe(true)
      expect((error as Error).message).toMatch(/v has length 1 but must have length 2/)
    })

    it(`${label}.vjp: u of the wrong length`, () => {
      const error = thrown(() =>
        forward.derivative(
          (m, x) => sum(m, inner.within(m).vjp(F(x), [x, 2], [1, 2, 3]).cotangent),
          at,
        ),
      )
      expect(isGradlabError(error, 'ERR_GRADLAB_LENGTH_MISMATCH')).toBe(true)
      expect((error as Error).message).toMatch(/u has length 3 but must have length 2/)
    })

    it(`${label}.jacobian: F must return an array`, () => {
      const error = thrown(() =>
        forward.derivative(
          (m, x) =>
            sum(
              m,
              inner
                .within(m)
                .jacobian((mi, [y]) => mi.mul(x, y as never) as never, [x])
                .flat(),
            ),
          at,
        ),
      )
      expect(isGradlabError(error, 'ERR_GRADLAB_INVALID_RESULT')).toBe(true)
      expect((error as Error).message).toMatch(/F must return an array of outputs/)
    })

    it(`${label}.gradient: x must be an array`, () => {
      const error = thrown(() =>
        forward.derivative(
          (m, x) =>
            sum(
              m,
              inner.within(m).gradient((_mi, y) => y[0] as never, x as never),
            ),
          at,
        ),
      )
      expect(isGradlabError(error, 'ERR_GRADLAB_INVALID_POINT')).toBe(true)
      expect((error as Error).message).toMatch(
        /x must be an array of numbers or values of the enclosing derivative's ops/,
      )
    })

    it(`${label}.gradient: f must return one value, not an array`, () => {
      const error = thrown(() =>
        forward.derivative(
          (m, x) =>
            sum(
              m,
              inner.within(m).gradient((_mi, y) => y as never, [x, x]),
            ),
          at,
        ),
      )
      expect(isGradlabError(error, 'ERR_GRADLAB_INVALID_RESULT')).toBe(true)
      expect((error as Error).message).toMatch(/f returned an array of length 2/)
    })
  }
})

describe('within(m) at the edges: outputs that are inputs or constants, reads of values, deeper nesting', () => {
  for (const inner of strategies) {
    const exact = inner !== numeric
    const close = (actual: number, expected: number) =>
      expectClose(actual, expected, exact ? 0 : 1e-7)

    it(`${inner.name}.within(m): a function that returns an input, or a constant, has gradient e_0, or 0`, () => {
      const [g0, g1] = forward.gradient(
        (m, [x]) => {
          const w = inner.within(m)
          const input = w.gradient((_mi, y) => y[0] as never, [x as never, 2])
          const constant = w.gradient((mi) => mi.constant(3), [x as never, 2])
          return m.add(
            m.add(input[0] as never, m.mul(2, input[1] as never)),
            m.add(constant[0] as never, constant[1] as never),
          )
        },
        [0.3],
      ) as unknown as number[]
      close(g0 as number, 0)
      expect(g1).toBeUndefined()
      const r = reverse.gradient(
        (m, [x]) => {
          const w = inner.within(m)
          // jvp and vjp of F(y) = [y0, 7]: J = [[1, 0], [0, 0]].
          const F = <U>(_mi: Ops<U, typeof x>, y: readonly U[]) => [y[0] as U, 7 as unknown as U]
          const jvp = w.jvp(F, [x as never, 2], [3, 5])
          const vjp = w.vjp(F, [x as never, 2], [4, 6])
          const j = w.jacobian(F, [x as never, 2])
          return m.add(
            m.add(m.mul(x, jvp.tangent[0] as never), jvp.tangent[1] as never),
            m.add(
              m.mul(x, m.add(vjp.cotangent[0] as never, vjp.cotangent[1] as never)),
              m.mul(x, m.add(j[0]?.[0] as never, j[1]?.[1] as never)),
            ),
          )
        },
        [0.3],
      )
      // d/dx [x * 3 + 0 + x * (4 + 0) + x * (1 + 0)] = 8
      close(r[0] as number, 8)
    })

    it(`${inner.name}.within(m): m.value and comparisons read an inner value as a number`, () => {
      const seen: number[] = []
      const d = reverse.derivative((m, x) => {
        return inner.within(m).derivative((mi, y) => {
          seen.push(mi.value(y), mi.value(x), mi.value(2))
          return mi.lt(y, 1) ? mi.mul(x, mi.square(y)) : y
        }, x)
      }, 0.5)
      // d/dx of [d/dy x y^2 at y = x] = d/dx 2x^2 = 4x.
      close(d, 2)
      // Finite differences first read y at a point a step away from x.
      expectClose(seen[0] as number, 0.5, exact ? 0 : 1e-4)
      expect(seen.slice(1, 3)).toEqual([0.5, 2])
    })

    it(`${inner.name}.within(m) inside ${inner.name}.within(m): the third derivative of x^4 is 24x`, () => {
      const d = forward.derivative(
        (m, x) =>
          inner
            .within(m)
            .derivative((mi, y) => inner.within(mi).derivative((mj, z) => mj.pow(z, 4), y), x),
        0.5,
      )
      expectClose(d, 12, exact ? 1e-12 : 1e-3)
    })

    it(`${inner.name}.within(m): operands and points that are not values are refused, naming the call`, () => {
      const label = `${inner.name}.within(m).gradient`
      const bad = (call: (m: Ops<unknown>, x: unknown) => unknown) =>
        thrown(() => forward.derivative((m, x) => call(m as Ops<unknown>, x) as never, 1))
      const operand = bad((m, x) =>
        inner.within(m).gradient((mi, y) => mi.add(y[0] as never, 'a' as never), [x]),
      )
      expect(operand.code).toBe('ERR_GRADLAB_INVALID_OPERAND')
      // Finite differences evaluate f with the enclosing ops themselves, which name their own call.
      const opsLabel = inner === numeric ? 'forward.derivative' : label
      expect(
        operand.message.startsWith(
          `${opsLabel}: add received a string ("a"); expected a value made by these ops`,
        ),
      ).toBe(true)
      const point = bad((m) => inner.within(m).gradient((_mi, y) => y[0] as never, 5 as never))
      expect(point.code).toBe('ERR_GRADLAB_INVALID_POINT')
      expect(point.message).toMatch(
        /got the number 5\. For a function of one number, use derivative\.$/,
      )
      const entry = bad((m) => inner.within(m).gradient((_mi, y) => y[0] as never, [{}] as never))
      expect(entry.code).toBe('ERR_GRADLAB_INVALID_POINT')
      expect(entry.message).toMatch(
        /x\[0\] must be a number or a value of the enclosing derivative's ops/,
      )
      const view = bad((m) =>
        inner
          .within(m)
          .gradient((_mi, y) => y[0] as never, new DataView(new ArrayBuffer(8)) as never),
      )
      expect(view.code).toBe('ERR_GRADLAB_INVALID_POINT')
      const notFn = bad((m) => inner.within(m).gradient(3 as never, [1]))
      expect(notFn.message.startsWith(`${label}: f must be a function`)).toBe(true)
    })
  }
})

describe('within(m) errors name the method and the argument', () => {
  const fn = <T>(mi: Ops<T>, y: readonly T[]) => mi.sin(y[0] as T)
  const vec = <T>(mi: Ops<T>, y: readonly T[]) => [mi.sin(y[0] as T), y[1] as T]
  for (const inner of strategies) {
    const w = `${inner.name}.within(m)`
    const cases: [string, (m: Ops<unknown>, x: unknown) => unknown, string][] = [
      [
        'derivative',
        (m) => inner.within(m).derivative(1 as never, 1),
        `${w}.derivative: g must be a function`,
      ],
      [
        'derivative',
        (m) => inner.within(m).derivative((mi, y) => mi.sin(y), 'a' as never),
        `${w}.derivative: x must be a number or a value of the enclosing derivative's ops`,
      ],
      [
        'derivative',
        (m) => inner.within(m).derivative((_mi, y) => [y] as never, 1),
        `${w}.derivative: g returned`,
      ],
      [
        'gradient',
        (m) => inner.within(m).gradient(1 as never, [1]),
        `${w}.gradient: f must be a function`,
      ],
      [
        'valueAndGradient',
        (m) => inner.within(m).valueAndGradient(fn, 'a' as never),
        `${w}.valueAndGradient: x must be an array`,
      ],
      [
        'jacobian',
        (m) => inner.within(m).jacobian(1 as never, [1]),
        `${w}.jacobian: F must be a function`,
      ],
      [
        'jacobian',
        (m) => inner.within(m).jacobian(vec, 'a' as never),
        `${w}.jacobian: x must be an array`,
      ],
      [
        'jvp',
        (m) => inner.within(m).jvp(1 as never, [1, 2], [1, 1]),
        `${w}.jvp: F must be a function`,
      ],
      [
        'jvp',
        (m) => inner.within(m).jvp(vec, 'a' as never, [1, 1]),
        `${w}.jvp: x must be an array`,
      ],
      [
        'jvp',
        (m) => inner.within(m).jvp(vec, [1, 2], 'a' as never),
        `${w}.jvp: v must be an array`,
      ],
      [
        'jvp',
        (m) => inner.within(m).jvp(vec, [1, 2], [1]),
        `${w}.jvp: v has length 1 but must have length 2 (one entry per input)`,
      ],
      [
        'vjp',
        (m) => inner.within(m).vjp(1 as never, [1, 2], [1, 1]),
        `${w}.vjp: F must be a function`,
      ],
      [
        'vjp',
        (m) => inner.within(m).vjp(vec, 'a' as never, [1, 1]),
        `${w}.vjp: x must be an array`,
      ],
      [
        'vjp',
        (m) => inner.within(m).vjp(vec, [1, 2], 'a' as never),
        `${w}.vjp: u must be an array`,
      ],
      [
        'vjp',
        (m) => inner.within(m).vjp(vec, [1, 2], [1]),
        `${w}.vjp: u has length 1 but must have length 2 (one entry per output of F)`,
      ],
    ]
    for (const [method, call, start] of cases) {
      it(`${w}.${method}: ${start.slice(w.length + method.length + 3)}`, () => {
        const error = thrown(() =>
          forward.derivative((m, x) => call(m as Ops<unknown>, x) as never, 1),
        )
        expect(isGradlabError(error)).toBe(true)
        expect(error.message.startsWith(start), error.message).toBe(true)
      })
    }
  }

  it("numeric.within(m) takes steps relative to the point's scale, not below eps^(1/3) absolute", () => {
    // At x = 0.001 a step relative to |x| alone (about 6e-9) would leave rounding errors near 1e-8.
    const d = numeric.within(plain).derivative((mi, y) => mi.exp(y), 0.001) as number
    expectClose(d, Math.exp(0.001), 1e-9)
    const t = numeric.within(plain).jvp((mi, y) => [mi.exp(y[0] as number)], [0.001], [1000])
    expectClose(t.tangent[0] as number, 1000 * Math.exp(0.001), 1e-9)
  })
})

describe('within(m) refuses what is not a value of its level', () => {
  for (const inner of strategies) {
    const w = `${inner.name}.within(m)`
    it(`${w}: an inner value used as a number, an object as an operand, a Promise as a result`, () => {
      const asNumber = thrown(() =>
        forward.derivative(
          (m, x) => inner.within(m).derivative((mi, y) => mi.mul(y, +(y as unknown as number)), x),
          1,
        ),
      )
      expect(asNumber.code).toBe('ERR_GRADLAB_VALUE_AS_NUMBER')
      const object = thrown(() =>
        forward.derivative(
          (m, x) => inner.within(m).derivative((mi, y) => mi.add(y, {} as never), x),
          1,
        ),
      )
      expect(object.code).toBe(
        inner === numeric ? 'ERR_GRADLAB_INVALID_OPERAND' : 'ERR_GRADLAB_FOREIGN_VALUE',
      )
      const promise = thrown(() =>
        forward.derivative(
          (m, x) => inner.within(m).derivative((_mi, y) => Promise.resolve(y) as never, x),
          1,
        ),
      )
      expect(promise.code).toBe('ERR_GRADLAB_ASYNC_FUNCTION')
      const vector = thrown(() =>
        forward.derivative(
          (m, x) =>
            inner.within(m).jacobian((_mi, y) => Promise.resolve(y) as never, [x])[0]?.[0] as never,
          1,
        ),
      )
      expect(vector.code).toBe('ERR_GRADLAB_ASYNC_FUNCTION')
    })
  }

  // Finite differences evaluate f with the enclosing ops, so their f has no values of its own depth.
  for (const inner of [forward, reverse]) {
    it(`${inner.name}.within(m): a value of this depth given as a point to another derivative at this depth`, () => {
      const error = thrown(() =>
        forward.derivative((m, x) => {
          const w1 = inner.within(m)
          return w1.derivative((_mi, y) => {
            w1.gradient((mj, z) => mj.sum(z as never), [y as never])
            return y
          }, x)
        }, 1),
      )
      expect(error.code).toBe('ERR_GRADLAB_FOREIGN_VALUE')
      expect(error.message).toMatch(
        /x\[0\] is a value of a derivative taken at this depth or inside it/,
      )
    })
  }

  for (const inner of [forward, numeric]) {
    it(`${inner.name}.within(m).jacobian: F whose number of outputs changes between evaluations`, () => {
      let calls = 0
      const error = thrown(() =>
        reverse.derivative(
          (m, x) =>
            inner
              .within(m)
              .jacobian(
                (mi, y) =>
                  calls++ === 0 ? [y[0] as never] : [y[0] as never, mi.sin(y[1] as never)],
                [x, x],
              )[0]?.[0] as never,
          1,
        ),
      )
      expect(error.code).toBe('ERR_GRADLAB_OUTPUT_LENGTH_CHANGED')
      expect(error.message).toMatch(/F returned \d outputs on one evaluation and \d on another/)
    })
  }

  it('within refuses an m that is not an ops object', () => {
    for (const s of strategies) {
      const error = thrown(() => s.within(null as never))
      expect(error.code).toBe('ERR_GRADLAB_INVALID_OPERAND')
      expect(error.message).toBe(
        `${s.name}.within: m must be the ops object an enclosing derivative handed to its function (or plain), got null.`,
      )
    }
  })
})

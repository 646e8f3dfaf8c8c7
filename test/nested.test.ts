import { describe, expect, it } from 'vitest'
import {
  countingOps,
  defineBinary,
  defineBlock,
  defineUnary,
  forward,
  isGradlabError,
  numeric,
  type Operand,
  type Ops,
  plain,
  reverse,
} from '../src/index.js'
import { thrown } from './helpers/errors.js'
import { expectClose, strategies } from './helpers/strategies.js'

/*
 * Derivatives taken inside derivatives (`within(m)`), and the second-order
 * methods built on them. The classic ways nesting goes wrong are each a
 * test: perturbation confusion (Siskind and Pearlmutter), a nested derivative
 * that closes over the outer variable, the Lagrangian of ForwardDiff.jl
 * issue 238, and values that leak from one derivative into another. Expected
 * values are worked out by hand in the comments.
 */

describe('values that cross from one derivative into another', () => {
  it('a value kept from one inner call and used in the next is refused (ForwardDiff.jl issue 443)', () => {
    // f(y) = (x = x * y) assigns an inner value to the outer variable; the second inner call gets it.
    const call = () =>
      forward.derivative((m, x0) => {
        let x: unknown = x0
        const f = <U>(mi: Ops<U, typeof x0>, y: U) => {
          x = mi.mul(x as U, y)
          return x as U
        }
        forward.within(m).derivative(f, 1)
        return forward.within(m).derivative(f, 1)
      }, 1)
    expect(call).toThrow(/another derivative taken at the same depth/)
    expect(isGradlabError(thrown(call), 'ERR_GRADLAB_FOREIGN_VALUE')).toBe(true)
  })

  for (const inner of [forward, reverse]) {
    it(`${inner.name}: an inner value returned through a closure, not as the result, is refused by the outer ops`, () => {
      const call = () =>
        reverse.derivative((m, x) => {
          let kept: unknown = 0
          inner.within(m).derivative((mi, y) => {
            kept = mi.mul(y, y)
            return kept as typeof y
          }, x)
          return m.add(x, kept as typeof x)
        }, 1)
      expect(call).toThrow(TypeError)
    })

    it(`${inner.name}: a value of a derivative taken inside is refused by the inner ops after it returned`, () => {
      const call = () =>
        forward.derivative((m, x) => {
          let kept: unknown = 0
          return inner.within(m).derivative((mi, y) => {
            forward.within(mi).derivative((mj, z) => {
              kept = mj.mul(z, y)
              return kept as typeof z
            }, 2)
            return mi.mul(y, kept as typeof y)
          }, x)
        }, 1)
      expect(call).toThrow(/a derivative taken inside this one/)
    })
  }

  it('a value kept from one pass of an inner gradient and used in its next pass is refused', () => {
    // forward.within(m).gradient makes a pass per direction; the first pass's y0 is stale in the second.
    let passes = 0
    const call = () =>
      forward.derivative((m, x) => {
        let kept: unknown
        const g = forward.within(m).gradient(
          (mi, ys) => {
            passes++
            kept ??= ys[0]
            return mi.mul(ys[1] as never, kept as never)
          },
          [x, x, x],
        )
        return g[0] as typeof x
      }, 2)
    expect(call).toThrow(
      /^forward\.within\(m\)\.gradient: mul received a value of another derivative taken at the same depth/,
    )
    expect(passes).toBeGreaterThan(1)
  })

  for (const middle of strategies) {
    it(`${middle.name}: a value two levels up is a constant of the innermost derivative`, () => {
      // d/dx [ d/dy ( y * d/dz (y z) ) at y = x ] = d/dx [ d/dy y^2 at y = x ] = d/dx 2x = 2
      const d = forward.derivative(
        (m, x) =>
          middle.within(m).derivative(
            (mi, y) =>
              mi.mul(
                y,
                forward.within(mi).derivative((mj, z) => mj.mul(y as never, z), 3),
              ),
            x,
          ),
        5,
      )
      expectClose(d, 2, middle === numeric ? 1e-6 : 0)
    })
  }

  it('a nested value prints as its kind and depth, and refuses to be a number', () => {
    const printed: string[] = []
    for (const inner of [reverse, forward]) {
      forward.derivative(
        (m, x) =>
          inner.within(m).derivative((_mi, y) => {
            printed.push(String(y))
            expect(() => (y as never as number) * 2).toThrow(/was used as a plain number/)
            return y
          }, x),
        1,
      )
    }
    expect(printed).toEqual(['NestedVar(level 2)', 'NestedDual(level 2)'])
  })

  for (const inner of [forward, reverse]) {
    it(`${inner.name}: an inner function's result that is not a value is named: g, f, or F's output i, and what it returned`, () => {
      const label = `${inner.name}.within(m)`
      const tail =
        'returned a string ("a"); expected a value made by these ops, a value of the enclosing derivative\'s ops (the m given to within), or a plain number.'
      // biome-ignore lint/suspicious/noExplicitAny: the inner functions return what the types forbid
      const w = (run: (within: any) => unknown) => () =>
        forward.derivative((m, x) => {
          run(inner.within(m))
          return x
        }, 2)
      expect(thrown(w((within) => within.derivative(() => 'a' as never, 1)))).toMatchObject({
        message: `${label}.derivative: g ${tail}`,
        code: 'ERR_GRADLAB_INVALID_OPERAND',
      })
      expect(thrown(w((within) => within.gradient(() => 'a' as never, [1])))).toMatchObject({
        message: `${label}.gradient: f ${tail}`,
      })
      expect(
        thrown(
          w((within) =>
            within.jacobian((_mi: unknown, ys: unknown[]) => [ys[0], 'a'] as never, [1]),
          ),
        ),
      ).toMatchObject({ message: `${label}.jacobian: F's output 1 ${tail}` })
    })

    it(`${inner.name}: with no inputs, an inner derivative still gives f's value, and no entries`, () => {
      // valueAndGradient of x^2 (x is the outer variable, a constant inside) at no inputs: d/dx x^2 = 6 at 3.
      const d = forward.derivative((m, x) => {
        const r = inner.within(m).valueAndGradient(() => m.mul(x, x) as never, [])
        expect(r.gradient).toEqual([])
        return r.value as typeof x
      }, 3)
      expect(d).toBe(6)
      // A Jacobian of two outputs and no inputs has two empty rows.
      forward.derivative((m, x) => {
        expect(inner.within(m).jacobian(() => [x, x] as never, [])).toEqual([[], []])
        return x
      }, 3)
    })
  }

  for (const inner of [forward, reverse]) {
    it(`${inner.name}: the inner ops name the op that got something that is not a value`, () => {
      const at = (g: (mi: Ops<unknown>, y: unknown) => unknown) => () =>
        forward.derivative((m, x) => inner.within(m).derivative(g as never, x), 2)
      const label = `${inner.name}.within(m).derivative`
      const cases: [string, (mi: Ops<unknown>, y: unknown) => unknown][] = [
        ['sum received a string ("a")', (mi, y) => mi.sum([y, 'a'])],
        ['dot received null', (mi, y) => mi.dot([y], [null])],
        ['value received a string ("q")', (mi, y) => mi.add(y, mi.value('q'))],
      ]
      for (const [what, g] of cases) {
        const error = thrown(at(g))
        expect(error).toBeInstanceOf(TypeError)
        expect((error as Error).message).toBe(
          `${label}: ${what}; expected a value made by these ops, a value of the enclosing derivative's ops (the m given to within), or a plain number.`,
        )
        expect(isGradlabError(error, 'ERR_GRADLAB_INVALID_OPERAND')).toBe(true)
      }
      // m.constant takes a plain number; an enclosing value is used as it is.
      const outer = () =>
        forward.derivative(
          (m, x) => inner.within(m).derivative((mi, y) => mi.add(y, mi.constant(x as never)), x),
          2,
        )
      expect(thrown(outer)).toMatchObject({
        message: `${label}: constant received a Dual; it takes a plain number. A value of the enclosing derivative's ops is a constant here already: pass it to the ops as it is.`,
        code: 'ERR_GRADLAB_INVALID_OPERAND',
      })
      // d/dx [ d/dy (y^2 x) at y = x ] = d/dx 2x^2 = 4x = 8 at 2.
      const used = (m: Ops<unknown>, x: unknown) =>
        inner.within(m).derivative((mi, y) => mi.mul(mi.mul(y, y), x as never), x as never)
      expect(forward.derivative(used as never, 2)).toBe(8)
    })
  }

  it('without within, a top-level method refuses the enclosing values it is given', () => {
    const call = () =>
      forward.derivative(
        (m, x) =>
          m.mul(
            x,
            forward.derivative((mi, y) => mi.mul(x as never, y), 3),
          ),
        5,
      )
    expect(isGradlabError(thrown(call), 'ERR_GRADLAB_FOREIGN_VALUE')).toBe(true)
  })

  it('within takes only an ops object', () => {
    for (const bad of [null, 3, {}, { add: () => 0 }]) {
      expect(() => reverse.within(bad as never)).toThrow(
        /reverse.within: m must be the ops object an enclosing derivative handed to its function/,
      )
    }
  })
})

describe('rules that stay right when differentiated again', () => {
  it('d^2/da^2 a^2 at a = 0 is 2: a partial whose value is 0 is not dropped', () => {
    for (const s of [forward, reverse])
      expect(s.hessian((m, [a]) => m.square(a), [0])).toEqual([Float64Array.of(2)])
  })

  it('d^2 (a^b) / da db at (2, 0) is 1/2 = 1/a, though d(a^b)/da is masked to 0 at b = 0 at first order', () => {
    for (const s of [forward, reverse]) {
      const [row0, row1] = s.hessian((m, [a, b]) => m.pow(a, b), [2, 0])
      expect(row0?.[1]).toBe(0.5)
      expect(row1?.[0]).toBe(0.5)
    }
    // The first-order convention holds: d/da a^0 = 0 at a = 0 as at a = 2.
    expect(reverse.gradient((m, [a]) => m.pow(a, 0), [0])).toEqual(Float64Array.of(0))
  })

  it('custom unary and binary ops are differentiated again through their partials', () => {
    // cube(a) = a^3 with partial 3a^2; its second derivative is 6a.
    const cube = defineUnary('cube', {
      value: (a) => a ** 3,
      partial: (m, a) => m.mul(3, m.square(a)),
    })
    // times(a, b) = a b; d^2/da db = 1.
    const times = defineBinary('times', {
      value: (a, b) => a * b,
      partialA: (_m, _a, b) => b,
      partialB: (_m, a) => a,
    })
    for (const s of [forward, reverse]) {
      expect(s.hessian((m, [a]) => cube(m, a), [2])).toEqual([Float64Array.of(12)])
      expect(s.hessian((m, [a, b]) => times(m, a, b), [2, 5])).toEqual([
        Float64Array.of(0, 1),
        Float64Array.of(1, 0),
      ])
    }
  })

  it('a block, whose rules compute on numbers, is refused inside a nested derivative', () => {
    const norm = defineBlock('norm', {
      value: (xs) => Math.hypot(...xs),
      vjp: (xs, out, g) => xs.map((x) => (g * x) / out),
    })
    for (const s of [forward, reverse]) {
      const call = () => s.hessian((m, x) => norm(m, x), [3, 4])
      expect(isGradlabError(thrown(call), 'ERR_GRADLAB_NOT_NESTABLE')).toBe(true)
      expect(call).toThrow(/the block norm cannot be differentiated inside another derivative/)
    }
  })
})

describe("reverse.within's passes do only the enclosing ops they need", () => {
  // Counted on plain numbers with countingOps. The inner tape has nodes a, b, a b (partials b
  // and a) and then a b + a or a + b (partials 1 and 1). Recording computes each value with one
  // enclosing op; a partial of 1 multiplies nothing, an adjoint or tangent that is structurally
  // 0 is skipped, and a first contribution is kept as it is, not added to 0.
  const counted = (run: (m: Ops<number>) => unknown) => {
    const counter = { ops: 0 }
    const result = run(countingOps(plain, counter))
    return { result, ops: counter.ops }
  }
  const pair = <T>(mi: Ops<T>, [a, b]: readonly T[]) => [
    mi.mul(a as T, b as T),
    mi.add(a as T, b as T),
  ]
  it('gradient: two ops to record, then b * 1, a * 1 and 1 + b for a b + a', () => {
    expect(
      counted((m) => reverse.within(m).gradient((mi, [a, b]) => mi.add(mi.mul(a, b), a), [2, 3])),
    ).toEqual({ result: [4, 2], ops: 2 + 3 })
  })
  it('vjp along (1, 0): the sum output is skipped; b * 1 and a * 1 for the product', () => {
    expect(counted((m) => reverse.within(m).vjp(pair, [2, 3], [1, 0]))).toEqual({
      result: { value: [6, 5], cotangent: [3, 2] },
      ops: 2 + 2,
    })
  })
  it('jvp along (1, 0): the tangent of b is skipped; b * 1 for the product, nothing for the sum', () => {
    expect(counted((m) => reverse.within(m).jvp(pair, [2, 3], [1, 0]))).toEqual({
      result: { value: [6, 5], tangent: [3, 1] },
      ops: 2 + 1,
    })
  })
})

describe('hessian, hvp and valueGradientAndHessian', () => {
  // f(a, b, c) = a^2 b + sin(b) e^c, with Hessian
  //   [[2b, 2a, 0], [2a, -sin(b) e^c, cos(b) e^c], [0, cos(b) e^c, sin(b) e^c]].
  const f = <T>(m: Ops<T>, [a, b, c]: readonly T[]) =>
    m.add(m.mul(m.square(a as T), b as T), m.mul(m.sin(b as T), m.exp(c as T)))
  const [a, b, c] = [0.7, 1.3, -0.4]
  const expected = [
    [2 * b, 2 * a, 0],
    [2 * a, -Math.sin(b) * Math.exp(c), Math.cos(b) * Math.exp(c)],
    [0, Math.cos(b) * Math.exp(c), Math.sin(b) * Math.exp(c)],
  ]

  it('the exact strategies give the Hessian to a few ulps, and agree with each other', () => {
    for (const s of [forward, reverse]) {
      expectMatrix(s.hessian(f, [a, b, c]), expected, 4 * Number.EPSILON)
    }
    expect(forward.hessian(f, [a, b, c], { chunkSize: 1 })).toEqual(forward.hessian(f, [a, b, c]))
  })

  it('second differences give it to about 1e-8, at 2n^2 + 1 evaluations', () => {
    let calls = 0
    const h = numeric.hessian(
      (m, x) => {
        calls++
        return f(m, x)
      },
      [a, b, c],
    )
    expectMatrix(h, expected, 3e-8)
    expect(calls).toBe(2 * 3 * 3 + 1)
  })

  it('hvp is H v, without forming H', () => {
    const v = [1, -2, 0.5]
    const hv = expected.map((row) => row.reduce((t, hij, j) => t + hij * (v[j] as number), 0))
    for (const s of [forward, reverse]) {
      expectMatrix([s.hvp(f, [a, b, c], v)], [hv], 8 * Number.EPSILON)
    }
    expectMatrix([numeric.hvp(f, [a, b, c], v)], [hv], 1e-7)
  })

  it('valueGradientAndHessian gives f(x) and the gradient of one pass with the Hessian', () => {
    for (const s of strategies) {
      const r = s.valueGradientAndHessian(f, [a, b, c])
      expect(r.value).toBe(f(plain, [a, b, c]))
      const g = reverse.gradient(f, [a, b, c])
      expectMatrix([r.gradient], [Array.from(g)], s.name === 'numeric' ? 1e-9 : 0)
      expect(r.hessian.length).toBe(3)
    }
  })

  it('check their arguments as the first-order methods do', () => {
    for (const s of strategies) {
      expect(() => s.hvp(f, [1, 2, 3], [1])).toThrow(
        new RegExp(`${s.name}.hvp: v has length 1 but must have length 3`),
      )
      expect(() => s.hessian(null as never, [1])).toThrow(
        new RegExp(`${s.name}.hessian: f must be a function`),
      )
      expect(() => s.hessian(f, 'x' as never)).toThrow(TypeError)
    }
    expect(() => (reverse.hessian as (...args: unknown[]) => unknown)(f, [1, 2, 3], {})).toThrow(
      /reverse.hessian/,
    )
    expect(() => numeric.hessian(f, [1, 2, 3], { scheme: 'richardson' })).toThrow(
      /numeric.hessian: second differences are central only/,
    )
  })

  it('work at n = 0 and on constants', () => {
    for (const s of strategies) {
      expect(s.hessian(() => 3, [])).toEqual([])
      expect(s.hessian((m) => m.constant(2), [1])).toEqual([Float64Array.of(0)])
    }
  })
})

describe('higher derivatives by nesting forward mode', () => {
  it('the k-th derivative of exp(2x) at 0 is 2^k, to k = 4', () => {
    // Each level differentiates the level inside it once.
    const nth = (k: number): (<T>(m: Ops<T>, x: T) => Operand<T>) =>
      k === 0
        ? (m, x) => m.exp(m.mul(2, x))
        : (m, x) => forward.within(m).derivative((mi, y) => nth(k - 1)(mi, y), x)
    for (let k = 1; k <= 4; k++) expect(forward.derivative(nth(k - 1), 0)).toBe(2 ** k)
  })
})

describe('a nested derivative inside a compiled gradient', () => {
  it('records the inner derivative as ops of the program, and replays it at new points', () => {
    // g(x) = d/dy [sin(x y)] at y = 1 = x cos(x); its gradient cos(x) - x sin(x).
    const g = <T>(m: Ops<T>, [x]: readonly T[]) =>
      forward.within(m).derivative((mi, y) => mi.sin(mi.mul(x as T, y)), 1)
    const compiled = reverse.compile(g, [0.5])
    for (const x of [0.5, 1.5, -2]) {
      expectClose(
        compiled.gradient([x])[0] as number,
        Math.cos(x) - x * Math.sin(x),
        4 * Number.EPSILON,
      )
    }
  })
})

function expectMatrix(
  actual: readonly ArrayLike<number>[],
  expected: readonly (readonly number[])[],
  relative: number,
): void {
  expect(actual.length).toBe(expected.length)
  for (const [i, row] of actual.entries()) {
    for (let j = 0; j < row.length; j++) {
      expectClose(row[j] as number, expected[i]?.[j] as number, relative)
    }
  }
}

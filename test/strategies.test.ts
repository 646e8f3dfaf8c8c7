import { describe, expect, it } from 'vitest'
import { forward, numeric, type Ops, reverse, type VectorFn } from '../src/index.js'
import { expectClose, strategies, tolerance } from './helpers/strategies.js'

/*
 * The contract every strategy keeps: the same methods, the same shapes, and
 * results that fit together (jvp and vjp are J v and u^T J of the same J).
 */

/** F: R^3 -> R^2, F(x) = [x0 x1 sin x2, x0^2 + exp(x1 x2)], with its Jacobian by hand. */
const F = <T>(m: Ops<T>, [x0, x1, x2]: readonly T[]) => [
  m.mul(m.mul(x0, x1), m.sin(x2)),
  m.add(m.square(x0), m.exp(m.mul(x1, x2))),
]
const x = [0.7, -1.1, 0.4]
const J = [
  [-1.1 * Math.sin(0.4), 0.7 * Math.sin(0.4), 0.7 * -1.1 * Math.cos(0.4)],
  [2 * 0.7, 0.4 * Math.exp(-1.1 * 0.4), -1.1 * Math.exp(-1.1 * 0.4)],
]
const v = [0.3, -2, 1.5]
const u = [-0.5, 2]

describe('jacobian, jvp and vjp describe the same Jacobian', () => {
  for (const s of strategies) {
    const tol = tolerance[s.name]
    it(`${s.name}: jacobian returns m rows of length n equal to the hand-derived J`, () => {
      const rows = s.jacobian(F, x)
      expect(rows.map((r) => r.length)).toEqual([3, 3])
      rows.forEach((row, i) => {
        row.forEach((entry, j) => {
          expectClose(entry, J[i]?.[j] as number, tol, `J[${i}][${j}]`)
        })
      })
    })

    it(`${s.name}: jvp gives F(x) and J v`, () => {
      const { value, tangent } = s.jvp(F, x, v)
      expectClose(value[0] as number, 0.7 * -1.1 * Math.sin(0.4), 1e-15, 'F0')
      J.forEach((row, i) => {
        const expected = row.reduce((acc, jij, j) => acc + jij * (v[j] as number), 0)
        expectClose(tangent[i] as number, expected, tol, `(J v)[${i}]`)
      })
    })

    it(`${s.name}: vjp gives F(x) and u^T J`, () => {
      const { value, cotangent } = s.vjp(F, x, u)
      expect(value).toHaveLength(2)
      expect(cotangent).toHaveLength(3)
      for (let j = 0; j < 3; j++) {
        const expected = J.reduce((acc, row, i) => acc + (u[i] as number) * (row[j] as number), 0)
        expectClose(cotangent[j] as number, expected, tol, `(u^T J)[${j}]`)
      }
    })
  }
})

describe('shapes at the edges', () => {
  for (const s of strategies) {
    it(`${s.name}: a function of no inputs has an empty gradient and its value`, () => {
      const result = s.valueAndGradient(() => 42, [])
      expect(result.value).toBe(42)
      expect(result.gradient).toEqual(new Float64Array(0))
      expect(s.jacobian((m) => [m.constant(1), 2], [])).toEqual([
        new Float64Array(0),
        new Float64Array(0),
      ])
    })

    it(`${s.name}: a function that returns a constant has a zero gradient`, () => {
      expect(Array.from(s.gradient(() => 3, [1, 2]))).toEqual([0, 0])
      expect(Array.from(s.gradient((m) => m.constant(3), [1, 2]))).toEqual([0, 0])
      expect(s.derivative((m) => m.sin(2), 1)).toBe(0)
    })

    it(`${s.name}: an F with no outputs has an empty Jacobian`, () => {
      expect(s.jacobian(() => [], [1, 2])).toEqual([])
      expect(Array.from(s.vjp(() => [], [1, 2], []).cotangent)).toEqual([0, 0])
    })

    it(`${s.name}: typed arrays are accepted as points and left unchanged`, () => {
      const point = Float32Array.of(2, 0)
      const gradient = s.gradient((m, [a, b]) => m.pow(m.sub(a, b), 2), point)
      expect(gradient).toBeInstanceOf(Float64Array)
      expectClose(gradient[0] as number, 4, tolerance[s.name], 'dc/da')
      expect(Array.from(point)).toEqual([2, 0])
    })

    it(`${s.name}: an input used twice gets the sum of both paths (d/dx x * x = 2x)`, () => {
      expectClose(
        s.derivative((m, a) => m.mul(a, a), 3),
        6,
        tolerance[s.name],
        'd/dx x*x',
      )
    })
  }
})

describe('results do not depend on call history', () => {
  const f = <T>(m: Ops<T>, [a, b, c]: readonly T[]) =>
    m.mul(m.tanh(m.mul(a, b)), m.log1p(m.square(c)))
  const point = [0.3, -1.2, 0.8]
  const isolated = strategies.map((s) => s.gradient(f, point))

  it('repeated calls give bit-identical gradients', () => {
    strategies.forEach((s, k) => {
      for (let r = 0; r < 3; r++) expect(s.gradient(f, point)).toEqual(isolated[k])
    })
  })

  it('interleaved calls of different strategies give the results of isolated calls', () => {
    const interleaved = [0, 1, 2, 2, 1, 0, 1].map(
      (k) => [k, (strategies[k] ?? forward).gradient(f, point)] as const,
    )
    for (const [k, g] of interleaved) expect(g).toEqual(isolated[k])
  })

  it("a gradient computed inside another strategy's function equals the isolated one", () => {
    for (const [k, s] of strategies.entries()) {
      for (const outer of strategies) {
        let inner: Float64Array | undefined
        outer.gradient(
          (m, xs) => {
            inner = s.gradient(f, point)
            return m.sum(xs)
          },
          [1, 2],
        )
        expect(inner).toEqual(isolated[k])
      }
    }
  })

  it('a nested derivative of a derivative is an ordinary number: d/dx [x * (d/dy y^2 at 3)] = 6', () => {
    for (const outer of strategies) {
      for (const inner of strategies) {
        const result = outer.derivative(
          (m, a) =>
            m.mul(
              a,
              inner.derivative((n, y) => n.square(y), 3),
            ),
          1,
        )
        expectClose(
          result,
          6,
          Math.max(tolerance[outer.name], tolerance[inner.name]) * 10,
          `${outer.name}(${inner.name})`,
        )
      }
    }
  })

  it('a call that throws from inside f leaves every strategy working', () => {
    for (const s of strategies) {
      expect(() =>
        s.gradient(() => {
          throw new Error('from f')
        }, [1]),
      ).toThrow('from f')
      expect(s.gradient(f, point)).toEqual(isolated[strategies.indexOf(s)])
    }
  })

  it('a tape grown by a large function is reused correctly by a small one', () => {
    const wide: VectorFn = (m, xs) => [m.sum(xs.map((xi) => m.sin(xi)))]
    reverse.jacobian(
      wide,
      Array.from({ length: 5000 }, (_, i) => i / 5000),
    )
    expect(reverse.gradient(f, point)).toEqual(isolated[1])
    expect(forward.gradient(f, point)).toEqual(isolated[0])
    expect(numeric.gradient(f, point)).toEqual(isolated[2])
  })
})

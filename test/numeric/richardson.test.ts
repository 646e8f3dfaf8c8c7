import { describe, expect, it } from 'vitest'
import { numeric, type Ops, type UnivariateFn } from '../../src/index.js'
import { gradlabErr } from '../helpers/errors.js'
import { expectClose } from '../helpers/strategies.js'

/*
 * Richardson extrapolation (Ridders' method) against derivatives derived by
 * hand, and against the plain central difference on the same points.
 */

type Case = readonly [
  name: string,
  g: UnivariateFn,
  derivative: (x: number) => number,
  points: number[],
]

const cases: readonly Case[] = [
  ['sin', (m, x) => m.sin(x), Math.cos, [-2, 0.3, 1, 5]],
  ['exp', (m, x) => m.exp(x), (x) => Math.E ** x, [-3, 0, 1.5, 10]],
  ['log', (m, x) => m.log(x), (x) => 1 / x, [0.5, 2, 50]],
  ['atan', (m, x) => m.atan(x), (x) => 1 / (1 + x * x), [-4, 0.5]],
  ['tanh', (m, x) => m.tanh(x), (x) => 4 / (Math.E ** x + Math.E ** -x) ** 2, [-1, 0.7]],
  ['sqrt', (m, x) => m.sqrt(x), (x) => 0.5 / x ** 0.5, [0.25, 2, 100]],
  ['x^5', (m, x) => m.pow(x, 5), (x) => 5 * x ** 4, [-1.3, 2]],
]

const relativeError = (actual: number, expected: number) =>
  Math.abs(actual - expected) / Math.abs(expected)

describe("Richardson extrapolation (scheme: 'richardson')", () => {
  it('reaches 1e-12 relative error on sin, exp, log, atan, tanh, sqrt and x^5, where central differences reach about 1e-10', () => {
    let worstCentral = 0
    for (const [name, g, derivative, points] of cases) {
      for (const x of points) {
        const exact = derivative(x)
        const extrapolated = numeric.derivative(g, x, { scheme: 'richardson' })
        expect(relativeError(extrapolated, exact), `${name}'(${x})`).toBeLessThanOrEqual(1e-12)
        const central = numeric.derivative(g, x)
        expect(relativeError(central, exact), `central ${name}'(${x})`).toBeLessThanOrEqual(1e-9)
        worstCentral = Math.max(worstCentral, relativeError(central, exact))
      }
    }
    // The central difference does not reach 1e-12 on this set: its worst case is near 1e-10.
    expect(worstCentral).toBeGreaterThan(1e-11)
  })

  it('gives the hand-derived gradient, Jacobian, J v and u^T J of a function of several inputs to 1e-12', () => {
    // F(x) = [x0 x1 sin x2, x0^2 + exp(x1 x2)], as in the strategies' contract.
    const F = <T>(m: Ops<T>, [x0, x1, x2]: readonly T[]) => [
      m.mul(m.mul(x0 as T, x1 as T), m.sin(x2 as T)),
      m.add(m.square(x0 as T), m.exp(m.mul(x1 as T, x2 as T))),
    ]
    const x = [0.7, -1.1, 0.4]
    const J = [
      [-1.1 * Math.sin(0.4), 0.7 * Math.sin(0.4), 0.7 * -1.1 * Math.cos(0.4)],
      [2 * 0.7, 0.4 * Math.exp(-1.1 * 0.4), -1.1 * Math.exp(-1.1 * 0.4)],
    ]
    const options = { scheme: 'richardson' } as const
    numeric.jacobian(F, x, options).forEach((row, i) => {
      row.forEach((entry, j) => {
        expectClose(entry, J[i]?.[j] as number, 1e-12, `J[${i}][${j}]`)
      })
    })
    const gradient = numeric.gradient((m, xs) => F(m, xs)[1] as never, x, options)
    gradient.forEach((g, j) => {
      expectClose(g, J[1]?.[j] as number, 1e-12, `df1/dx${j}`)
    })
    const v = [0.3, -2, 1.5]
    const { tangent } = numeric.jvp(F, x, v, options)
    J.forEach((row, i) => {
      const expected = row.reduce((acc, jij, j) => acc + jij * (v[j] as number), 0)
      expectClose(tangent[i] as number, expected, 1e-12, `(J v)[${i}]`)
    })
    const { cotangent } = numeric.vjp(F, x, [-0.5, 2], options)
    cotangent.forEach((c, j) => {
      expectClose(
        c,
        -0.5 * (J[0]?.[j] as number) + 2 * (J[1]?.[j] as number),
        1e-12,
        `(u^T J)[${j}]`,
      )
    })
  })

  it('starts from options.step when given one', () => {
    // From h = 0.2, the tableau still extrapolates sin'(1) to 1e-12; from a tiny step
    // rounding dominates from the start and no extrapolation can remove it.
    const sin: UnivariateFn = (m, x) => m.sin(x)
    const fromOne = numeric.derivative(sin, 1, { scheme: 'richardson', step: 0.2 })
    expect(relativeError(fromOne, Math.cos(1))).toBeLessThanOrEqual(1e-12)
    const fromTiny = numeric.derivative(sin, 1, { scheme: 'richardson', step: 1e-9 })
    expect(relativeError(fromTiny, Math.cos(1))).toBeGreaterThan(1e-10)
  })

  it('an unknown scheme is an error that names all three schemes and what each is for', () => {
    expect(() => numeric.derivative((m, x) => m.sin(x), 1, { scheme: 'ridders' as never })).toThrow(
      gradlabErr(
        TypeError,
        'ERR_GRADLAB_INVALID_OPTIONS',
        `numeric.derivative: options.scheme must be 'central', 'forward' or 'richardson', got a string ("ridders"). Use 'central' (the default) for about 1e-10 relative accuracy, 'forward' for fewer evaluations, or 'richardson' for about 1e-13 at 4 to 20 evaluations per input.`,
      ),
    )
  })
})

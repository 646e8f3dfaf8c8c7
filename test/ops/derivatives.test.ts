import { describe, it } from 'vitest'
import { type BinaryName, type Ops, type UnaryName, unaryRules } from '../../src/index.js'
import { expectClose, strategies, tolerance } from '../helpers/strategies.js'

/*
 * Every op in the table, checked against derivatives derived by hand (written
 * here from calculus, not read from the table), at points inside its domain
 * and away from its kinks. Kinks and conventions are in conventions.test.ts.
 */

type Unary = readonly [
  value: (a: number) => number,
  derivative: (a: number) => number,
  points: number[],
]

const unary: Record<UnaryName, Unary> = {
  neg: [(a) => -a, () => -1, [-2, 0.5, 3]],
  abs: [(a) => (a < 0 ? -a : a), (a) => (a > 0 ? 1 : -1), [-2, 0.5, 3]],
  sqrt: [(a) => a ** 0.5, (a) => 0.5 / a ** 0.5, [0.25, 2, 100]],
  exp: [(a) => Math.E ** a, (a) => Math.E ** a, [-3, 0, 1.5]],
  expm1: [(a) => Math.E ** a - 1, (a) => Math.E ** a, [-3, 0.5, 1.5]],
  log: [(a) => Math.log(a), (a) => 1 / a, [0.1, 1, 50]],
  log1p: [(a) => Math.log(1 + a), (a) => 1 / (1 + a), [-0.5, 0.5, 20]],
  sin: [(a) => Math.sin(a), (a) => Math.cos(a), [-2, 0, 1]],
  cos: [(a) => Math.cos(a), (a) => -Math.sin(a), [-2, 0.3, 1]],
  tan: [(a) => Math.sin(a) / Math.cos(a), (a) => 1 / Math.cos(a) ** 2, [-1, 0, 1.2]],
  asin: [(a) => Math.asin(a), (a) => 1 / Math.sqrt(1 - a * a), [-0.9, 0, 0.5]],
  acos: [(a) => Math.acos(a), (a) => -1 / Math.sqrt(1 - a * a), [-0.9, 0, 0.5]],
  atan: [(a) => Math.atan(a), (a) => 1 / (1 + a * a), [-4, 0, 0.5]],
  sinh: [
    (a) => (Math.E ** a - Math.E ** -a) / 2,
    (a) => (Math.E ** a + Math.E ** -a) / 2,
    [-2, 0, 1],
  ],
  cosh: [
    (a) => (Math.E ** a + Math.E ** -a) / 2,
    (a) => (Math.E ** a - Math.E ** -a) / 2,
    [-2, 0.5, 1],
  ],
  tanh: [
    (a) => (Math.E ** a - Math.E ** -a) / (Math.E ** a + Math.E ** -a),
    (a) => 4 / (Math.E ** a + Math.E ** -a) ** 2,
    [-2, 0, 0.7],
  ],
  sigmoid: [
    (a) => 1 / (1 + Math.E ** -a),
    (a) => Math.E ** -a / (1 + Math.E ** -a) ** 2,
    [-3, 0, 2],
  ],
  softplus: [(a) => Math.log(1 + Math.E ** a), (a) => 1 / (1 + Math.E ** -a), [-3, 0, 2]],
  relu: [(a) => (a > 0 ? a : 0), (a) => (a > 0 ? 1 : 0), [-2, 0.5, 3]],
  square: [(a) => a * a, (a) => 2 * a, [-2, 0.5, 3]],
}

type Binary = readonly [
  value: (a: number, b: number) => number,
  partials: (a: number, b: number) => [number, number],
  points: [number, number][],
]

const binary: Record<BinaryName, Binary> = {
  add: [
    (a, b) => a + b,
    () => [1, 1],
    [
      [1, 2],
      [-3, 0.5],
    ],
  ],
  sub: [
    (a, b) => a - b,
    () => [1, -1],
    [
      [1, 2],
      [-3, 0.5],
    ],
  ],
  mul: [
    (a, b) => a * b,
    (a, b) => [b, a],
    [
      [1, 2],
      [-3, 0.5],
    ],
  ],
  div: [
    (a, b) => a / b,
    (a, b) => [1 / b, -a / (b * b)],
    [
      [1, 2],
      [-3, 0.5],
    ],
  ],
  pow: [
    (a, b) => Math.E ** (b * Math.log(a)),
    (a, b) => [b * a ** (b - 1), a ** b * Math.log(a)],
    [
      [2, 3],
      [0.5, -1.5],
      [3, 0.5],
    ],
  ],
  atan2: [
    (y, x) => (x > 0 ? Math.atan(y / x) : Math.atan(y / x) + (y >= 0 ? Math.PI : -Math.PI)),
    (y, x) => [x / (x * x + y * y), -y / (x * x + y * y)],
    [
      [1, 2],
      [1, -2],
      [-1, -0.5],
    ],
  ],
  hypot: [
    (a, b) => Math.sqrt(a * a + b * b),
    (a, b) => [a / Math.sqrt(a * a + b * b), b / Math.sqrt(a * a + b * b)],
    [
      [3, 4],
      [-1, 0.5],
    ],
  ],
  min: [
    (a, b) => (a < b ? a : b),
    (a, b) => (a < b ? [1, 0] : [0, 1]),
    [
      [1, 2],
      [3, -1],
    ],
  ],
  max: [
    (a, b) => (a > b ? a : b),
    (a, b) => (a > b ? [1, 0] : [0, 1]),
    [
      [1, 2],
      [3, -1],
    ],
  ],
}

const applyUnary =
  (name: UnaryName) =>
  <T>(m: Ops<T>, a: T) =>
    m[name](a)

describe('every unary op has the value and derivative derived by hand', () => {
  for (const [name, [value, derivative, points]] of Object.entries(unary) as [UnaryName, Unary][]) {
    for (const s of strategies) {
      it(`${s.name}: ${unaryRules[name].math}, at ${points.join(', ')}`, () => {
        for (const a of points) {
          const f = applyUnary(name)
          const result = s.valueAndGradient((m, x) => f(m, x[0] as (typeof x)[number]), [a])
          expectClose(result.value, value(a), 1e-14, `${name}(${a})`)
          expectClose(
            result.gradient[0] as number,
            derivative(a),
            tolerance[s.name],
            `${name}'(${a})`,
          )
          expectClose(
            s.derivative(f, a),
            derivative(a),
            tolerance[s.name],
            `derivative ${name}'(${a})`,
          )
        }
      })
    }
  }
})

describe('every binary op has the value and both partials derived by hand', () => {
  for (const [name, [value, partials, points]] of Object.entries(binary) as [
    BinaryName,
    Binary,
  ][]) {
    for (const s of strategies) {
      it(`${s.name}: ${name}(a, b) at ${points.map((p) => `(${p})`).join(', ')}`, () => {
        for (const [a, b] of points) {
          const result = s.valueAndGradient(
            (m, x) => m[name](x[0] as (typeof x)[number], x[1] as (typeof x)[number]),
            [a, b],
          )
          const [da, db] = partials(a, b)
          expectClose(result.value, value(a, b), 1e-14, `${name}(${a}, ${b})`)
          expectClose(
            result.gradient[0] as number,
            da,
            tolerance[s.name],
            `d${name}/da at (${a}, ${b})`,
          )
          expectClose(
            result.gradient[1] as number,
            db,
            tolerance[s.name],
            `d${name}/db at (${a}, ${b})`,
          )
        }
      })
    }
  }
})

describe('the fused n-ary ops differentiate as the chains they replace', () => {
  const x = [0.5, -1.25, 2, 3]
  for (const s of strategies) {
    it(`${s.name}: d/dx_i sum(x) = 1 and d/dx_i (x . w) = w_i, d/dw_i (x . w) = x_i`, () => {
      const sum = s.valueAndGradient((m, v) => m.sum(v), x)
      expectClose(sum.value, 4.25, 1e-15, 'sum')
      for (let i = 0; i < x.length; i++)
        expectClose(sum.gradient[i] as number, 1, tolerance[s.name], `dsum/dx${i}`)
      // dot of the first two against the last two: x0 x2 + x1 x3
      const dot = s.valueAndGradient((m, v) => m.dot(v.slice(0, 2), v.slice(2)), x)
      expectClose(dot.value, 0.5 * 2 + -1.25 * 3, 1e-15, 'dot')
      const expected = [2, 3, 0.5, -1.25]
      for (let i = 0; i < x.length; i++) {
        expectClose(
          dot.gradient[i] as number,
          expected[i] as number,
          tolerance[s.name],
          `ddot/dx${i}`,
        )
      }
    })
  }
})

import { describe, expect, it } from 'vitest'
import { forward, plain, reverse } from '../../src/index.js'
import { BINARY_OPS, UNARY_OPS } from '../../src/ops/names.js'
import { numbers } from '../../src/ops/plain.js'
import { gradlabErr } from '../helpers/errors.js'

/*
 * The plain-number ops: `plain` (checked, public) evaluates a generic
 * function without derivatives; `numbers` (unchecked, internal) is what the
 * strategies evaluate partial rules with. Both are the table's value rules.
 */

const points = [-1.7, -0.3, 0.4, 2.5]

describe('plain and numbers compute the value rules of the table', () => {
  it('numbers agrees with plain on every op, including constant, value, sum and dot', () => {
    for (const op of UNARY_OPS) {
      for (const a of points) expect(Object.is(numbers[op](a), plain[op](a))).toBe(true)
    }
    for (const op of BINARY_OPS) {
      for (const a of points) {
        for (const b of points) expect(Object.is(numbers[op](a, b), plain[op](a, b))).toBe(true)
      }
    }
    expect(numbers.constant(2.5)).toBe(2.5)
    expect(numbers.value(-1.5)).toBe(-1.5)
    expect(numbers.sum(points)).toBe(plain.sum(points))
    expect(numbers.dot(points, [2, 3, 5, 7])).toBe(plain.dot(points, [2, 3, 5, 7]))
    expect(numbers.dot(points, [2, 3, 5, 7])).toBe(-1.7 * 2 + -0.3 * 3 + 0.4 * 5 + 2.5 * 7)
  })

  it('plain names itself in its errors', () => {
    expect(() => plain.sin('x' as never)).toThrow(
      gradlabErr(
        TypeError,
        'ERR_GRADLAB_INVALID_OPERAND',
        'plain: sin received a string ("x"), but these ops compute with plain numbers. A value made by another strategy\'s ops cannot be used here.',
      ),
    )
  })
})

describe('the logistic function neither overflows nor underflows early', () => {
  it('sigmoid(1000) = 1, sigmoid(-1000) = 0, and sigmoid(-745) is the smallest double, e^-745', () => {
    expect(plain.sigmoid(1000)).toBe(1)
    expect(plain.sigmoid(-1000)).toBe(0)
    // 1 / (1 + e^745) would round to 0: e^745 overflows.
    expect(plain.sigmoid(-745)).toBe(Math.exp(-745))
    expect(plain.sigmoid(-745)).toBeGreaterThan(0)
    expect(plain.sigmoid(0)).toBe(0.5)
  })
})

describe('exact zeros are strong in every lane (chainTerm)', () => {
  it("forward, two lanes: d/dy (sqrt(x) + y) at x = 0 is 1, though sqrt's partial there is infinite", () => {
    const g = forward.gradient((m, [x, y]) => m.add(m.sqrt(x as never), y as never), [0, 1], {
      chunkSize: 2,
    })
    expect(Array.from(g)).toEqual([Number.POSITIVE_INFINITY, 1])
  })

  it('a dot weight of exactly 0 cuts an infinite tangent: d/dx dot([sqrt(x), x], [0, 1]) at 0 is 1', () => {
    const f = <T>(m: import('../../src/index.js').Ops<T>, x: T) => m.dot([m.sqrt(x), x], [0, 1])
    expect(forward.derivative(f, 0)).toBe(1)
    expect(reverse.derivative(f, 0)).toBe(1)
  })
})

import { describe, expect, it } from 'vitest'
import { type Ops, reverse, type ScalarFn } from '../../src/index.js'
import { DOT, Program } from '../../src/reverse/program.js'

/*
 * How a compiled gradient lays out a layer: a dot's constants are stored once
 * when they repeat the last dot's, and a dot of a weight row times an
 * example's data runs as a strided loop. Neither may change a single bit of
 * the gradient, so the end-to-end tests compare with the dynamic tape exactly,
 * in both engines.
 */

/** Records dot(x[row .. row + data.length - 1], data) into `program`. */
function recordDot(program: Program, row: number, data: readonly number[]): void {
  data.forEach((c, k) => {
    program.operand(row + k, 1)
    program.operand(-1, c)
  })
  program.end(DOT)
}

describe("a compiled program's constants", () => {
  it('are stored once when a dot repeats the last dot that recorded any', () => {
    const program = new Program()
    recordDot(program, 0, [0.5, 2, -1])
    recordDot(program, 3, [0.5, 2, -1])
    expect(program.constantCount).toBe(3)
    // The second dot's operands refer to the first dot's constants, in order.
    expect(Array.from(program.args.subarray(0, program.argCount))).toEqual([
      0,
      ~0,
      1,
      ~1,
      2,
      ~2,
      3,
      ~0,
      4,
      ~1,
      5,
      ~2,
    ])
  })

  it('are stored again when they differ, even only in the sign of a zero, or when another dot came between', () => {
    const signs = new Program()
    recordDot(signs, 0, [0, 1])
    recordDot(signs, 2, [-0, 1])
    expect(signs.constantCount).toBe(4)
    const between = new Program()
    recordDot(between, 0, [1, 2])
    recordDot(between, 2, [3, 4])
    recordDot(between, 4, [1, 2])
    expect(between.constantCount).toBe(6)
    const lengths = new Program()
    recordDot(lengths, 0, [1, 2])
    recordDot(lengths, 2, [1, 2, 3])
    expect(lengths.constantCount).toBe(5)
  })

  it('of an op discarded as constant are given back', () => {
    const program = new Program()
    program.operand(-1, 7)
    program.discard()
    recordDot(program, 0, [1])
    expect(program.constantCount).toBe(1)
    expect(program.constants[0]).toBe(1)
  })
})

/**
 * A layer of six units over three examples, with relu so that some units' adjoints are exactly 0 at some
 * points, a zero in the data, and `between` run between the units.
 */
const network =
  (between: 'nothing' | 'reads a weight'): ScalarFn =>
  <T>(m: Ops<T>, p: readonly T[]): T => {
    const examples = [
      [0.5, 0, -1.5],
      [-2, 1, 0.25],
      [1, -0.5, 3],
    ]
    const losses: T[] = []
    for (const x of examples) {
      const units: T[] = []
      for (let j = 0; j < 6; j++) {
        let z = m.add(m.dot(p.slice(3 * j, 3 * j + 3), x), p[18 + j] as T)
        if (between === 'reads a weight' && j === 1) z = m.mul(z, p[7] as T)
        units.push(m.relu(z))
      }
      losses.push(m.square(m.sub(m.dot(p.slice(24, 30), units), 0.5)))
    }
    return m.sum(losses)
  }

describe('a compiled layer equals the dynamic gradient bit for bit', () => {
  const point = (seed: number) =>
    Array.from({ length: 30 }, (_, i) => Math.sin(seed * 7.3 + i * 1.9) * (i < 24 ? 1 : 0.5))
  for (const [between, mode] of [
    ['nothing', 'generated'],
    ['reads a weight', 'generated'],
    ['nothing', 'interpreter'],
    ['reads a weight', 'interpreter'],
  ] as const) {
    it(`${mode}: with ${between} between the dots, at points where some units are off`, () => {
      const f = network(between)
      const compiled = reverse.compile(f, point(0), { mode })
      let off = 0
      for (let seed = 1; seed <= 12; seed++) {
        const x = point(seed)
        const expected = reverse.valueAndGradient(f, x)
        const actual = compiled.valueAndGradient(x)
        expect(actual.value).toBe(expected.value)
        expect(actual.gradient).toEqual(expected.gradient)
        // A unit that is off gives its weights' row a zero gradient.
        if (expected.gradient.slice(0, 18).some((g) => g === 0)) off++
      }
      expect(off).toBeGreaterThan(0)
      expect(compiled.recordings).toBe(1)
    })
  }
})

describe('exact zeros are strong in a layer of dots', () => {
  // Four units times one example, each scaled by its own constant: the scale is the
  // adjoint of the unit's dot. A 0 scale with an infinite datum, or an infinite scale
  // with a 0 datum, must add nothing (0 * Infinity would be NaN), in the four-row loop
  // (no zero adjoint in the group) and in the one-row loops (some zero adjoint).
  const scaled =
    (x: readonly number[], scales: readonly number[]): ScalarFn =>
    <T>(m: Ops<T>, p: readonly T[]): T =>
      m.sum(
        [0, 1, 2, 3].map((j) => m.mul(m.dot(p.slice(3 * j, 3 * j + 3), x), scales[j] as number)),
      )
  const infinity = Number.POSITIVE_INFINITY
  const cases: Record<string, ScalarFn> = {
    'an infinite adjoint times a zero datum, every adjoint non-zero': scaled(
      [0.5, 0, -1],
      [infinity, 1, 2, -1],
    ),
    ...Object.fromEntries(
      ['first', 'second', 'third', 'last'].map((which, j) => [
        `a zero adjoint of the ${which} dot times an infinite datum`,
        scaled(
          [infinity, 1, 2],
          [1, 2, -1, 3].map((scale, t) => (t === j ? 0 : scale)),
        ),
      ]),
    ),
    'an infinite adjoint times a zero datum, next to a zero adjoint': scaled(
      [0.5, 0, -1],
      [0, -infinity, 2, -1],
    ),
  }
  const x = Array.from({ length: 12 }, (_, i) => (i % 5) - 1.5)
  for (const [name, f] of Object.entries(cases)) {
    it(name, () => {
      const expected = reverse.gradient(f, x)
      expect(reverse.compile(f, x).gradient(x)).toEqual(expected)
      expect(reverse.compile(f, x, { mode: 'interpreter' }).gradient(x)).toEqual(expected)
      expect(Array.from(expected).some(Number.isNaN)).toBe(false)
    })
  }
})

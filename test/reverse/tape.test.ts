import { describe, expect, it } from 'vitest'
import { forward, type Ops, reverse, tapeStats } from '../../src/index.js'

/*
 * The tape records one edge per non-zero local partial, in flat arrays that
 * grow as needed, also inside a single wide op.
 */

describe('the reverse-mode tape', () => {
  it('records no edge for an exact-zero partial: a weight 0 in a dot, a factor 0 in a product', () => {
    reverse.gradient((m, [x, y]) => m.dot([x, y] as never[], [0, 1]), [1, 2])
    expect(tapeStats().edges).toBe(1)
    reverse.gradient((m, [x, y]) => m.add(m.mul(x as never, 0), y as never), [1, 2])
    // mul(x, 0) has no edge and is a constant; add has one edge, to y.
    expect(tapeStats().edges).toBe(1)
    reverse.gradient((m, [x, y]) => m.dot([x, y] as never[], [y, x] as never[]), [0, 2])
    // d/dx = y = 2 and d/dy = x = 0 in each pair: one edge per pair is 0.
    expect(tapeStats().edges).toBe(2)
  })

  it('grows inside one sum or dot: 100,000 elements on a fresh tape give the right gradient', () => {
    const n = 100_000
    const x = Array.from({ length: n }, (_, i) => (i % 7) - 3)
    const weights = Array.from({ length: n }, (_, i) => (i % 5) + 1)
    const g = reverse.gradient((m, v) => m.add(m.dot(v, weights), m.sum(v)), x)
    expect(tapeStats().edges).toBe(2 * n + 2)
    expect(Array.from(g)).toEqual(weights.map((w) => w + 1))
  })

  it("a jvp's forward sweep over a tape of a single op sets that op's tangent", () => {
    const F = (m: import('../../src/index.js').Ops<unknown>, [x, y]: readonly unknown[]) => [
      m.mul(x, y),
    ]
    const { tangent } = reverse.jvp(F as never, [2, 3], [1, 10])
    expect(Array.from(tangent)).toEqual(
      Array.from(forward.jvp(F as never, [2, 3], [1, 10]).tangent),
    )
    expect(Array.from(tangent)).toEqual([3 + 2 * 10])
  })
})

describe('runs: a dot of a weight row times data, recorded as one record', () => {
  // Two rows (inputs 0..2 and 3..5) times one example, then a third row (6..8) times another.
  const example = [0.5, -2, 0]
  const other = [1, 0.25, 3]
  const layer = <T>(m: Ops<T>, p: readonly T[]): T =>
    m.sum([
      m.tanh(m.dot(p.slice(0, 3), example)),
      m.square(m.dot(example, p.slice(3, 6))),
      m.mul(m.dot(p.slice(6, 9), other), p[0] as T),
    ])
  const x = [0.3, -0.1, 0.8, 1.2, -0.7, 0.05, 0.4, 0.9, -1.1]

  it('count their non-zero partials as edges and store a repeated example once', () => {
    reverse.gradient(layer, x)
    const stats = tapeStats()
    // Runs: 2 + 2 + 3 non-zero data; tanh 1, square 1, mul 2, sum 3.
    expect(stats.edges).toBe(2 + 2 + 3 + 1 + 1 + 2 + 3)
    // 9 inputs and 7 ops; 7 plain edges; 3 runs; the data stored: example once, other once.
    expect(stats.nodes).toBe(16)
    expect(stats.bytes).toBe(12 * 7 + 8 * 16 + 16 * 3 + 8 * (3 + 3))
  })

  it('give the gradient of the same dots written out as products and sums', () => {
    const written = <T>(m: Ops<T>, p: readonly T[]): T => {
      const dot = (row: readonly T[], data: readonly number[]) =>
        m.sum(row.map((w, k) => m.mul(w, data[k] as number)))
      return m.sum([
        m.tanh(dot(p.slice(0, 3), example)),
        m.square(dot(p.slice(3, 6), example)),
        m.mul(dot(p.slice(6, 9), other), p[0] as T),
      ])
    }
    const g = reverse.gradient(layer, x)
    const expected = reverse.gradient(written, x)
    const byForward = forward.gradient(layer, x)
    for (let i = 0; i < x.length; i++) {
      expect(g[i]).toBeCloseTo(expected[i] as number, 14)
      expect(g[i]).toBeCloseTo(byForward[i] as number, 14)
    }
  })

  it('carry tangents in a jvp, also as the first and last nodes and next to each other', () => {
    const F = <T>(m: Ops<T>, p: readonly T[]): T[] => {
      const first = m.dot(p.slice(0, 3), example)
      const second = m.dot(p.slice(3, 6), example)
      const third = m.dot(p.slice(6, 9), other)
      const mixed = m.mul(first, second)
      return [first, mixed, m.dot(p.slice(3, 6), other), third]
    }
    const v = [1, -1, 0.5, 2, 0, -3, 0.25, 1, -0.5]
    const { tangent } = reverse.jvp(F, x, v)
    const expected = forward.jvp(F, x, v).tangent
    expect(tangent.length).toBe(4)
    for (let i = 0; i < 4; i++) expect(tangent[i]).toBeCloseTo(expected[i] as number, 13)
  })

  it('keep exact zeros strong in a jvp: a datum 0 times an infinite tangent adds nothing', () => {
    const F = <T>(m: Ops<T>, p: readonly T[]): T[] => [m.dot(p.slice(0, 3), example)]
    const { tangent } = reverse.jvp(F, [1, 2, 3], [1, 1, Number.POSITIVE_INFINITY])
    // 0.5 * 1 + (-2) * 1, and no 0 * Infinity = NaN
    expect(Array.from(tangent)).toEqual([-1.5])
  })

  it('are done by the backward pass also when the output is one', () => {
    const g = reverse.gradient((m, p) => m.dot(p.slice(1, 4), example), x)
    expect(Array.from(g)).toEqual([0, 0.5, -2, 0, 0, 0, 0, 0, 0])
  })

  it('of data that are all zero give a constant, as a dot with no edges does', () => {
    const g = reverse.gradient(
      (m, p) => m.add(m.dot(p.slice(0, 2), [0, -0]), m.mul(p[2], 3)),
      [1, 2, 4],
    )
    expect(Array.from(g)).toEqual([0, 0, 3])
    // 3 inputs, the mul and the add: the dot made no node.
    expect(tapeStats().nodes).toBe(5)
  })
})

import { describe, expect, it, vi } from 'vitest'
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
    reverse.gradient((m, [x, y]) => m.mul(x as never, y), [0, 2])
    // d/dx = y = 2 is an edge; d/dy = x = 0 is not.
    expect(tapeStats().edges).toBe(1)
    reverse.gradient((m, [x, y]) => m.dot([x, y] as never[], [y, x] as never[]), [0, 2])
    // d/dx = y = 2 and d/dy = x = 0 in each pair: one edge per pair is 0.
    expect(tapeStats().edges).toBe(2)
  })

  it("keeps a binary op's second edge when its first partial is 0, as the node's first edge", () => {
    // At y = 0, mul(x, y) has d/dx = 0 (left out) and d/dy = x = 3 (its only
    // edge). The node before it has another adjoint (5), so a first edge not
    // marked as such would give x the wrong one.
    const g = reverse.gradient(
      (m, [x, y]) => {
        const a = m.mul(3, x as never)
        const b = m.mul(x as never, y)
        return m.add(m.mul(5, a), b)
      },
      [3, 0],
    )
    expect(tapeStats().edges).toBe(1 + 1 + 1 + 2)
    expect(Array.from(g)).toEqual([15, 3])
  })

  it('grows under a long chain of ops: 3,000 adds and 6,000 negations, exact gradient', () => {
    // f(x, y) = x + 3000 y, built one op at a time, past the tape's first storage.
    const chain = <T>(m: Ops<T>, [x, y]: readonly T[]): T => {
      let total = x as T
      for (let i = 0; i < 3000; i++) total = m.add(total, m.neg(m.neg(y as T)))
      return total
    }
    const g = reverse.gradient(chain, [0.5, -1])
    expect(tapeStats().edges).toBe(3000 * 4)
    expect(Array.from(g)).toEqual([1, 3000])
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

  it("store data that differ only in a zero's sign once: a zero partial is never applied", () => {
    const signed = <T>(m: Ops<T>, p: readonly T[]): T[] => [
      m.dot(p.slice(0, 3), [2, 0, -1]),
      m.dot(p.slice(3, 6), [2, -0, -1]),
    ]
    const value = <T>(m: Ops<T>, p: readonly T[]): T => m.sum(signed(m, p))
    const q = [1, 2, 3, 4, 5, 6]
    expect(Array.from(reverse.gradient(value, q))).toEqual([2, 0, -1, 2, 0, -1])
    // 6 inputs, 2 runs and the sum; the sum's 2 edges; the data stored once.
    expect(tapeStats().bytes).toBe(12 * 2 + 8 * 9 + 16 * 2 + 8 * 3)
    // An infinite adjoint at each run adds nothing through its zero datum,
    // whichever its sign (0 x Infinity would be NaN).
    const scaled = <T>(m: Ops<T>, p: readonly T[]): T =>
      m.sum(signed(m, p).map((run) => m.mul(run, Number.POSITIVE_INFINITY)))
    const inf = Number.POSITIVE_INFINITY
    expect(Array.from(reverse.gradient(scaled, q))).toEqual([inf, 0, -inf, inf, 0, -inf])
    // Likewise an infinite tangent at the zero datum in a jvp.
    const v = [1, inf, 1, 1, -inf, 1]
    expect(Array.from(reverse.jvp(signed, q, v).tangent)).toEqual([1, 1])
  })

  it("share the last run's numbers only when every one matches, not only the last", () => {
    const g = reverse.gradient(
      (m, q) => m.sum([m.dot(q.slice(0, 3), [1, 2, 3]), m.dot(q.slice(3, 6), [4, 5, 3])]),
      [0, 0, 0, 0, 0, 0],
    )
    expect(Array.from(g)).toEqual([1, 2, 3, 4, 5, 3])
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

  it('are done in the backward pass and the jvp sweep when several come last, one after another', () => {
    const F = <T>(m: Ops<T>, p: readonly T[]): T[] => {
      const mixed = m.mul(p[0] as T, p[8] as T)
      return [mixed, m.dot(p.slice(0, 3), example), m.dot(p.slice(3, 6), other)]
    }
    const rows = reverse.jacobian(F, x)
    expect(Array.from(rows[1] as Float64Array)).toEqual([0.5, -2, 0, 0, 0, 0, 0, 0, 0])
    expect(Array.from(rows[2] as Float64Array)).toEqual([0, 0, 0, 1, 0.25, 3, 0, 0, 0])
    const v = [1, 2, 3, 4, 5, 6, 7, 8, 9]
    const { tangent } = reverse.jvp(F, x, v)
    expect(Array.from(tangent)).toEqual([
      (x[8] as number) * 1 + (x[0] as number) * 9,
      0.5 * 1 - 2 * 2,
      4 + 0.25 * 5 + 3 * 6,
    ])
  })

  it('of a constant followed by variables are recorded as a general dot', () => {
    // dot([c, x0, x1], data): the constant's index (-1) followed by 0 and 1 is not a run.
    const F = <T>(m: Ops<T>, p: readonly T[]): T[] => [
      m.dot([m.constant(2), p[0] as T, p[1] as T], [1, 2, 3]),
    ]
    expect(Array.from(reverse.jvp(F, [5, 7], [1, 10]).tangent)).toEqual([2 * 1 + 3 * 10])
    expect(Array.from(reverse.gradient((m, p) => F(m, p)[0] as never, [5, 7]))).toEqual([2, 3])
  })

  it('grow past their first storage: 200 rows, each its own run', () => {
    const n = 200 * 3
    const p = Array.from({ length: n }, (_, i) => Math.sin(i))
    const rows = (m: Ops<unknown>, q: readonly unknown[]) =>
      m.sum(Array.from({ length: 200 }, (_, j) => m.dot(q.slice(3 * j, 3 * j + 3), [j, 1, 0 - j])))
    const g = reverse.gradient(rows as never, p)
    const row = (j: number) => [j, 1, 0 - j]
    expect(Array.from(g)).toEqual(
      Array.from({ length: n }, (_, i) => row(Math.floor(i / 3))[i % 3]),
    )
  })

  it('share a repeated example only with a run of the same length, not with stale numbers of an earlier call', () => {
    // The first call leaves 1, 2, 3 in the tape's store of run numbers; the second
    // records [1, 2], then [1, 2, 3], which must not be taken for the first run's
    // numbers read past its end, then [7, 8, 9], stored after [1, 2].
    reverse.gradient((m, q) => m.dot(q.slice(0, 3), [1, 2, 3]), [0, 0, 0, 0, 0, 0])
    const g = reverse.gradient(
      (m, q) =>
        m.sum([
          m.dot(q.slice(0, 2), [1, 2]),
          m.dot(q.slice(0, 3), [1, 2, 3]),
          m.dot(q.slice(3, 6), [7, 8, 9]),
        ]),
      [0, 0, 0, 0, 0, 0],
    )
    expect(Array.from(g)).toEqual([2, 4, 3, 7, 8, 9])
  })

  it('of an earlier, longer recording are not taken for runs of this one', () => {
    const twoRuns = <T>(m: Ops<T>, p: readonly T[]): T[] => [
      m.dot(p.slice(0, 2), [1, 2]),
      m.dot(p.slice(0, 2), [3, 4]),
    ]
    const runThenProduct = <T>(m: Ops<T>, p: readonly T[]): T[] => [
      m.dot(p.slice(0, 2), [1, 2]),
      m.mul(p[0] as T, p[1] as T),
    ]
    reverse.jvp(twoRuns, [2, 5], [1, 1])
    // Node 3 was a run in the first recording and is a product in this one.
    expect(Array.from(reverse.jvp(runThenProduct, [2, 5], [1, 10]).tangent)).toEqual([
      1 + 2 * 10,
      5 * 1 + 2 * 10,
    ])
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

describe('the memory a tape holds (tapeStats().heldBytes)', () => {
  it("starts at its arrays' initial sizes and grows by doubling only past them", async () => {
    // A fresh copy of the library, so that no earlier recording has grown its tape.
    vi.resetModules()
    const fresh = (await import('../../src/index.js')) as typeof import('../../src/index.js')
    /** x0 multiplied into itself k times: k + 1 nodes, two edges per multiply. */
    const chain =
      (k: number) =>
      (m: Ops<unknown>, [x]: readonly unknown[]) => {
        let acc = x
        for (let i = 0; i < k; i++) acc = m.mul(acc, x)
        return acc
      }
    // Initial sizes: parent 512 Int32 (2,048 bytes) and partial 512 Float64 (4,096) per edge,
    // 256 Float64 adjoints (2,048), four Int32 arrays of 64 per run (1,024), a pool of 256
    // Float64 run partials (2,048): 11,264 bytes.
    fresh.reverse.gradient((m, [a, b]) => m.mul(m.add(a, b), b), [1, 2])
    expect(fresh.tapeStats()).toEqual({ nodes: 4, edges: 4, bytes: 80, heldBytes: 11264 })
    // 256 nodes fit exactly.
    fresh.reverse.gradient(chain(255) as never, [1.5])
    expect(fresh.tapeStats()).toEqual({
      nodes: 256,
      edges: 510,
      bytes: 12 * 510 + 8 * 256,
      heldBytes: 11264,
    })
    // 257 nodes: adjoints double to 512 (+ 2,048 bytes); 512 edges fit exactly.
    fresh.reverse.gradient(chain(256) as never, [1.5])
    expect(fresh.tapeStats()).toEqual({
      nodes: 257,
      edges: 512,
      bytes: 12 * 512 + 8 * 257,
      heldBytes: 11264 + 2048,
    })
    // A sum of 512 inputs: 513 nodes, adjoints double to 1,024 (+ 4,096 bytes); its 512 edges,
    // made room for at once, fit exactly.
    fresh.reverse.gradient((m, x) => m.sum(x), new Array(512).fill(1))
    expect(fresh.tapeStats()).toEqual({
      nodes: 513,
      edges: 512,
      bytes: 12 * 512 + 8 * 513,
      heldBytes: 11264 + 2048 + 4096,
    })
    // 598 edges: edges double to 1,024 (+ 2,048 + 4,096 bytes).
    fresh.reverse.gradient(chain(299) as never, [1.5])
    expect(fresh.tapeStats()).toEqual({
      nodes: 300,
      edges: 598,
      bytes: 12 * 598 + 8 * 300,
      heldBytes: 11264 + 2048 + 4096 + 2048 + 4096,
    })
  })
})

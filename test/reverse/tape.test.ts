import { describe, expect, it } from 'vitest'
import { forward, reverse, tapeStats } from '../../src/index.js'

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

import fc from 'fast-check'
import { describe, expect } from 'vitest'
import { type Ops, reverse, tapeStats } from '../../src/index.js'
import { gamma, prop, scaledRuns } from './support/index.js'

/*
 * Reverse mode's price is memory: its tape holds every op's partials until
 * the backward pass. The tape is flat typed arrays (edge parents as Int32,
 * partials as Float64, one Float64 adjoint slot per node) that grow by
 * doubling and are kept for later calls.
 */

/** A function of n inputs whose tape has about 4n nodes and 6n edges: big enough to make the arrays grow. */
const wide = <T>(m: Ops<T>, x: readonly T[]) =>
  m.sum(x.map((xi, i) => m.tanh(m.mul(xi, x[(i + 1) % x.length] as T))))

describe('Why reverse wins', () => {
  // First in this file, whose module state is fresh: no recording has been made yet.
  prop([fc.constant(0)])('before any recording, tapeStats reports an empty tape', (zero) => {
    expect(tapeStats()).toEqual({ nodes: zero, edges: zero, bytes: zero, heldBytes: zero })
  })

  prop([fc.integer({ min: 100, max: 1000 })], { numRuns: scaledRuns(0.1) })(
    "reverse mode's price is memory: a recording uses 12 bytes per edge and 8 per node, and the tape keeps its arrays for later calls",
    (n) => {
      const x = Array.from({ length: n }, (_, i) => 1 + Math.sin(i) / 2)
      const gradient = reverse.gradient(wide, x)
      const { nodes, edges, bytes, heldBytes } = tapeStats()
      // n inputs, n products, n tanh, one sum.
      expect(nodes).toBe(3 * n + 1)
      expect(edges).toBe(2 * n + n + n)
      expect(bytes).toBe(12 * edges + 8 * nodes)
      expect(heldBytes).toBeGreaterThanOrEqual(bytes)
      // Growing the arrays kept every recorded partial: the gradient is the hand-derived one,
      // d/dx_j = tanh'(x_j x_j+1) x_j+1 + tanh'(x_j-1 x_j) x_j-1, to rounding: two paths of two
      // partials each and one addition, 2 gamma_4 times the paths' sizes (see agreement).
      const slope = (p: number) => 1 - Math.tanh(p) ** 2
      gradient.forEach((g, j) => {
        const [prev, next] = [x[(j + n - 1) % n] as number, x[(j + 1) % n] as number]
        const xj = x[j] as number
        const [ahead, behind] = [slope(xj * next) * next, slope(prev * xj) * prev]
        const size = Math.abs(ahead) + Math.abs(behind)
        expect(Math.abs(g - (ahead + behind))).toBeLessThanOrEqual(2 * gamma(4) * size)
      })
      reverse.gradient(wide, x.slice(0, 2))
      expect(tapeStats().bytes).toBeLessThan(bytes)
      expect(tapeStats().heldBytes).toBe(heldBytes)
    },
  )
})

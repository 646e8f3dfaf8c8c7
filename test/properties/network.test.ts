import fc from 'fast-check'
import { describe, expect } from 'vitest'
import { countingOps, forward, type Ops, plain, reverse, tapeStats } from '../../src/index.js'
import { prop, unaryPartial } from './support/index.js'

/*
 * Property 9: the course's network, inputs x1 and x2, hidden units
 * h1 = g(w11 x1 + w12 x2) and h2 = g(w21 x1 + w22 x2), output
 * y_hat = v1 h1 + v2 h2 and loss L = (y_hat - y)^2 / 2. By the chain rule
 *   dL/dw11 = (y_hat - y) v1 g'(z1) x1,   dL/dw12 = (y_hat - y) v1 g'(z1) x2:
 * the first three factors are shared. Backpropagation computes them once,
 * as the adjoint of z1, and multiplies it by each final factor.
 */

const NAMES = ['w11', 'w12', 'w21', 'w22', 'v1', 'v2'] as const
type Activation = 'sigmoid' | 'tanh' | 'relu'

/** The loss as a function of the six weights, for one example (x1, x2, y). */
const loss =
  (g: Activation, x1: number, x2: number, y: number) =>
  <T>(m: Ops<T>, w: readonly T[]) => {
    const [w11, w12, w21, w22, v1, v2] = w as [T, T, T, T, T, T]
    const h1 = m[g](m.dot([w11, w12], [x1, x2]))
    const h2 = m[g](m.dot([w21, w22], [x1, x2]))
    const yHat = m.dot([v1, v2], [h1, h2])
    return m.mul(0.5, m.square(m.sub(yHat, y)))
  }

const weight = fc.integer({ min: -200, max: 200 }).map((k) => k / 100)
const network = fc
  .record({
    g: fc.constantFrom<Activation>('sigmoid', 'tanh', 'relu'),
    w: fc.array(weight, { minLength: 6, maxLength: 6 }),
    x1: weight,
    x2: weight,
    y: weight,
  })
  // ReLU's kink: keep z1 away from 0, where g'(z1) is a convention rather than a derivative.
  .filter(
    ({ g, w, x1, x2 }) =>
      g !== 'relu' || Math.abs((w[0] as number) * x1 + (w[1] as number) * x2) > 1e-3,
  )

describe('Reverse mode', () => {
  prop([network])(
    "backpropagation multiplies the course network's shared factors (y_hat - y) v1 g'(z1) once, from the loss end, then by x1 and by x2",
    ({ g, w, x1, x2, y }) => {
      const [w11, w12, , , v1, v2] = w as [number, number, number, number, number, number]
      const z1 = w11 * x1 + w12 * x2
      const h1 = plain[g](z1)
      const h2 = plain[g]((w[2] as number) * x1 + (w[3] as number) * x2)
      const residual = v1 * h1 + v2 * h2 - y
      // The adjoint of z1, grouped as a backward pass builds it: from L towards z1.
      const shared = unaryPartial(g, z1) * (v1 * residual)
      const gradient = reverse.gradient(loss(g, x1, x2, y), w)
      // Bit for bit: reverse mode did exactly these multiplications, in this grouping.
      // (Adding 0 merges -0 into +0: a path with a zero partial records no edge and
      // leaves +0, where the product here may round to -0.)
      expect((gradient[0] as number) + 0).toBe(shared * x1 + 0)
      expect((gradient[1] as number) + 0).toBe(shared * x2 + 0)
    },
  )
})

describe('Why reverse wins', () => {
  prop([network])(
    "the whole gradient of the course network costs one backward multiply-add per tape edge (13), not one product per factor on each weight's path (32)",
    ({ g, w, x1, x2, y }) => {
      const counter = { ops: 0 }
      const f = loss(g, x1, x2, y)
      reverse.gradient(<T>(m: Ops<T>, ws: readonly T[]) => f(countingOps(m, counter), ws), w)
      const { edges } = tapeStats()
      // Edges: z1 and z2 2 each, h1 and h2 1 each, y_hat 4, the residual, the square and the 1/2: 13,
      // fewer where a partial is exactly 0 (a ReLU off, a zero input).
      expect(edges).toBeLessThanOrEqual(13)
      // Without sharing, each weight's derivative is a product of the factors on its path:
      // L <- square <- residual <- y_hat <- h <- z <- w is 6 factors for the four hidden weights,
      // L <- square <- residual <- y_hat <- v is 4 for the two output weights.
      const unshared = 4 * 6 + 2 * 4
      expect(unshared).toBe(32)
      expect(edges).toBeLessThan(unshared / 2)
      // And forward mode, one pass per weight, evaluates the network six times.
      const forwardCounter = { ops: 0 }
      forward.gradient(
        <T>(m: Ops<T>, ws: readonly T[]) => f(countingOps(m, forwardCounter), ws),
        w,
        {
          chunkSize: 1,
        },
      )
      expect(forwardCounter.ops).toBe(NAMES.length * counter.ops)
    },
  )
})

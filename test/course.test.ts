import { describe, expect, it } from 'vitest'
import { courseLoss, courseNetwork } from '../bench/workloads/course.js'
import type { Ops } from '../src/index.js'
import { expectClose, strategies, tolerance } from './helpers/strategies.js'

/*
 * The examples of the course text gradlab grows out of, in every strategy.
 */

describe('the course example c = (a - b)^2 at a = 2, b = 0', () => {
  const c = <T>(m: Ops<T>, [a, b]: readonly T[]) => m.pow(m.sub(a as T, b as T), 2)
  for (const s of strategies) {
    it(`${s.name}: dc/da = 2(a - b) = 4 and dc/db = -2(a - b) = -4`, () => {
      const { value, gradient } = s.valueAndGradient(c, [2, 0])
      expect(value).toBe(4)
      expectClose(gradient[0] as number, 4, tolerance[s.name], 'dc/da')
      expectClose(gradient[1] as number, -4, tolerance[s.name], 'dc/db')
    })
  }
})

/**
 * The course's network: inputs x1, x2; hidden h_k = g(w^h_k1 x1 + w^h_k2 x2)
 * for k = 1, 2; output y_hat = w^y_1 h1 + w^y_2 h2; loss L = (y_hat - y)^2 / 2.
 * The parameters are x = [w^h_11, w^h_12, w^h_21, w^h_22, w^y_1, w^y_2]
 * (bench/workloads/course.ts, shared with the report's figure).
 */
const inputs = courseNetwork.data
const parameters = courseNetwork.x
const network = courseLoss

/** The chain rule by hand: the three shared leading factors (y_hat - y), w^y_1, g'(z_1), then x1 or x2. */
function handDerived(g: 'relu' | 'tanh') {
  const [wh11, wh12, wh21, wh22, wy1, wy2] = parameters as [
    number,
    number,
    number,
    number,
    number,
    number,
  ]
  const act = g === 'relu' ? (z: number) => (z > 0 ? z : 0) : Math.tanh
  const actPrime =
    g === 'relu' ? (z: number) => (z > 0 ? 1 : 0) : (z: number) => 1 - Math.tanh(z) ** 2
  const z1 = wh11 * inputs.x1 + wh12 * inputs.x2
  const z2 = wh21 * inputs.x1 + wh22 * inputs.x2
  const yHat = wy1 * act(z1) + wy2 * act(z2)
  const shared = (yHat - inputs.y) * wy1 * actPrime(z1)
  return { z1, dLdwh11: shared * inputs.x1, dLdwh12: shared * inputs.x2 }
}

describe("the course's two-input, two-hidden-unit network", () => {
  for (const g of ['relu', 'tanh'] as const) {
    const expected = handDerived(g)
    it(`uses a point where the first hidden unit is active (g = ${g}, z1 = ${expected.z1.toFixed(2)} > 0)`, () => {
      // With z1 <= 0 and g = relu both derivatives are 0 and the test would prove little.
      expect(expected.z1).toBeGreaterThan(0)
    })
    for (const s of strategies) {
      it(`${s.name}, g = ${g}: dL/dw^h_11 = (y_hat - y) w^y_1 g'(z_1) x1 and dL/dw^h_12 = (y_hat - y) w^y_1 g'(z_1) x2`, () => {
        const gradient = s.gradient(network(g), parameters)
        expectClose(gradient[0] as number, expected.dLdwh11, tolerance[s.name], 'dL/dw^h_11')
        expectClose(gradient[1] as number, expected.dLdwh12, tolerance[s.name], 'dL/dw^h_12')
      })
    }
  }
})

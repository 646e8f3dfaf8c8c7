import { named, type Ops } from '../../src/index.js'

/*
 * The course's examples with their values named as the course names them,
 * for the backward-pass figures: c = (a - b)^2 at a = 2, b = 0, and the
 * 2-2-1 network (inputs x1, x2; hidden h_k = g(z_k) with z_k = w^h_k1 x1 +
 * w^h_k2 x2; output y_hat = w^y_1 h1 + w^y_2 h2; loss L = (y_hat - y)^2 / 2),
 * at the point test/course.test.ts checks by hand (named does nothing outside
 * reverse.trace, so every strategy differentiates the same loss).
 */

export const courseC = {
  f: <T>(m: Ops<T>, [a, b]: readonly T[]) => m.pow(m.sub(a as T, b as T), 2),
  x: [2, 0],
  names: ['a', 'b'],
}

const data = { x1: 0.8, x2: -0.6, y: 0.25 }

/** The network's loss with nonlinearity g, its values named as the course names them. */
export function courseLoss(g: 'relu' | 'tanh') {
  return <T>(m: Ops<T>, w: readonly T[]): T => {
    const [wh11, wh12, wh21, wh22, wy1, wy2] = w as [T, T, T, T, T, T]
    const z1 = named(m.add(m.mul(wh11, data.x1), m.mul(wh12, data.x2)), 'z1')
    const z2 = named(m.add(m.mul(wh21, data.x1), m.mul(wh22, data.x2)), 'z2')
    const h1 = named(m[g](z1), 'h1')
    const h2 = named(m[g](z2), 'h2')
    const yHat = named(m.add(m.mul(wy1, h1), m.mul(wy2, h2)), 'y_hat')
    return named(m.div(m.square(m.sub(yHat, data.y)), 2), 'L')
  }
}

export const courseNetwork = {
  f: courseLoss('tanh'),
  x: [0.5, -0.3, -0.7, 0.4, 1.5, -2],
  names: ['w^h_11', 'w^h_12', 'w^h_21', 'w^h_22', 'w^y_1', 'w^y_2'],
  data,
}

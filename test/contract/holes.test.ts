import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { forward, numeric, type Ops, type VectorFn } from '../../src/index.js'
import { prop } from '../properties/support/index.js'
import {
  callVector,
  strategies,
  strategyArb,
  thrown,
  vectorMethodArb,
  vectorMethods,
} from './support.js'

/*
 * A vector function's result with a hole (`[y0, , y2]`, a sparse array) is
 * a TypeError that names the call and the index, in every strategy and
 * method. JavaScript reads a hole as undefined but `map` skips it, so without
 * the check one strategy returned a Jacobian with a row missing and another
 * failed inside gradlab with a TypeError that named no call.
 */

// biome-ignore lint/suspicious/noExplicitAny: F builds its result by index, as sparse arrays are made
type Any = any

/** F: R^2 -> R^m whose result has a hole at `hole`: every other output set. */
const withHoleAt =
  (m: number, hole: number): VectorFn =>
  <T>(ops: Ops<T>, x: readonly T[]) => {
    const outputs: T[] = []
    for (let i = 0; i < m; i++) if (i !== hole) outputs[i] = ops.mul(x[0] as T, i + 1)
    if (hole === m - 1) outputs.length = m // a trailing hole: [y0, y1, ,]
    return outputs
  }

/** `values` with index `hole` left empty: [a, b, c] with hole 1 is [a, , c]. */
function holey<T>(values: readonly T[], hole: number): T[] {
  const out: T[] = []
  values.forEach((v, i) => {
    if (i !== hole) out[i] = v
  })
  return out
}

const holeMessage = (label: string, index: number) =>
  `${label}: F returned an array with a hole at index ${index}; return a value (or 0) for every output.`

describe('a vector result with a hole is an error that names the call and the index', () => {
  for (const s of strategies) {
    for (const method of vectorMethods) {
      it(`${s.name}.${method} refuses F returning [y0, , y2]`, () => {
        expect(thrown(() => callVector(s, method, withHoleAt(3, 1), [1, 2], 3))).toEqual({
          type: 'TypeError',
          message: holeMessage(`${s.name}.${method}`, 1),
        })
      })
    }
  }

  prop([
    strategyArb,
    vectorMethodArb,
    fc.integer({ min: 1, max: 6 }).chain((m) => fc.tuple(fc.constant(m), fc.nat(m - 1))),
  ])(
    'every strategy and method refuses a hole at any index of any length, the first named',
    (s, method, [m, hole]) => {
      expect(thrown(() => callVector(s, method, withHoleAt(m, hole), [1, 2], m))).toEqual({
        type: 'TypeError',
        message: holeMessage(`${s.name}.${method}`, hole),
      })
    },
  )

  it('new Array(m), all holes, names index 0', () => {
    for (const s of strategies) {
      expect(thrown(() => s.jacobian(() => new Array(2), [1]))).toEqual({
        type: 'TypeError',
        message: holeMessage(`${s.name}.jacobian`, 0),
      })
    }
  })

  it('numeric refuses a hole that appears only once the point has moved', () => {
    const movedHole: VectorFn = (m, x) =>
      m.value(x[0] as never) === 1 ? [x[0], x[1]] : holey([x[0], x[0], x[1]], 1)
    for (const method of vectorMethods) {
      expect(() => callVector(numeric, method, movedHole, [1, 2], 2)).toThrow(
        holeMessage(`numeric.${method}`, 1),
      )
    }
  })

  it('forward refuses a hole that appears only on a later pass (chunkSize 1, one pass per input)', () => {
    let passes = 0
    const laterHole: VectorFn = (_m, x) =>
      passes++ === 0 ? [x[0], x[1]] : holey([x[0], x[0], x[1]], 1)
    expect(() => forward.jacobian(laterHole, [1, 2], { chunkSize: 1 })).toThrow(
      holeMessage('forward.jacobian', 1),
    )
  })

  it('an explicit undefined is not a hole: it is reported as a bad output at its index', () => {
    for (const s of strategies) {
      expect(() => s.jacobian((_m, x) => [x[0], undefined] as Any, [1])).toThrow(
        `${s.name}.jacobian: F returned, at output 1, undefined; it must return values made by the ops it was given (m) or plain numbers.`,
      )
    }
  })
})

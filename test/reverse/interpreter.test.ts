import { describe, expect, it } from 'vitest'
import { type Ops, reverse, type ScalarFn } from '../../src/index.js'

/*
 * The interpreter replays a recording where code cannot be generated. It
 * reads a dot whose factors are runs of consecutive values (a weight row
 * against an example) with two strided loops instead of its operand list;
 * these tests give it dots that are runs and dots that only nearly are, and
 * check the gradient against the dynamic tape's, bit for bit.
 */

const point = (n: number, seed: number) =>
  Array.from({ length: n }, (_, i) => Math.sin(seed * (i + 1) * 1.618) * 1.5)

function expectSameBits(actual: Float64Array, expected: Float64Array): void {
  expect(actual.length).toBe(expected.length)
  for (let i = 0; i < expected.length; i++) {
    if (!Object.is(actual[i], expected[i])) {
      throw new Error(`entry ${i}: ${actual[i]} against ${expected[i]}`)
    }
  }
}

/** The interpreter's value and gradient, and its gradient alone, are the tape's at each point. */
function expectTapeGradient(f: ScalarFn, at: readonly (readonly number[])[]): void {
  const compiled = reverse.compile(f, at[0] as number[], { mode: 'interpreter' })
  expect(compiled.mode).toBe('interpreter')
  for (const x of at) {
    const expected = reverse.valueAndGradient(f, x)
    const actual = compiled.valueAndGradient(x)
    expect(Object.is(actual.value, expected.value)).toBe(true)
    expectSameBits(actual.gradient, expected.gradient)
    expectSameBits(compiled.gradient(x), expected.gradient)
  }
  expect(compiled.recordings).toBe(1)
}

const at = [point(16, 1), point(16, 2), point(16, 3)]

describe("the interpreter's dots of runs", () => {
  it('a run of inputs against a run of inputs: both factors get adjoints', () => {
    expectTapeGradient((m, x) => m.dot(x.slice(0, 8), x.slice(8, 16)), at)
  })
  it('a run against constants, and constants against a run', () => {
    const c = point(8, 5)
    expectTapeGradient((m, x) => m.dot(x.slice(0, 8), c), at)
    expectTapeGradient((m, x) => m.dot(c, x.slice(8, 16)), at)
  })
  it('a run of nodes (values of ops) against a run of inputs, scaled by another node', () => {
    const f: ScalarFn = <T>(m: Ops<T>, x: readonly T[]) => {
      const s = x.slice(0, 8).map((xi) => m.sin(xi))
      return m.mul(m.exp(x[15] as T), m.dot(s, x.slice(8, 16)))
    }
    expectTapeGradient(f, at)
  })
  it('the shortest run, two pairs, and dots that break a run in their last pair, in either factor', () => {
    expectTapeGradient((m, x) => m.dot([x[0], x[1]] as never, [x[4], x[5]] as never), at)
    expectTapeGradient((m, x) => m.dot(x.slice(0, 8), [...x.slice(8, 15), x[0]] as never), at)
    expectTapeGradient((m, x) => m.dot([...x.slice(0, 7), x[9]] as never, x.slice(8, 16)), at)
    // Consecutive in each factor but against one another's order.
    expectTapeGradient((m, x) => m.dot(x.slice(0, 8), x.slice(8, 16).reverse()), at)
  })
})

describe('the output is an input, or the first instruction', () => {
  it('f(x) = x[1]: the gradient is a unit vector, with no instruction to replay', () => {
    const compiled = reverse.compile((_m, x) => x[1] as never, [2, 3, 4], { mode: 'interpreter' })
    expectSameBits(compiled.gradient([5, 6, 7]), Float64Array.from([0, 1, 0]))
    expect(compiled.valueAndGradient([5, 6, 7]).value).toBe(6)
  })
  it('f(x) = x[0] x[1]: one instruction, the output', () => {
    expectTapeGradient(
      (m, x) => m.mul(x[0] as never, x[1] as never),
      [
        [2, 3],
        [-0.5, 7],
      ],
    )
  })
})

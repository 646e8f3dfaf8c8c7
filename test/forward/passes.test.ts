import { describe, expect, it } from 'vitest'
import { type Dual, forward, type Ops } from '../../src/index.js'

// biome-ignore lint/suspicious/noExplicitAny: tests pass values where the types forbid them
type Any = any

/*
 * What a pass of several directions keeps from a pass of one: duals of other
 * passes are refused, exact zeros are strong in every lane, nested calls keep
 * the enclosing pass's tangents, and a dual shows its tangents only while its
 * pass runs.
 */

describe('duals and passes with several directions', () => {
  it('a dual kept from the previous chunk of the same gradient is refused', () => {
    let kept: unknown
    expect(() =>
      forward.gradient(
        (m, x) => {
          kept ??= x[0]
          return m.mul(x[3] as Any, kept as Any)
        },
        [1, 2, 3, 4],
        { chunkSize: 2 },
      ),
    ).toThrow('forward.gradient: mul received a dual number from another forward pass')
  })

  it('exact zeros are strong in every lane: d/db (a + 0 sqrt(b)) at b = 0 is 0, not NaN', () => {
    // sqrt'(0) is infinite; the zero factor means no path from b to the output.
    const f = <T>(m: Ops<T>, [a, b]: readonly T[]) => m.add(a as T, m.mul(0, m.sqrt(b as T)))
    for (const chunkSize of [1, 2, 3]) {
      expect(Array.from(forward.gradient(f, [5, 0], { chunkSize }))).toEqual([1, 0])
    }
    // pow(x, 2) at x < 0: the exponent's partial x^2 ln x is NaN, and its tangent is zero in every lane.
    const g = <T>(m: Ops<T>, [a, b]: readonly T[]) => m.mul(m.pow(a as T, 2), b as T)
    expect(Array.from(forward.gradient(g, [-3, 2], { chunkSize: 2 }))).toEqual([-12, 9])
  })

  it('a forward gradient nested in the function keeps the enclosing pass tangents, even when it grows the storage', () => {
    // The inner gradient, of s(y) = (sum y)^2 / 2 at y = (1, ..., 1) in R^300, is 300 in every entry,
    // and its passes of 64 directions hold more tangents (64 x 64 for the seeded inputs
    // alone) than the storage's first 1,024 entries.
    const inner = <T>(m: Ops<T>, y: readonly T[]) => m.div(m.square(m.sum(y)), 2)
    const ones = new Array(300).fill(1)
    // f(x) = c sum_i x_i^2 with c = ds/dy_0 = 300, so df/dx_i = 600 x_i.
    const f = <T>(m: Ops<T>, x: readonly T[]) => {
      const squares = m.sum(x.map((xi) => m.square(xi)))
      const c = forward.gradient(inner, ones)[0] as number
      return m.mul(c, squares)
    }
    const x = [0.5, -1, 2, 3]
    for (const chunkSize of [1, 2, 4]) {
      expect(Array.from(forward.gradient(f, x, { chunkSize }))).toEqual([300, -600, 1200, 1800])
    }
  })

  it('a dual shows all its tangents in a string, and a one-direction dual its one tangent', () => {
    const texts: string[] = []
    forward.gradient(
      (m, [a, b, c]) => {
        texts.push(`${a}`, `${m.mul(b as Any, 3)}`, `${m.constant(7)}`)
        return m.add(a as Any, c as Any)
      },
      [2, 5, 1],
      { chunkSize: 3 },
    )
    expect(texts).toEqual([
      'Dual(value 2, tangents [1, 0, 0])',
      'Dual(value 15, tangents [0, 3, 0])',
      'Dual(value 7, tangents [0, 0, 0])',
    ])
    forward.derivative((m, x) => {
      texts.push(`${m.sin(x)}`)
      return x
    }, 0)
    expect(texts[3]).toBe('Dual(value 0, tangent 1)')
  })

  it('a dual reads its tangents while its pass runs, and refuses to once the pass has ended', () => {
    let kept: Dual | undefined
    let during: number[] = []
    forward.gradient(
      (m, [a, b]) => {
        const product = m.mul(a as Any, b as Any) as Dual
        kept = product
        during = Array.from(product.tangents)
        return product as Any
      },
      [3, 4],
      { chunkSize: 2 },
    )
    expect(during).toEqual([4, 3])
    expect(kept?.value).toBe(12)
    expect(`${kept}`).toBe('Dual(value 12, from an ended pass)')
    expect(() => kept?.tangent).toThrow(
      "Dual: the forward pass that made this dual (value 12) has ended, and its tangents were kept only while it ran. Read derivatives from the result of forward's methods.",
    )
  })
})

import { describe, expect, it } from 'vitest'
import { storedDuals } from '../../src/forward/pass.js'
import { context } from '../../src/forward/tangents.js'
import { type Dual, forward, type Ops, reverse, type ScalarFn } from '../../src/index.js'

/*
 * Forward mode's storage policy (src/forward/tangents.ts): a value gets
 * tangent storage only if some tangent of the running pass is non-zero for
 * it. Constants, inputs outside the pass's chunk, products with an exact 0
 * and tangents that cancel hold none, so a pass's memory is what depends on
 * its directions. `storedDuals()` counts the values of the running pass that
 * hold storage; these tests read it from inside the function.
 */

/** The storage count after each step of a function of three inputs, one list per pass. */
function countsPerPass(chunkSize: number): number[][] {
  const passes: number[][] = []
  forward.gradient(
    <T>(m: Ops<T>, [a, b, c]: readonly T[]) => {
      const counts = [storedDuals()]
      const step = <R>(value: R): R => {
        counts.push(storedDuals())
        return value
      }
      step(m.mul(m.sin(m.constant(2)), 3)) // a constant
      step(m.mul(a as T, 0)) // an exact zero partial
      step(m.mul(0, b as T))
      step(m.sub(a as T, a as T)) // tangents that cancel
      step(m.sub(b as T, b as T))
      step(m.dot([a as T, a as T], [1, -1])) // a dot whose tangents cancel
      step(m.sum([b as T, m.neg(b as T)])) // holds neg(b) only
      step(m.dot([a as T, b as T], [0, 0])) // a dot with zero partials
      step(m.mul(c as T, c as T))
      const last = step(m.sin(a as T))
      passes.push(counts)
      return m.add(last, m.add(a as T, m.add(b as T, c as T)))
    },
    [0.5, -0.25, 2],
    { chunkSize },
  )
  return passes
}

describe('forward mode stores tangents only for values that depend on the directions of the pass', () => {
  it('constants, inputs outside the chunk, exact zeros and cancelled tangents hold no storage (one lane)', () => {
    // Pass 1 seeds a, pass 2 b, pass 3 c: each starts with one input holding storage.
    expect(countsPerPass(1)).toEqual([
      [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2],
      [1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2],
      [1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2],
    ])
  })

  it('the same with two lanes per pass: a value is stored when any lane is non-zero', () => {
    // Pass 1 seeds a and b (two lanes), pass 2 c (one lane).
    expect(countsPerPass(2)).toEqual([
      [2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 4],
      [1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2],
    ])
  })

  it('a jvp stores no tangents for inputs whose entry of v is 0', () => {
    const seen: number[] = []
    forward.jvp(
      (m, x) => {
        seen.push(storedDuals())
        return [m.sum(x)]
      },
      [1, 2, 3],
      [1, 0, 2],
    )
    expect(seen).toEqual([2])
  })

  it("a nested pass counts its own values, and the enclosing pass's count is unchanged after it", () => {
    const seen: number[] = []
    forward.derivative((m, x) => {
      const y = m.sin(x)
      seen.push(storedDuals())
      const inner = forward.derivative((n, t) => {
        seen.push(storedDuals())
        const u = n.mul(t, t)
        seen.push(storedDuals())
        return u
      }, 3)
      seen.push(storedDuals())
      return m.mul(y, inner)
    }, 1)
    expect(seen).toEqual([2, 1, 2, 2])
  })

  it('each pass carries only the directions left: chunks of 2 over 5 inputs carry 2, 2 and 1 lanes', () => {
    const lanes: number[] = []
    forward.gradient(
      (m, x) => {
        lanes.push(((x[0] as unknown as Dual).tangents as Float64Array).length)
        return m.sum(x)
      },
      [1, 2, 3, 4, 5],
      { chunkSize: 2 },
    )
    expect(lanes).toEqual([2, 2, 1])
  })

  it("a pass clears its inputs' lanes: storage left by an earlier call does not leak into the next", () => {
    const f: ScalarFn = (m, [a, b]) => m.mul(m.sin(a as never), m.exp(b as never))
    const x = [0.3, -0.7]
    const fresh = forward.gradient(f, x, { chunkSize: 2 })
    // A call with one lane per pass leaves non-zero tangents all through the storage.
    forward.gradient((m, y) => m.sum(y.map((yi) => m.cos(m.mul(yi, 3)))), [1, 2, 3, 4], {
      chunkSize: 1,
    })
    const after = forward.gradient(f, x, { chunkSize: 2 })
    expect(after).toEqual(fresh)
    expect(after).toEqual(reverse.gradient(f, x))
    // The same inside an enclosing pass, whose stored values put the inner passes higher up.
    let nested: Float64Array | undefined
    forward.derivative((m, t) => {
      const kept = m.mul(m.sin(t), m.cos(t))
      forward.gradient((n, y) => n.sum(y.map((yi) => n.cos(n.mul(yi, 3)))), [1, 2, 3, 4], {
        chunkSize: 1,
      })
      nested = forward.gradient(f, x, { chunkSize: 2 })
      return kept
    }, 1)
    expect(nested).toEqual(fresh)
  })

  it('the storage grows by doubling: a pass of 20,000 stored values reallocates it a handful of times', () => {
    let reallocations = 0
    forward.derivative((m, x) => {
      let storage = context.tangents
      let y = x
      for (let i = 0; i < 20_000; i++) {
        y = m.sin(y)
        if (context.tangents !== storage) {
          reallocations++
          storage = context.tangents
        }
      }
      return y
    }, 1)
    // From 1,024 entries (or more, if an earlier test grew it) to at least 20,001: at most 5 doublings.
    expect(reallocations).toBeLessThanOrEqual(5)
  })
})

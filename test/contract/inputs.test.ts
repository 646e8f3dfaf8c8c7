import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  forward,
  numeric,
  type Ops,
  reverse,
  type ScalarFn,
  type Strategy,
  type VectorFn,
} from '../../src/index.js'
import { tolerance } from '../helpers/strategies.js'
import { prop } from '../properties/support/index.js'
import { callVector, strategies, strategyArb, vectorMethodArb } from './support.js'

/*
 * A function may write into its input array, and nothing it does there can
 * change a derivative: every evaluation gets an array of its own. Forward and
 * reverse mode make one per pass; finite differences, which move one point
 * from evaluation to evaluation, hand each evaluation a copy of it.
 */

// biome-ignore lint/suspicious/noExplicitAny: the writes below are what a JavaScript caller can do to a readonly array
type Any = any

/** Writes a function may do to its input array, each after computing its value. */
const writes: Record<string, <T>(m: Ops<T>, x: T[]) => void> = {
  'x[0] = 5': (_m, x) => {
    x[0] = 5 as Any
  },
  'x.sort() by value': (m, x) => {
    x.sort((a, b) => m.value(b) - m.value(a))
  },
  'x.reverse()': (_m, x) => {
    x.reverse()
  },
  'x.fill(x[1])': (_m, x) => {
    x.fill(x[1] as Any)
  },
  'x.length = 0': (_m, x) => {
    x.length = 0
  },
  'x.push(7)': (_m, x) => {
    x.push(7 as Any)
  },
}
const writeArb = fc.constantFrom(...Object.keys(writes))

const pure = <T>(m: Ops<T>, x: readonly T[]) => {
  const [a, b, c] = x as [T, T, T]
  return m.add(m.mul(a, m.sin(b)), m.mul(c, m.exp(a)))
}
const pureF = <T>(m: Ops<T>, x: readonly T[]) => {
  const [a, b, c] = x as [T, T, T]
  return [m.mul(a, b), m.sin(m.sub(c, a)), pure(m, x)]
}
/** `g` with `write` done to its input after it has computed its value. */
function writing<R>(g: <T>(m: Ops<T>, x: readonly T[]) => R, write: string) {
  return <T>(m: Ops<T>, x: readonly T[]): R => {
    const result = g(m, x)
    writes[write]?.(m, x as T[])
    return result
  }
}

const pointArb = fc.tuple(
  ...[0, 1, 2].map(() => fc.double({ min: -2, max: 2, noNaN: true })),
) as fc.Arbitrary<number[]>

/** numeric's schemes, each of which moves the point its own way. */
const numericSchemes = ['central', 'forward', 'richardson'] as const

describe('a function that writes into its input array gets the derivatives of the function it computes', () => {
  prop([strategyArb, writeArb, pointArb])(
    'gradient and valueAndGradient are the same numbers as without the write, in every strategy',
    (s, write, x) => {
      const f = writing(pure, write) as ScalarFn
      expect(s.gradient(f, x)).toEqual(s.gradient(pure, x))
      expect(s.valueAndGradient(f, x)).toEqual(s.valueAndGradient(pure, x))
    },
  )

  prop([strategyArb, vectorMethodArb, writeArb, pointArb])(
    'jacobian, jvp and vjp are the same numbers as without the write, in every strategy',
    (s, method, write, x) => {
      const F = writing(pureF, write) as VectorFn
      expect(callVector(s, method, F, x, 3)).toEqual(callVector(s, method, pureF, x, 3))
    },
  )

  for (const scheme of numericSchemes) {
    it(`numeric with scheme '${scheme}': every write leaves every method's numbers unchanged`, () => {
      const x = [0.3, -1.2, 0.7]
      const v = [1, -2, 0.5]
      for (const write of Object.keys(writes)) {
        const f = writing(pure, write) as ScalarFn
        const F = writing(pureF, write) as VectorFn
        expect(numeric.gradient(f, x, { scheme }), write).toEqual(
          numeric.gradient(pure, x, { scheme }),
        )
        expect(numeric.jacobian(F, x, { scheme }), write).toEqual(
          numeric.jacobian(pureF, x, { scheme }),
        )
        expect(numeric.jvp(F, x, v, { scheme }), write).toEqual(
          numeric.jvp(pureF, x, v, { scheme }),
        )
      }
    })
  }

  it('forward with one direction per pass: a write in one pass does not reach the next', () => {
    const x = [0.3, -1.2, 0.7]
    for (const write of Object.keys(writes)) {
      const f = writing(pure, write) as ScalarFn
      expect(forward.gradient(f, x, { chunkSize: 1 }), write).toEqual(forward.gradient(pure, x))
    }
  })

  it('reverse.compile: a write while recording does not change the replayed gradients', () => {
    for (const write of Object.keys(writes)) {
      const g = reverse.compile(writing(pure, write) as ScalarFn, [0, 0, 0])
      for (const x of [
        [0.3, -1.2, 0.7],
        [1, 2, 3],
      ]) {
        expect(g.gradient(x), write).toEqual(reverse.gradient(pure, x))
      }
    }
  })
})

describe('a function that rearranges its input before using it is differentiated as what it computes', () => {
  // f(x) = 1 * min + 10 * middle + 100 * max of three distinct numbers, by sorting x in place:
  // its gradient puts 1, 10 and 100 on the smallest, middle and largest input.
  const weighted = <T>(m: Ops<T>, x: readonly T[]) => {
    const sorted = (x as T[]).sort((a, b) => m.value(a) - m.value(b))
    return m.add(m.add(sorted[0] as T, m.mul(10, sorted[1] as T)), m.mul(100, sorted[2] as T))
  }
  for (const s of strategies) {
    it(`${s.name}: the gradient of a sum weighted by rank, computed by x.sort()`, () => {
      const gradient = s.gradient(weighted, [0.5, -1, 2])
      ;[10, 1, 100].forEach((expected, i) => {
        expect(Math.abs((gradient[i] as number) - expected)).toBeLessThan(
          tolerance[s.name] * expected,
        )
      })
    })
  }
})

describe('each evaluation gets an array of its own', () => {
  const kept = (s: Strategy) => {
    const arrays: { array: unknown[]; seen: number[] }[] = []
    s.gradient(
      (m, x) => {
        arrays.push({ array: x as unknown[], seen: x.map((xi) => m.value(xi)) })
        return m.sum(x)
      },
      [1, 2, 3] as number[],
    )
    return arrays
  }
  for (const s of strategies) {
    it(`${s.name}: an input array kept by f still holds the point it was evaluated at`, () => {
      const arrays = kept(s)
      expect(new Set(arrays.map((a) => a.array)).size).toBe(arrays.length)
      for (const { array, seen } of arrays) {
        expect(
          array.map((xi) => (typeof xi === 'number' ? xi : (xi as { value: number }).value)),
        ).toEqual(seen)
      }
    })
  }
})

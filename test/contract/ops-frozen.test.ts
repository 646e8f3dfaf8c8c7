import { describe, expect, it } from 'vitest'
import {
  binaryRules,
  countingOps,
  forward,
  numeric,
  type Ops,
  plain,
  reverse,
  type ScalarFn,
  type Strategy,
  unaryRules,
} from '../../src/index.js'
import { strategies } from './support.js'

/*
 * The ops objects gradlab hands out are frozen: a user's function that
 * assigns `m.sin = m.cos` gets a TypeError (in strict code, such as any ES
 * module; sloppy code's write is ignored), and no later call of any strategy
 * can compute with a replaced op.
 */

// biome-ignore lint/suspicious/noExplicitAny: writes the Ops type forbids, as a JavaScript caller can make them
type Any = any

/** The ops object `s` hands to f. */
function opsOf(s: Strategy): Ops<unknown> {
  let seen: unknown
  s.gradient(
    (m, x) => {
      seen = m
      return m.sum(x)
    },
    [1],
  )
  return seen as Ops<unknown>
}

/** Every ops object a user can reach: each strategy's, compile's, plain and countingOps'. */
function everyOps(): [string, Ops<unknown>][] {
  let compiled: unknown
  reverse.compile(
    (m, x) => {
      compiled = m
      return m.sum(x)
    },
    [1],
  )
  return [
    ...strategies.map((s) => [`${s.name}'s m`, opsOf(s)] as [string, Ops<unknown>]),
    ['reverse.compile m', compiled as Ops<unknown>],
    ['plain', plain as Ops<unknown>],
    ['countingOps(plain)', countingOps(plain, { ops: 0 }) as Ops<unknown>],
    ['countingOps(reverse m)', countingOps(opsOf(reverse), { ops: 0 })],
  ]
}

const sinAtOne = Math.sin(1)
/** What every strategy and plain compute for sin at 1: the value, and its derivative cos 1. */
function sinEverywhere() {
  const g: ScalarFn = (m, [x]) => m.sin(x as never)
  return {
    plain: plain.sin(1),
    ...Object.fromEntries(strategies.map((s) => [s.name, s.valueAndGradient(g, [1]).value])),
    derivatives: strategies.map((s) => Math.round(s.derivative((m, x) => m.sin(x), 1) * 1e6)),
  }
}
const expected = {
  plain: sinAtOne,
  forward: sinAtOne,
  reverse: sinAtOne,
  numeric: sinAtOne,
  derivatives: [540302, 540302, 540302],
}

describe('ops objects cannot be changed by the code they are handed to', () => {
  for (const s of strategies) {
    it(`${s.name}: m.sin = m.cos inside f is a TypeError, and every later call still computes sin`, () => {
      expect(() =>
        s.gradient(
          (m, x) => {
            ;(m as Any).sin = m.cos
            return m.sum(x)
          },
          [1],
        ),
      ).toThrow(TypeError)
      expect(sinEverywhere()).toEqual(expected)
    })

    it(`${s.name}: adding or deleting an op of m is a TypeError too`, () => {
      const m = opsOf(s) as Any
      expect(() => {
        m.sine = m.sin
      }).toThrow(TypeError)
      expect(() => {
        delete m.sin
      }).toThrow(TypeError)
      expect(typeof m.sin).toBe('function')
    })
  }

  it('plain and countingOps(...) are frozen: replacing an op is a TypeError and changes nothing', () => {
    const counting = countingOps(plain, { ops: 0 }) as Any
    expect(() => {
      ;(plain as Any).sin = plain.cos
    }).toThrow(TypeError)
    expect(() => {
      counting.sin = counting.cos
    }).toThrow(TypeError)
    expect([plain.sin(1), counting.sin(1)]).toEqual([sinAtOne, sinAtOne])
    expect(sinEverywhere()).toEqual(expected)
  })

  it("a sloppy-mode function's write to m is ignored: every later call still computes sin", () => {
    // new Function makes sloppy code, where a write to a frozen property fails silently.
    const sloppy = new Function('m', 'x', 'm.sin = m.cos; return m.sin(x[0])') as ScalarFn
    for (const s of strategies) expect(s.gradient(sloppy, [1])[0]).toBeCloseTo(Math.cos(1), 6)
    expect(sinEverywhere()).toEqual(expected)
  })

  it('the exported rule tables and every rule in them are frozen: a partial cannot be replaced', () => {
    expect(() => {
      ;(unaryRules.sin as Any).partial = unaryRules.cos.partial
    }).toThrow(TypeError)
    expect(() => {
      ;(binaryRules as Any).mul = binaryRules.add
    }).toThrow(TypeError)
    for (const table of [unaryRules, binaryRules]) {
      expect(Object.isFrozen(table)).toBe(true)
      for (const rule of Object.values(table)) expect(Object.isFrozen(rule)).toBe(true)
    }
    expect(sinEverywhere()).toEqual(expected)
  })

  it('every ops object a user can reach is frozen, and so is every object it holds', () => {
    for (const [name, m] of everyOps()) {
      expect(Object.isFrozen(m), name).toBe(true)
      for (const key of Reflect.ownKeys(m)) {
        const entry = (m as Any)[key]
        if (typeof entry === 'object' && entry !== null) {
          expect(Object.isFrozen(entry), `${name}[${String(key)}]`).toBe(true)
        }
      }
    }
  })

  it('reverse.compile: a write to m while recording is refused and the compiled gradient is sin', () => {
    expect(() =>
      reverse.compile(
        (m, x) => {
          ;(m as Any).sin = m.cos
          return m.sin(x[0] as never)
        },
        [1],
      ),
    ).toThrow(TypeError)
    const g = reverse.compile((m, x) => m.sin(x[0] as never), [0])
    expect(g.gradient([1])[0]).toBeCloseTo(Math.cos(1), 12)
    expect(forward.gradient((m, x) => m.sin(x[0] as never), [1])[0]).toBe(Math.cos(1))
    expect(numeric.derivative((m, x) => m.sin(x), 1)).toBeCloseTo(Math.cos(1), 8)
  })
})

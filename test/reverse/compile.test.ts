import { describe, expect, it } from 'vitest'
import {
  BINARY_OPS,
  type DataFn,
  defineBinary,
  defineBlock,
  forward,
  numeric,
  type Ops,
  plain,
  reverse,
  type ScalarFn,
  UNARY_OPS,
} from '../../src/index.js'
import { recordProgram } from '../../src/reverse/recording.js'
import { gradlabErr } from '../helpers/errors.js'

/*
 * reverse.compile records a function once and replays the recording at new
 * points. Its gradients must equal the dynamic reverse-mode gradient at
 * every point, including where a partial was zero when recorded and where an
 * op's own branch (relu, max, abs) goes the other way.
 */

const functions: Record<string, ScalarFn> = {
  'the course network (tanh)': (m, [w1, w2, w3, w4, v1, v2]) => {
    const h1 = m.tanh(m.add(m.mul(w1, 0.8), m.mul(w2, -0.6)))
    const h2 = m.tanh(m.add(m.mul(w3, 0.8), m.mul(w4, -0.6)))
    return m.div(m.square(m.sub(m.add(m.mul(v1, h1), m.mul(v2, h2)), 0.25)), 2)
  },
  'a dot-product layer with relu and a softplus loss': (m, x) => {
    const weights = [0.5, -1, 2, 0.25, -0.75, 1.5]
    const z = m.dot(x, weights)
    return m.add(m.softplus(m.relu(z)), m.sum(x.map((xi) => m.mul(m.max(xi, 0.1), m.abs(xi)))))
  },
  'every kind of op': (m, [a, b, c, d, e, f]) =>
    m.sum([
      m.pow(m.hypot(a, b), m.sigmoid(c)),
      m.atan2(d, m.add(e, 3)),
      m.mul(m.log1p(m.square(f)), m.expm1(m.min(a, f))),
      m.div(m.asin(m.tanh(b)), m.cosh(c)),
      m.dot([a, b, 2], [c, 3, d]),
    ]),
  'constants on either side and the first input as a second operand': (m, [a, b, c, d, e, f]) =>
    m.sum([
      m.div(2, m.sub(3, a)),
      m.mul(b, a),
      m.sum([c, 2, d]),
      m.mul(e, m.sum([1, 2])),
      m.add(f, m.dot([1, 2], [3, 4])),
      m.pow(2, m.mul(a, 0.5)),
    ]),
  'dots of consecutive nodes times data, as a layer slices its weight rows (the replay fast path)':
    (m, x) => {
      const data = [0.5, 0, -2]
      const waves = [
        m.sin(x[0] as (typeof x)[number]),
        m.sin(x[1] as (typeof x)[number]),
        m.sin(x[2] as (typeof x)[number]),
      ]
      return m.sum([
        m.tanh(m.dot(x.slice(0, 3), data)),
        m.square(m.dot(data, x.slice(3, 6))),
        m.dot([...x.slice(0, 3)].reverse(), data),
        m.dot(waves, data),
        m.dot([x[4], 2, x[5]] as (typeof x)[number][], data),
      ])
    },
  'dots inside other ops, so their adjoints are not 1; a dot of one pair; a dot against its own reverse':
    (m, [a, b, c, d, e, f]) =>
      m.mul(
        m.sum([
          a as never,
          m.tanh(m.dot([a, b, c] as never[], [d, m.sin(e as never), 2] as never[])),
        ]),
        m.add(
          m.exp(m.dot([a, b, c] as never[], [c, b, a] as never[])),
          m.sin(m.mul(3, m.dot([e] as never[], [f] as never[]))),
        ),
      ),
  'a sum whose first operand is input 0 and an op on constants as the first instruction': (m, x) =>
    m.mul(m.sum([1, 2]), m.sum([x[0] as never, m.mul(x[1] as never, x[0] as never)])),
  'a long loop whose recording outgrows every buffer (300 instructions, 200 constants)': (m, x) => {
    let acc = m.constant(0)
    for (let i = 0; i < 100; i++) {
      const xi = x[i % x.length] as (typeof x)[number]
      acc = m.add(acc, m.mul(100 + i, m.square(m.sub(xi, i / 100))))
    }
    return acc
  },
}

const points = [
  [0.5, -0.3, -0.7, 0.4, 1.5, -2],
  [-1.2, 0.9, 0.3, -0.4, 0.2, 0.7],
  [2, 0.1, -1.5, 1, -0.5, 0.05],
]

describe('a compiled gradient equals the dynamic reverse-mode gradient at every point', () => {
  for (const [name, f] of Object.entries(functions)) {
    it(`${name}: recorded at one point, replayed at others`, () => {
      const compiled = reverse.compile(f, points[0] as number[])
      for (const x of [...points, ...points]) {
        const expected = reverse.valueAndGradient(f, x)
        const actual = compiled.valueAndGradient(x)
        expect(actual.value).toBe(expected.value)
        expect(actual.gradient).toEqual(expected.gradient)
      }
      expect(compiled.recordings).toBe(1)
    })
  }

  it('exact zeros are strong in the replay too: an infinite partial behind a zero weight adds nothing', () => {
    // sqrt'(0) is infinite, but sqrt(x) reaches the output only through a factor 0 (chainTerm).
    const f: ScalarFn = (m, [x, y]) =>
      m.add(
        m.mul(m.sqrt(x as never), 0),
        m.add(m.dot([m.sqrt(x as never), y as never], [0, 1]), y as never),
      )
    const compiled = reverse.compile(f, [0, 1])
    for (const x of [
      [0, 1],
      [0, 2],
    ]) {
      expect(Array.from(compiled.gradient(x))).toEqual([0, 2])
      expect(compiled.gradient(x)).toEqual(reverse.gradient(f, x))
    }
  })

  it('exact zeros are strong where the adjoint is infinite (sqrt at 0): zero partials and zero factors add nothing', () => {
    const cases: [ScalarFn, number[], number[]][] = [
      // unary: relu'(-1) = 0 times sqrt'(0) = infinity
      [(m, [x]) => m.sqrt(m.relu(x as never)), [-1], [0]],
      // binary: d/dx (x y) = y = 0 times infinity
      [(m, [x, y]) => m.sqrt(m.mul(x as never, y as never)), [1, 0], [0, Number.POSITIVE_INFINITY]],
      // a dot of consecutive inputs times data with a weight 0
      [
        (m, [x, y]) => m.sqrt(m.dot([x, y] as never[], [0, 1])),
        [2, 0],
        [0, Number.POSITIVE_INFINITY],
      ],
      // a dot of variables in another order, with a weight 0 and a factor whose value is 0
      [
        (m, [x, y, z, w]) => m.sqrt(m.dot([w, x, y] as never[], [0, z, z] as never[])),
        [0, 0, 1, 5],
        [Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY, 0, 0],
      ],
    ]
    for (const [f, x, expected] of cases) {
      expect(Array.from(reverse.gradient(f, x))).toEqual(expected)
      expect(Array.from(reverse.compile(f, x).gradient(x))).toEqual(expected)
    }
  })

  it('an op whose partials are all 0 when recorded is still recorded: dot([x], [y]) and x y compiled at (0, 0)', () => {
    for (const f of [
      ((m, [x, y]) => m.dot([x] as never[], [y] as never[])) as ScalarFn,
      ((m, [x, y]) => m.mul(x as never, y as never)) as ScalarFn,
    ]) {
      expect(Array.from(reverse.compile(f, [0, 0]).gradient([2, 3]))).toEqual([3, 2])
    }
  })

  it('reading the value of a constant does not make a replay re-record', () => {
    const compiled = reverse.compile((m, [x]) => m.mul(x as never, m.value(m.constant(2))), [1])
    for (const x of [2, 3, 4]) expect(Array.from(compiled.gradient([x]))).toEqual([2])
    expect(compiled.recordings).toBe(1)
  })

  it('a partial that was zero when recorded is recomputed: d/dx (x y) at y = 3 after recording at y = 0', () => {
    const compiled = reverse.compile((m, [x, y]) => m.mul(x, y), [1, 0])
    expect(Array.from(compiled.gradient([1, 3]))).toEqual([3, 1])
  })

  it("an op's own branch follows the new point: relu recorded at a negative input, replayed at a positive one", () => {
    const compiled = reverse.compile((m, [x]) => m.mul(m.relu(x), 5), [-1])
    expect(Array.from(compiled.gradient([-1]))).toEqual([0])
    expect(Array.from(compiled.gradient([2]))).toEqual([5])
  })

  it('calls the function only when recording', () => {
    let calls = 0
    const compiled = reverse.compile(
      (m, [x]) => {
        calls++
        return m.sin(x)
      },
      [0],
    )
    for (let i = 0; i < 5; i++) expect(compiled.gradient([i])[0]).toBe(Math.cos(i))
    expect(calls).toBe(1)
  })

  it('an output that is an input itself (node 0) has gradient 1 there', () => {
    const compiled = reverse.compile((_m, [a]) => a, [1, 2])
    expect(compiled.valueAndGradient([5, 6])).toEqual({ value: 5, gradient: Float64Array.of(1, 0) })
  })

  it('gradient alone, with no read or comparison to check, asks the engine for the gradient at x and runs no forward pass of its own', () => {
    // Node 0 as output (an input), and a loop whose backward pass recomputes what it needs.
    const sumOfSquares: ScalarFn = (m, x) => m.sum(x.map((xi) => m.square(xi)))
    for (const [f, x, expected] of [
      [(_m, [a]) => a, [5, 6], [1, 0]],
      [sumOfSquares, [1, 2, 3], [2, 4, 6]],
    ] as [ScalarFn, number[], number[]][]) {
      for (const mode of ['generated', 'interpreter'] as const) {
        const compiled = reverse.compile(
          f,
          x.map(() => 0),
          { mode },
        )
        const engine = (
          compiled as unknown as { replay: Record<string, (...a: unknown[]) => unknown> }
        ).replay
        const calls: string[] = []
        for (const name of ['forward', 'gradientAt', 'gradient']) {
          const method = engine[name] as (...a: unknown[]) => unknown
          engine[name] = (...args: unknown[]) => {
            calls.push(name)
            return method.apply(engine, args)
          }
        }
        expect(Array.from(compiled.gradient(x))).toEqual(expected)
        expect(calls[0]).toBe('gradientAt')
      }
    }
  })

  it("where code generation from strings throws an EvalError, 'auto' uses the interpreter and 'generated' says why", () => {
    const f: ScalarFn = (m, [a, b]) => m.mul(m.sin(a as never), b as never)
    const original = globalThis.Function
    globalThis.Function = function Refused() {
      throw new EvalError('Code generation from strings disallowed for this context')
    } as unknown as FunctionConstructor
    try {
      const compiled = reverse.compile(f, [1, 2])
      expect(compiled.mode).toBe('interpreter')
      expect(Array.from(compiled.gradient([0, 3]))).toEqual([3, 0])
      expect(() => reverse.compile(f, [1, 2], { mode: 'generated' })).toThrow(
        gradlabErr(
          Error,
          'ERR_GRADLAB_CODEGEN_UNAVAILABLE',
          "reverse.compile: options.mode is 'generated', but code generation from strings is not allowed here. Use mode 'auto' to fall back to the interpreter.",
        ),
      )
      // Any other error is not a refusal: it reaches the caller.
      globalThis.Function = function Broken() {
        throw new RangeError('broken')
      } as unknown as FunctionConstructor
      expect(() => reverse.compile(f, [1, 2])).toThrow(new RangeError('broken'))
    } finally {
      globalThis.Function = original
    }
    expect(reverse.compile(f, [1, 2]).mode).toBe('generated')
  })

  it('a constant function has a zero gradient and its value', () => {
    const compiled = reverse.compile(() => 7, [1, 2])
    expect(compiled.valueAndGradient([3, 4])).toEqual({ value: 7, gradient: new Float64Array(2) })
  })

  it('keeps its own copy of the recording: later reverse-mode calls do not disturb it', () => {
    const f: ScalarFn = (m, [a, b]) => m.mul(m.exp(a), m.cos(b))
    const compiled = reverse.compile(f, [0, 0])
    reverse.gradient(
      (m, x) => m.sum(x.map((xi) => m.sin(xi))),
      Array.from({ length: 3000 }, (_, i) => i),
    )
    expect(compiled.gradient([1, 2])).toEqual(reverse.gradient(f, [1, 2]))
  })
})

describe('every op of the table, compiled, equals its dynamic gradient exactly', () => {
  // The replay calls each op's rules from a case of its own (src/reverse/replay.ts),
  // so each op is checked here, on both sides of a binary op and against constants;
  // points outside an op's domain give NaN on both sides, which also compares.
  // The constants 0.8 and 0.5 fall between the points' coordinates, so min and
  // max select either operand at some point.
  const at = [
    [0.3, 0.7],
    [-0.4, 1.5],
    [0.9, -0.2],
    [2.5, 0.6],
    [0, 1],
  ]
  const same = (f: ScalarFn) => {
    const compiled = reverse.compile(f, at[0] as number[])
    for (const x of at) {
      const expected = reverse.valueAndGradient(f, x)
      const actual = compiled.valueAndGradient(x)
      expect(actual.value).toBe(expected.value)
      expect(actual.gradient).toEqual(expected.gradient)
    }
    expect(compiled.recordings).toBe(1)
  }
  it.each(UNARY_OPS)('%s', (op) => {
    same((m, [a, b]) => m.mul(m[op](a as never), b as never))
  })
  it.each(BINARY_OPS)('%s', (op) => {
    same((m, [a, b]) =>
      m.sum([m[op](a as never, b as never), m[op](b as never, 0.8), m[op](0.5, a as never)]),
    )
  })
})

describe('control flow that depends on x is never replayed on the wrong branch', () => {
  const branchy = <T>(m: Ops<T>, [x]: readonly T[]) => (m.value(x) > 0 ? m.mul(x, x) : m.neg(x))

  it("by default a changed value read with m.value makes it record again, giving the new branch's gradient", () => {
    const compiled = reverse.compile(branchy, [1])
    expect(compiled.gradient([3])[0]).toBe(6)
    expect(compiled.recordings).toBe(2) // m.value(x) changed from 1 to 3: recorded again
    expect(compiled.gradient([-2])[0]).toBe(-1)
    expect(compiled.recordings).toBe(3)
    expect(compiled.gradient([-2])[0]).toBe(-1)
    expect(compiled.recordings).toBe(3) // the same point again: nothing changed
  })

  it('a read value that was NaN and is NaN again counts as unchanged; NaN against a number as changed', () => {
    const reads = <T>(m: Ops<T>, [x]: readonly T[]) =>
      Number.isNaN(m.value(x)) ? m.neg(x) : m.mul(x, x)
    const fromNaN = reverse.compile(reads, [Number.NaN])
    expect(fromNaN.gradient([Number.NaN])[0]).toBe(-1)
    expect(fromNaN.recordings).toBe(1)
    const fromOne = reverse.compile(reads, [1])
    expect(fromOne.gradient([Number.NaN])[0]).toBe(-1)
    expect(fromOne.recordings).toBe(2)
  })

  it("with { onValueChange: 'throw' } a changed read is a RangeError naming the values", () => {
    const compiled = reverse.compile(branchy, [1], { onValueChange: 'throw' })
    expect(compiled.gradient([1])[0]).toBe(2)
    expect(() => compiled.gradient([-2])).toThrow(
      gradlabErr(
        RangeError,
        'ERR_GRADLAB_VALUE_CHANGED',
        "reverse.compiled.gradient: the function read a value with m.value that is -2 at this x but was 1 when recorded, so its control flow may differ. Use reverse.gradient, or compile with { onValueChange: 'rerecord' }.",
      ),
    )
  })
})

describe('bad input to compile and to a compiled gradient', () => {
  const f: ScalarFn = (m, x) => m.sum(x)
  it('names the call and what was wrong', () => {
    expect(() => reverse.compile('f' as never, [1])).toThrow(
      'reverse.compile: f must be a function',
    )
    expect(() => reverse.compile(f, [1, 'a'] as never)).toThrow(
      'reverse.compile: x0[1] must be a number',
    )
    expect(() => reverse.compile(f, [1], { onValueChange: 'ignore' as never })).toThrow(
      "reverse.compile: options.onValueChange must be 'rerecord' or 'throw', got ignore.",
    )
    expect(() => reverse.compile((_m, x) => x as never, [1])).toThrow(
      'reverse.compile: f returned an array',
    )
    expect(() => reverse.compile((m) => m.sin('x' as never), [1])).toThrow(
      'reverse.compile: sin received a string ("x")',
    )
    const compiled = reverse.compile(f, [1, 2])
    expect(() => compiled.gradient([1, 'a'] as never)).toThrow(
      'reverse.compiled.gradient: x[1] must be a number',
    )
    expect(() => compiled.valueAndGradient([1])).toThrow(
      'reverse.compiled.valueAndGradient: x has length 1 but must have length 2',
    )
    expect(() => compiled.gradient([1, 2, 3])).toThrow(
      gradlabErr(
        RangeError,
        'ERR_GRADLAB_LENGTH_MISMATCH',
        'reverse.compiled.gradient: x has length 3 but must have length 2 (the length the function was compiled for).',
      ),
    )
  })
})

describe('the recording ops name themselves for a bad operand, in either position', () => {
  const invalid = (op: string) =>
    gradlabErr(
      TypeError,
      'ERR_GRADLAB_INVALID_OPERAND',
      `reverse.compile: ${op} received a string ("x"); expected a value made by these ops or a plain number.`,
    )
  it('every unary and binary op of the table, value, sum and dot', () => {
    for (const op of UNARY_OPS) {
      expect(() => reverse.compile((m) => m[op]('x' as never), [1]), op).toThrow(invalid(op))
    }
    for (const op of BINARY_OPS) {
      expect(() => reverse.compile((m, [a]) => m[op]('x' as never, a as never), [1]), op).toThrow(
        invalid(op),
      )
      expect(() => reverse.compile((m, [a]) => m[op](a as never, 'x' as never), [1]), op).toThrow(
        invalid(op),
      )
    }
    expect(() => reverse.compile((m) => m.value('x' as never) as never, [1])).toThrow(
      invalid('value'),
    )
    expect(() => reverse.compile((m) => m.constant('x' as never), [1])).toThrow(
      'reverse.compile: constant received a string ("x"), but these ops compute with plain numbers.',
    )
    expect(() => reverse.compile((m, [a]) => m.sum([a as never, 'x' as never]), [1])).toThrow(
      invalid('sum'),
    )
    expect(() => reverse.compile((m, [a]) => m.dot(['x' as never], [a as never]), [1])).toThrow(
      invalid('dot'),
    )
    expect(() => reverse.compile((m, [a]) => m.dot([a as never], ['x' as never]), [1])).toThrow(
      invalid('dot'),
    )
    for (const op of ['sum', 'dot'] as const) {
      const f: ScalarFn = (m, x) => (op === 'sum' ? m.sum(5 as never) : m.dot(5 as never, x))
      expect(() => reverse.compile(f, [1]), op).toThrow(
        `reverse.compile: ${op} expects an array, got the number 5.`,
      )
    }
  })
})

describe('data given at every call (options.data): one recording serves every batch', () => {
  /** A 3-4-1 tanh network's squared error over a batch: xs holds 3 numbers per example, ys one. */
  const loss = <T>(m: Ops<T>, p: readonly T[], [xs = [], ys = []]: readonly (readonly T[])[]) => {
    let total: T | number = 0
    for (let e = 0; e < ys.length; e++) {
      let out: T | number = p[16] as T
      for (let h = 0; h < 4; h++) {
        const z = m.add(
          p[12 + h] as T,
          m.dot(p.slice(3 * h, 3 * h + 3), xs.slice(3 * e, 3 * e + 3)),
        )
        out = m.add(out, m.mul(p[17 + h] as T, m.tanh(z)))
      }
      total = m.add(total, m.square(m.sub(out, ys[e] as T)))
    }
    return total as T
  }
  const batch = (seed: number, size: number) => [
    Array.from({ length: 3 * size }, (_, i) => Math.sin(seed * (i + 1) * 1.7)),
    Array.from({ length: size }, (_, i) => Math.cos(seed * (i + 2))),
  ]
  const w = Array.from({ length: 21 }, (_, i) => Math.sin(i + 0.5))
  /** The dynamic gradient of the loss over a batch given as plain numbers. */
  const dynamic = (p: readonly number[], data: number[][]) =>
    reverse.valueAndGradient((m, q) => loss(m, q, data as never), p)

  for (const mode of ['generated', 'interpreter'] as const) {
    it(`${mode}: a new batch at each call gives the dynamic gradient over that batch, bit for bit, from one recording`, () => {
      const compiled = reverse.compile(loss, w, { data: batch(1, 5), mode })
      expect(compiled.mode).toBe(mode)
      for (const seed of [2, 3, 1, 4]) {
        const data = batch(seed, 5)
        const p = w.map((v, i) => v + 0.01 * seed * Math.cos(i))
        const expected = dynamic(p, data)
        const actual = compiled.valueAndGradient(p, data)
        expect(Object.is(actual.value, expected.value)).toBe(true)
        expect(Array.from(actual.gradient)).toEqual(Array.from(expected.gradient))
        expect(Array.from(compiled.gradient(p, data))).toEqual(Array.from(expected.gradient))
      }
      expect(compiled.recordings).toBe(1)
    })
  }

  it('data that repeats one value when recorded is still read at every call (not frozen as a constant)', () => {
    const compiled = reverse.compile(loss, w, {
      data: [new Array(15).fill(1), new Array(5).fill(0)],
    })
    const data = batch(7, 5)
    expect(Array.from(compiled.gradient(w, data))).toEqual(Array.from(dynamic(w, data).gradient))
  })

  it('dots that share their constants keep their data: the data slot is read at every call, the constants once', () => {
    // Both dots append the constants 2 and 3, so the second reads the first's; d[0] is data.
    const f = <T>(m: Ops<T>, p: readonly T[], [d = []]: readonly (readonly T[])[]) =>
      m.mul(m.dot(p.slice(0, 3), [d[0] as T, 2, 3]), m.dot(p.slice(3, 6), [d[0] as T, 2, 3]))
    const p = [0.5, -1, 2, 1.5, 0.25, -2]
    const compiled = reverse.compile(f, p, { data: [[1]] })
    for (const d of [[1], [4], [-3]]) {
      const expected = reverse.gradient((m, q) => f(m, q, [d] as never), p)
      expect(Array.from(compiled.gradient(p, [d]))).toEqual(Array.from(expected))
    }
    expect(compiled.recordings).toBe(1)
  })

  it('an op on data alone is recomputed at every call', () => {
    const f = <T>(m: Ops<T>, [a]: readonly T[], data: readonly (readonly T[])[]) =>
      m.mul(a as T, m.exp(m.mul(2, data[0]?.[0] as T)))
    const compiled = reverse.compile(f, [1], { data: [[0]] })
    expect(Array.from(compiled.gradient([1], [[0]]))).toEqual([1])
    expect(Array.from(compiled.gradient([1], [[1]]))).toEqual([Math.exp(2)])
  })

  it('a batch of another size records again (or throws with onValueChange: throw)', () => {
    const compiled = reverse.compile(loss, w, { data: batch(1, 5) })
    const data = batch(2, 3)
    expect(Array.from(compiled.gradient(w, data))).toEqual(Array.from(dynamic(w, data).gradient))
    expect(compiled.recordings).toBe(2)
    const strict = reverse.compile(loss, w, { data: batch(1, 5), onValueChange: 'throw' })
    expect(() => strict.gradient(w, data)).toThrow(
      gradlabErr(
        RangeError,
        'ERR_GRADLAB_VALUE_CHANGED',
        "reverse.compiled.gradient: the function was given data[0] of length 9 at this call but 15 when recorded, so its control flow may differ. Use reverse.gradient, or compile with { onValueChange: 'rerecord' }.",
      ),
    )
  })

  it('a branch on a data value read with m.value is a guard: the other branch records again', () => {
    const f = <T>(m: Ops<T>, [a]: readonly T[], data: readonly (readonly T[])[]) =>
      m.value(data[0]?.[0] as T) > 0 ? m.square(a as T) : m.neg(a as T)
    const compiled = reverse.compile(f, [3], { data: [[1]] })
    expect(Array.from(compiled.gradient([3], [[1]]))).toEqual([6])
    expect(Array.from(compiled.gradient([3], [[-1]]))).toEqual([-1])
    expect(compiled.recordings).toBe(2)
  })

  it('data must be given at every call, as arrays of numbers, and only when compiled with it', () => {
    const compiled = reverse.compile(loss, w, { data: batch(1, 2) })
    expect(() => compiled.gradient(w)).toThrow(
      gradlabErr(
        TypeError,
        'ERR_GRADLAB_INVALID_POINT',
        'reverse.compiled.gradient: data must be an array of arrays of numbers (the data this gradient was compiled with), got undefined.',
      ),
    )
    expect(() =>
      compiled.valueAndGradient(w, [
        [1, 2, 3, 4, 5, 6],
        [1, 'x'],
      ] as never),
    ).toThrow(
      gradlabErr(
        TypeError,
        'ERR_GRADLAB_INVALID_POINT',
        'reverse.compiled.valueAndGradient: data[1][1] must be a number, got a string ("x").',
      ),
    )
    expect(() => reverse.compile(loss, w, { data: [1, 2] as never })).toThrow(
      gradlabErr(
        TypeError,
        'ERR_GRADLAB_INVALID_POINT',
        'reverse.compile: options.data[0] must be an array or typed array of numbers, got the number 1. For a function of one number, use derivative(g, 1).',
      ),
    )
    const plain = reverse.compile((m, [a]) => m.square(a), [1])
    expect(() => plain.gradient([1], [[1]] as never)).toThrow(
      gradlabErr(
        TypeError,
        'ERR_GRADLAB_INVALID_OPTIONS',
        'reverse.compiled.gradient: this gradient was compiled without options.data, but argument 2 is data (an array of length 1). Compile with { data } to give data at every call.',
      ),
    )
  })
})

describe('comparisons (m.lt, m.le, m.gt, m.ge) are guards on their outcome, not on the values', () => {
  const clipped = <T>(m: Ops<T>, x: readonly T[]) =>
    m.sum(x.map((xi) => (m.gt(xi, 1) ? m.mul(2, xi) : m.square(xi))))

  for (const mode of ['generated', 'interpreter'] as const) {
    it(`${mode}: a thousand new points on the same side of every comparison replay one recording`, () => {
      const compiled = reverse.compile(clipped, [0.5, 2, -1], { mode })
      for (let k = 0; k < 1000; k++) {
        const x = [0.5 + 0.0004 * k, 2 + Math.sin(k), -1 - 0.001 * k]
        expect(Array.from(compiled.gradient(x))).toEqual(Array.from(reverse.gradient(clipped, x)))
      }
      expect(compiled.recordings).toBe(1)
    })
    it(`${mode}: an outcome that flips in any iteration records again, and the gradient follows the branch`, () => {
      const compiled = reverse.compile(clipped, [0.5, 2, -1], { mode })
      for (const x of [
        [0.5, 0.5, -1],
        [3, 0.5, 4],
        [3, 0.5, 4],
      ]) {
        expect(Array.from(compiled.gradient(x))).toEqual(Array.from(reverse.gradient(clipped, x)))
      }
      expect(compiled.recordings).toBe(3)
    })
  }

  it('against m.value, which guards the value itself: every new point records again', () => {
    const byValue = <T>(m: Ops<T>, [x]: readonly T[]) =>
      m.value(x) > 1 ? m.mul(2, x) : m.square(x as T)
    const byOutcome = <T>(m: Ops<T>, [x]: readonly T[]) =>
      m.gt(x, 1) ? m.mul(2, x) : m.square(x as T)
    const a = reverse.compile(byValue, [0])
    const b = reverse.compile(byOutcome, [0])
    for (let k = 1; k <= 10; k++) {
      a.gradient([k / 100])
      b.gradient([k / 100])
    }
    expect([a.recordings, b.recordings]).toEqual([11, 1])
  })

  it("with { onValueChange: 'throw' } a flipped outcome is a RangeError naming the comparison", () => {
    const compiled = reverse.compile(clipped, [0.5, 2, -1], { onValueChange: 'throw' })
    expect(() => compiled.gradient([2, 2, -1])).toThrow(
      gradlabErr(
        RangeError,
        'ERR_GRADLAB_VALUE_CHANGED',
        "reverse.compiled.gradient: the function compared 2 and 1 with m.gt (false when recorded, now true), so its control flow may differ. Use reverse.gradient, or compile with { onValueChange: 'rerecord' }.",
      ),
    )
  })

  it('where a read value and a comparison both changed, the error names the read', () => {
    const f: ScalarFn = (m, [a, b]) =>
      m.value(a as never) > 0 && m.lt(b as never, 0)
        ? m.mul(a as never, b as never)
        : m.neg(b as never)
    const compiled = reverse.compile(f, [1, -1], { onValueChange: 'throw' })
    expect(() => compiled.gradient([2, 1])).toThrow(
      "reverse.compiled.gradient: the function read a value with m.value that is 2 at this x but was 1 when recorded, so its control flow may differ. Use reverse.gradient, or compile with { onValueChange: 'rerecord' }.",
    )
  })

  it('compare values in every strategy, NaN comparing false, and name themselves for a bad operand', () => {
    const f = <T>(m: Ops<T>, [a, b]: readonly T[]) =>
      [m.lt(a as T, b as T), m.le(a as T, 1.5), m.gt(2, b as T), m.ge(a as T, a as T)].map(Number)
    const seen: number[][] = []
    const record = <T>(m: Ops<T>, x: readonly T[]) => {
      seen.push(f(m, x))
      return m.add(x[0] as T, 0)
    }
    // Away from ties, so that numeric's perturbed points compare alike.
    reverse.gradient(record, [1, 2.5])
    forward.gradient(record, [1, 2.5])
    numeric.gradient(record, [1, 2.5])
    record(plain, [1, 2.5])
    for (const outcomes of seen) expect(outcomes).toEqual([1, 1, 0, 1])
    expect(plain.lt(Number.NaN, 0) || plain.ge(Number.NaN, Number.NaN)).toBe(false)
    expect(() =>
      reverse.gradient((m, [a]) => (m.lt(a as never, 'x' as never) ? a : 0), [1]),
    ).toThrow(
      gradlabErr(
        TypeError,
        'ERR_GRADLAB_INVALID_OPERAND',
        'reverse.gradient: lt received a string ("x"); expected a value made by these ops or a plain number.',
      ),
    )
  })
})

describe('recordings kept apart', () => {
  it('a function being compiled may compile and call another: each recording keeps its own instructions', () => {
    const inner: ScalarFn = (m, [a, b]) => m.mul(m.sin(a as never), b as never)
    const outer: ScalarFn = (m, [a, b]) => {
      const first = m.mul(a as never, b as never)
      const g = reverse.compile(inner, [m.value(a as never), 2]).gradient([0.5, 2])
      return m.add(first, m.mul(m.exp(b as never), g[0] as number))
    }
    const compiled = reverse.compile(outer, [1, 2])
    for (const x of [
      [1, 2],
      [0.25, -1.5],
    ]) {
      const expected = reverse.valueAndGradient(outer, x)
      const got = compiled.valueAndGradient(x)
      expect(got.value).toBe(expected.value)
      expect(Array.from(got.gradient)).toEqual(Array.from(expected.gradient))
    }
  })
  it('a variable kept from an earlier call is refused, with a compile in between', () => {
    let kept: unknown
    reverse.gradient(
      (m, [a]) => {
        kept = a
        return m.square(a as never)
      },
      [1],
    )
    // Compiles and dynamic calls draw their sessions from one counter: never the same twice.
    reverse.compile((m, [a]) => m.square(a as never), [1])
    const foreign = gradlabErr(
      TypeError,
      'ERR_GRADLAB_FOREIGN_VALUE',
      'reverse.gradient: mul received a variable recorded in another evaluation (kept from an earlier call or an enclosing one). Values made by the ops are valid only inside the call that made them; pass m.value(...) to use one as a constant.',
    )
    expect(() => reverse.gradient((m, [a]) => m.mul(a as never, kept as never), [1])).toThrow(
      foreign,
    )
    expect(() => reverse.compile(() => kept as never, [1])).toThrow(
      gradlabErr(
        TypeError,
        'ERR_GRADLAB_FOREIGN_VALUE',
        'reverse.compile: f returned a variable recorded in another evaluation (kept from an earlier call); return values computed in this call.',
      ),
    )
  })
})

describe('compile options and data: each mistake named', () => {
  const f = <T>(m: Ops<T>, x: readonly T[], [d]: readonly (readonly T[])[]) => m.dot(x, d as T[])
  const options = (message: string) => gradlabErr(TypeError, 'ERR_GRADLAB_INVALID_OPTIONS', message)
  it('options that are not one of the allowed values, or data that is not arrays of numbers', () => {
    expect(() => reverse.compile(f as never, [1], { mode: {} as never })).toThrow(
      options(
        "reverse.compile: options.mode must be 'auto', 'generated' or 'interpreter', got an object. Use 'auto' (the default) for generated code where it can be made.",
      ),
    )
    expect(() => reverse.compile(f as never, [1], { onValueChange: 3 as never })).toThrow(
      options(
        "reverse.compile: options.onValueChange must be 'rerecord' or 'throw', got the number 3. Use 'rerecord' (the default) to record f again where a value it read changes, or 'throw' to be told instead.",
      ),
    )
    expect(() => reverse.compile(f as never, [1], { data: 'x' as never })).toThrow(
      gradlabErr(
        TypeError,
        'ERR_GRADLAB_INVALID_POINT',
        'reverse.compile: options.data must be an array of arrays of numbers (the arrays f reads as its third argument), got a string ("x").',
      ),
    )
  })
  it("with onValueChange: 'throw', data of another shape says what changed: the count of arrays, or one array's length", () => {
    const compiled = reverse.compile(f as never, [1, 2], { data: [[1, 2]], onValueChange: 'throw' })
    const changed = (what: string) =>
      gradlabErr(
        RangeError,
        'ERR_GRADLAB_VALUE_CHANGED',
        `reverse.compiled.gradient: the function was given ${what} when recorded, so its control flow may differ. Use reverse.gradient, or compile with { onValueChange: 'rerecord' }.`,
      )
    expect(() => compiled.gradient([1, 2], [[1, 2], [3]])).toThrow(
      changed('2 data arrays at this call but 1'),
    )
    expect(() => compiled.gradient([1, 2], [[1, 2, 3]])).toThrow(
      changed('data[0] of length 3 at this call but 2'),
    )
    expect(Array.from(compiled.gradient([1, 2], [[5, 6]]))).toEqual([5, 6])
    // The first array that differs is named.
    const two = <T>(m: Ops<T>, x: readonly T[], [d, e]: readonly (readonly T[])[]) =>
      m.add(m.dot(x, d as T[]), m.sum(e as T[]))
    const strict = reverse.compile(two as never, [1, 2], {
      data: [[1, 2], [3]],
      onValueChange: 'throw',
    })
    expect(() =>
      strict.gradient(
        [1, 2],
        [
          [1, 2],
          [3, 4],
        ],
      ),
    ).toThrow(changed('data[1] of length 2 at this call but 1'))
  })
  it('data of a new shape records once, and the calls after it with that shape replay that recording', () => {
    // d/dx_i (x_0 + x_1) * sum(d) = sum(d), whatever d's length.
    const total = <T>(m: Ops<T>, x: readonly T[], [d]: readonly (readonly T[])[]) =>
      m.mul(m.sum(x), m.sum(d as T[]))
    const compiled = reverse.compile(total, [1, 2], { data: [[1, 2]] })
    for (const d of [
      [5, 6, 7],
      [8, 9, 10],
      [1, 1, 1],
    ]) {
      const sum = d.reduce((a, b) => a + b)
      expect(Array.from(compiled.gradient([1, 2], [d]))).toEqual([sum, sum])
    }
    expect(compiled.recordings).toBe(2)
  })
})

describe('what a recording for compile holds: instructions only for values that depend on x or data', () => {
  const record = (f: ScalarFn | DataFn, x: readonly number[], data: number[][] | null = null) =>
    recordProgram(
      'reverse.compile',
      Float64Array.from(x),
      f,
      data === null ? null : data.map((d) => Float64Array.from(d)),
    ).program
  it('ops, sums, dots, custom ops and blocks of constants record no instruction; with one node operand, one each', () => {
    const c = <T>(m: Ops<T>, v: number) => m.constant(v)
    const times = defineBinary('times', {
      value: (a, b) => a * b,
      partialA: (_m, _a, b) => b,
      partialB: (_m, a) => a,
    })
    const both = defineBlock('both', {
      value: ([a = 0, b = 0]) => [a * b, a + b],
      vjp: ([a = 0, b = 0], _out, [u = 0, w = 0]) => [u * b + w, u * a + w],
    })
    const constants = <T>(m: Ops<T>, [x]: readonly T[]) =>
      m.add(
        m.add(m.add(m.sin(c(m, 2)), m.sum([c(m, 1), 2, c(m, 3)])), times(m, c(m, 2), 3)),
        m.add(
          m.add(m.dot([c(m, 1), 2], [3, c(m, 4)]), x as T),
          m.sub(c(m, 1), (both(m, [c(m, 1), 2]) as T[])[0] as T),
        ),
      )
    // The three adds that reach x: add(dot, x), the add of it and the sub, the add at the top.
    expect(record(constants, [1]).instructions).toBe(3)
    const withNodes = <T>(m: Ops<T>, [x]: readonly T[]) =>
      m.add(m.sum([c(m, 1), x as T]), m.dot([2, c(m, 3)], [c(m, 1), x as T]))
    // sum, dot and the add.
    expect(record(withNodes, [1]).instructions).toBe(3)
  })
  it("a read of a number with m.value is that number and no read; a node's is a read", () => {
    const program = record(
      <T>(m: Ops<T>, [x]: readonly T[]) => m.add(x as T, m.value(3) + m.value(x as T)),
      [2],
    )
    expect(program.reads).toEqual([0, 2])
  })
  it('a comparison of constants is no guard; one of a node or a data value is, naming it', () => {
    const f = <T>(m: Ops<T>, [x]: readonly T[], [d]: readonly (readonly T[])[]) => {
      const a = m.lt(m.constant(1), 2)
      const b = m.gt(x as T, 0)
      const e = m.ge(1, (d as T[])[1] as T)
      return a && b && !e ? (x as T) : m.neg(x as T)
    }
    const program = record(f as DataFn, [1], [[5, 7]])
    expect(program.guards).toEqual([
      { test: 'gt', a: 0, b: null, av: 1, bv: 0, outcome: true },
      { test: 'ge', a: null, b: ~1, av: 1, bv: 7, outcome: false },
    ])
    // The replay checks the data slot's comparison at each call: data that flips it records again.
    const compiled = reverse.compile(f, [1], { data: [[5, 7]] })
    expect(Array.from(compiled.gradient([1], [[5, 8]]))).toEqual([1])
    expect(compiled.recordings).toBe(1)
    expect(Array.from(compiled.gradient([1], [[5, 0]]))).toEqual([-1])
    expect(compiled.recordings).toBe(2)
  })
})

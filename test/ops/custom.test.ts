import { describe, expect, it } from 'vitest'
import {
  countingOps,
  defineBinary,
  defineBlock,
  defineUnary,
  forward,
  numeric,
  type Ops,
  plain,
  reverse,
  type ScalarFn,
  TapeVar,
  tapeStats,
} from '../../src/index.js'
import { gradlabErr } from '../helpers/errors.js'
import { expectClose, strategies, tolerance } from '../helpers/strategies.js'

/*
 * Users' own derivatives: a custom op defined once by its value and local
 * partials works with every strategy, and a block with its own vjp (and jvp)
 * is differentiated through them; a wrong rule is an error naming the op.
 */

// biome-ignore lint/suspicious/noExplicitAny: the point of some tests is input the types would reject
type Any = any

// softsign(a) = a / (1 + |a|), d/da = 1 / (1 + |a|)^2
const softsign = defineUnary('softsign', {
  math: 'd/da a / (1 + |a|) = 1 / (1 + |a|)^2',
  value: (a) => a / (1 + Math.abs(a)),
  partial: (m, a) => m.div(1, m.square(m.add(1, m.abs(a)))),
})
const softsignPrime = (a: number) => 1 / (1 + Math.abs(a)) ** 2

// logaddexp(a, b) = ln(e^a + e^b), with partials e^(a - out), e^(b - out) reusing the output
const logaddexp = defineBinary('logaddexp', {
  value: (a, b) => Math.max(a, b) + Math.log1p(Math.exp(-Math.abs(a - b))),
  partialA: (m, a, _b, out) => m.exp(m.sub(a, out)),
  partialB: (m, _a, b, out) => m.exp(m.sub(b, out)),
})

const lse = (xs: readonly number[]) => {
  const top = Math.max(...xs)
  return top + Math.log(xs.reduce((s, x) => s + Math.exp(x - top), 0))
}
const softmaxDot = (xs: readonly number[], v: readonly number[]) =>
  xs.reduce((t, x, i) => t + Math.exp(x - lse(xs)) * (v[i] as number), 0)
let vjpCalls = 0
let jvpCalls = 0
const logsumexp = defineBlock('logsumexp', {
  value: lse,
  vjp: (xs, out, g) => {
    vjpCalls++
    return xs.map((x) => g * Math.exp(x - out))
  },
  jvp: (xs, v) => {
    jvpCalls++
    return softmaxDot(xs, v)
  },
})
const logsumexpNoJvp = defineBlock('logsumexp', {
  value: lse,
  vjp: (xs, out, g) => xs.map((x) => g * Math.exp(x - out)),
})
// (p, s) = (a b, a + b): a block of two outputs
const productAndSum = defineBlock('productAndSum', {
  value: ([a = 0, b = 0]) => [a * b, a + b],
  vjp: ([a = 0, b = 0], _out, [u = 0, w = 0]) => [u * b + w, u * a + w],
  jvp: ([a = 0, b = 0], [s = 0, t = 0]) => [s * b + a * t, s + t],
})

const f = <T>(m: Ops<T>, [x, y]: readonly T[]) => m.mul(softsign(m, m.mul(2, x as T)), y as T)
const g = <T>(m: Ops<T>, [x, y]: readonly T[]) => logaddexp(m, m.sin(x as T), y as T)
const h = <T>(m: Ops<T>, x: readonly T[]) =>
  m.mul(
    logsumexp(
      m,
      x.map((xi) => m.square(xi)),
    ),
    x[0] as T,
  )
const k = <T>(m: Ops<T>, [a, b]: readonly T[]) => {
  const [p, s] = productAndSum(m, [a as T, b as T])
  return m.add(m.sin(p as T), m.square(s as T))
}

/** The exact gradients, by hand. */
const fGradient = ([x = 0, y = 0]: readonly number[]) => [
  2 * softsignPrime(2 * x) * y,
  (2 * x) / (1 + Math.abs(2 * x)),
]
const gGradient = ([x = 0, y = 0]: readonly number[]) => {
  const out = Math.log(Math.exp(Math.sin(x)) + Math.exp(y))
  return [Math.exp(Math.sin(x) - out) * Math.cos(x), Math.exp(y - out)]
}
const hGradient = (x: readonly number[]) => {
  const squares = x.map((xi) => xi * xi)
  const out = lse(squares)
  const x0 = x[0] as number
  return x.map((xi, i) => x0 * Math.exp(xi * xi - out) * 2 * xi + (i === 0 ? out : 0))
}
const kGradient = ([a = 0, b = 0]: readonly number[]) => [
  Math.cos(a * b) * b + 2 * (a + b),
  Math.cos(a * b) * a + 2 * (a + b),
]

const cases = [
  { name: 'a custom unary op (softsign)', fn: f, x: [0.3, -1.5], exact: fGradient },
  {
    name: 'a custom binary op reusing its output (logaddexp)',
    fn: g,
    x: [0.7, 0.2],
    exact: gGradient,
  },
  { name: 'a block with a vjp and a jvp (logsumexp)', fn: h, x: [0.5, 1, -1.25], exact: hGradient },
  { name: 'a block of two outputs', fn: k, x: [0.5, 2], exact: kGradient },
] satisfies readonly {
  name: string
  fn: ScalarFn
  x: readonly number[]
  exact: (x: readonly number[]) => number[]
}[]

describe('custom ops and blocks in every strategy', () => {
  for (const c of cases) {
    for (const s of strategies) {
      it(`${s.name} differentiates ${c.name} to the hand-derived gradient`, () => {
        const gradient = s.gradient(c.fn, c.x)
        const exact = c.exact(c.x)
        for (const [i, d] of exact.entries()) {
          expectClose(gradient[i] as number, d, tolerance[s.name], `d/dx${i}`)
        }
      })
    }

    it(`forward mode gives the same gradient of ${c.name} at every chunk size`, () => {
      const whole = forward.gradient(c.fn, c.x)
      for (const chunkSize of [1, 2, 3])
        expect(forward.gradient(c.fn, c.x, { chunkSize })).toEqual(whole)
    })

    it(`reverse.compile replays ${c.name} to the dynamic gradient bit for bit, at new points too`, () => {
      const compiled = reverse.compile(c.fn, c.x)
      for (const scale of [1, 0.5, -1.5]) {
        const x = c.x.map((xi) => xi * scale)
        expect(compiled.valueAndGradient(x)).toEqual(reverse.valueAndGradient(c.fn, x))
      }
      expect(compiled.recordings).toBe(1)
    })

    it(`reverse.jvp, reverse.vjp and forward.jvp agree through ${c.name}`, () => {
      const F = <T>(m: Ops<T>, x: readonly T[]) => [c.fn(m, x as never), m.mul(x[0] as T, 2)]
      const v = c.x.map((_, i) => 1 - i / 2)
      const tangent = forward.jvp(F, c.x, v).tangent
      expect(reverse.jvp(F, c.x, v).tangent).toEqual(tangent)
      const rows = reverse.jacobian(F, c.x)
      expect(forward.jacobian(F, c.x)).toEqual(rows)
      expect(reverse.vjp(F, c.x, [1, 0]).cotangent).toEqual(rows[0])
    })
  }

  it('plain and numeric evaluate custom ops and blocks by their values alone', () => {
    expect(softsign(plain, 1)).toBe(0.5)
    expect(logaddexp(plain, 1000, 1000)).toBe(1000 + Math.LN2)
    expect(logsumexp(plain, [1000, 1000])).toBe(1000 + Math.LN2)
    expect(productAndSum(plain, [2, 3])).toEqual([6, 5])
    const before = vjpCalls
    numeric.gradient(h, [0.5, 1, -1.25])
    expect(vjpCalls).toBe(before)
  })

  it('reverse mode calls a block’s vjp once per backward pass instead of recording its ops', () => {
    const before = vjpCalls
    reverse.gradient(h, [0.5, 1, -1.25])
    expect(vjpCalls - before).toBe(1)
    reverse.jacobian((m, x) => [h(m, x), m.mul(h(m, x), 2)], [0.5, 1, -1.25])
    // One backward pass per output, each reaching one of the two blocks.
    expect(vjpCalls - before).toBe(1 + 2)
  })

  it('a block whose outputs do not reach the output calls no vjp (exact zeros are strong)', () => {
    const before = vjpCalls
    const gradient = reverse.gradient(
      (m, x) => {
        logsumexp(m, x)
        return m.square(x[0] as never)
      },
      [3, 1],
    )
    expect(gradient).toEqual(Float64Array.of(6, 0))
    expect(vjpCalls).toBe(before)
  })

  it('nor when a compiled gradient replays it, or when only a zero multiple of its output reaches the output', () => {
    const unused = <T>(m: Ops<T>, x: readonly T[]) => {
      logsumexp(m, x)
      return m.square(x[0] as T)
    }
    const timesZero = <T>(m: Ops<T>, x: readonly T[]) =>
      m.add(m.mul(0, logsumexp(m, x)), m.square(x[0] as T))
    for (const f of [unused, timesZero]) {
      // A recording with a block replays in the interpreter.
      const compiled = reverse.compile(f, [3, 1])
      const replayed = vjpCalls
      expect(compiled.gradient([2, 5])).toEqual(Float64Array.of(4, 0))
      expect(vjpCalls).toBe(replayed)
      const before = vjpCalls
      expect(reverse.gradient(f, [2, 5])).toEqual(Float64Array.of(4, 0))
      expect(vjpCalls).toBe(before)
    }
  })

  it('a block of constants is a constant: its output reaches the output, and still no vjp is called', () => {
    const before = vjpCalls
    const f = <T>(m: Ops<T>, x: readonly T[]) =>
      m.mul(x[0] as T, logsumexp(m, [m.constant(0), m.constant(0)]))
    // d/dx x ln 2 = ln 2
    expect(reverse.gradient(f, [3])).toEqual(Float64Array.of(Math.log(2)))
    expect(reverse.compile(f, [3]).gradient([4])).toEqual(Float64Array.of(Math.log(2)))
    expect(vjpCalls).toBe(before)
  })

  it('a jvp is called only for directions in which some input of the block moves', () => {
    // f(x) = logsumexp(x0, x0) + x1^2: the direction e1 moves no input of the block.
    const f = <T>(m: Ops<T>, x: readonly T[]) =>
      m.add(logsumexp(m, [x[0] as T, x[0] as T]), m.square(x[1] as T))
    let before = jvpCalls
    // Two directions in one pass, e0 and e1: d/dx0 logsumexp(x0, x0) = 1.
    const [d0, d1] = forward.gradient(f, [2, 3], { chunkSize: 2 })
    expect(d0).toBeCloseTo(1, 14)
    expect(d1).toBe(6)
    expect(jvpCalls - before).toBe(1)
    before = jvpCalls
    const F = <T>(m: Ops<T>, x: readonly T[]) => [f(m, x)]
    expect(forward.jvp(F, [2, 3], [0, 1]).tangent).toEqual(Float64Array.of(6))
    expect(reverse.jvp(F, [2, 3], [0, 1]).tangent).toEqual(Float64Array.of(6))
    expect(jvpCalls - before).toBe(0)
    expect(reverse.jvp(F, [2, 3], [1, 1]).tangent[0]).toBeCloseTo(7, 14)
    expect(jvpCalls - before).toBe(1)
  })

  it("a partial is evaluated only for an operand that is a variable, in every strategy's ops and the replay", () => {
    const calls: string[] = []
    const mulish = defineBinary('mulish', {
      value: (a, b) => a * b,
      partialA: (_m, _a, b) => {
        calls.push('A')
        return b
      },
      partialB: (_m, a) => {
        calls.push('B')
        return a
      },
    })
    const cube = defineUnary('cube', {
      value: (a) => a ** 3,
      partial: (m, a) => {
        calls.push('cube')
        return m.mul(3, m.square(a))
      },
    })
    // 3x + 2x + cube(constant 5) + mulish(constant 2, constant 4): d/dx = 5. Constants made with
    // m.constant are the strategy's own values that carry no derivative.
    const f = <T>(m: Ops<T>, [x]: readonly T[]) =>
      m.add(
        m.add(mulish(m, x as T, 3), mulish(m, 2, x as T)),
        m.add(cube(m, m.constant(5)), mulish(m, m.constant(2), m.constant(4))),
      )
    const once = (run: () => Float64Array) => {
      calls.length = 0
      expect(run()).toEqual(Float64Array.of(5))
      return [...calls].sort()
    }
    expect(once(() => forward.gradient(f, [1.5]))).toEqual(['A', 'B'])
    expect(once(() => reverse.gradient(f, [1.5]))).toEqual(['A', 'B'])
    // Compiling: recording computes each partial once, unused, so that a failing rule fails
    // there; the replay's first forward pass, at x0, computes them again.
    calls.length = 0
    const compiled = reverse.compile(f, [1.5])
    expect([...calls].sort()).toEqual(['A', 'A', 'B', 'B'])
    expect(once(() => compiled.gradient([2.5]))).toEqual(['A', 'B'])
  })

  it('a custom op of constants only is a constant, with derivative 0', () => {
    expect(reverse.gradient((m, [x]) => m.add(x, softsign(m, 3)), [1])).toEqual(Float64Array.of(1))
    expect(forward.gradient((m, [x]) => m.add(x, logsumexp(m, [1, 2])), [1])).toEqual(
      Float64Array.of(1),
    )
  })

  it('a custom op or block of constants records nothing on the tape', () => {
    // x + op(constants) + block(constants): the input and the two adds are the only nodes, and
    // each add has one edge, to x or to the first add. Constants made with m.constant count too.
    const c = <T>(m: Ops<T>, value: number) => m.constant(value)
    const fns: ScalarFn[] = [
      (m, [x]) => m.add(m.add(x, logaddexp(m, 1, 2)), productAndSum(m, [3, 4])[0] as never),
      (m, [x]) =>
        m.add(
          m.add(x, logaddexp(m, c(m, 1), c(m, 2))),
          productAndSum(m, [c(m, 3), c(m, 4)])[1] as never,
        ),
      (m, [x]) => m.add(m.add(x, softsign(m, c(m, 1))), logsumexp(m, [c(m, 0), 2])),
    ]
    for (const fn of fns) {
      reverse.gradient(fn, [0.5])
      expect(tapeStats()).toMatchObject({ nodes: 3, edges: 2 })
    }
  })

  it('a custom partial may call another custom op', () => {
    const twice = defineUnary('twiceSoftsign', {
      value: (a) => 2 * softsign(plain, a),
      partial: (m, a) => m.mul(2, m.square(m.sub(1, m.abs(softsign(m, a))))),
    })
    const derivative = reverse.derivative((m, x) => twice(m, x), 0.5)
    expect(forward.derivative((m, x) => twice(m, x), 0.5)).toBe(derivative)
    expect(derivative).toBeCloseTo(2 * softsignPrime(0.5), 15)
  })

  it('countingOps counts a custom op or a block as one op', () => {
    const counter = { ops: 0 }
    reverse.gradient((m, x) => h(countingOps(m, counter), x), [0.5, 1, -1.25])
    expect(counter.ops).toBe(3 + 1 + 1)
  })

  it('a wrapped ops object ({ ...m }) still reaches its strategy', () => {
    expect(reverse.gradient((m, [x]) => softsign({ ...m }, x), [0])).toEqual(Float64Array.of(1))
  })

  it('carries its name, its kind and its rules with their defaults', () => {
    expect(softsign.name).toBe('softsign')
    expect(softsign.kind).toBe('unary')
    expect(softsign.rule.math).toBe('d/da a / (1 + |a|) = 1 / (1 + |a|)^2')
    expect(softsign.rule.smoothAt(Number.NaN)).toBe(false)
    expect(logaddexp.kind).toBe('binary')
    expect(logaddexp.rule.math).toBe('d logaddexp(a, b)')
    expect(logsumexp.kind).toBe('block')
  })
})

describe('errors name the custom op', () => {
  it('a partial that returns a non-number is a TypeError naming the call, the op and the rule', () => {
    const bad = defineUnary('softsign', { value: Math.sin, partial: () => 'cos' as Any })
    const message =
      ': softsign: partial returned a string ("cos"); it must return a number (a plain number, or one computed with the ops m it is given).'
    expect(() => reverse.gradient((m, [x]) => bad(m, x), [1])).toThrow(
      gradlabErr(TypeError, 'ERR_GRADLAB_INVALID_RESULT', `reverse.gradient${message}`),
    )
    expect(() => forward.derivative((m, x) => bad(m, x), 1)).toThrow(
      gradlabErr(TypeError, 'ERR_GRADLAB_INVALID_RESULT', `forward.derivative${message}`),
    )
    const compiled = reverse.compile((m, [x]) => m.mul(x, 2), [1])
    expect(compiled.gradient([2])).toEqual(Float64Array.of(2))
    expect(() => reverse.compile((m, [x]) => bad(m, x), [1])).toThrow(
      gradlabErr(TypeError, 'ERR_GRADLAB_INVALID_RESULT', `reverse.compile${message}`),
    )
  })

  it('a binary partial that returns undefined names partialB', () => {
    const bad = defineBinary('mulish', {
      value: (a, b) => a * b,
      partialA: (_m, _a, b) => b,
      partialB: (() => undefined) as Any,
    })
    expect(() => reverse.gradient((m, [x, y]) => bad(m, x, y), [1, 2])).toThrow(
      /^reverse\.gradient: mulish: partialB returned undefined; it must return a number/,
    )
  })

  it('a value that is not a number is a TypeError naming the op, in every strategy', () => {
    const bad = defineUnary('halfOf', { value: () => 'half' as Any, partial: () => 0.5 })
    for (const s of strategies) {
      expect(() => s.derivative((m, x) => bad(m, x), 1)).toThrow(
        gradlabErr(
          TypeError,
          'ERR_GRADLAB_INVALID_RESULT',
          `${s.name}.derivative: halfOf: value returned a string ("half"); it must return a number.`,
        ),
      )
    }
  })

  it('a partial that computes with a value of another strategy is named as that partial', () => {
    let kept: Any
    forward.derivative((_m, x) => {
      kept = x
      return x
    }, 1)
    const bad = defineUnary('leaky', { value: Math.sin, partial: (m) => m.cos(kept) })
    expect(() => reverse.derivative((m, x) => bad(m, x), 1)).toThrow(
      /^reverse\.derivative: leaky: partial: cos received a Dual, but these ops compute with plain numbers/,
    )
  })

  it('an op given a value of another call is a TypeError naming the op', () => {
    let kept: TapeVar | undefined
    reverse.gradient(
      (_m, [x]) => {
        if (x instanceof TapeVar) kept = x
        return x
      },
      [1],
    )
    expect(() => reverse.gradient((m) => softsign(m, kept as never), [1])).toThrow(
      gradlabErr(
        TypeError,
        'ERR_GRADLAB_FOREIGN_VALUE',
        'reverse.gradient: softsign received a variable recorded in another evaluation (kept from an earlier call or an enclosing one). Values made by the ops are valid only inside the call that made them; pass m.value(...) to use one as a constant.',
      ),
    )
    expect(() => reverse.gradient((m) => logsumexp(m, [kept as never]), [1])).toThrow(
      /^reverse\.gradient: logsumexp received a variable recorded in another evaluation/,
    )
    expect(() => forward.gradient((m) => softsign(m, 'x' as never), [1])).toThrow(
      gradlabErr(
        TypeError,
        'ERR_GRADLAB_INVALID_OPERAND',
        'forward.gradient: softsign received a string ("x"); expected a value made by these ops or a plain number.',
      ),
    )
  })

  it('an m that is not a strategy’s ops is a TypeError saying which m to pass', () => {
    expect(() => softsign({} as Any, 1)).toThrow(
      gradlabErr(
        TypeError,
        'ERR_GRADLAB_INVALID_OPERAND',
        "softsign: its first argument must be the ops m that a strategy passed to your function (or plain), got an object. Call softsign(m, ...) with your function's m.",
      ),
    )
  })

  it('forward mode through a block without a jvp is a TypeError naming the block', () => {
    const message =
      ': logsumexp is a block with no JVP, so derivatives cannot be pushed forward through it. Give defineBlock a jvp, or use reverse.gradient or reverse.vjp, which call its vjp.'
    const fn = <T>(m: Ops<T>, x: readonly T[]) => logsumexpNoJvp(m, x)
    expect(() => forward.gradient(fn, [1, 2])).toThrow(
      gradlabErr(TypeError, 'ERR_GRADLAB_NO_JVP', `forward.gradient${message}`),
    )
    expect(() => reverse.jvp((m, x) => [fn(m, x)], [1, 2], [1, 0])).toThrow(
      gradlabErr(TypeError, 'ERR_GRADLAB_NO_JVP', `reverse.jvp${message}`),
    )
    // Reverse mode needs only the vjp.
    expect(reverse.gradient(fn, [0, 0])).toEqual(Float64Array.of(0.5, 0.5))
  })

  it('a vjp of the wrong length, and a block value of another shape when replayed, name the block', () => {
    const short = defineBlock('solver', { value: (xs) => xs[0] ?? 0, vjp: () => [1] })
    expect(() => reverse.gradient((m, x) => short(m, x), [1, 2])).toThrow(
      gradlabErr(
        TypeError,
        'ERR_GRADLAB_INVALID_RESULT',
        'reverse.gradient: solver: vjp returned an array of length 1; it must return an array of 2 numbers, one per input.',
      ),
    )
    // Something with a length and numbered keys is not an array of numbers.
    const arrayLike = defineBlock('solver', {
      value: (xs) => xs[0] ?? 0,
      vjp: () => ({ 0: 1, 1: 0, length: 2 }) as never,
    })
    expect(() => reverse.gradient((m, x) => arrayLike(m, x), [1, 2])).toThrow(
      /^reverse\.gradient: solver: vjp returned an object; it must return an array of 2 numbers, one per input\.$/,
    )
    const ragged = defineBlock('ragged', {
      value: (xs) => ((xs[0] ?? 0) > 0 ? [1, 2] : [1]),
      vjp: (xs) => xs.map(() => 0),
    })
    const compiled = reverse.compile((m, x) => m.sum(ragged(m, x)), [1])
    expect(() => compiled.gradient([-1])).toThrow(
      gradlabErr(
        RangeError,
        'ERR_GRADLAB_VALUE_CHANGED',
        'reverse.compiled: ragged: value returned an array of 1 number at this point but an array of 2 numbers when the function was recorded. A block must return the same shape at every point; use reverse.gradient if it does not.',
      ),
    )
  })

  it('defining an op without its rules is a TypeError naming the op and the rule', () => {
    expect(() => defineUnary('softsign', { value: Math.sin } as Any)).toThrow(
      gradlabErr(
        TypeError,
        'ERR_GRADLAB_INVALID_DEFINITION',
        'defineUnary: softsign: partial must be a function, got undefined.',
      ),
    )
    expect(() => defineBinary('', {} as Any)).toThrow(
      gradlabErr(
        TypeError,
        'ERR_GRADLAB_INVALID_DEFINITION',
        'defineBinary: the name must be a non-empty string, got a string ("").',
      ),
    )
    expect(() => defineBlock('logsumexp', { value: lse } as Any)).toThrow(
      gradlabErr(
        TypeError,
        'ERR_GRADLAB_INVALID_DEFINITION',
        'defineBlock: logsumexp: vjp must be a function, got undefined.',
      ),
    )
  })
})

describe('definitions are checked when defined, naming the definer and the op', () => {
  const sin = { value: Math.sin, partial: (m: Ops<unknown>, a: unknown) => m.cos(a) }
  const definition = (message: string) =>
    gradlabErr(TypeError, 'ERR_GRADLAB_INVALID_DEFINITION', message)

  it('a name that is not a non-empty string', () => {
    expect(() => defineUnary(42 as Any, sin as Any)).toThrow(
      definition('defineUnary: the name must be a non-empty string, got the number 42.'),
    )
    expect(() => defineBlock('', { value: lse, vjp: () => [] })).toThrow(
      definition('defineBlock: the name must be a non-empty string, got a string ("").'),
    )
  })

  it('rules that are not an object', () => {
    expect(() => defineUnary('sine', null as Any)).toThrow(
      definition('defineUnary: sine: the rules must be an object, got null.'),
    )
    expect(() => defineBinary('mulish', 5 as Any)).toThrow(
      definition('defineBinary: mulish: the rules must be an object, got the number 5.'),
    )
  })

  it('a rule that is not a function, optional ones included when given', () => {
    expect(() => defineBinary('mulish', { value: (a: number, b: number) => a * b } as Any)).toThrow(
      definition('defineBinary: mulish: partialA must be a function, got undefined.'),
    )
    expect(() => defineUnary('sine', { ...sin, smoothAt: 5 } as Any)).toThrow(
      definition('defineUnary: sine: smoothAt must be a function, got the number 5.'),
    )
    expect(() => defineBlock('logsumexp', { value: lse, vjp: () => [], jvp: 'no' } as Any)).toThrow(
      definition('defineBlock: logsumexp: jvp must be a function, got a string ("no").'),
    )
  })

  it('math that is not a string', () => {
    expect(() => defineUnary('sine', { ...sin, math: 1 } as Any)).toThrow(
      definition('defineUnary: sine: math must be a string, got the number 1.'),
    )
  })

  it('defaults: math names the op, smoothAt is true where every operand is finite', () => {
    const sine = defineUnary('sine', sin as Any)
    expect(sine.rule.math).toBe('d/da sine(a)')
    expect([1, Number.POSITIVE_INFINITY].map(sine.rule.smoothAt)).toEqual([true, false])
    const mulish = defineBinary('mulish', {
      value: (a, b) => a * b,
      partialA: (_m, _a, b) => b,
      partialB: (_m, a) => a,
    })
    const smooth = ([a, b]: number[]) => mulish.rule.smoothAt(a as number, b as number)
    expect(
      [
        [1, 2],
        [Number.NaN, 2],
        [1, Number.NEGATIVE_INFINITY],
      ].map(smooth),
    ).toEqual([true, false, false])
  })

  it("an m that is null or a number is refused as any other m that is not a strategy's ops", () => {
    for (const m of [null, 3]) {
      expect(() => softsign(m as Any, 1)).toThrow(
        /^softsign: its first argument must be the ops m that a strategy passed to your function \(or plain\), got (null|the number 3)\./,
      )
    }
  })
})

describe("a block's results must have the shape its value gave", () => {
  const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0)
  const err = (label: string, name: string, what: string, got: string, shape: string) =>
    gradlabErr(
      TypeError,
      'ERR_GRADLAB_INVALID_RESULT',
      `${label}: ${name}: ${what} returned ${got}; it must return ${shape}.`,
    )

  it('a value that is neither a number nor an array of numbers is refused; a Float64Array is accepted', () => {
    const text = defineBlock('textual', { value: () => 'x' as never, vjp: (xs) => xs.map(() => 0) })
    expect(() => reverse.gradient((m, x) => text(m, x), [1])).toThrow(
      err(
        'reverse.gradient',
        'textual',
        'value',
        'a string ("x")',
        'a number or an array of numbers',
      ),
    )
    const mixed = defineBlock('mixed', {
      value: () => [1, 'y'] as never,
      vjp: (xs) => xs.map(() => 0),
    })
    expect(() => reverse.gradient((m, x) => m.sum(mixed(m, x) as never), [1])).toThrow(
      /mixed: value returned/,
    )
    const typed = defineBlock('typed', {
      value: (xs) => Float64Array.of(sum(xs), 2 * sum(xs)) as never,
      vjp: (xs, _out, u) => xs.map(() => (u as number[])[0] as number),
    })
    expect(reverse.gradient((m, x) => (typed(m, x) as never[])[0] as never, [1, 2])).toEqual(
      Float64Array.of(1, 1),
    )
  })

  it('a jvp must return a number where value returned one, and as many numbers as value where it returned an array', () => {
    const scalar = defineBlock('scalarBlock', {
      value: sum,
      vjp: (xs, _out, g) => xs.map(() => g as number),
      jvp: (_xs, v) => [v.reduce((a, b) => a + b, 0)] as never,
    })
    expect(() => forward.gradient((m, x) => scalar(m, x), [1, 2])).toThrow(
      err(
        'forward.gradient',
        'scalarBlock',
        'jvp',
        'an array of length 1',
        'a number, as value does',
      ),
    )
    const pair = defineBlock('pairBlock', {
      value: (xs) => [sum(xs), sum(xs)],
      vjp: (xs) => xs.map(() => 0),
      jvp: (_xs, v) => [v[0] as number],
    })
    expect(() => forward.gradient((m, x) => (pair(m, x) as never[])[0] as never, [1, 2])).toThrow(
      err(
        'forward.gradient',
        'pairBlock',
        'jvp',
        'an array of length 1',
        'an array of 2 numbers, as value does',
      ),
    )
    const numberForPair = defineBlock('numberForPair', {
      value: (xs) => [sum(xs), sum(xs)],
      vjp: (xs) => xs.map(() => 0),
      jvp: () => 1 as never,
    })
    expect(() =>
      forward.gradient((m, x) => (numberForPair(m, x) as never[])[0] as never, [1, 2]),
    ).toThrow(
      err(
        'forward.gradient',
        'numberForPair',
        'jvp',
        'the number 1',
        'an array of 2 numbers, as value does',
      ),
    )
  })

  it("a block's rules get their own copy of the inputs: writing into it changes nothing", () => {
    // The product x0 x1, whose rules spoil the inputs after reading them.
    const spoil = (xs: readonly number[]) => {
      ;(xs as number[]).fill(99)
    }
    const vandal = defineBlock('vandal', {
      value: (xs) => {
        const r = (xs[0] as number) * (xs[1] as number)
        spoil(xs)
        return r
      },
      vjp: (xs, _out, g) => {
        const r = [(g as number) * (xs[1] as number), (g as number) * (xs[0] as number)]
        spoil(xs)
        return r
      },
      jvp: (xs, v) => {
        const r = (v[0] as number) * (xs[1] as number) + (v[1] as number) * (xs[0] as number)
        spoil(xs)
        return r
      },
    })
    const f = (m: Parameters<typeof vandal>[0], x: readonly never[]) =>
      m.add(vandal(m, x) as never, m.mul(x[0] as never, x[1] as never))
    for (const s of [forward, reverse]) {
      expect(s.valueAndGradient(f as never, [2, 3])).toEqual({
        value: 12,
        gradient: Float64Array.of(6, 4),
      })
    }
    const compiled = reverse.compile(f as never, [2, 3])
    expect(compiled.valueAndGradient([2, 3])).toEqual({
      value: 12,
      gradient: Float64Array.of(6, 4),
    })
  })
})

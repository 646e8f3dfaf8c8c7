import { describe, expect, it } from 'vitest'
import { gradcheck, type Ops } from '../../src/index.js'
import { gradlabErr } from '../helpers/errors.js'

/*
 * gradcheck on derivatives written by hand, at chosen points: the expected
 * values come from the formulas below, worked out on paper.
 */

// f(x, y, z) = sin(x y) + z^2 e^x
const f = <T>(m: Ops<T>, [x, y, z]: readonly [T, T, T]) =>
  m.add(m.sin(m.mul(x, y)), m.mul(m.square(z), m.exp(x)))
const point = [0.7, -1.2, 0.4] as const
const [x0, , z0] = point
type Point = [number, number, number]
const byHand = ([x, y, z]: Point) => [
  y * Math.cos(x * y) + z * z * Math.exp(x),
  x * Math.cos(x * y),
  2 * z * Math.exp(x),
]
// d/dz z^2 e^x written as z e^x, not 2 z e^x
const withSlip = ([x, y, z]: Point) => [...byHand([x, y, z]).slice(0, 2), z * Math.exp(x)]

// F(a, b) = (a b, sin a, a + b^2): J = [[b, a], [cos a, 0], [1, 2 b]]
const F = <T>(m: Ops<T>, [a, b]: readonly [T, T]) => [m.mul(a, b), m.sin(a), m.add(a, m.square(b))]
const at = [2, 3] as const
const vjp = ([a, b]: [number, number], [u0 = 0, u1 = 0, u2 = 0]: number[]) => [
  u0 * b + u1 * Math.cos(a) + u2,
  u0 * a + 2 * u2 * b,
]
// dF1/da = cos a written as sin a
const vjpWithSlip = ([a, b]: [number, number], [u0 = 0, u1 = 0, u2 = 0]: number[]) => [
  u0 * b + u1 * Math.sin(a) + u2,
  u0 * a + 2 * u2 * b,
]
const jvp = ([a, b]: [number, number], [v0, v1]: [number, number]) => [
  b * v0 + a * v1,
  Math.cos(a) * v0,
  v0 + 2 * b * v1,
]
// dF2/db = 2 b written as b
const jvpWithSlip = ([a, b]: [number, number], [v0, v1]: [number, number]) => [
  b * v0 + a * v1,
  Math.cos(a) * v0,
  v0 + b * v1,
]

describe('gradcheck with a hand-written gradient', () => {
  it('passes a correct gradient, each of its n entries against central differences, forward and reverse mode', () => {
    const result = gradcheck(f, point, { gradient: byHand })
    expect(result).toMatchObject({ ok: true, mode: 'full', checked: 9, failed: 0 })
    expect(result.worst?.strategy).toBe('gradient')
    expect(result.message).toMatch(/^gradcheck: passed; worst df\/dx\d from your gradient: /)
  })

  it('fails a gradient with a slip in df/dz, in that entry only, against all three references, and names it', () => {
    const result = gradcheck(f, point, { gradient: withSlip })
    expect(result).toMatchObject({ ok: false, checked: 9, failed: 3 })
    const slipped = z0 * Math.exp(x0)
    const truth = 2 * z0 * Math.exp(x0)
    expect(result.worst).toMatchObject({ strategy: 'gradient', output: 0, input: 2 })
    expect(result.worst?.analytic).toBe(slipped)
    expect(result.worst?.numeric).toBeCloseTo(truth, 9)
    expect(['central', 'forward', 'reverse']).toContain(result.worst?.reference)
    expect(result.message).toMatch(
      new RegExp(`^gradcheck: 3 of 9 failed; worst df/dx2 from your gradient: ${slipped} vs `),
    )
  })

  it('passes a correct gradient against central differences but not against the exact modes when f hides b from them, and says so', () => {
    // b enters through m.value, a plain number: forward and reverse mode see df/db = 0.
    const hiding = <T>(m: Ops<T>, [a, b]: readonly [T, T]) => m.mul(m.sin(a), Math.exp(m.value(b)))
    const dfdb = Math.sin(1) * Math.exp(0.5)
    const result = gradcheck(hiding, [1, 0.5], {
      gradient: ([a, b]) => [Math.cos(a) * Math.exp(b), Math.sin(a) * Math.exp(b)],
    })
    expect(result.message).toBe(
      `gradcheck: 2 of 6 failed; worst df/dx1 from your gradient: ${dfdb} vs forward mode 0 (error ${dfdb} > tolerance 1e-8).`,
    )
    expect(result.worst?.reference).toBe('forward')
  })

  it('an entry within its tolerance passes at the boundary: at zero tolerance, exact agreement with forward and reverse mode still passes', () => {
    // A linear f: forward and reverse mode give exactly 2 and 0.5, as the
    // hand-written gradient does; central differences round, so only they fail.
    const linear = <T>(m: Ops<T>, [a, b]: readonly T[]) =>
      m.add(m.mul(2, a as T), m.mul(0.5, b as T))
    const result = gradcheck(linear, [1, 3], { gradient: () => [2, 0.5], rtol: 0, atol: 0 })
    expect(result).toMatchObject({ ok: false, checked: 6, failed: 2 })
    expect(result.worst).toMatchObject({ strategy: 'gradient', reference: 'central', tolerance: 0 })
    expect(result.message).toMatch(
      /^gradcheck: 2 of 6 failed; worst df\/dx\d from your gradient: (2|0\.5) vs central difference [0-9.e-]+ \(error [0-9.e-]+ > tolerance 0\)\.$/,
    )
  })

  it('calls the gradient once, with a copy of x, in full and in fast mode', () => {
    for (const fast of [false, true]) {
      const calls: number[][] = []
      gradcheck(f, point, {
        fast,
        gradient: (x) => {
          calls.push([...x])
          x[0] = 100
          return byHand(x)
        },
      })
      expect(calls).toEqual([[...point]])
    }
  })

  it('in fast mode compares one projection per reference: a correct gradient passes, the slip fails', () => {
    expect(gradcheck(f, point, { gradient: byHand, fast: true })).toMatchObject({
      ok: true,
      mode: 'fast',
      checked: 3,
    })
    const slip = gradcheck(f, point, { gradient: withSlip, fast: true, seed: 3 })
    expect(slip).toMatchObject({ ok: false, checked: 3, failed: 3 })
    expect(slip.worst).toMatchObject({ strategy: 'gradient', output: null, input: null })
    expect(slip.message).toMatch(/^gradcheck: 3 of 3 failed; worst u\^T J v from your gradient: /)
    expect(gradcheck(f, point, { gradient: withSlip, fast: true, seed: 3 })).toEqual(slip)
  })

  it('accepts a Float64Array, and a NaN entry fails the check rather than throwing', () => {
    expect(gradcheck(f, point, { gradient: (x) => Float64Array.from(byHand(x)) }).ok).toBe(true)
    const result = gradcheck(f, point, { gradient: (x) => [Number.NaN, ...byHand(x).slice(1)] })
    expect(result).toMatchObject({ ok: false, failed: 3 })
    expect(result.worst?.input).toBe(0)
    expect(result.worst?.error).toBeNaN()
  })
})

describe('gradcheck with a hand-written VJP or JVP', () => {
  it('passes a correct VJP and a correct JVP: 3 m n entries each', () => {
    expect(gradcheck(F, at, { vjp })).toMatchObject({ ok: true, checked: 18 })
    expect(gradcheck(F, at, { jvp })).toMatchObject({ ok: true, checked: 18 })
    expect(gradcheck(F, at, { vjp, jvp })).toMatchObject({ ok: true, checked: 36 })
  })

  it('fails a VJP with a slip in dF1/da and names that entry: output 1, input 0', () => {
    const result = gradcheck(F, at, { vjp: vjpWithSlip })
    expect(result).toMatchObject({ ok: false, failed: 3 })
    expect(result.worst).toMatchObject({ strategy: 'vjp', output: 1, input: 0 })
    expect(result.worst?.analytic).toBe(Math.sin(2))
    expect(result.worst?.numeric).toBeCloseTo(Math.cos(2), 9)
    expect(result.message).toMatch(
      new RegExp(`^gradcheck: 3 of 18 failed; worst dF1/dx0 from your vjp: ${Math.sin(2)} vs `),
    )
  })

  it('fails a JVP with a slip in dF2/db and names that entry: output 2, input 1', () => {
    const result = gradcheck(F, at, { jvp: jvpWithSlip })
    expect(result).toMatchObject({ ok: false, failed: 3 })
    expect(result.worst).toMatchObject({ strategy: 'jvp', output: 2, input: 1 })
    expect(result.worst?.analytic).toBe(3)
    expect(result.worst?.numeric).toBeCloseTo(6, 9)
    expect(result.message).toContain('worst dF2/dx1 from your jvp: 3 vs ')
  })

  it('with both, names the one that is wrong', () => {
    const result = gradcheck(F, at, { vjp, jvp: jvpWithSlip })
    expect(result).toMatchObject({ ok: false, checked: 36, failed: 3 })
    expect(result.worst?.strategy).toBe('jvp')
  })

  it('calls a VJP with each unit row e_i and a JVP with each unit column e_j; in fast mode, once each', () => {
    const us: number[][] = []
    const vs: number[][] = []
    const options = {
      vjp: (x: [number, number], u: number[]) => {
        us.push([...u])
        return vjp(x, u)
      },
      jvp: (x: [number, number], v: [number, number]) => {
        vs.push([...v])
        return jvp(x, v)
      },
    }
    gradcheck(F, at, options)
    expect(us).toEqual([
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
    ])
    expect(vs).toEqual([
      [1, 0],
      [0, 1],
    ])
    us.length = 0
    vs.length = 0
    expect(gradcheck(F, at, { ...options, fast: true }).ok).toBe(true)
    expect([us.length, vs.length]).toEqual([1, 1])
  })

  it('in fast mode the directions are uniform in [-1, 1), as documented', () => {
    // f(x) = sum of x, with n = 20,000, and a JVP that keeps the direction it is given.
    const n = 20_000
    let v: number[] = []
    const sum = <T>(m: Ops<T>, x: readonly T[]) => m.sum(x)
    const jvpOfSum = (_x: number[], direction: number[]) => {
      v = [...direction]
      return [direction.reduce((a, b) => a + b, 0)]
    }
    gradcheck(sum, new Array(n).fill(0.5), { jvp: jvpOfSum, fast: true, seed: 11 })
    expect(v).toHaveLength(n)
    expect(v.every((vi) => vi >= -1 && vi < 1)).toBe(true)
    // A uniform on [-1, 1) has mean 0 and variance 1/3; over 20,000 draws the sample mean's
    // standard deviation is 0.004 and the sample variance's about 0.0021.
    const mean = v.reduce((a, b) => a + b, 0) / n
    const variance = v.reduce((a, b) => a + (b - mean) ** 2, 0) / n
    expect(Math.abs(mean)).toBeLessThan(0.02)
    expect(Math.abs(variance - 1 / 3)).toBeLessThan(0.01)
  })

  it("in fast mode the step scales with x's largest entry, so a function of large inputs passes", () => {
    // At x near 1e6 a step of about 6e-6 (the one for |x| <= 1) would move x by 1e-11 of itself,
    // and the difference would be mostly rounding: 2.2 against a tolerance of 0.49 when tried.
    const f = <T>(m: Ops<T>, [a, b, c]: readonly T[]) =>
      m.add(m.mul(a as T, a as T), m.mul(b as T, m.sin(m.div(c as T, 1e5))))
    const result = gradcheck(f, [1e6, -2e6, 3e5], { fast: true, seed: 5 })
    expect(result).toMatchObject({ ok: true, mode: 'fast', failed: 0 })
  })

  it('in fast mode fails the slipped VJP and JVP with one projection', () => {
    for (const option of [{ vjp: vjpWithSlip }, { jvp: jvpWithSlip }]) {
      expect(gradcheck(F, at, { ...option, fast: true })).toMatchObject({
        ok: false,
        checked: 3,
        failed: 3,
      })
    }
  })

  it('checks a VJP or JVP of a scalar f as one output, naming entries df/dx_j', () => {
    const scalarVjp = (x: Point, [u0 = 0]: number[]) => byHand(x).map((g) => u0 * g)
    const scalarJvp = (x: Point, v: Point) => [byHand(x).reduce((t, g, j) => t + g * v[j], 0)]
    expect(gradcheck(f, point, { vjp: scalarVjp, jvp: scalarJvp })).toMatchObject({
      ok: true,
      checked: 18,
    })
    const wrong = gradcheck(f, point, {
      jvp: (x, v) => [withSlip(x).reduce((t, g, j) => t + g * v[j], 0)],
    })
    expect(wrong.message).toMatch(/worst df\/dx2 from your jvp: /)
  })
})

describe('gradcheck refuses derivatives of the wrong shape, naming the option', () => {
  it.each([
    [
      'a gradient of a vector F',
      () => gradcheck(F, at, { gradient: () => [1, 2] }),
      gradlabErr(
        TypeError,
        'ERR_GRADLAB_INVALID_OPTIONS',
        'gradcheck: options.gradient is the gradient of a scalar f, but f returned an array of 3 outputs. For a vector function, pass options.vjp or options.jvp.',
      ),
    ],
    [
      'a gradient of the wrong length',
      () => gradcheck(f, point, { gradient: () => [1, 2] }),
      gradlabErr(
        RangeError,
        'ERR_GRADLAB_LENGTH_MISMATCH',
        'gradcheck: options.gradient(x) returned 2 numbers but must return 3 (the gradient: one partial derivative df/dx_j per input).',
      ),
    ],
    [
      'a gradient that is a number',
      () => gradcheck(f, point, { gradient: () => 1 as never }),
      gradlabErr(
        TypeError,
        'ERR_GRADLAB_INVALID_RESULT',
        'gradcheck: options.gradient(x) must return an array or typed array of numbers, got the number 1. Return it in an array, even for one entry.',
      ),
    ],
    [
      'a gradient with a string in it',
      () => gradcheck(f, point, { gradient: () => [1, '2', 3] as never }),
      gradlabErr(
        TypeError,
        'ERR_GRADLAB_INVALID_RESULT',
        'gradcheck: options.gradient(x)[1] must be a number, got a string ("2").',
      ),
    ],
    [
      'a VJP of the length of the outputs rather than the inputs',
      () => gradcheck(F, at, { vjp: () => [1, 2, 3] }),
      gradlabErr(
        RangeError,
        'ERR_GRADLAB_LENGTH_MISMATCH',
        'gradcheck: options.vjp(x, u) returned 3 numbers but must return 2 (u^T J: one entry per input).',
      ),
    ],
    [
      'a JVP of the length of the inputs rather than the outputs',
      () => gradcheck(F, at, { jvp: () => [1, 2] }),
      gradlabErr(
        RangeError,
        'ERR_GRADLAB_LENGTH_MISMATCH',
        'gradcheck: options.jvp(x, v) returned 2 numbers but must return 3 (J v: one entry per output of F).',
      ),
    ],
    [
      'a JVP that returns nothing',
      () => gradcheck(F, at, { jvp: (() => undefined) as never }),
      gradlabErr(
        TypeError,
        'ERR_GRADLAB_INVALID_RESULT',
        'gradcheck: options.jvp(x, v) must return an array or typed array of numbers, got undefined.',
      ),
    ],
    [
      'a gradient that is not a function',
      () => gradcheck(f, point, { gradient: [1, 2, 3] as never }),
      gradlabErr(
        TypeError,
        'ERR_GRADLAB_INVALID_FUNCTION',
        "gradcheck: options.gradient must be a function (x) => gradient (got an array of length 3). Pass your own gradient, or leave it out to check gradlab's.",
      ),
    ],
    [
      'a misspelt option, which would otherwise check nothing of yours',
      () => gradcheck(f, point, { gradeint: byHand } as never),
      gradlabErr(
        TypeError,
        'ERR_GRADLAB_UNKNOWN_OPTION',
        "gradcheck: unknown option 'gradeint'. Known options: atol, fast, gradient, jvp, rtol, seed, vjp.",
      ),
    ],
  ])('%s', (_, call, error) => {
    expect(call).toThrow(error)
    try {
      call()
    } catch (e) {
      expect(e).toBeInstanceOf(error.constructor)
    }
  })

  it('lets an error your derivative throws reach you unchanged', () => {
    const mine = new Error('not implemented')
    expect(() =>
      gradcheck(f, point, {
        gradient: () => {
          throw mine
        },
      }),
    ).toThrow(mine)
  })
})

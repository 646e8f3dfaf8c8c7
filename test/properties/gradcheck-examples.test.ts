import { describe, expect, test } from 'vitest'
import { gradcheck, type Ops } from '../../src/index.js'

/* gradcheck's contract on chosen inputs: the result's shape, and its errors. */

const f = <T>(m: Ops<T>, [a, b]: readonly T[]) => m.mul(m.sin(a as T), m.exp(b as T))

describe('Checking your own derivatives', () => {
  test('gradcheck reports the worst entry of sin(a) e^b at (1, 0.5) with its index, both derivatives, error and tolerance', () => {
    const result = gradcheck(f, [1, 0.5])
    expect(result.ok).toBe(true)
    expect(result.mode).toBe('full')
    expect(result.checked).toBe(4)
    const worst = result.worst
    expect(worst?.output).toBe(0)
    expect([0, 1]).toContain(worst?.input)
    // The analytic value is one of the two partials, cos(1) e^0.5 or sin(1) e^0.5.
    expect([Math.cos(1) * Math.exp(0.5), Math.sin(1) * Math.exp(0.5)]).toContain(worst?.analytic)
    expect(worst?.error).toBe(Math.abs((worst?.analytic as number) - (worst?.numeric as number)))
    expect(worst?.tolerance).toBe(1e-8 + 1e-6 * Math.abs(worst?.numeric as number))
  })

  test('a NaN comparison fails the check and is the worst entry', () => {
    // sqrt at 0: the analytic partial 1 / (2 sqrt 0) is infinite, and the central
    // difference steps to the square root of a negative number, NaN.
    const result = gradcheck(<T>(m: Ops<T>, [a]: readonly T[]) => m.sqrt(a as T), [0])
    expect(result.ok).toBe(false)
    expect(result.failed).toBe(2)
    expect(result.worst?.error).toBeNaN()
  })

  test('with no inputs there is nothing to compare, and the check passes with no worst entry', () => {
    const result = gradcheck(() => 1, [])
    expect(result).toMatchObject({ ok: true, worst: null, checked: 0, failed: 0 })
    expect(gradcheck(() => 1, [], { fast: true })).toMatchObject({
      ok: true,
      worst: null,
      checked: 0,
    })
  })

  test('the message names the worst entry, which mode computed it and what it was compared with', () => {
    // b enters through m.value, a plain number: both exact modes see df/db = 0,
    // where central differences see sin(1) e^0.5.
    const hiding = <T>(m: Ops<T>, [a, b]: readonly T[]) =>
      m.mul(m.sin(a as T), Math.exp(m.value(b as T)))
    const result = gradcheck(hiding, [1, 0.5])
    expect(result).toMatchObject({ ok: false, checked: 4, failed: 2 })
    expect(result.worst).toMatchObject({ output: 0, input: 1, analytic: 0, reference: 'central' })
    const number = '[0-9.e+-]+'
    expect(result.message).toMatch(
      new RegExp(
        `^gradcheck: 2 of 4 failed; worst df/dx1 from (forward|reverse): 0 vs central difference 1\\.38${number} \\(error 1\\.38${number} > tolerance ${number}\\)\\.$`,
      ),
    )
    expect(result.message).toContain(`from ${result.worst?.strategy}: `)
    expect(gradcheck(() => 1, []).message).toBe(
      'gradcheck: nothing to compare (no inputs or no outputs).',
    )
  })

  test('tolerances are options: rtol = atol = 0 demands bit-for-bit agreement with central differences, which fails', () => {
    expect(gradcheck(f, [1, 0.5], { rtol: 0, atol: 0 }).ok).toBe(false)
  })

  test('the same seed gives the same fast check; a different seed, a different projection', () => {
    const a = gradcheck(f, [1, 0.5], { fast: true, seed: 7 })
    expect(gradcheck(f, [1, 0.5], { fast: true, seed: 7 })).toEqual(a)
    expect(gradcheck(f, [1, 0.5], { fast: true, seed: 8 }).worst?.numeric).not.toBe(
      a.worst?.numeric,
    )
  })

  test.each([
    ['f is not a function', () => gradcheck('f' as never, [1]), /^gradcheck: f must be a function/],
    [
      'x is a number',
      () => gradcheck(f, 1 as never),
      /^gradcheck: x must be an array .* use derivative\(g, 1\)/,
    ],
    [
      'x holds a string',
      () => gradcheck(f, [1, '2'] as never),
      /^gradcheck: x\[1\] must be a number/,
    ],
    [
      'options is a string',
      () => gradcheck(f, [1, 2], 'fast' as never),
      /^gradcheck: options must be an object such as \{ fast: true \}, got a string \("fast"\)\.$/,
    ],
    [
      'rtol is negative',
      () => gradcheck(f, [1, 2], { rtol: -1 }),
      /^gradcheck: options.rtol must be a non-negative finite number \(got the number -1\)\. Pass a tolerance such as 0.000001/,
    ],
    [
      'atol is NaN',
      () => gradcheck(f, [1, 2], { atol: Number.NaN }),
      /^gradcheck: options.atol must be a non-negative finite number \(got the number NaN\)\. Pass a tolerance such as 1e-8/,
    ],
    [
      'fast is a number',
      () => gradcheck(f, [1, 2], { fast: 1 as never }),
      /^gradcheck: options.fast must be a boolean \(got the number 1\)\. Pass true or false\./,
    ],
    [
      'seed is a fraction',
      () => gradcheck(f, [1, 2], { seed: 0.5 }),
      /^gradcheck: options.seed must be an integer \(got the number 0.5\)\./,
    ],
  ])(
    'gradcheck rejects bad input with an error naming it and saying what to do: %s',
    (_, call, message) => {
      expect(call).toThrow(message)
    },
  )
})

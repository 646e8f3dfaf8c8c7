import { describe, expect, it } from 'vitest'
import { forward, type Ops } from '../../src/index.js'
import { gradlabErr } from '../helpers/errors.js'

// biome-ignore lint/suspicious/noExplicitAny: tests pass options the types forbid
type Any = any

const f = <T>(m: Ops<T>, x: readonly T[]) => m.sum(x)
const F = <T>(m: Ops<T>, x: readonly T[]) => [m.sum(x)]

/** Every forward method that takes options, called with `options`. */
const methods: [string, (options: Any) => unknown][] = [
  ['gradient', (o) => forward.gradient(f, [1, 2], o)],
  ['valueAndGradient', (o) => forward.valueAndGradient(f, [1, 2], o)],
  ['jacobian', (o) => forward.jacobian(F, [1, 2], o)],
  ['vjp', (o) => forward.vjp(F, [1, 2], [1], o)],
]

describe('forward options', () => {
  for (const [name, call] of methods) {
    it(`forward.${name}: a chunk size that is not a positive integer is an error naming it`, () => {
      for (const [bad, described] of [
        [0, 'the number 0'],
        [-2, 'the number -2'],
        [2.5, 'the number 2.5'],
        [Number.NaN, 'the number NaN'],
        [Number.POSITIVE_INFINITY, 'the number Infinity'],
      ] as const) {
        expect(() => call({ chunkSize: bad })).toThrow(
          gradlabErr(
            RangeError,
            'ERR_GRADLAB_INVALID_OPTIONS',
            `forward.${name}: options.chunkSize must be a positive integer, got ${described}.`,
          ),
        )
      }
      expect(() => call({ chunkSize: '4' })).toThrow(
        gradlabErr(
          TypeError,
          'ERR_GRADLAB_INVALID_OPTIONS',
          `forward.${name}: options.chunkSize must be a positive integer, got a string ("4").`,
        ),
      )
    })

    it(`forward.${name}: options that are not an object are an error with an example`, () => {
      expect(() => call(4)).toThrow(
        gradlabErr(
          TypeError,
          'ERR_GRADLAB_INVALID_OPTIONS',
          `forward.${name}: options must be an object such as { chunkSize: 8 }, got the number 4.`,
        ),
      )
    })

    it(`forward.${name}: no chunk size, or one above n, gives the result of the default`, () => {
      const expected = call(undefined)
      expect(call({})).toEqual(expected)
      expect(call({ chunkSize: 1000 })).toEqual(expected)
    })
  }
})

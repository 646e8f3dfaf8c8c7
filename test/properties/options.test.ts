import fc from 'fast-check'
import { describe, expect } from 'vitest'
import { forward, gradcheck, numeric, type Ops, reverse } from '../../src/index.js'
import { type BadValue, notANumber } from './support/bad-values.js'
import { prop } from './support/index.js'

/*
 * Options are checked like every other argument: a misspelt or unknown key,
 * options that are not an object, and a known key of the wrong type are each
 * a TypeError that names the call, never an option silently ignored or an
 * internal "Cannot read properties of null". The expected messages are
 * written out here, per method, rather than derived from the code under test.
 */

/** What a known option must be, for drawing values of every other type. */
type Kind = 'number' | 'string' | 'boolean' | 'function'

interface Method {
  readonly label: string
  /** The known options and the type of each. */
  readonly known: Readonly<Record<string, Kind>>
  /** "Known options: ..." as the message lists them. */
  readonly listed: string
  /** The example of an options object the message shows. */
  readonly example: string
  /** Valid options that are not the defaults. */
  readonly valid: Readonly<Record<string, unknown>>
  readonly call: (options: unknown) => unknown
}

const f = <T>(m: Ops<T>, x: readonly T[]) => m.sum(x)
const F = <T>(m: Ops<T>, x: readonly T[]) => [m.sum(x), m.mul(x[0] as T, 2)]
const g = <T>(m: Ops<T>, x: T) => m.sin(x)
const as = (o: unknown) => o as never

const NUMERIC = { scheme: 'string', step: 'number' } as const
const numericMethod = (name: string, call: (o: never) => unknown): Method => ({
  label: `numeric.${name}`,
  known: NUMERIC,
  listed: 'scheme, step',
  example: "{ scheme: 'forward' }",
  valid: { scheme: 'forward' },
  call: (o) => call(as(o)),
})
const forwardMethod = (name: string, call: (o: never) => unknown): Method => ({
  label: `forward.${name}`,
  known: { chunkSize: 'number' },
  listed: 'chunkSize',
  example: '{ chunkSize: 8 }',
  valid: { chunkSize: 1 },
  call: (o) => call(as(o)),
})

const methods: readonly Method[] = [
  numericMethod('derivative', (o) => numeric.derivative(g, 1, o)),
  numericMethod('gradient', (o) => numeric.gradient(f, [1, 2], o)),
  numericMethod('valueAndGradient', (o) => numeric.valueAndGradient(f, [1, 2], o)),
  numericMethod('jacobian', (o) => numeric.jacobian(F, [1, 2], o)),
  numericMethod('jvp', (o) => numeric.jvp(F, [1, 2], [1, 0], o)),
  numericMethod('vjp', (o) => numeric.vjp(F, [1, 2], [1, 0], o)),
  forwardMethod('gradient', (o) => forward.gradient(f, [1, 2], o)),
  forwardMethod('valueAndGradient', (o) => forward.valueAndGradient(f, [1, 2], o)),
  forwardMethod('jacobian', (o) => forward.jacobian(F, [1, 2], o)),
  forwardMethod('vjp', (o) => forward.vjp(F, [1, 2], [1, 0], o)),
  {
    label: 'reverse.compile',
    known: { onValueChange: 'string', mode: 'string' },
    listed: 'data, mode, onValueChange',
    example: "{ onValueChange: 'throw' }",
    valid: { onValueChange: 'throw' },
    // A compiled gradient holds generated functions, so compare what it does, not the object.
    call: (o) => {
      const compiled = reverse.compile(f, [1, 2], as(o))
      return { mode: compiled.mode, gradient: compiled.gradient([3, -1]) }
    },
  },
  {
    label: 'gradcheck',
    known: {
      rtol: 'number',
      atol: 'number',
      fast: 'boolean',
      seed: 'number',
      gradient: 'function',
      vjp: 'function',
      jvp: 'function',
    },
    listed: 'atol, fast, gradient, jvp, rtol, seed, vjp',
    example: '{ fast: true }',
    valid: { fast: true },
    call: (o) => gradcheck(f, [1, 2], as(o)),
  },
]

const method = fc.constantFrom(...methods)

/** The error a call throws; fails the test if it throws none. */
function thrown(call: () => unknown): Error {
  try {
    call()
  } catch (error) {
    return error as Error
  }
  throw new Error('expected the call to throw')
}

/** A near miss of a known key: two letters swapped, one dropped or doubled, or its case changed. */
const typoOf = (key: string) =>
  fc
    .nat({ max: key.length - 1 })
    .chain((i) =>
      fc.constantFrom(
        key.slice(0, i) + key.slice(i + 1, i + 2) + key.slice(i, i + 1) + key.slice(i + 2),
        key.slice(0, i) + key.slice(i + 1),
        key.slice(0, i) + (key[i] as string) + key.slice(i),
        key.toLowerCase() === key ? key.toUpperCase() : key.toLowerCase(),
      ),
    )

/** A method and a key it does not know: a typo of one of its own, or any string. */
const unknownKey = method.chain((m) =>
  fc
    .oneof(fc.constantFrom(...Object.keys(m.known)).chain(typoOf), fc.string())
    .filter((key) => !Object.hasOwn(m.known, key))
    .map((key) => ({ m, key })),
)

/** A method, one of its options, and a value of another type than that option takes. */
const wrongType = method.chain((m) =>
  fc.constantFrom(...Object.keys(m.known)).chain((key) =>
    fc
      .oneof(
        notANumber,
        fc.double().map((x): BadValue => ({ value: x, phrase: `the number ${x}` })),
      )
      .filter((bad) => bad.value !== undefined && typeof bad.value !== m.known[key])
      .map((bad) => ({ m, key, bad })),
  ),
)

/** Options that are not an object, with the phrase the message must describe them by. */
const notAnObject: fc.Arbitrary<BadValue> = fc.oneof(
  fc.constant<BadValue>({ value: null, phrase: 'null' }),
  fc.double().map((x): BadValue => ({ value: x, phrase: `the number ${x}` })),
  fc.string().map((s): BadValue => ({ value: s, phrase: 'a string (' })),
  fc
    .array(fc.anything())
    .map((a): BadValue => ({ value: a, phrase: `an array of length ${a.length}` })),
  fc.boolean().map((b): BadValue => ({ value: b, phrase: `a boolean (${b})` })),
  fc.constant<BadValue>({ value: () => ({}), phrase: 'a function' }),
  fc.constant<BadValue>({ value: new Map([['fast', true]]), phrase: 'a Map' }),
  fc.constant<BadValue>({ value: new Float64Array(2), phrase: 'a Float64Array of length 2' }),
)

describe('Errors that say what to do', () => {
  prop([unknownKey])(
    'every method that takes options refuses an unknown or misspelt option by name, listing the ones it knows',
    ({ m, key }) => {
      const error = thrown(() => m.call({ [key]: 1 }))
      expect(error).toBeInstanceOf(TypeError)
      expect(error.message).toBe(`${m.label}: unknown option '${key}'. Known options: ${m.listed}.`)
    },
  )

  // Keys that are array indices come first in an object's key order, whatever the order written.
  const named = (key: string) => !/^\d+$/.test(key)
  prop([unknownKey, fc.string().filter(named)])(
    'an unknown option is refused beside valid ones too, and every unknown one is named',
    ({ m, key }, other) => {
      fc.pre(named(key) && !Object.hasOwn(m.known, other) && other !== key)
      const error = thrown(() => m.call({ ...m.valid, [key]: 1, [other]: 2 }))
      expect(error).toBeInstanceOf(TypeError)
      expect(error.message).toBe(
        `${m.label}: unknown options '${key}', '${other}'. Known options: ${m.listed}.`,
      )
    },
  )

  prop([method, notAnObject])(
    'every method refuses options that are null, a number, a string, an array or another non-object, naming the call',
    (m, bad) => {
      const error = thrown(() => m.call(bad.value))
      expect(error).toBeInstanceOf(TypeError)
      expect(error.message).toContain(
        `${m.label}: options must be an object such as ${m.example}, got ${bad.phrase}`,
      )
    },
  )

  prop([wrongType])(
    'every method refuses a known option of the wrong type with a TypeError naming the option and the value',
    ({ m, key, bad }) => {
      const error = thrown(() => m.call({ [key]: bad.value }))
      expect(error).toBeInstanceOf(TypeError)
      expect(error.message).toMatch(
        new RegExp(`^${m.label.replace('.', '\\.')}: options\\.${key} must be`),
      )
      expect(error.message).toContain(`got ${bad.phrase}`)
    },
  )

  prop([method])('every method accepts an empty options object as the defaults', (m) => {
    expect(m.call({})).toEqual(m.call(undefined))
  })
})

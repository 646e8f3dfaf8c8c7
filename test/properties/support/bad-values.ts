import fc from 'fast-check'

/** A value that is not a number, with a phrase any gradlab error must use to describe it. */
export interface BadValue {
  readonly value: unknown
  readonly phrase: string
}

const bad = <T>(arb: fc.Arbitrary<T>, phrase: (v: T) => string): fc.Arbitrary<BadValue> =>
  arb.map((value) => ({ value, phrase: phrase(value) }))

/** Non-numbers of every kind a caller might pass by mistake (not arrays: those are valid in some places). */
export const notANumber: fc.Arbitrary<BadValue> = fc.oneof(
  bad(fc.string(), () => 'a string ('),
  bad(fc.boolean(), (b) => `a boolean (${b})`),
  bad(fc.constant(null), () => 'null'),
  bad(fc.constant(undefined), () => 'undefined'),
  bad(fc.bigInt(), (b) => `a bigint (${b}n); convert it with Number(...)`),
  bad(fc.constant(Symbol('s')), () => 'a symbol'),
  bad(
    fc.constant(() => 1),
    () => 'a function',
  ),
  bad(fc.constant(Promise.resolve(1)), () => 'a Promise'),
  bad(fc.dictionary(fc.string(), fc.integer()), () => 'an object'),
  bad(fc.constant(new Map()), () => 'a Map'),
)

/** Arrays and typed arrays, which are points, not numbers. */
export const arrayLike: fc.Arbitrary<BadValue> = fc.oneof(
  bad(fc.array(fc.double()), (a) => `an array of length ${a.length}`),
  bad(fc.float32Array(), (a) => `a Float32Array of length ${a.length}`),
)

/** Anything that is not a point: neither an array nor a typed array of numbers. */
export const notAPoint: fc.Arbitrary<BadValue> = fc.oneof(
  notANumber,
  bad(fc.double(), (x) => `the number ${x}`),
  bad(fc.constant(new DataView(new ArrayBuffer(8))), () => 'a DataView'),
)

/** The message of the error a call throws; fails the test if it throws none. */
export function thrownMessage(call: () => unknown): string {
  try {
    call()
  } catch (error) {
    return (error as Error).message
  }
  throw new Error('expected the call to throw')
}

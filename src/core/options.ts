import { describe, isThenable } from './describe.js'

/*
 * The options object every public method takes last. TypeScript rejects an
 * unknown key in an object literal, but not in a variable or from JavaScript,
 * where a misspelt option would otherwise be ignored without a word.
 */

/** Whether `value` can be an options object: a non-null object, not an array, buffer view, collection or Promise. */
function isOptionsObject(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    !ArrayBuffer.isView(value) &&
    !(value instanceof Map) &&
    !(value instanceof Set) &&
    !isThenable(value)
  )
}

/**
 * The options of a call as a record of its known keys, or undefined when
 * there are none. Throws a TypeError naming the call (`label`) for options
 * that are not an object (`example` shows one) and for any key not in
 * `known`; inherited enumerable keys count, since destructuring reads them.
 */
export function optionsOf<K extends string>(
  label: string,
  options: unknown,
  known: readonly K[],
  example: string,
): Partial<Record<K, unknown>> | undefined {
  if (options === undefined) return undefined
  if (!isOptionsObject(options)) {
    throw new TypeError(
      `${label}: options must be an object such as ${example}, got ${describe(options)}.`,
    )
  }
  const unexpected: string[] = []
  for (const key in options) if (!(known as readonly string[]).includes(key)) unexpected.push(key)
  if (unexpected.length > 0) {
    const names = unexpected.map((key) => `'${key}'`).join(', ')
    throw new TypeError(
      `${label}: unknown option${unexpected.length > 1 ? 's' : ''} ${names}. Known options: ${[...known].sort().join(', ')}.`,
    )
  }
  return options as Partial<Record<K, unknown>>
}

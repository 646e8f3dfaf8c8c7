import { describe, isThenable } from './describe.js'
import { gradlabError } from './errors.js'

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
    throw gradlabError(
      TypeError,
      'ERR_GRADLAB_INVALID_OPTIONS',
      `${label}: options must be an object such as ${example}, got ${describe(options)}.`,
    )
  }
  const unexpected: string[] = []
  for (const key in options) if (!(known as readonly string[]).includes(key)) unexpected.push(key)
  if (unexpected.length > 0) {
    const names = unexpected.map((key) => `'${key}'`).join(', ')
    throw gradlabError(
      TypeError,
      'ERR_GRADLAB_UNKNOWN_OPTION',
      `${label}: unknown option${unexpected.length > 1 ? 's' : ''} ${names}. Known options: ${[...known].sort().join(', ')}.`,
    )
  }
  return options as Partial<Record<K, unknown>>
}

/**
 * Throws a TypeError naming the call (`label`) if arguments beyond the first
 * `takes` (`extra`) were passed (other than undefined) to a method that has no options:
 * JavaScript would drop them without a word, and a caller who passes
 * `{ chunkSize: 4 }` to reverse mode should hear that it does nothing there.
 */
export function noOptions(label: string, takes: number, extra: readonly unknown[]): void {
  for (let i = 0; i < extra.length; i++) {
    if (extra[i] === undefined) continue
    throw gradlabError(
      TypeError,
      'ERR_GRADLAB_INVALID_OPTIONS',
      `${label} takes ${takes} argument${takes === 1 ? '' : 's'} and no options, but argument ${takes + i + 1} is ${describe(extra[i])}.`,
    )
  }
}

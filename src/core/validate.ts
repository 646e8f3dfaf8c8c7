import { describe, isThenable } from './describe.js'
import { gradlabError } from './errors.js'

/*
 * Checks shared by every strategy's public methods. Messages follow one form:
 * `<strategy>.<method>: <what was wrong> (<the values>). <what to do>`.
 */

export function checkFunction(label: string, name: string, fn: unknown): void {
  if (typeof fn !== 'function') {
    throw gradlabError(
      TypeError,
      'ERR_GRADLAB_INVALID_FUNCTION',
      `${label}: ${name} must be a function (m, x) => ..., got ${describe(fn)}.`,
    )
  }
}

/** The point of a univariate `derivative`: one number (NaN and infinities allowed; they propagate). */
export function checkScalarPoint(label: string, x: unknown): number {
  if (typeof x === 'number') return x
  const hint = isArrayLike(x) ? ' For a function of several inputs, use gradient(f, x).' : ''
  throw gradlabError(
    TypeError,
    'ERR_GRADLAB_INVALID_POINT',
    `${label}: x must be a number, got ${describe(x)}.${hint}`,
  )
}

function isArrayLike(x: unknown): x is ArrayLike<unknown> {
  return Array.isArray(x) || (ArrayBuffer.isView(x) && !(x instanceof DataView))
}

/**
 * A point (or direction) in R^n: an array or typed array of numbers, copied
 * into a Float64Array so that later changes by the caller cannot reach it.
 */
export function toVector(label: string, name: string, x: unknown): Float64Array {
  if (!isArrayLike(x)) {
    const hint =
      typeof x === 'number' ? ` For a function of one number, use derivative(g, ${x}).` : ''
    throw gradlabError(
      TypeError,
      'ERR_GRADLAB_INVALID_POINT',
      `${label}: ${name} must be an array or typed array of numbers, got ${describe(x)}.${hint}`,
    )
  }
  if (x instanceof BigInt64Array || x instanceof BigUint64Array) {
    throw gradlabError(
      TypeError,
      'ERR_GRADLAB_INVALID_POINT',
      `${label}: ${name} must hold numbers, got ${describe(x)}.`,
    )
  }
  // A typed array holds only numbers: copied in one go.
  if (x instanceof Float64Array) return x.slice()
  if (ArrayBuffer.isView(x)) return Float64Array.from(x as unknown as ArrayLike<number>)
  const out = new Float64Array(x.length)
  for (let i = 0; i < x.length; i++) {
    const xi = x[i]
    if (typeof xi !== 'number') {
      throw gradlabError(
        TypeError,
        'ERR_GRADLAB_INVALID_POINT',
        `${label}: ${name}[${i}] must be a number, got ${describe(xi)}.`,
      )
    }
    out[i] = xi
  }
  return out
}

export function checkLength(
  label: string,
  name: string,
  vector: Float64Array,
  expected: number,
  what: string,
): void {
  if (vector.length !== expected) {
    throw gradlabError(
      RangeError,
      'ERR_GRADLAB_LENGTH_MISMATCH',
      `${label}: ${name} has length ${vector.length} but must have length ${expected} (${what}).`,
    )
  }
}

/** Rejects results that can never be a scalar value: Promises and arrays. */
export function checkScalarResult(label: string, name: string, result: unknown): void {
  if (isThenable(result)) {
    throw gradlabError(
      TypeError,
      'ERR_GRADLAB_ASYNC_FUNCTION',
      `${label}: ${name} returned a Promise; gradlab differentiates synchronous functions only. Remove async/await from ${name}.`,
    )
  }
  if (Array.isArray(result) || ArrayBuffer.isView(result)) {
    throw gradlabError(
      TypeError,
      'ERR_GRADLAB_INVALID_RESULT',
      `${label}: ${name} returned ${describe(result)}; use jacobian, jvp or vjp for vector-valued functions.`,
    )
  }
}

/** Rejects results that are not an array of outputs, or that have holes; returns the array. */
export function checkVectorResult(
  label: string,
  name: string,
  result: unknown,
): readonly unknown[] {
  if (Array.isArray(result)) {
    checkNoHoles(label, name, result)
    return result
  }
  if (isThenable(result)) {
    throw gradlabError(
      TypeError,
      'ERR_GRADLAB_ASYNC_FUNCTION',
      `${label}: ${name} returned a Promise; gradlab differentiates synchronous functions only. Remove async/await from ${name}.`,
    )
  }
  throw gradlabError(
    TypeError,
    'ERR_GRADLAB_INVALID_RESULT',
    `${label}: ${name} must return an array of outputs, got ${describe(result)}. For a scalar function, use gradient; or return [value].`,
  )
}

/**
 * A sparse array (`[y0, , y2]`) reads as undefined at its holes, and `map`
 * and `forEach` skip them, so a strategy would silently drop that output.
 * Only an undefined element can be a hole, so the `in` test runs only there.
 */
function checkNoHoles(label: string, name: string, outputs: readonly unknown[]): void {
  for (let i = 0; i < outputs.length; i++) {
    if (outputs[i] === undefined && !(i in outputs)) {
      throw gradlabError(
        TypeError,
        'ERR_GRADLAB_INVALID_RESULT',
        `${label}: ${name} returned an array with a hole at index ${i}; return a value (or 0) for every output.`,
      )
    }
  }
}

export function badOutput(label: string, name: string, value: unknown, index?: number): TypeError {
  const where = index === undefined ? `${name} returned` : `${name} returned, at output ${index},`
  return gradlabError(
    TypeError,
    'ERR_GRADLAB_INVALID_RESULT',
    `${label}: ${where} ${describe(value)}; it must return values made by the ops it was given (m) or plain numbers.`,
  )
}

export function checkOutputCount(
  label: string,
  name: string,
  count: number,
  expected: number,
): void {
  if (count !== expected) {
    throw gradlabError(
      RangeError,
      'ERR_GRADLAB_OUTPUT_LENGTH_CHANGED',
      `${label}: ${name} returned ${count} outputs on one evaluation and ${expected} on another; its output length must not depend on x.`,
    )
  }
}

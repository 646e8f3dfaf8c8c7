/*
 * Every error gradlab throws is a TypeError, RangeError or Error whose message
 * names the call, and whose `code` says which mistake it was, as Node's errors
 * do: a program branches on the code, a person reads the message. The codes
 * are part of the API (a code is never renamed or reused within a major
 * version); the messages may be reworded.
 */

/** One of the {@link ERROR_CODES}: the `code` of every error gradlab throws. */
export type GradlabErrorCode =
  | 'ERR_GRADLAB_INVALID_FUNCTION'
  | 'ERR_GRADLAB_INVALID_POINT'
  | 'ERR_GRADLAB_LENGTH_MISMATCH'
  | 'ERR_GRADLAB_ASYNC_FUNCTION'
  | 'ERR_GRADLAB_INVALID_RESULT'
  | 'ERR_GRADLAB_OUTPUT_LENGTH_CHANGED'
  | 'ERR_GRADLAB_INVALID_OPTIONS'
  | 'ERR_GRADLAB_UNKNOWN_OPTION'
  | 'ERR_GRADLAB_INVALID_OPERAND'
  | 'ERR_GRADLAB_FOREIGN_VALUE'
  | 'ERR_GRADLAB_VALUE_AS_NUMBER'
  | 'ERR_GRADLAB_STEP_TOO_SMALL'
  | 'ERR_GRADLAB_NOT_CONVERGED'
  | 'ERR_GRADLAB_VALUE_CHANGED'
  | 'ERR_GRADLAB_INVALID_DEFINITION'
  | 'ERR_GRADLAB_NO_JVP'
  | 'ERR_GRADLAB_CODEGEN_UNAVAILABLE'
  | 'ERR_GRADLAB_NOT_NESTABLE'
  | 'ERR_GRADLAB_MISSING_DEPENDENCY'
  | 'ERR_GRADLAB_INVALID_EXPRESSION'
  | 'ERR_GRADLAB_INTERNAL'

/**
 * The stable codes of gradlab's errors, one per kind of mistake, each with
 * what it means: the sentences of docs/errors.md's table, which adds each
 * code's error class.
 *
 * @example
 * ```ts
 * ERROR_CODES.ERR_GRADLAB_UNKNOWN_OPTION // => 'The options name a key the method does not have, usually a misspelling.'
 * ```
 */
export const ERROR_CODES: Readonly<Record<GradlabErrorCode, string>> = Object.freeze({
  ERR_GRADLAB_INVALID_FUNCTION:
    "f, or an option that must be a function (gradcheck's `gradient`, `vjp`, `jvp`), is not a function.",
  ERR_GRADLAB_INVALID_POINT:
    'x, v or u is not a number or an array of numbers where one is expected.',
  ERR_GRADLAB_LENGTH_MISMATCH:
    'Arrays that must have the same length do not: v or u against x or the outputs, the two arrays of `dot`, what a derivative of yours returned.',
  ERR_GRADLAB_ASYNC_FUNCTION: 'f returned a Promise; gradlab differentiates synchronous functions.',
  ERR_GRADLAB_INVALID_RESULT:
    "f, a derivative of yours or a custom op's rule returned the wrong thing: not a value of the ops or a number, an array with holes.",
  ERR_GRADLAB_OUTPUT_LENGTH_CHANGED: "A vector function's number of outputs changed with x.",
  ERR_GRADLAB_INVALID_OPTIONS:
    'The options are not an object; an option has a value of the wrong type (TypeError) or size (RangeError); options passed to a method that takes none.',
  ERR_GRADLAB_UNKNOWN_OPTION:
    'The options name a key the method does not have, usually a misspelling.',
  ERR_GRADLAB_INVALID_OPERAND:
    "An op received something that is neither a number nor a value of its ops (a string, an array where `dot` wants one, a custom op's `m` that is not an ops object).",
  ERR_GRADLAB_FOREIGN_VALUE:
    'A value made by another strategy, an earlier call or an enclosing call was used or returned; a value lives only inside the call that made it.',
  ERR_GRADLAB_VALUE_AS_NUMBER:
    'A value of the ops was used as a plain number (`<`, `+`, `*`); read it with `m.value`.',
  ERR_GRADLAB_STEP_TOO_SMALL: 'A finite-difference step does not move x in floating point.',
  ERR_GRADLAB_NOT_CONVERGED:
    "Richardson extrapolation's error estimate did not settle (f is not smooth within the step).",
  ERR_GRADLAB_VALUE_CHANGED:
    "A compiled gradient met a value its recording depends on that differs: an `m.value` read (with `onValueChange: 'throw'`), a block's shape.",
  ERR_GRADLAB_INVALID_DEFINITION:
    '`defineUnary`, `defineBinary` or `defineBlock` was given a bad name or bad rules.',
  ERR_GRADLAB_NO_JVP:
    'Derivatives were pushed forward (forward mode, `jvp`) through a block defined without a `jvp`.',
  ERR_GRADLAB_CODEGEN_UNAVAILABLE:
    "`reverse.compile` was given `mode: 'generated'` where code cannot be generated: the recording calls a custom op or block, or code generation from strings is forbidden (a Content-Security-Policy without `unsafe-eval`, Node's `--disallow-code-generation-from-strings`).",
  ERR_GRADLAB_NOT_NESTABLE:
    'A block defined with `defineBlock` was used inside a derivative taken within another (`within(m)`, `hessian`, `hvp`): its rules compute on numbers, so its derivative cannot be differentiated again.',
  ERR_GRADLAB_MISSING_DEPENDENCY:
    '`traceToSvg` (gradlab/draw) could not load the optional peer dependency it lays pictures out with, `@viz-js/viz`; `npm install @viz-js/viz`.',
  ERR_GRADLAB_INVALID_EXPRESSION:
    'The expression given to `gradlab explain` could not be parsed: the message names the position, with the text and a caret under it.',
  ERR_GRADLAB_INTERNAL: 'A bug in gradlab; please report it with the message.',
})

/** An error thrown by gradlab: a TypeError, RangeError or Error with a stable {@link GradlabErrorCode}. */
export interface GradlabError extends Error {
  /** Which mistake it was; stable across versions, unlike the message. */
  readonly code: GradlabErrorCode
}

type ErrorKind = TypeErrorConstructor | RangeErrorConstructor | ErrorConstructor

/** A `Kind` error with `message` and `code`, for gradlab's own throw sites. */
export function gradlabError(
  Kind: ErrorKind,
  code: GradlabErrorCode,
  message: string,
): GradlabError {
  const error = new Kind(message) as Error & { code: GradlabErrorCode }
  error.code = code
  return error
}

/**
 * An invalid option's error: a RangeError when the value is a number of the
 * wrong size, a TypeError when it is not a number at all.
 */
export function invalidOption(value: unknown, message: string): GradlabError {
  return gradlabError(
    typeof value === 'number' ? RangeError : TypeError,
    'ERR_GRADLAB_INVALID_OPTIONS',
    message,
  )
}

/** A bug in gradlab itself, not in the caller's input. */
export function internalError(message: string): GradlabError {
  return gradlabError(Error, 'ERR_GRADLAB_INTERNAL', `gradlab internal error: ${message}`)
}

/**
 * Whether `error` is one gradlab threw, optionally with the given `code`.
 *
 * @example
 * ```ts
 * try {
 *   forward.gradient((m, x) => m.sum(x), [1, 2], { chunksize: 2 } as never)
 * } catch (e) {
 *   isGradlabError(e, 'ERR_GRADLAB_UNKNOWN_OPTION') // => true
 * }
 * ```
 */
export function isGradlabError(error: unknown, code?: GradlabErrorCode): error is GradlabError {
  if (!(error instanceof Error)) return false
  const actual = (error as { code?: unknown }).code
  if (typeof actual !== 'string' || !Object.hasOwn(ERROR_CODES, actual)) return false
  return code === undefined || actual === code
}

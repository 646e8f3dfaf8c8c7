import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseExpression } from '../src/explain/parse.js'
import {
  defineBlock,
  defineUnary,
  ERROR_CODES,
  forward,
  gradcheck,
  isGradlabError,
  numeric,
  type Ops,
  reverse,
  type ScalarFn,
  type TapeVar,
  type VectorFn,
} from '../src/index.js'
import { thrown } from './helpers/errors.js'

/*
 * Every error gradlab throws carries a stable `code`, so a program can tell
 * mistakes apart without parsing messages. The codes are written out here, not
 * read from the library: renaming one is a breaking change and must fail this
 * test. Each is produced by a real misuse, with the error class it promises.
 */

// biome-ignore lint/suspicious/noExplicitAny: the misuses below are what a JavaScript caller can do
type Any = any
const sumOf: ScalarFn = (m, x) => m.sum(x)
const identity: VectorFn = (_m, x) => x

let kept: TapeVar | undefined
reverse.gradient(
  (m, x) => {
    kept = x[0] as TapeVar
    return m.sum(x)
  },
  [1],
)
const jump = <T>(m: Ops<T>, t: T) => (m.value(t) >= 0 ? 1 : 0)
const branchy = <T>(m: Ops<T>, [x]: readonly T[]) =>
  m.value(x as T) > 0 ? m.mul(x as T, x as T) : m.neg(x as T)
const noJvp = defineBlock('logsumexpNoJvp', { value: (xs) => xs[0] ?? 0, vjp: (_x, _y, g) => [g] })

const misuses: readonly [string, ErrorConstructor, () => unknown][] = [
  ['ERR_GRADLAB_INVALID_FUNCTION', TypeError, () => reverse.gradient(null as Any, [1])],
  ['ERR_GRADLAB_INVALID_POINT', TypeError, () => forward.gradient(sumOf, 'abc' as Any)],
  ['ERR_GRADLAB_LENGTH_MISMATCH', RangeError, () => reverse.jvp(identity, [1, 2], [1])],
  [
    'ERR_GRADLAB_ASYNC_FUNCTION',
    TypeError,
    () => numeric.gradient((async (_m: unknown, x: number[]) => x[0]) as Any, [1]),
  ],
  ['ERR_GRADLAB_INVALID_RESULT', TypeError, () => reverse.gradient(identity as Any, [1, 2])],
  [
    'ERR_GRADLAB_OUTPUT_LENGTH_CHANGED',
    RangeError,
    () => numeric.jacobian((_m, x) => ((x[0] as number) > 1 ? [1, 2] : [1]), [1]),
  ],
  ['ERR_GRADLAB_INVALID_OPTIONS', RangeError, () => forward.gradient(sumOf, [1], { chunkSize: 0 })],
  ['ERR_GRADLAB_INVALID_OPTIONS', TypeError, () => forward.gradient(sumOf, [1], null as Any)],
  ['ERR_GRADLAB_INVALID_OPTIONS', TypeError, () => (reverse.gradient as Any)(sumOf, [1], {})],
  [
    'ERR_GRADLAB_UNKNOWN_OPTION',
    TypeError,
    () => gradcheck(sumOf, [1], { gradeint: () => [1] } as Any),
  ],
  ['ERR_GRADLAB_INVALID_OPERAND', TypeError, () => forward.gradient((m) => m.sin('x' as Any), [1])],
  ['ERR_GRADLAB_FOREIGN_VALUE', TypeError, () => reverse.gradient((m) => m.sin(kept as Any), [1])],
  [
    'ERR_GRADLAB_VALUE_AS_NUMBER',
    TypeError,
    () => reverse.gradient((_m, x) => (x[0] as Any) * 2, [1]),
  ],
  ['ERR_GRADLAB_STEP_TOO_SMALL', RangeError, () => numeric.gradient(sumOf, [1], { step: 1e-20 })],
  [
    'ERR_GRADLAB_NOT_CONVERGED',
    RangeError,
    () => numeric.derivative(jump, 0, { scheme: 'richardson' }),
  ],
  [
    'ERR_GRADLAB_VALUE_CHANGED',
    RangeError,
    () => reverse.compile(branchy, [1], { onValueChange: 'throw' }).gradient([-2]),
  ],
  [
    'ERR_GRADLAB_INVALID_DEFINITION',
    TypeError,
    () => defineUnary('', { value: Math.sin, partial: (m, a) => m.cos(a) }),
  ],
  ['ERR_GRADLAB_NO_JVP', TypeError, () => forward.gradient((m, x) => noJvp(m, x), [1, 2])],
  [
    'ERR_GRADLAB_CODEGEN_UNAVAILABLE',
    Error,
    () => reverse.compile((m, x) => noJvp(m, x), [1, 2], { mode: 'generated' }),
  ],
  ['ERR_GRADLAB_INVALID_EXPRESSION', Error, () => parseExpression('(a - b')],
  [
    'ERR_GRADLAB_NOT_NESTABLE',
    TypeError,
    () =>
      forward.derivative((m, x) => reverse.within(m).derivative((mi, y) => noJvp(mi, [y]), x), 1),
  ],
]

const CODES = [
  'ERR_GRADLAB_INVALID_FUNCTION',
  'ERR_GRADLAB_INVALID_POINT',
  'ERR_GRADLAB_LENGTH_MISMATCH',
  'ERR_GRADLAB_ASYNC_FUNCTION',
  'ERR_GRADLAB_INVALID_RESULT',
  'ERR_GRADLAB_OUTPUT_LENGTH_CHANGED',
  'ERR_GRADLAB_INVALID_OPTIONS',
  'ERR_GRADLAB_UNKNOWN_OPTION',
  'ERR_GRADLAB_INVALID_OPERAND',
  'ERR_GRADLAB_FOREIGN_VALUE',
  'ERR_GRADLAB_VALUE_AS_NUMBER',
  'ERR_GRADLAB_STEP_TOO_SMALL',
  'ERR_GRADLAB_NOT_CONVERGED',
  'ERR_GRADLAB_VALUE_CHANGED',
  'ERR_GRADLAB_INVALID_DEFINITION',
  'ERR_GRADLAB_NO_JVP',
  'ERR_GRADLAB_CODEGEN_UNAVAILABLE',
  'ERR_GRADLAB_NOT_NESTABLE',
  'ERR_GRADLAB_MISSING_DEPENDENCY',
  'ERR_GRADLAB_INVALID_EXPRESSION',
  'ERR_GRADLAB_INTERNAL',
]

describe('error codes', () => {
  it('are exactly the documented, stable list', () => {
    expect(Object.keys(ERROR_CODES)).toEqual(CODES)
  })

  for (const [code, Kind, call] of misuses) {
    it(`${code}: a ${Kind.name} with that code`, () => {
      const error = thrown(call)
      expect(error).toBeInstanceOf(Kind)
      expect((error as { code: unknown }).code).toBe(code)
      expect(isGradlabError(error)).toBe(true)
      expect(isGradlabError(error, code as keyof typeof ERROR_CODES)).toBe(true)
      expect(isGradlabError(error, 'ERR_GRADLAB_INTERNAL')).toBe(false)
    })
  }

  it('every code but the internal one is produced by some misuse above', () => {
    // ERR_GRADLAB_MISSING_DEPENDENCY is produced in test/draw.test.ts, with the package hidden.
    const produced = new Set([...misuses.map(([code]) => code), 'ERR_GRADLAB_MISSING_DEPENDENCY'])
    expect(CODES.filter((code) => !produced.has(code))).toEqual(['ERR_GRADLAB_INTERNAL'])
  })

  it('isGradlabError refuses errors that are not gradlab’s', () => {
    expect(isGradlabError(new TypeError('x'))).toBe(false)
    expect(isGradlabError(Object.assign(new Error('x'), { code: 'ERR_INVALID_ARG_TYPE' }))).toBe(
      false,
    )
    expect(isGradlabError({ code: 'ERR_GRADLAB_INVALID_POINT', message: 'not an Error' })).toBe(
      false,
    )
    expect(isGradlabError('ERR_GRADLAB_INVALID_POINT')).toBe(false)
  })

  it('docs/errors.md lists every code with its error class', () => {
    const doc = readFileSync(resolve(import.meta.dirname, '../docs/errors.md'), 'utf8')
    const listed = [...doc.matchAll(/^\| `(ERR_GRADLAB_\w+)` +\|/gm)].map((m) => m[1])
    expect(listed).toEqual(CODES)
  })

  it("ERROR_CODES gives each code the sentence of docs/errors.md's table", () => {
    const doc = readFileSync(resolve(import.meta.dirname, '../docs/errors.md'), 'utf8')
    const meanings = Object.fromEntries(
      [...doc.matchAll(/^\| `(ERR_GRADLAB_\w+)` +\| [^|]+\| (.+?) +\|$/gm)].map((m) => [
        m[1],
        m[2],
      ]),
    )
    expect(ERROR_CODES).toEqual(meanings)
  })
})

import { describe } from '../core/describe.js'
import { gradlabError } from '../core/errors.js'
import type { Own, OwnDerivatives } from './options.js'

/*
 * Your own derivatives, called as gradcheck needs them: the whole Jacobian
 * (full mode) or one projection u^T J v (fast mode). Each call gets fresh
 * arrays, and each result is checked for its shape, so that a result of the
 * wrong kind is an error that says so rather than a comparison of garbage.
 */

const CALL: Readonly<Record<Own, string>> = {
  gradient: 'options.gradient(x)',
  vjp: 'options.vjp(x, u)',
  jvp: 'options.jvp(x, v)',
}

const WHAT: Readonly<Record<Own, string>> = {
  gradient: 'the gradient: one partial derivative df/dx_j per input',
  vjp: 'u^T J: one entry per input',
  jvp: 'J v: one entry per output of F',
}

/** The numbers `name` returned, checked to be `length` numbers (NaN allowed: it fails the check). */
function numbersOf(name: Own, result: unknown, length: number): Float64Array {
  const isArray =
    Array.isArray(result) || (ArrayBuffer.isView(result) && !(result instanceof DataView))
  if (!isArray || result instanceof BigInt64Array || result instanceof BigUint64Array) {
    const hint = typeof result === 'number' ? ' Return it in an array, even for one entry.' : ''
    throw gradlabError(
      TypeError,
      'ERR_GRADLAB_INVALID_RESULT',
      `gradcheck: ${CALL[name]} must return an array or typed array of numbers, got ${describe(result)}.${hint}`,
    )
  }
  const r = result as ArrayLike<unknown>
  if (r.length !== length) {
    throw gradlabError(
      RangeError,
      'ERR_GRADLAB_LENGTH_MISMATCH',
      `gradcheck: ${CALL[name]} returned ${r.length} number${r.length === 1 ? '' : 's'} but must return ${length} (${WHAT[name]}).`,
    )
  }
  const out = new Float64Array(length)
  for (let i = 0; i < length; i++) {
    const ri = r[i]
    if (typeof ri !== 'number') {
      throw gradlabError(
        TypeError,
        'ERR_GRADLAB_INVALID_RESULT',
        `gradcheck: ${CALL[name]}[${i}] must be a number, got ${describe(ri)}.`,
      )
    }
    out[i] = ri
  }
  return out
}

const unit = (length: number, i: number) => Array.from({ length }, (_, k) => (k === i ? 1 : 0))

/** `name`'s m x n Jacobian at x, as rows: one call of gradient, m of vjp (rows) or n of jvp (columns). */
export function ownJacobian(
  name: Own,
  d: OwnDerivatives,
  x: Float64Array,
  m: number,
): Float64Array[] {
  const n = x.length
  if (name === 'gradient') return [numbersOf(name, d.gradient?.(Array.from(x)), n)]
  if (name === 'vjp')
    return Array.from({ length: m }, (_, i) =>
      numbersOf(name, d.vjp?.(Array.from(x), unit(m, i)), n),
    )
  const rows = Array.from({ length: m }, () => new Float64Array(n))
  for (let j = 0; j < n; j++) {
    const column = numbersOf(name, d.jvp?.(Array.from(x), unit(n, j)), m)
    for (let i = 0; i < m; i++) (rows[i] as Float64Array)[j] = column[i] as number
  }
  return rows
}

export const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let total = 0
  for (let i = 0; i < a.length; i++) total += (a[i] as number) * (b[i] as number)
  return total
}

/** u^T J v from one call of `name`: u_0 (g . v) for a gradient g, (u^T J) . v, or u . (J v). */
export function ownProjection(
  name: Own,
  d: OwnDerivatives,
  x: Float64Array,
  u: Float64Array,
  v: Float64Array,
): number {
  const n = x.length
  const m = u.length
  if (name === 'gradient')
    return (u[0] as number) * dot(numbersOf(name, d.gradient?.(Array.from(x)), n), v)
  if (name === 'vjp') return dot(numbersOf(name, d.vjp?.(Array.from(x), Array.from(u)), n), v)
  return dot(u, numbersOf(name, d.jvp?.(Array.from(x), Array.from(v)), m))
}

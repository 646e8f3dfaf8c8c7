import { chainTerm } from '../ops/chain.js'
import type { OpsContext } from '../ops/plain.js'

/*
 * The tangents of forward passes, in one Float64Array used as a stack.
 *
 * A pass that carries k directions (k "lanes") gives each dual whose tangents
 * are not all zero k consecutive entries, at its `offset`; a dual whose
 * tangents are all zero gets none (offset -1), so a value that does not depend
 * on the pass's inputs costs no tangent storage and no partial. A pass starts
 * at the top of the stack and gives its entries back when it ends, so the
 * storage is reused by every later pass, and a pass nested inside another
 * (forward mode called from the function being differentiated) stacks its
 * entries above the enclosing pass's, which stay valid.
 *
 * Only the chain rule is here, `tangent_out = sum_i partial_i * tangent_i`
 * lane by lane; the partials come from the op table.
 */

/** The offset of a dual with no tangent storage: all its tangents are zero. */
export const NO_TANGENTS = -1

export interface ForwardContext extends OpsContext {
  /** The pass whose duals the ops accept; 0 when no pass is running. */
  pass: number
  /** Directions carried by the running pass: tangents per dual. */
  lanes: number
  /** Every running pass's tangents; replaced by a larger copy when full. */
  tangents: Float64Array
  /** The first free entry of `tangents`. */
  top: number
  /**
   * The running passes, outermost first, with their lanes and the first entry
   * of their storage: their duals' tangents are still stored.
   */
  readonly open: { readonly pass: number; readonly lanes: number; readonly base: number }[]
}

/** The one forward-mode context: module state, like the reverse tape, so storage is reused across calls. */
export const context: ForwardContext = {
  label: 'forward',
  pass: 0,
  lanes: 1,
  tangents: new Float64Array(1024),
  top: 0,
  open: [],
}

/** Takes `lanes` entries from the top of the storage, growing it if needed; returns their offset. */
export function reserve(c: ForwardContext): number {
  const offset = c.top
  const end = offset + c.lanes
  if (end > c.tangents.length) {
    const grown = new Float64Array(Math.max(end, 2 * c.tangents.length))
    grown.set(c.tangents.subarray(0, offset))
    c.tangents = grown
  }
  c.top = end
  return offset
}

/** Gives back the entries just reserved at `offset` when they are all zero; returns the dual's offset. */
export function settle(c: ForwardContext, offset: number): number {
  const t = c.tangents
  const end = offset + c.lanes
  for (let i = offset; i < end; i++) if (t[i] !== 0) return offset
  return release(c, offset)
}

/** Gives back the topmost entries, from `offset`: their dual's tangents are all zero. */
function release(c: ForwardContext, offset: number): number {
  c.top = offset
  return NO_TANGENTS
}

/** The storage of a one-lane dual with this tangent: a pass of one direction skips the lane loops. */
function single(c: ForwardContext, tangent: number): number {
  if (tangent === 0) return NO_TANGENTS
  const offset = reserve(c)
  c.tangents[offset] = tangent
  return offset
}

/**
 * The tangents of a unary op's output, `partial * tangent_in` in each lane,
 * or none when the partial or the input's tangents are all zero (strong
 * zeros: see chainTerm).
 */
export function scaled(c: ForwardContext, partial: number, from: number): number {
  if (partial === 0 || from === NO_TANGENTS) return NO_TANGENTS
  const lanes = c.lanes
  if (lanes === 1) return single(c, chainTerm(partial, c.tangents[from] as number))
  const offset = reserve(c)
  const t = c.tangents
  let zero = true
  for (let l = 0; l < lanes; l++) {
    const tangent = chainTerm(partial, t[from + l] as number)
    t[offset + l] = tangent
    if (tangent !== 0) zero = false
  }
  return zero ? release(c, offset) : offset
}

/**
 * The tangents of a binary op's output, `partialA * tangent_a + partialB *
 * tangent_b` in each lane; an input with offset -1 or a zero partial adds
 * nothing.
 */
export function combined(
  c: ForwardContext,
  partialA: number,
  a: number,
  partialB: number,
  b: number,
): number {
  if (partialA === 0 || a === NO_TANGENTS) return scaled(c, partialB, b)
  if (partialB === 0 || b === NO_TANGENTS) return scaled(c, partialA, a)
  const lanes = c.lanes
  if (lanes === 1) {
    const t = c.tangents
    return single(c, chainTerm(partialA, t[a] as number) + chainTerm(partialB, t[b] as number))
  }
  const offset = reserve(c)
  const t = c.tangents
  let zero = true
  for (let l = 0; l < lanes; l++) {
    const tangent =
      chainTerm(partialA, t[a + l] as number) + chainTerm(partialB, t[b + l] as number)
    t[offset + l] = tangent
    if (tangent !== 0) zero = false
  }
  return zero ? release(c, offset) : offset
}

/** Reserves zeroed entries for an n-ary op to accumulate into with `accumulate`. */
export function reserveZeros(c: ForwardContext): number {
  const offset = reserve(c)
  c.tangents.fill(0, offset, offset + c.lanes)
  return offset
}

/** Adds `partial * tangent_from` into the tangents at `to`, lane by lane. */
export function accumulate(c: ForwardContext, to: number, partial: number, from: number): void {
  const t = c.tangents
  const lanes = c.lanes
  for (let l = 0; l < lanes; l++) {
    t[to + l] = (t[to + l] as number) + chainTerm(partial, t[from + l] as number)
  }
}

/**
 * A copy of the tangents of a dual of pass `pass`, or undefined once that
 * pass has ended (its entries have been reused since).
 */
export function storedTangents(pass: number, offset: number): Float64Array | undefined {
  const open = context.open.find((p) => p.pass === pass)
  if (open === undefined) return undefined
  if (offset === NO_TANGENTS) return new Float64Array(open.lanes)
  return context.tangents.slice(offset, offset + open.lanes)
}

import { gradlabError } from '../core/errors.js'
import { badOutput } from '../core/validate.js'
import { Dual } from './dual.js'
import { context, NO_TANGENTS, reserve } from './tangents.js'

/*
 * One forward pass: seed the inputs' tangents, evaluate the function once on
 * dual numbers, read the outputs' tangents. The context is saved and restored
 * around it, so forward mode may be called from inside a function that
 * forward mode is differentiating.
 */

/** What a pass carries: the unit directions e_first, ..., e_(first+lanes-1), or one direction v. */
export type Seed = { readonly first: number; readonly lanes: number } | Float64Array

let passesStarted = 0

/** Runs `body` on the inputs x seeded by `seed`, as a new pass reported under `label`. */
export function runPass<R>(
  label: string,
  x: Float64Array,
  seed: Seed,
  body: (inputs: Dual[]) => R,
): R {
  const saved = { label: context.label, pass: context.pass, lanes: context.lanes, top: context.top }
  const pass = ++passesStarted
  const lanes = seed instanceof Float64Array ? 1 : seed.lanes
  context.label = label
  context.pass = pass
  context.lanes = lanes
  context.open.push({ pass, lanes, base: context.top })
  try {
    const inputs = new Array<Dual>(x.length)
    for (let i = 0; i < x.length; i++)
      inputs[i] = new Dual(x[i] as number, pass, seedInput(seed, i))
    return body(inputs)
  } finally {
    context.open.pop()
    context.label = saved.label
    context.pass = saved.pass
    context.lanes = saved.lanes
    context.top = saved.top
  }
}

/** The tangents of input i under `seed`: its entry of v, or the unit vector of its lane. */
function seedInput(seed: Seed, i: number): number {
  if (seed instanceof Float64Array) {
    const v = seed[i] as number
    if (v === 0) return NO_TANGENTS
    const offset = reserve(context)
    context.tangents[offset] = v
    return offset
  }
  const lane = i - seed.first
  if (lane < 0 || lane >= seed.lanes) return NO_TANGENTS
  const offset = reserve(context)
  context.tangents.fill(0, offset, offset + seed.lanes)
  context.tangents[offset + lane] = 1
  return offset
}

/** Reads one output of the running pass: a dual of this pass, or a plain number (tangents 0). */
export function output(label: string, name: string, r: unknown, index?: number): Dual {
  if (typeof r === 'number') return new Dual(r, context.pass, NO_TANGENTS)
  if (r instanceof Dual && r.pass === context.pass) return r
  if (r instanceof Dual) {
    throw gradlabError(
      TypeError,
      'ERR_GRADLAB_FOREIGN_VALUE',
      `${label}: ${name} returned a dual number from another forward pass (kept from an earlier call); return values computed in this call.`,
    )
  }
  throw badOutput(label, name, r, index)
}

/** Copies the tangents of `out`, a dual of the running pass, to `into` from index `at`. */
export function copyTangents(out: Dual, into: Float64Array, at: number): void {
  if (out.offset === NO_TANGENTS) return
  const lanes = context.lanes
  for (let l = 0; l < lanes; l++) into[at + l] = context.tangents[out.offset + l] as number
}

/** The tangent of `out` along the running pass's only direction. */
export function tangentOf(out: Dual): number {
  return out.offset === NO_TANGENTS ? 0 : (context.tangents[out.offset] as number)
}

/** How many values of the running pass hold tangents now: its storage in use, in duals. */
export function storedDuals(): number {
  const running = context.open[context.open.length - 1]
  return running === undefined ? 0 : (context.top - running.base) / running.lanes
}

import { DOT, type Program } from './program.js'

/*
 * Loops found in a recording, by rerolling: a block of p instructions
 * repeated r times, in which every operand of the k-th repetition is the
 * first repetition's plus k times a fixed stride (a loop over x[i], an
 * accumulator carried from the previous iteration, a weight row and the same
 * example's constants). A loop's body is searched again, so a loop over
 * examples holds a loop over a layer's units. codegen.ts emits each loop as a
 * `for`.
 */

/** Longest block tried as a loop body, and how many candidate periods are tried per position. */
const MAX_PERIOD = 4096
const MAX_CANDIDATES = 512
/** A loop must repeat at least this often, and cover at least this many instructions. */
const MIN_REPEATS = 3
const MIN_COVER = 12
/**
 * Operand comparisons the loop search may spend per program: a long program
 * with no repetition stops being searched (and, straight-line, is usually
 * over the size cap) rather than making compile slow.
 */
const SEARCH_BUDGET = 20_000_000
/** A dot or sum at least this long whose operands advance by fixed strides is emitted as a loop. */
export const MIN_INNER_LOOP = 8

/** An operand of a loop body: its ref in the first repetition and its stride per repetition. */
export interface Loop {
  readonly start: number
  readonly period: number
  readonly repeats: number
  /** Per operand of the body's instructions (in `args` order from `argStart(start)`): the stride. */
  readonly strides: Int32Array
  /** Per operand: whether it is a constant with the same value in every repetition. */
  readonly fixed: Uint8Array
}

interface Budget {
  left: number
}

export const startOf = (argEnd: Int32Array, i: number) => (i === 0 ? 0 : (argEnd[i - 1] as number))

/** Whether instructions i and j have the same op and number of operands, and one the generator handles. */
function sameShape(program: Program, i: number, j: number): boolean {
  const { code, argEnd } = program
  const c = code[i] as number
  if (c !== code[j] || c > DOT) return false
  return (argEnd[i] as number) - startOf(argEnd, i) === (argEnd[j] as number) - startOf(argEnd, j)
}

/** Strides of the candidate being tried, copied out when it becomes a loop. */
const scratch = { strides: new Int32Array(256), fixed: new Uint8Array(256) }

/**
 * The loop starting at instruction s with period p, or null: its repetitions,
 * each operand's stride (of node index or of constant index), and which
 * constants keep one value throughout.
 */
function tryLoop(program: Program, s: number, p: number, end: number, budget: Budget): Loop | null {
  const { argEnd, args, constants } = program
  const a0 = startOf(argEnd, s)
  const width = startOf(argEnd, s + p) - a0
  // The second repetition fixes the strides; one pass, so a mismatch stops it early.
  if (scratch.strides.length < width) {
    scratch.strides = new Int32Array(2 * width)
    scratch.fixed = new Uint8Array(2 * width)
  }
  const { strides, fixed } = scratch
  for (let j = 0; j < p; j++) {
    budget.left--
    if (!sameShape(program, s + j, s + p + j)) return null
    const from = startOf(argEnd, s + j) - a0
    for (let t = from; t < (argEnd[s + j] as number) - a0; t++) {
      const r0 = args[a0 + t] as number
      const r1 = args[a0 + width + t] as number
      if (r0 >= 0 !== r1 >= 0) return null
      if (r0 >= 0) {
        strides[t] = r1 - r0
        fixed[t] = 0
      } else {
        strides[t] = ~r1 - ~r0
        fixed[t] = Object.is(constants[~r0], constants[~r1]) ? 1 : 0
      }
    }
  }
  budget.left -= width
  let repeats = 2
  for (; s + (repeats + 1) * p <= end; repeats++) {
    const base = s + repeats * p
    let same = true
    for (let j = 0; same && j < p; j++) same = sameShape(program, s + j, base + j)
    if (!same) break
    const ak = startOf(argEnd, base)
    if (startOf(argEnd, base + p) - ak !== width) break
    budget.left -= p + width
    for (let t = 0; same && t < width; t++) {
      const r0 = args[a0 + t] as number
      const rk = args[ak + t] as number
      if (r0 >= 0) same = rk === r0 + repeats * (strides[t] as number)
      else {
        same = rk < 0 && ~rk === ~r0 + repeats * (strides[t] as number)
        if (same && fixed[t] === 1 && !Object.is(constants[~rk], constants[~r0])) fixed[t] = 0
      }
    }
    if (!same) break
  }
  return {
    start: s,
    period: p,
    repeats,
    strides: strides.slice(0, width),
    fixed: fixed.slice(0, width),
  }
}

/** The loop at s covering the most instructions (the shortest body among equals), or null. */
function bestLoop(
  program: Program,
  s: number,
  end: number,
  budget: Budget,
  outer: readonly Level[],
): Loop | null {
  const { code } = program
  const remaining = end - s
  let best: Loop | null = null
  let cover = 0
  let candidates = 0
  for (let p = 1; p <= MAX_PERIOD && 2 * p <= remaining && candidates < MAX_CANDIDATES; p++) {
    if (budget.left <= 0) break
    if (code[s + p] !== code[s]) continue
    // A period p covers at most p * floor(remaining / p): skip those that cannot beat the best.
    if (p * Math.floor(remaining / p) <= cover) continue
    candidates++
    const loop = tryLoop(program, s, p, end, budget)
    if (loop === null || loop.repeats < MIN_REPEATS || !nests(program, loop, outer)) continue
    const covers = loop.period * loop.repeats
    if (covers > cover) {
      best = loop
      cover = covers
      if (cover > remaining - p) break
    }
  }
  return best !== null && cover >= MIN_COVER ? best : null
}

/** An enclosing loop of an instruction: its variable, its period and its operands' strides. */
export interface Level {
  readonly k: string
  readonly loop: Loop
  /** Offset in `args` of the loop's first operand (first repetition). */
  readonly a0: number
}

/**
 * Whether `loop`, found inside the first repetition of the `outer` loops, is
 * the same loop in every repetition of theirs: each of its operands' stride
 * in an outer loop (and whether a constant keeps its value there) is the same
 * in each of its own repetitions, so one expression serves them all.
 */
function nests(program: Program, loop: Loop, outer: readonly Level[]): boolean {
  const { argEnd } = program
  const a0 = startOf(argEnd, loop.start)
  const width = startOf(argEnd, loop.start + loop.period) - a0
  for (const level of outer) {
    const { strides, fixed } = level.loop
    const at = a0 - level.a0
    for (let j = 1; j < loop.repeats; j++) {
      for (let t = 0; t < width; t++) {
        if (strides[at + j * width + t] !== strides[at + t]) return false
        if (fixed[at + j * width + t] !== fixed[at + t]) return false
      }
    }
  }
  return true
}

/** A loop and the segments of its first repetition, or a single instruction. */
export type Segment = number | { readonly loop: Loop; readonly body: readonly Segment[] }

/**
 * Instructions [from, to) cut into loops and single instructions, in order,
 * inside the first repetition of the `outer` loops; a loop's body is cut
 * the same way, so a loop over examples holds a loop over a layer's units.
 */
function segments(
  program: Program,
  from: number,
  to: number,
  outer: readonly Level[],
  budget: Budget,
): Segment[] {
  const out: Segment[] = []
  for (let s = from; s < to; ) {
    const loop = bestLoop(program, s, to, budget, outer)
    if (loop === null) {
      out.push(s++)
      continue
    }
    const level = levelOf(program, loop, outer.length)
    const body = segments(program, loop.start, loop.start + loop.period, [...outer, level], budget)
    out.push({ loop, body })
    s += loop.period * loop.repeats
  }
  return out
}

/** The whole program cut into loops and single instructions (see `segments`). */
export function findLoops(program: Program): Segment[] {
  return segments(program, 0, program.instructions, [], { left: SEARCH_BUDGET })
}

/** Whether every instruction is one the generator handles (no custom ops or blocks). */
export function generatable(program: Program): boolean {
  for (let i = 0; i < program.instructions; i++) if ((program.code[i] as number) > DOT) return false
  return true
}

/** The loop variable and first operand of `loop`, nested `depth` loops deep. */
export function levelOf(program: Program, loop: Loop, depth: number): Level {
  return { k: `k${depth}`, loop, a0: startOf(program.argEnd, loop.start) }
}

import { DOT, type Program } from './program.js'

/*
 * Loops found in a recording, by rerolling: a block of p instructions
 * repeated r times, in which every operand of the k-th repetition is the
 * first repetition's plus k times a fixed stride (a loop over x[i], an
 * accumulator carried from the previous iteration, a weight row and the same
 * example's constants). An operand may instead read, from the second
 * repetition on, the node the previous repetition made, and in the first a
 * starting value of its own: `total = m.add(total, term)` from `total = 0`.
 * A loop's body is searched again, so a loop over examples holds a loop over
 * a layer's units. codegen.ts emits each loop as a `for`.
 */

/** Longest block tried as a loop body. */
const MAX_PERIOD = 4096
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
  /**
   * Per operand: whether the first repetition's operand is one of its own and
   * the others move by the stride from the second's: for a node operand, a
   * starting value (a constant, an input or a node before the loop) and from
   * the second on the node the previous repetition made (stride = period);
   * for a constant, one the first repetition recorded at an index of its own
   * (it recorded more or fewer constants than the others).
   */
  readonly initial: Uint8Array
}

/** What a search may still spend, and the number of inputs (node i + inputs is instruction i's). */
interface Budget {
  left: number
  readonly inputs: number
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
const scratch = {
  strides: new Int32Array(256),
  fixed: new Uint8Array(256),
  initial: new Uint8Array(256),
  /** Per constant operand: whether its index has moved by its stride in every repetition so far. */
  stepping: new Uint8Array(256),
}

/**
 * The loop starting at instruction s with period p, or null: its repetitions,
 * each operand's stride (of node index or of constant index), and which
 * constants keep one value throughout. A constant operand must keep its value
 * or move by a fixed stride through the constants; one that keeps its value
 * gets stride 0, whatever its index does (the first iteration may record a
 * constant more than the others, such as an accumulator's starting 0).
 */
function tryLoop(program: Program, s: number, p: number, end: number, budget: Budget): Loop | null {
  const { argEnd, args, constants } = program
  const a0 = startOf(argEnd, s)
  const width = startOf(argEnd, s + p) - a0
  // The second repetition fixes the strides; one pass, so a mismatch stops it early.
  if (scratch.strides.length < width) {
    scratch.strides = new Int32Array(2 * width)
    scratch.fixed = new Uint8Array(2 * width)
    scratch.initial = new Uint8Array(2 * width)
    scratch.stepping = new Uint8Array(2 * width)
  }
  const { strides, fixed, initial, stepping } = scratch
  const first = budget.inputs + s
  for (let j = 0; j < p; j++) {
    budget.left--
    if (!sameShape(program, s + j, s + p + j)) return null
    const from = startOf(argEnd, s + j) - a0
    for (let t = from; t < (argEnd[s + j] as number) - a0; t++) {
      const r0 = args[a0 + t] as number
      const r1 = args[a0 + width + t] as number
      // The second repetition reads a node of the first, and the first a value from before the
      // loop: a value carried from its starting value, which may move otherwise in the loops
      // around (an input the chain starts from, say, that happens to be the node one period back).
      const carried = r1 >= first && r1 < first + p
      initial[t] = carried && !(r0 >= first && r0 < first + p) ? 1 : 0
      if (initial[t] === 1) {
        strides[t] = p
        fixed[t] = 0
        continue
      }
      if (r0 >= 0 !== r1 >= 0) return null
      if (r0 >= 0) {
        strides[t] = r1 - r0
        fixed[t] = 0
      } else {
        strides[t] = ~r1 - ~r0
        // Data slots change between calls: only recorded constants can keep a value.
        const recorded = ~r0 >= program.data && ~r1 >= program.data
        fixed[t] = recorded && Object.is(constants[~r0], constants[~r1]) ? 1 : 0
        stepping[t] = 1
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
    // Each instruction has the first repetition's number of operands, so these are `width` too.
    const ak = startOf(argEnd, base)
    budget.left -= p + width
    // Checked first and recorded after, so that a repetition that ends the loop changes no flag.
    for (let pass = 0; same && pass < 2; pass++) {
      for (let t = 0; same && t < width; t++) {
        const r0 = args[a0 + t] as number
        const r1 = args[a0 + width + t] as number
        const rk = args[ak + t] as number
        if (initial[t] === 1 && r1 >= 0) same = rk === r1 + (repeats - 1) * p
        else if (r0 >= 0) same = rk === r0 + repeats * (strides[t] as number)
        else if (rk >= 0) same = false
        else {
          const keeps =
            fixed[t] === 1 && ~rk >= program.data && Object.is(constants[~rk], constants[~r0])
          let steps = stepping[t] === 1 && ~rk === ~r0 + repeats * (strides[t] as number)
          if (initial[t] === 1)
            steps = stepping[t] === 1 && ~rk === ~r1 + (repeats - 1) * (strides[t] as number)
          // The first repetition recorded a constant more or fewer than the others (the 0 an
          // accumulator starts from): its constants are its own, the others' move from the second's.
          const shift = !steps && !keeps && repeats === 2 && stepping[t] === 1 && initial[t] === 0
          same = keeps || steps || shift
          if (pass === 1) {
            fixed[t] = keeps ? 1 : 0
            stepping[t] = steps || shift ? 1 : 0
            if (shift) {
              initial[t] = 1
              strides[t] = ~rk - ~r1
            }
          }
        }
      }
    }
    if (!same) break
  }
  // A constant that keeps its value is read from the first repetition.
  for (let t = 0; t < width; t++) if (fixed[t] === 1) strides[t] = 0
  return {
    start: s,
    period: p,
    repeats,
    strides: strides.slice(0, width),
    fixed: fixed.slice(0, width),
    initial: initial.slice(0, width),
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
  for (let p = 1; p <= MAX_PERIOD && 2 * p <= remaining; p++) {
    if (budget.left <= 0) break
    if (code[s + p] !== code[s]) continue
    // A period p covers at most p * floor(remaining / p): skip those that cannot beat the best.
    if (p * Math.floor(remaining / p) <= cover) continue
    // A multiple of the best period that starts inside its loop mostly finds that loop again.
    if (best !== null && p % best.period === 0 && p < cover) continue
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
 * in an outer loop (and whether a constant keeps its value there, and
 * whether it is a starting value there) is the same in each of its own
 * repetitions, so one expression serves them all. An operand that is a
 * starting value of `loop` itself is compared from the second repetition
 * on: its first is the starting value's, which may move otherwise.
 */
function nests(program: Program, loop: Loop, outer: readonly Level[]): boolean {
  const { argEnd } = program
  const a0 = startOf(argEnd, loop.start)
  const width = startOf(argEnd, loop.start + loop.period) - a0
  for (const level of outer) {
    const { strides, fixed, initial } = level.loop
    const at = a0 - level.a0
    for (let t = 0; t < width; t++) {
      const from = loop.initial[t] === 1 ? 1 : 0
      const ref = at + from * width + t
      for (let j = from + 1; j < loop.repeats; j++) {
        const other = at + j * width + t
        if (strides[other] !== strides[ref] || fixed[other] !== fixed[ref]) return false
        if (initial[other] !== initial[ref]) return false
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
export function findLoops(program: Program, inputs: number): Segment[] {
  return segments(program, 0, program.instructions, [], { left: SEARCH_BUDGET, inputs })
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

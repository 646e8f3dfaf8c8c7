import { BINARY_OPS, binaryRuleOf, numbers, UNARY_OPS, unaryRuleOf } from '../ops/index.js'
import { DOT, FIRST_BINARY, type Program, SUM } from './program.js'

/*
 * A compiled gradient as generated JavaScript. The recorded program is cut
 * into loops, found by rerolling: a block of p instructions repeated r times,
 * in which every operand of the k-th repetition is the first repetition's
 * plus k times a fixed stride (a loop over x[i], an accumulator carried from
 * the previous iteration, a weight row and the same example's constants).
 * Each loop is emitted as a `for` over k, the rest as straight-line code; a
 * dot or sum whose operands advance by fixed strides is emitted as a loop
 * of its own. The forward function writes every node's value; the backward
 * function walks the instructions in reverse and adds partial * adjoint into
 * each operand, recomputing each partial from the op table's rule at the
 * values the forward function stored, in the order of `Replay.backward`: the
 * same numbers, bitwise, as the interpreter and as the dynamic tape.
 *
 * Each pass is kept small: V8 does not optimise a function whose bytecode
 * exceeds a fixed size (60 KB, its --max-optimized-bytecode-size), and an
 * unoptimised pass runs tens of times slower than the interpreter, so a
 * program that does not reroll below the size cap is left to the
 * interpreter (`Replay`).
 */

/** The two passes, with the interface of `Replay`. */
export interface Engine {
  readonly values: Float64Array
  forward(x: Float64Array): void
  backward(output: number): Float64Array
}

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
const MIN_INNER_LOOP = 8

/** An operand of a loop body: its ref in the first repetition and its stride per repetition. */
interface Loop {
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

const startOf = (argEnd: Int32Array, i: number) => (i === 0 ? 0 : (argEnd[i - 1] as number))

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

/** A number as JavaScript source that reads back as the same double, -0 included. */
function literal(x: number): string {
  if (Object.is(x, -0)) return '-0'
  return Number.isNaN(x) ? 'NaN' : String(x)
}

/** An index expression `base + stride_0 * k_0 + ...`, simplified. */
function indexExpr(base: number, terms: readonly (readonly [number, string])[]): string {
  let out = String(base)
  for (const [stride, k] of terms) {
    if (stride === 0) continue
    out += stride === 1 ? ` + ${k}` : ` + ${stride} * ${k}`
  }
  return out
}

class Writer {
  readonly lines: string[] = []
  size = 0
  private fresh = 0
  emit(line: string): void {
    this.lines.push(line)
    this.size += line.length + 1
  }
  name(prefix: string): string {
    return `${prefix}${this.fresh++}`
  }
}

/** An enclosing loop of an instruction: its variable, its period and its operands' strides. */
interface Level {
  readonly k: string
  readonly loop: Loop
  /** Offset in `args` of the loop's first operand (first repetition). */
  readonly a0: number
}

/** One instruction of the first repetition of its enclosing loops (none outside a loop). */
interface Site {
  readonly i: number
  readonly argStart: number
  readonly argCount: number
  readonly levels: readonly Level[]
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

/** The generator: operand expressions, and the code of each instruction in either direction. */
class Generator {
  readonly rules = new Set<string>()
  constructor(
    private readonly program: Program,
    private readonly inputs: number,
  ) {}

  /** Operand t's stride in each enclosing loop, with the loop's variable. */
  private terms(site: Site, t: number): [number, string][] {
    return site.levels.map((l) => [l.loop.strides[site.argStart + t - l.a0] as number, l.k])
  }

  /** A node operand's index expression, or null for a constant. */
  nodeIndex(site: Site, t: number): string | null {
    const r = this.program.args[site.argStart + t] as number
    return r < 0 ? null : indexExpr(r, this.terms(site, t))
  }

  /** An operand's value expression: a node's value, a constant's literal, or a constant by index. */
  value(site: Site, t: number): string {
    const r = this.program.args[site.argStart + t] as number
    if (r >= 0) return `v[${this.nodeIndex(site, t)}]`
    const same = site.levels.every(
      (l) =>
        l.loop.fixed[site.argStart + t - l.a0] === 1 ||
        l.loop.strides[site.argStart + t - l.a0] === 0,
    )
    if (same) return literal(this.program.constants[~r] as number)
    return `c[${indexExpr(~r, this.terms(site, t))}]`
  }

  private node(site: Site): string {
    return indexExpr(
      this.inputs + site.i,
      site.levels.map((l) => [l.loop.period, l.k]),
    )
  }

  output(site: Site): string {
    return `v[${this.node(site)}]`
  }

  adjointOf(site: Site): string {
    return `g[${this.node(site)}]`
  }

  /**
   * A dot's or sum's operands as `base + stride * j` (per factor), when they
   * advance by fixed strides and a loop is worth it: [node or constant, base
   * index expression, stride] per factor, or null.
   */
  progression(
    site: Site,
    step: number,
    offset: number,
  ): { node: boolean; base: string; stride: number } | null {
    const { args } = this.program
    const terms = site.argCount / step
    if (terms < MIN_INNER_LOOP) return null
    const first = args[site.argStart + offset] as number
    const second = args[site.argStart + step + offset] as number
    const node = first >= 0
    if (second >= 0 !== node) return null
    const idx = (r: number) => (node ? r : ~r)
    const stride = idx(second) - idx(first)
    const outer = this.terms(site, offset)
    for (let t = 0; t < terms; t++) {
      const r = args[site.argStart + t * step + offset] as number
      if (r >= 0 !== node || idx(r) !== idx(first) + t * stride) return null
      // Every term must move by the same stride in each enclosing loop.
      const moves = this.terms(site, t * step + offset)
      if (moves.some(([d], level) => d !== outer[level]?.[0])) return null
    }
    return { node, base: indexExpr(idx(first), outer), stride }
  }

  forward(site: Site, w: Writer): void {
    const c = this.program.code[site.i] as number
    const out = this.output(site)
    if (c < FIRST_BINARY) {
      const name = UNARY_OPS[c] as string
      this.rules.add(`U_${name}`)
      w.emit(`${out} = U_${name}.value(${this.value(site, 0)});`)
    } else if (c < SUM) {
      const name = BINARY_OPS[c - FIRST_BINARY] as string
      this.rules.add(`B_${name}`)
      w.emit(`${out} = B_${name}.value(${this.value(site, 0)}, ${this.value(site, 1)});`)
    } else if (c === SUM) {
      const t = w.name('t')
      const run = this.progression(site, 1, 0)
      w.emit(`let ${t} = 0;`)
      if (run !== null) {
        const src = run.node ? 'v' : 'c'
        w.emit(
          `for (let j = 0; j < ${site.argCount}; j++) ${t} += ${src}[${run.base} + ${run.stride} * j];`,
        )
      } else for (let a = 0; a < site.argCount; a++) w.emit(`${t} += ${this.value(site, a)};`)
      w.emit(`${out} = ${t};`)
    } else {
      const t = w.name('t')
      const x = this.progression(site, 2, 0)
      const y = this.progression(site, 2, 1)
      w.emit(`let ${t} = 0;`)
      if (x !== null && y !== null) {
        const xs = x.node ? 'v' : 'c'
        const ys = y.node ? 'v' : 'c'
        w.emit(
          `for (let j = 0; j < ${site.argCount / 2}; j++) ${t} += ${xs}[${x.base} + ${x.stride} * j] * ${ys}[${y.base} + ${y.stride} * j];`,
        )
      } else {
        for (let a = 0; a < site.argCount; a += 2) {
          w.emit(`${t} += ${this.value(site, a)} * ${this.value(site, a + 1)};`)
        }
      }
      w.emit(`${out} = ${t};`)
    }
  }

  /** Adds `partial * g` into each node operand, last operand first, skipping exact zeros. */
  backward(site: Site, w: Writer): void {
    const c = this.program.code[site.i] as number
    const g = w.name('g')
    w.emit(`const ${g} = ${this.adjointOf(site)};`)
    w.emit(`if (${g} !== 0) {`)
    if (c < FIRST_BINARY) {
      const a = this.nodeIndex(site, 0)
      if (a !== null) {
        const name = UNARY_OPS[c] as string
        const p = w.name('p')
        w.emit(`const ${p} = U_${name}.partial(N, v[${a}], ${this.output(site)});`)
        w.emit(`if (${p} !== 0) g[${a}] += ${p} * ${g};`)
      }
    } else if (c < SUM) {
      const name = BINARY_OPS[c - FIRST_BINARY] as string
      const args = `N, ${this.value(site, 0)}, ${this.value(site, 1)}, ${this.output(site)}`
      for (const [t, which] of [
        [1, 'partialB'],
        [0, 'partialA'],
      ] as const) {
        const r = this.nodeIndex(site, t)
        if (r === null) continue
        const p = w.name('p')
        w.emit(`const ${p} = B_${name}.${which}(${args});`)
        w.emit(`if (${p} !== 0) g[${r}] += ${p} * ${g};`)
      }
    } else if (c === SUM) {
      const run = this.progression(site, 1, 0)
      if (run?.node) {
        w.emit(
          `for (let j = ${site.argCount - 1}; j >= 0; j--) g[${run.base} + ${run.stride} * j] += ${g};`,
        )
      } else {
        for (let a = site.argCount - 1; a >= 0; a--) {
          const r = this.nodeIndex(site, a)
          if (r !== null) w.emit(`g[${r}] += ${g};`)
        }
      }
    } else {
      const x = this.progression(site, 2, 0)
      const y = this.progression(site, 2, 1)
      if (x !== null && y !== null) {
        const xs = x.node ? 'v' : 'c'
        const ys = y.node ? 'v' : 'c'
        w.emit(`for (let j = ${site.argCount / 2 - 1}; j >= 0; j--) {`)
        w.emit(
          `const a = ${xs}[${x.base} + ${x.stride} * j], b = ${ys}[${y.base} + ${y.stride} * j];`,
        )
        if (y.node) w.emit(`if (a !== 0) g[${y.base} + ${y.stride} * j] += a * ${g};`)
        if (x.node) w.emit(`if (b !== 0) g[${x.base} + ${x.stride} * j] += b * ${g};`)
        w.emit('}')
      } else {
        for (let a = site.argCount - 2; a >= 0; a -= 2) {
          const ra = this.nodeIndex(site, a)
          const rb = this.nodeIndex(site, a + 1)
          const va = this.value(site, a)
          const vb = this.value(site, a + 1)
          if (rb !== null) w.emit(`if (${va} !== 0) g[${rb}] += ${va} * ${g};`)
          if (ra !== null) w.emit(`if (${vb} !== 0) g[${ra}] += ${vb} * ${g};`)
        }
      }
    }
    w.emit('}')
  }
}

/** A loop and the segments of its first repetition, or a single instruction. */
type Segment = number | { readonly loop: Loop; readonly body: readonly Segment[] }

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

/** Whether every instruction is one the generator handles (no custom ops or blocks). */
export function generatable(program: Program): boolean {
  for (let i = 0; i < program.instructions; i++) if ((program.code[i] as number) > DOT) return false
  return true
}

/** The loop variable and first operand of `loop`, nested `depth` loops deep. */
function levelOf(program: Program, loop: Loop, depth: number): Level {
  return { k: `k${depth}`, loop, a0: startOf(program.argEnd, loop.start) }
}

/** The site of instruction i inside the `levels` loops. */
function siteOf(program: Program, i: number, levels: readonly Level[]): Site {
  const argStart = startOf(program.argEnd, i)
  return { i, argStart, argCount: (program.argEnd[i] as number) - argStart, levels }
}

/**
 * Emits one pass over `parts`, loops as for loops over their variables: the
 * forward pass in recording order, the backward pass last first with its loops
 * run down.
 */
function emitPass(
  gen: Generator,
  program: Program,
  parts: readonly Segment[],
  levels: readonly Level[],
  backward: boolean,
  w: Writer,
): void {
  for (let j = 0; j < parts.length; j++) {
    const part = parts[backward ? parts.length - 1 - j : j] as Segment
    if (typeof part === 'number') {
      const site = siteOf(program, part, levels)
      if (backward) gen.backward(site, w)
      else gen.forward(site, w)
      continue
    }
    const level = levelOf(program, part.loop, levels.length)
    const { k } = level
    const n = part.loop.repeats
    w.emit(
      backward
        ? `for (let ${k} = ${n - 1}; ${k} >= 0; ${k}--) {`
        : `for (let ${k} = 0; ${k} < ${n}; ${k}++) {`,
    )
    emitPass(gen, program, part.body, [...levels, level], backward, w)
    w.emit('}')
  }
}

/** The generated source of both passes, or null when either pass would exceed `maxSize` characters. */
export function generate(program: Program, inputs: number, maxSize: number): string | null {
  const gen = new Generator(program, inputs)
  const parts = segments(program, 0, program.instructions, [], { left: SEARCH_BUDGET })
  const fw = new Writer()
  emitPass(gen, program, parts, [], false, fw)
  if (fw.size > maxSize) return null
  const bw = new Writer()
  emitPass(gen, program, parts, [], true, bw)
  if (bw.size > maxSize) return null
  const rules = [...gen.rules]
    .sort()
    .map((r) => `const ${r} = ${r.startsWith('U_') ? 'U' : 'B'}.${r.slice(2)};`)
  return [
    "'use strict';",
    ...rules,
    'return {',
    'forward(v, c) {',
    ...fw.lines,
    '},',
    'backward(v, g, c) {',
    ...bw.lines,
    '},',
    '};',
  ].join('\n')
}

type Passes = {
  forward(v: Float64Array, c: Float64Array): void
  backward(v: Float64Array, g: Float64Array, c: Float64Array): void
}

/** The generated passes of `program`, with the interface of `Replay`. */
export class Generated implements Engine {
  readonly values: Float64Array
  private readonly adjoint: Float64Array
  private readonly passes: Passes

  constructor(
    private readonly program: Program,
    private readonly inputs: number,
    source: string,
  ) {
    this.values = new Float64Array(inputs + program.instructions)
    this.adjoint = new Float64Array(inputs + program.instructions)
    const factory = new Function('U', 'B', 'N', source) as (
      u: typeof unaryRuleOf,
      b: typeof binaryRuleOf,
      n: typeof numbers,
    ) => Passes
    this.passes = factory(unaryRuleOf, binaryRuleOf, numbers)
  }

  forward(x: Float64Array): void {
    this.values.set(x)
    this.passes.forward(this.values, this.program.constants)
  }

  backward(output: number): Float64Array {
    const { adjoint } = this
    adjoint.fill(0)
    adjoint[output] = 1
    this.passes.backward(this.values, adjoint, this.program.constants)
    return adjoint
  }

  /** The number of inputs, for symmetry with `Replay`. */
  get inputCount(): number {
    return this.inputs
  }
}

import {
  BINARY_OPS,
  type BinaryName,
  binaryRuleOf,
  numbers,
  UNARY_OPS,
  type UnaryName,
  unaryRuleOf,
} from '../ops/index.js'
import { BINARY, DOT, FIRST_BINARY, type Program, SUM, UNARY } from './program.js'
import {
  findLoops,
  type Level,
  type Loop,
  levelOf,
  MIN_INNER_LOOP,
  type Segment,
  startOf,
} from './reroll.js'

/*
 * A compiled gradient as generated JavaScript. The recording is cut into
 * loops (reroll.ts) and each loop is emitted as a `for`, its body the
 * instructions of its first repetition. What makes the code fast is where
 * each value lives:
 *
 * - A node used only within its own iteration (or by loops nested in it)
 *   is a JavaScript local, in both passes. Its adjoint is a local too.
 * - A node read in the next iteration (an accumulator) is carried in a
 *   local from one iteration to the next; so is the last iteration's value
 *   read after the loop. Its adjoint is carried back the same way.
 * - Any other node (read by a later loop, say) has a slot in the value array
 *   `v` and the adjoint array `g`, indexed by node.
 * - Inputs are read from the point itself and their adjoints added into the
 *   gradient that is returned.
 *
 * The backward pass needs some values to compute partials (a square's
 * operand, a tanh's value). A cheap op's value (add, mul, ...) is computed
 * again from its operands; any other is stored in `v` by the forward pass.
 *
 * Adjoints are added in the order the dynamic tape adds them (operands of an
 * instruction last first, instructions last first), so every sum rounds the
 * same way. The tape skips a product whose partial or adjoint is exactly 0
 * (exact zeros are strong: an infinite partial behind a zero adjoint adds
 * nothing). That test on every product measured about 1.5x slower, so the
 * backward pass is generated twice: without the test, which gives the same
 * numbers whenever every input's adjoint comes out finite (a skipped product
 * is then a finite 0, and adding 0 changes no sum that started at +0), and
 * with it, which runs only when some adjoint does not come out finite.
 *
 * Each pass is kept small: V8 does not optimise a function whose bytecode
 * exceeds a fixed size (60 KB, its --max-optimized-bytecode-size), and an
 * unoptimised pass runs tens of times slower than the interpreter, so a
 * program that does not reroll below the size cap is left to the
 * interpreter (interpreter.ts).
 */

/** A compiled gradient's two passes, generated or interpreted. */
export interface Engine {
  /** Recomputes the values at x, a point of the compiled length. */
  forward(x: Float64Array): void
  /** Node `node`'s value at the last point given to `forward` (an input's or an op's). */
  valueOf(node: number): number
  /** The gradient of the output at the last point given to `forward`: a new array. */
  gradient(): Float64Array
  /** The gradient of the output at x, running the forward pass only if the backward pass needs it. */
  gradientAt(x: Float64Array): Float64Array
}

/** Codes of the ops whose value the backward pass recomputes rather than reads from memory. */
const CHEAP = new Set<number>([
  UNARY.neg,
  UNARY.abs,
  UNARY.square,
  UNARY.relu,
  BINARY.add,
  BINARY.sub,
  BINARY.mul,
  BINARY.min,
  BINARY.max,
])

/** Per-site flags. */
const STORED = 1 // its value has a slot in v in every iteration
const IN_ARRAY = 2 // its adjoint has a slot in g (and its value one in v)
const CARRIED = 4 // read in the next iteration or after its loop: carried in locals
const REMAT = 8 // its value is recomputed at the top of its block in the backward pass

/** A node index `base + sum of stride * k` over enclosing loop variables. */
interface Affine {
  readonly base: number
  readonly terms: readonly (readonly [stride: number, k: string, repeats: number])[]
}

/**
 * Which recorded constant a constant operand reads, by loop coordinates: one
 * value, the constant at an index, or, for a loop whose first iteration
 * recorded its constants at indices of their own, another read there.
 */
type ConstantRead =
  | { readonly value: number }
  | { readonly index: Affine }
  | { readonly depth: number; readonly index: Affine; readonly first: ConstantRead }

/** What an operand refers to, and so how each pass reads it and adds to its adjoint. */
type Ref =
  | {
      readonly kind: 'constant'
      readonly expr: string
      readonly read: ConstantRead
      /** For a read `c[(k > 0 ? a : b) + inner]`: the conditional part, to compute once per iteration of k's loop. */
      readonly split?: { readonly base: string; readonly inner: string }
      /**
       * Whether the read rests on a loop's finding that the constant keeps
       * its value, or on its first iteration's own constants: `verify` checks it.
       */
      readonly derived?: boolean
    }
  | { readonly kind: 'array'; readonly index: Affine }
  | { readonly kind: 'local'; readonly site: number; readonly index: Affine }
  | {
      readonly kind: 'carried'
      readonly site: number
      readonly index: Affine
      /** The loop variable of the loop that carries it: 0 in its first iteration. */
      readonly k: string
      /** What the first iteration reads instead: the node before the loop. */
      readonly init: Ref
    }
  | { readonly kind: 'final'; readonly site: number; readonly index: Affine }
  | {
      /**
       * A loop's starting value in its first iteration (`init`), and from the
       * second on the node the previous iteration made, kept in the arrays
       * at `index` (a carried operand that is not a local; see Loop.initial).
       */
      readonly kind: 'seeded'
      readonly index: Affine
      readonly k: string
      readonly init: Ref
    }

/** A loop body, or the whole program: its instructions and inner loops in order. */
interface Scope {
  readonly loop: Loop | null
  readonly parent: Scope | null
  /** The enclosing loops, outermost first, this scope's own last. */
  readonly levels: readonly Level[]
  readonly parts: readonly (number | Scope)[]
  /** The first instruction of each part (its own, or its loop's first repetition's first). */
  readonly starts: readonly number[]
  /** The instructions directly in this scope (not in inner loops), in order. */
  readonly sites: readonly number[]
}

/** Thrown where a recording's loops have a shape the generator does not handle; compile falls back to the interpreter. */
class Unsupported extends Error {}

/** A number as JavaScript source that reads back as the same double, -0 included. */
function literal(x: number): string {
  if (Object.is(x, -0)) return '-0'
  return Number.isNaN(x) ? 'NaN' : String(x)
}

function indexExpr(a: Affine): string {
  let out = String(a.base)
  for (const [stride, k] of a.terms) {
    if (stride === 0) continue
    out += stride === 1 ? ` + ${k}` : ` + ${stride} * ${k}`
  }
  return out
}

/**
 * Whether an operand's read rests on more than strides the loop search
 * checked in every repetition: a constant a loop keeps (or its first
 * iteration records apart), or a value carried from a starting value.
 */
function derived(ref: Ref): boolean {
  if (ref.kind === 'constant') return ref.derived === true || 'first' in ref.read
  return ref.kind === 'carried' || ref.kind === 'seeded'
}

/** An index at loop coordinates (coords[d] the iteration of the loop at depth d). */
function evaluate(a: Affine, coords: readonly number[]): number {
  let out = a.base
  for (let d = 0; d < a.terms.length; d++) {
    out += ((a.terms[d] as Affine['terms'][number])[0] as number) * (coords[d] as number)
  }
  return out
}

/**
 * Whether indices[t] is indices[0] + t * stride, each moving alike in the
 * loops around: their smallest and largest value over the loops if so.
 */
function progresses(indices: readonly Affine[], stride: number): [number, number] | null {
  const first = indices[0] as Affine
  let lo = Number.POSITIVE_INFINITY
  let hi = Number.NEGATIVE_INFINITY
  for (let t = 0; t < indices.length; t++) {
    const index = indices[t] as Affine
    if (index.base !== first.base + t * stride) return null
    const moves = (term: Affine['terms'][number], d: number) =>
      term[0] === (first.terms[d] as Affine['terms'][number])[0]
    if (!index.terms.every(moves)) return null
    const [a, b] = rangeOf(index)
    lo = Math.min(lo, a)
    hi = Math.max(hi, b)
  }
  return [lo, hi]
}

/** The smallest and largest value of an index over its loops' ranges. */
function rangeOf(a: Affine): [number, number] {
  let lo = a.base
  let hi = a.base
  for (const [stride, , repeats] of a.terms) {
    const span = stride * (repeats - 1)
    if (span < 0) lo += span
    else hi += span
  }
  return [lo, hi]
}

/** The scope tree of a program cut into loops; `scopes[i]` is set to the scope site i is directly in. */
function buildScope(
  program: Program,
  segs: readonly Segment[],
  parent: Scope | null,
  loop: Loop | null,
  levels: readonly Level[],
  scopes: (Scope | undefined)[],
): Scope {
  const parts: (number | Scope)[] = []
  const starts: number[] = []
  const sites: number[] = []
  const scope: Scope = { loop, parent, levels, parts, starts, sites }
  for (const seg of segs) {
    if (typeof seg === 'number') {
      parts.push(seg)
      starts.push(seg)
      sites.push(seg)
      scopes[seg] = scope
    } else {
      const inner = [...levels, levelOf(program, seg.loop, levels.length)]
      parts.push(buildScope(program, seg.body, scope, seg.loop, inner, scopes))
      starts.push(seg.loop.start)
    }
  }
  return scope
}

/**
 * The lines of one block of a pass (a loop body, or a pass's top level),
 * and the reads of arrays it hoists to its top (`text` puts them first): V8 cannot tell that the
 * arrays a pass writes are not the ones it reads, so a read repeated after
 * a write would be loaded again.
 */
class Writer {
  private readonly lines: string[] = []
  private readonly hoisted = new Map<string, string>()
  private readonly decls: string[] = []
  constructor(
    /** The count of hoisted names, shared by the blocks of one pass. */
    private readonly total: { names: number },
  ) {}

  emit(line: string): void {
    this.lines.push(line)
  }

  /** A name for `expr`, read once at the top of this block. */
  hoist(expr: string): string {
    let name = this.hoisted.get(expr)
    if (name === undefined) {
      name = `h${this.total.names++}`
      this.hoisted.set(expr, name)
      this.decls.push(`const ${name} = ${expr};`)
    }
    return name
  }

  child(): Writer {
    return new Writer(this.total)
  }

  text(): string[] {
    return [...this.decls, ...this.lines]
  }
}

/** How many terms of a long sum or dot, or iterations of a short loop, one turn of a loop does. */
const UNROLL = 4
/** Lines of a loop body short enough to be written out four times (see `Generator.loop`). */
const MAX_UNROLLED_BODY = 40

/**
 * The lines of a loop over the terms j of a long sum or dot, first to last
 * (`ascending`) or last to first, four terms an iteration: a loop of one
 * term an iteration, nested in the passes' loops, measured 1.6x slower on a
 * network's forward pass. The terms stay in their order, so every sum
 * rounds as the tape's does.
 */
function unrolled(count: number, ascending: boolean, term: (j: string) => string[]): string[] {
  const whole = count - (count % UNROLL)
  const index = (u: number) => (u === 0 ? 'j' : `(j + ${u})`)
  const out: string[] = []
  const loop = (header: string, order: number[]) => {
    out.push(header)
    for (const u of order) out.push(...term(index(u)))
    out.push('}')
  }
  if (ascending) {
    loop(`for (let j = 0; j < ${whole}; j += ${UNROLL}) {`, [0, 1, 2, 3])
    for (let j = whole; j < count; j++) out.push(...term(String(j)))
  } else {
    for (let j = count - 1; j >= whole; j--) out.push(...term(String(j)))
    loop(`for (let j = ${whole - UNROLL}; j >= 0; j -= ${UNROLL}) {`, [3, 2, 1, 0])
  }
  return out
}

/** The analysis of a program and the source of its passes. */
class Generator {
  /** For every site, the scope it is directly in. */
  private readonly scopes: (Scope | undefined)[]
  private readonly flags: Uint8Array
  /** Each site's operands. */
  private readonly refs: (readonly Ref[] | undefined)[]
  /** The first iteration's value of a carried site: the node before its loop. */
  private readonly inits = new Map<number, Ref>()
  /**
   * Carried sites whose first iteration's adjoint is added into the node
   * before the loop after the loop rather than in its first iteration, which
   * saves a branch per iteration; see `defer`.
   */
  private readonly deferred = new Set<number>()
  /** Carried sites whose last value the backward pass reads: the node it is stored at, after the loop. */
  private readonly finals = new Map<number, Affine>()
  readonly rules = new Set<string>()
  readonly top: Scope
  private fresh = 0
  /** The output, read as if by an instruction after the last: its value is returned, its adjoint seeded. */
  private readonly output: Ref | null
  /** The block being written, and whether it is in the backward pass (which writes no values). */
  private w: Writer = new Writer({ names: 0 })
  /** The blocks around the one being written: blocks[d] is the body of the loop at depth d - 1. */
  private blocks: Writer[] = []
  /** The block depth each hoisted name of the pass being written is defined at. */
  private hoistedAt = new Map<string, number>()
  private inBackward = false
  /** The loops, numbered in the order they are met: loop i runs `R[i]` times. */
  readonly loops: Loop[] = []

  constructor(
    private readonly program: Program,
    private readonly inputs: number,
    output: number,
  ) {
    const n = program.instructions
    this.scopes = new Array(n)
    this.flags = new Uint8Array(n)
    this.refs = new Array(n)
    this.top = buildScope(program, findLoops(program, inputs), null, null, [], this.scopes)
    this.classify(this.top)
    this.output = output < 0 ? null : this.resolve(output, this.top, [])
    // Values the function read with m.value are compared after the forward pass, by index.
    for (let k = 0; k < program.reads.length; k += 2) {
      const node = program.reads[k] as number
      if (node >= inputs) this.markInstance(node - inputs, STORED)
    }
    for (const { a, b } of program.guards) {
      for (const node of [a, b])
        if (node !== null && node >= inputs) this.markInstance(node - inputs, STORED)
    }
    this.verify(this.top, [])
    this.needs(this.top)
    this.defer(this.top)
  }

  /**
   * Checks operands against the recording in every repetition: the node or
   * constant the generated code reads there must be the one recorded (a
   * constant: the same value). The loop search compared each loop's
   * repetitions with its first, within the first repetition of the loops
   * around it, so an operand that rests on more than strides (a constant a
   * loop keeps, a value carried from a starting value; see `derived`) is
   * checked here in every repetition of every loop around it, in loops two
   * or more deep. Throws Unsupported where one differs, and compile uses
   * the interpreter.
   */
  private verify(scope: Scope, coords: number[], offset = 0): void {
    const { args, argEnd } = this.program
    const depth = scope.levels.length
    for (const part of scope.parts) {
      // In a loop with no loop around it, the loop search compared every repetition itself.
      if (depth < 2 && typeof part === 'number') continue
      if (typeof part !== 'number') {
        const { repeats, period } = part.loop as Loop
        if (depth === 0 && part.parts.every((p) => typeof p === 'number')) continue
        for (let k = 0; k < repeats; k++) {
          coords[depth] = k
          this.verify(part, coords, offset + k * period)
        }
        continue
      }
      // This repetition's instruction (`offset` from the first's), and where its operands are.
      const start = startOf(argEnd, part + offset)
      const refs = this.refs[part] as readonly Ref[]
      for (let t = 0; t < refs.length; t++) {
        const ref = refs[t] as Ref
        if (!derived(ref)) continue
        if (!this.reads(ref, coords, args[start + t] as number)) throw new Unsupported()
      }
    }
  }

  /** Whether an operand reads, at the loop coordinates `coords`, the node or constant `recorded` refers to. */
  private reads(ref: Ref, coords: readonly number[], recorded: number): boolean {
    switch (ref.kind) {
      case 'constant': {
        const { constants } = this.program
        return (
          recorded < 0 && Object.is(this.constantValueAt(ref.read, coords), constants[~recorded])
        )
      }
      case 'carried':
      case 'seeded':
        return coords[this.depthOf(ref.k)] === 0
          ? this.reads(ref.init, coords, recorded)
          : evaluate(ref.index, coords) === recorded
      default:
        return evaluate(ref.index, coords) === recorded
    }
  }

  /** The value a constant read gives at the loop coordinates `coords`. */
  private constantValueAt(read: ConstantRead, coords: readonly number[]): number {
    if ('value' in read) return read.value
    if ('first' in read && coords[read.depth] === 0) return this.constantValueAt(read.first, coords)
    return this.program.constants[evaluate(read.index, coords)] as number
  }

  /** The depth of the loop whose variable is k. */
  private depthOf(k: string): number {
    return Number(k.slice(1))
  }

  /** The instruction of the first repetition (of every loop around it) that instruction j repeats. */
  private siteOf(j: number): number {
    let scope = this.top
    let at = j
    for (;;) {
      const { starts, parts } = scope
      let lo = 0
      let hi = starts.length - 1
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1
        if ((starts[mid] as number) <= at) lo = mid
        else hi = mid - 1
      }
      const part = parts[lo] as number | Scope
      if (typeof part === 'number') return part
      const { start, period } = part.loop as Loop
      at = start + ((at - start) % period)
      scope = part
    }
  }

  private markInstance(instruction: number, flag: number): void {
    const site = this.siteOf(instruction)
    this.flags[site] = (this.flags[site] as number) | flag
  }

  private argStart(i: number): number {
    return startOf(this.program.argEnd, i)
  }

  private argCount(i: number): number {
    return (this.program.argEnd[i] as number) - this.argStart(i)
  }

  /** Operand t of site i: its stride in each enclosing loop. */
  private strides(i: number, t: number): number[] {
    const at = this.argStart(i) + t
    return (this.scopes[i] as Scope).levels.map((l) => l.loop.strides[at - l.a0] as number)
  }

  private affine(base: number, levels: readonly Level[], strides: readonly number[]): Affine {
    return {
      base,
      terms: levels.map((l, d) => [strides[d] as number, l.k, l.loop.repeats] as const),
    }
  }

  private classify(scope: Scope): void {
    for (const part of scope.parts) {
      if (typeof part !== 'number') {
        this.classify(part)
        continue
      }
      const refs: Ref[] = []
      const start = this.argStart(part)
      for (let t = 0; t < this.argCount(part); t++) {
        const r = this.program.args[start + t] as number
        const strides = this.strides(part, t)
        refs.push(this.operand(start + t, r, scope, strides, scope.levels.length))
      }
      // A sum's or dot's term from a loop's last iteration is read from the arrays where that
      // loop's node is kept there anyway (the other terms read its other iterations), so that
      // the terms can make one strided loop.
      const c = this.program.code[part] as number
      if (c === SUM || c === DOT) {
        for (const [t, ref] of refs.entries()) {
          if (ref.kind === 'final' && this.has(ref.site, IN_ARRAY)) {
            refs[t] = { kind: 'array', index: ref.index }
          }
        }
      }
      this.refs[part] = refs
    }
  }

  /**
   * Constant r, the operand at `args[at]`, moving by `strides` in `levels`: a
   * literal where it is the same in every repetition, else read from `c`.
   */
  private constantAt(r: number, at: number, levels: readonly Level[], strides: number[]): Ref {
    // A data slot is read at every call, never written in as a literal.
    const same =
      ~r >= this.program.data &&
      levels.every((l, d) => l.loop.fixed[at - l.a0] === 1 || strides[d] === 0)
    const derived = levels.some((l) => l.loop.fixed[at - l.a0] === 1)
    if (same) {
      const value = this.program.constants[~r] as number
      return { kind: 'constant', expr: literal(value), read: { value }, derived }
    }
    // In a loop where it keeps its value (an example's input, multiplied by every unit's weight),
    // the first repetition's copy serves: fewer constants to read.
    const kept = strides.map((s, d) => {
      const l = levels[d] as Level
      return l.loop.fixed[at - l.a0] === 1 ? 0 : s
    })
    const index = this.affine(~r, levels, kept)
    return { kind: 'constant', expr: `c[${indexExpr(index)}]`, read: { index }, derived }
  }

  /**
   * The operand at `args[at]`, which is r in the first repetition of
   * `scope`'s loops and moves by `strides` in them, to a reader in `scope`;
   * only the loops above depth `limit` are asked whether they read it as a
   * starting value (a loop below has already been).
   */
  private operand(at: number, r: number, scope: Scope, strides: number[], limit: number): Ref {
    const seeded = this.seeded(at, scope, limit)
    if (seeded !== null) return seeded
    return r < 0 ? this.constantAt(r, at, scope.levels, strides) : this.resolve(r, scope, strides)
  }

  /**
   * The operand at `args[at]` where one of the loops above depth `limit`
   * reads a starting value in its first iteration and the node its previous
   * iteration made from the second on (see Loop.initial), or null. Carried
   * in locals where the node is made directly in that loop's body and read
   * there; otherwise its nodes are kept in the arrays.
   */
  private seeded(at: number, scope: Scope, limit: number): Ref | null {
    const { levels } = scope
    const { args, argEnd } = this.program
    for (let d = Math.min(limit, levels.length) - 1; d >= 0; d--) {
      const level = levels[d] as Level
      const { loop } = level
      if (loop.initial[at - level.a0] !== 1) continue
      const width = startOf(argEnd, loop.start + loop.period) - level.a0
      const r0 = args[at] as number
      const r1 = args[at + width] as number
      if (r1 < 0) return this.shiftedConstant(at, r0, r1, scope, d, width)
      for (let e = 0; e < d; e++) {
        const outer = levels[e] as Level
        if (outer.loop.initial[at + width - outer.a0] === 1) throw new Unsupported()
      }
      // From the second iteration on the operand moves as the second's does in the loops
      // around, by the period in this one, and as the first's in the loops inside.
      const later = levels.map((l, e) =>
        e === d ? loop.period : (l.loop.strides[at + (e < d ? width : 0) - l.a0] as number),
      )
      this.checkInner(at, width, r1, levels, later, d)
      const index = this.affine(r1 - loop.period, levels, later)
      const first = levels.map((l, e) => (e === d ? 0 : (l.loop.strides[at - l.a0] as number)))
      const x = r1 - this.inputs
      if (levels.length === d + 1 && this.siteOf(x) === x && this.scopes[x] === scope) {
        const outer = scope.parent as Scope
        const init = this.operand(at, r0, outer, first.slice(0, d), d)
        if (this.carry(x, init)) return { kind: 'carried', site: x, index, k: level.k, init }
      }
      const init = this.operand(at, r0, scope, first, d)
      // The nodes of iterations 1 on get slots.
      const rest = index.terms.map((term, e) =>
        e === d ? ([term[0], term[1], term[2] - 1] as const) : term,
      )
      this.markAll({ base: r1, terms: rest }, 0, r1)
      return { kind: 'seeded', index, k: level.k, init }
    }
    return null
  }

  /**
   * A constant operand that the first iteration of the loop at depth d
   * recorded at an index of its own (see Loop.initial): from the second
   * iteration on it moves by the loop's stride from the second's index.
   */
  private shiftedConstant(
    at: number,
    r0: number,
    r1: number,
    scope: Scope,
    d: number,
    width: number,
  ): Ref {
    const { levels } = scope
    const level = levels[d] as Level
    const stride = level.loop.strides[at - level.a0] as number
    for (let e = 0; e < d; e++) {
      const outer = levels[e] as Level
      if (outer.loop.initial[at + width - outer.a0] === 1) throw new Unsupported()
    }
    const later = levels.map((l, e) =>
      e === d ? stride : (l.loop.strides[at + (e < d ? width : 0) - l.a0] as number),
    )
    this.checkInner(at, width, ~r1, levels, later, d, true)
    const kept = later.map((s, e) => {
      const l = levels[e] as Level
      return e !== d && l.loop.fixed[at - l.a0] === 1 ? 0 : s
    })
    const index = this.affine(~r1 - stride, levels, kept)
    const first = levels.map((l, e) => (e === d ? 0 : (l.loop.strides[at - l.a0] as number)))
    const init = this.operand(at, r0, scope, first, d)
    if (init.kind !== 'constant') throw new Unsupported()
    const read = { depth: d, index, first: init.read }
    const expr = `(${level.k} > 0 ? c[${indexExpr(index)}] : ${init.expr})`
    // Where both reads move alike in the loops inside, only the part for the loops around differs.
    const firstIndex = 'index' in init.read && !('first' in init.read) ? init.read.index : null
    const inner = (a: Affine) => a.terms.slice(d + 1).map((term) => term[0])
    if (firstIndex === null || inner(firstIndex).join() !== inner(index).join()) {
      return { kind: 'constant', expr, read, derived: true }
    }
    const outer = (a: Affine, upTo: number) =>
      indexExpr({ base: a.base, terms: a.terms.slice(0, upTo) })
    const base = `(${level.k} > 0 ? ${outer(index, d + 1)} : ${outer(firstIndex, d)})`
    const rest = indexExpr({
      base: 0,
      terms: index.terms.map((t, e) => (e > d ? t : [0, t[1], t[2]])),
    })
    return { kind: 'constant', expr, read, split: { base, inner: rest.slice(1) }, derived: true }
  }

  /**
   * Checks that in the second iteration of the loop at depth d the operand
   * moves through the loops inside it as `later` says (the loop search
   * compared each repetition with the second, not the second's inner
   * repetitions with each other).
   */
  private checkInner(
    at: number,
    width: number,
    r1: number,
    levels: readonly Level[],
    later: readonly number[],
    d: number,
    constant = false,
  ): void {
    const { args, argEnd } = this.program
    const walk = (e: number, offset: number, expected: number): void => {
      if (e === levels.length) {
        const r = args[at + width + offset] as number
        // A constant need only have the value the index expression reads (a loop that keeps
        // it has stride 0, whatever its indices do).
        const { constants } = this.program
        const ok = constant ? Object.is(constants[~r], constants[expected]) : r === expected
        if (!ok) throw new Unsupported()
        return
      }
      const { loop, a0 } = levels[e] as Level
      const step = startOf(argEnd, loop.start + loop.period) - a0
      for (let j = 0; j < loop.repeats; j++) {
        walk(e + 1, offset + j * step, expected + j * (later[e] as number))
      }
    }
    walk(d + 1, 0, r1)
  }

  /**
   * Makes site x carried in locals from `init`, unless it already is from
   * another starting value (its readers must agree on the first iteration's).
   */
  private carry(x: number, init: Ref): boolean {
    const known = this.inits.get(x)
    if (known !== undefined && JSON.stringify(known) !== JSON.stringify(init)) return false
    this.inits.set(x, init)
    this.flags[x] = (this.flags[x] as number) | CARRIED
    return true
  }

  /**
   * What node r (in the first repetition of `scope`'s loops, moving by
   * `strides` in them) is to a reader in `scope`: a local of this or an
   * enclosing iteration, the last iteration's value of a node of a loop
   * directly inside, or else a slot in the arrays. (A value carried from one
   * iteration to the next never gets here: the loop search marks its
   * operand as read from a starting value, and `seeded` takes it.)
   */
  private resolve(r: number, scope: Scope, strides: readonly number[]): Ref {
    const { levels } = scope
    const index = this.affine(r, levels, strides)
    const [, hi] = rangeOf(index)
    if (hi < this.inputs) return { kind: 'array', index }
    const j = r - this.inputs
    const moves = (d: number) => strides[d] === levels[d]?.loop.period
    // A local: the node of this iteration of every loop it is in, and the same in loops inside.
    if (j >= 0 && this.siteOf(j) === j) {
      const depth = (this.scopes[j] as Scope).levels.length
      if (
        this.encloses(this.scopes[j] as Scope, scope) &&
        strides.every((s, d) => (d < depth ? moves(d) : s === 0))
      ) {
        return { kind: 'local', site: j, index }
      }
    }
    // Final: the last iteration's node of a loop directly in this scope.
    if (j >= 0) {
      const x = this.siteOf(j)
      const inner = this.scopes[x]
      if (inner?.parent === scope && strides.every((_, d) => moves(d))) {
        const { period, repeats } = inner.loop as Loop
        if (j - x === (repeats - 1) * period) {
          this.flags[x] = (this.flags[x] as number) | CARRIED
          return { kind: 'final', site: x, index }
        }
      }
    }
    // Anything else is read from the arrays: every node it may be gets a slot.
    this.markAll(index, 0, r)
    return { kind: 'array', index }
  }

  /** Marks every node `index` takes over its loops' ranges as kept in the arrays. */
  private markAll(index: Affine, d: number, at: number): void {
    if (d === index.terms.length) {
      if (at >= this.inputs) this.markInstance(at - this.inputs, STORED | IN_ARRAY)
      return
    }
    const [stride, , repeats] = index.terms[d] as Affine['terms'][number]
    const count = stride === 0 ? 1 : repeats
    for (let k = 0; k < count; k++) this.markAll(index, d + 1, at + k * stride)
  }

  /** Whether `outer` is `inner` or one of the scopes it is in. */
  private encloses(outer: Scope, inner: Scope): boolean {
    for (let s: Scope | null = inner; s !== null; s = s.parent) if (s === outer) return true
    return false
  }

  /**
   * Finds the carried sites whose adjoint from the first iteration can wait
   * until the loop is done. In the backward pass, the reader in iteration k
   * adds into the adjoint of iteration k - 1's node, a local; in iteration 0
   * that node is the one before the loop. Adding there after the loop adds
   * the same number at a later moment, which rounds the same only if it is
   * the one addition made in iteration 0 (a single reader, directly in the
   * loop) and nothing else in the loop adds into that node.
   */
  private defer(scope: Scope): void {
    for (const part of scope.parts) {
      if (typeof part === 'number') continue
      this.defer(part)
      for (const x of this.carriedIn(part)) {
        if (this.has(x, IN_ARRAY)) continue
        const init = this.inits.get(x)
        if (init === undefined) continue
        // A constant starting value has no adjoint: the first iteration's addition is dropped.
        if (init.kind === 'constant') {
          this.deferred.add(x)
          continue
        }
        if (init.kind !== 'local' && init.kind !== 'array') continue
        let readers = 0
        let touched = false
        this.eachRef(part, (ref, direct) => {
          if (ref.kind === 'carried' && ref.site === x) {
            readers += direct ? 1 : 2
            return
          }
          if (this.touches(ref, init)) touched = true
        })
        if (readers === 1 && !touched) this.deferred.add(x)
      }
    }
  }

  /** Calls `visit` on every operand of the sites in a scope and the scopes inside it; `direct` for the scope's own. */
  private eachRef(scope: Scope, visit: (ref: Ref, direct: boolean) => void, direct = true): void {
    for (const part of scope.parts) {
      if (typeof part !== 'number') this.eachRef(part, visit, false)
      else for (const ref of this.refs[part] as readonly Ref[]) visit(ref, direct)
    }
  }

  /** Whether adding into `ref`'s adjoint may add into `target`'s (a local or a node in the arrays). */
  private touches(ref: Ref, target: Ref): boolean {
    if (ref.kind === 'constant') return false
    if ((ref.kind === 'carried' || ref.kind === 'seeded') && this.touches(ref.init, target)) {
      return true
    }
    const own = ref.kind === 'array' || ref.kind === 'seeded' ? -1 : ref.site
    if (target.kind === 'local' && own === target.site) return true
    const inArrays = own < 0 || this.has(own, IN_ARRAY)
    if (!inArrays || (target.kind === 'local' && !this.has(target.site, IN_ARRAY))) return false
    if (target.kind !== 'local' && target.kind !== 'array') return true
    const [lo, hi] = rangeOf(ref.index)
    const [tlo, thi] = rangeOf(target.index)
    return lo <= thi && tlo <= hi
  }

  /** Whether the backward pass reads nothing from v and g that the forward pass writes. */
  backwardOnly(): boolean {
    return this.finals.size === 0 && this.flags.every((f) => (f & (STORED | IN_ARRAY)) === 0)
  }

  /** Marks what the backward pass reads: operands and values its partials need. */
  private needs(scope: Scope): void {
    const { code } = this.program
    for (const part of scope.parts) {
      if (typeof part !== 'number') {
        this.needs(part)
        continue
      }
      const c = code[part] as number
      const refs = this.refs[part] as readonly Ref[]
      if (c < FIRST_BINARY) {
        if ((refs[0] as Ref).kind === 'constant') continue
        const arity = unaryRuleOf[UNARY_OPS[c] as UnaryName].partial.length
        if (arity >= 2) this.need(refs[0] as Ref)
        if (arity >= 3) this.needSite(part)
      } else if (c < SUM) {
        const rule = binaryRuleOf[BINARY_OPS[c - FIRST_BINARY] as BinaryName]
        for (const [t, partial] of [
          [0, rule.partialA],
          [1, rule.partialB],
        ] as const) {
          if ((refs[t] as Ref).kind === 'constant') continue
          if (partial.length >= 2) this.need(refs[0] as Ref)
          if (partial.length >= 3) this.need(refs[1] as Ref)
          if (partial.length >= 4) this.needSite(part)
        }
      } else if (c === DOT) {
        for (let t = 0; t < refs.length; t += 2) {
          if ((refs[t] as Ref).kind !== 'constant') this.need(refs[t + 1] as Ref)
          if ((refs[t + 1] as Ref).kind !== 'constant') this.need(refs[t] as Ref)
        }
      }
    }
  }

  private need(ref: Ref): void {
    if (ref.kind === 'local') this.needSite(ref.site)
    else if (ref.kind === 'carried') {
      this.flags[ref.site] = (this.flags[ref.site] as number) | STORED
      this.need(ref.init)
    } else if (ref.kind === 'final') {
      this.finals.set(ref.site, ref.index)
    } else if (ref.kind === 'seeded') {
      this.need(ref.init)
    }
  }

  /** Site i's value is read by the backward pass: recomputed if cheap, else stored. */
  private needSite(i: number): void {
    const flags = this.flags[i] as number
    if (flags & (STORED | REMAT)) return
    const refs = this.refs[i] as readonly Ref[]
    const cheap =
      CHEAP.has(this.program.code[i] as number) &&
      refs.every((r) => r.kind === 'constant' || r.kind === 'array' || r.kind === 'local')
    if (!cheap) {
      this.flags[i] = flags | STORED
      return
    }
    this.flags[i] = flags | REMAT
    for (const r of refs) this.need(r)
  }

  private has(i: number, flag: number): boolean {
    return ((this.flags[i] as number) & flag) !== 0
  }

  /** Site i's own node in the current iteration. */
  private nodeIndex(i: number): string {
    const { levels } = this.scopes[i] as Scope
    return indexExpr(
      this.affine(
        this.inputs + i,
        levels,
        levels.map((l) => l.loop.period),
      ),
    )
  }

  /** Reads node `index` from x (an input) or v (an op), whichever it is in every iteration. */
  private arrayValue(index: Affine): string {
    const [lo, hi] = rangeOf(index)
    if (hi < this.inputs) return this.hoist(`x[${indexExpr(index)}]`)
    const read = lo >= this.inputs ? `v[${indexExpr(index)}]` : `at(x, v, ${indexExpr(index)})`
    return this.stored(read)
  }

  /**
   * A name for `expr`, computed once at the top of the outermost block where
   * the loop variables it reads are defined (loop variable k<d> is the
   * iteration of the loop at depth d).
   */
  private hoist(expr: string): string {
    let depth = 0
    for (const [, d] of expr.matchAll(/\bk(\d+)\b/g)) depth = Math.max(depth, Number(d) + 1)
    // A name hoisted before is defined in its own block: this one can go no further out.
    for (const [name] of expr.matchAll(/\bh\d+\b/g)) {
      depth = Math.max(depth, this.hoistedAt.get(name) ?? this.blocks.length - 1)
    }
    const block = this.blocks[depth] ?? this.w
    const name = block.hoist(expr)
    this.hoistedAt.set(name, this.blocks[depth] === undefined ? this.blocks.length - 1 : depth)
    return name
  }

  /** A read of v: hoisted in the backward pass, which does not write v; in the forward pass it may be written in this block. */
  private stored(read: string): string {
    return this.inBackward ? this.hoist(read) : read
  }

  /** A constant's expression: a literal, or a read of c. */
  private constantValue(ref: Ref & { kind: 'constant' }): string {
    if (ref.split !== undefined)
      return this.hoist(`c[${this.hoist(ref.split.base)}${ref.split.inner}]`)
    return ref.expr.includes('c[') ? this.hoist(ref.expr) : ref.expr
  }

  /** Adds `value` into node `index`'s adjoint: an input's in gx, an op's in g. */
  private arrayAdd(index: Affine, value: string): string {
    const [lo, hi] = rangeOf(index)
    if (hi < this.inputs) return `gx[${indexExpr(index)}] += ${value};`
    if (lo >= this.inputs) return `g[${indexExpr(index)}] += ${value};`
    const i = `i${this.fresh++}`
    return `{ const ${i} = ${indexExpr(index)}; if (${i} < ${this.inputs}) gx[${i}] += ${value}; else g[${i}] += ${value}; }`
  }

  /** An operand's value in the forward pass. */
  private forwardValue(ref: Ref): string {
    switch (ref.kind) {
      case 'constant':
        return this.constantValue(ref)
      case 'array':
        return this.arrayValue(ref.index)
      case 'local':
        return `t${ref.site}`
      case 'seeded':
        return `(${ref.k} > 0 ? v[${indexExpr(ref.index)}] : ${this.forwardValue(ref.init)})`
      default:
        return `cv${ref.site}`
    }
  }

  /** An operand's value in the backward pass: recomputed, or read where the forward pass stored it. */
  private backwardValue(ref: Ref): string {
    switch (ref.kind) {
      case 'constant':
        return this.constantValue(ref)
      case 'array':
        return this.arrayValue(ref.index)
      case 'local':
        return this.has(ref.site, REMAT)
          ? `r${ref.site}`
          : this.stored(`v[${indexExpr(ref.index)}]`)
      case 'carried':
        return this.stored(
          `(${ref.k} > 0 ? v[${indexExpr(ref.index)}] : ${this.backwardValue(ref.init)})`,
        )
      case 'final':
        return this.stored(`v[${indexExpr(ref.index)}]`)
      case 'seeded':
        return this.stored(
          `(${ref.k} > 0 ? v[${indexExpr(ref.index)}] : ${this.backwardValue(ref.init)})`,
        )
    }
  }

  /** A statement adding `value` (an expression without side effects) into an operand's adjoint. */
  private addTo(ref: Ref, value: string): string {
    switch (ref.kind) {
      case 'constant':
        return ''
      case 'array':
        return this.arrayAdd(ref.index, value)
      case 'local':
        return this.has(ref.site, IN_ARRAY)
          ? this.arrayAdd(ref.index, value)
          : `a${ref.site} += ${value};`
      case 'carried': {
        if (this.deferred.has(ref.site)) return `ca${ref.site} += ${value};`
        const q = `q${this.fresh++}`
        const previous = this.has(ref.site, IN_ARRAY)
          ? this.arrayAdd(ref.index, q)
          : `ca${ref.site} += ${q};`
        return `{ const ${q} = ${value}; if (${ref.k} > 0) ${previous}${this.orElse(ref.init, q)} }`
      }
      case 'final':
        return this.has(ref.site, IN_ARRAY)
          ? this.arrayAdd(ref.index, value)
          : `ca${ref.site} += ${value};`
      case 'seeded': {
        const q = `q${this.fresh++}`
        return `{ const ${q} = ${value}; if (${ref.k} > 0) g[${indexExpr(ref.index)}] += ${q};${this.orElse(ref.init, q)} }`
      }
    }
  }

  /**
   * A loop's trip count, as the name of a variable: read from an argument
   * so that a first call can run every loop twice and give V8 the types of
   * every line before it optimises (see `Generated`).
   */
  private count(scope: Scope): string {
    const loop = scope.loop as Loop
    let id = this.loops.indexOf(loop)
    if (id < 0) id = this.loops.push(loop) - 1
    return `R${id}`
  }

  /** ` else` and the addition into a starting value's adjoint, or nothing for a constant. */
  private orElse(init: Ref, value: string): string {
    const add = this.addTo(init, value)
    return add === '' ? '' : ` else ${add}`
  }

  /** The sites directly in a loop that are carried in locals from one iteration to the next. */
  private carriedIn(scope: Scope): number[] {
    return scope.sites.filter((i) => this.has(i, CARRIED))
  }

  /**
   * Operands t, t + step, ... of site i (a sum's or a dot's factors) as
   * `base + stride * j` in one array, when a loop is worth it: every term
   * read from the arrays (or every one a constant read by index), at indices
   * that advance by one stride and move alike in the loops around; or null.
   * Built from the operands' references, which `verify` has checked.
   */
  private progression(
    i: number,
    step: number,
    offset: number,
  ): { readonly base: string; readonly stride: number; readonly array: 'x' | 'v' | 'c' } | null {
    const refs = this.refs[i] as readonly Ref[]
    const terms = refs.length / step
    if (terms < MIN_INNER_LOOP) return null
    const { args } = this.program
    const start = this.argStart(i)
    const { levels } = this.scopes[i] as Scope
    const indices: Affine[] = []
    // Constants a loop's first iteration recorded at indices of their own: read there in it.
    const firsts: Affine[] = []
    let shiftedAt = -1
    let node = false
    const zero = levels.map(() => 0)
    for (let t = 0; t < terms; t++) {
      const at = t * step + offset
      const ref = refs[at] as Ref
      if (t > 0 && (ref.kind === 'array') !== node) return null
      const recorded = args[start + at] as number
      if (ref.kind === 'array') {
        node = true
        indices.push(ref.index)
      } else if (ref.kind !== 'constant') return null
      else if ('first' in ref.read) {
        const { depth, index, first } = ref.read
        if ((t > 0 && shiftedAt !== depth) || 'first' in first) return null
        shiftedAt = depth
        indices.push(index)
        // One value everywhere: the recorded constant's own index serves.
        firsts.push('index' in first ? first.index : this.affine(~recorded, levels, zero))
      } else if (shiftedAt >= 0) return null
      else if ('index' in ref.read) indices.push(ref.read.index)
      else indices.push(this.affine(~recorded, levels, zero))
    }
    const stride = (indices[1] as Affine).base - (indices[0] as Affine).base
    const range = progresses(indices, stride)
    if (range === null) return null
    let base = indexExpr(indices[0] as Affine)
    if (shiftedAt >= 0) {
      if (progresses(firsts, stride) === null) return null
      const k = (levels[shiftedAt] as Level).k
      base = this.hoist(`(${k} > 0 ? ${base} : ${indexExpr(firsts[0] as Affine)})`)
    }
    if (!node) return { base, stride, array: 'c' }
    if (range[1] < this.inputs) return { base, stride, array: 'x' }
    if (range[0] >= this.inputs) return { base, stride, array: 'v' }
    return null
  }

  /** The value of site i from its operands' values `val`. */
  private valueExpr(i: number, val: (ref: Ref) => string, w: Writer, name: string): void {
    const c = this.program.code[i] as number
    const refs = this.refs[i] as readonly Ref[]
    if (c < FIRST_BINARY) {
      const rule = `U_${UNARY_OPS[c]}`
      this.rules.add(rule)
      w.emit(`const ${name} = ${rule}.value(${val(refs[0] as Ref)});`)
    } else if (c < SUM) {
      const rule = `B_${BINARY_OPS[c - FIRST_BINARY]}`
      this.rules.add(rule)
      w.emit(`const ${name} = ${rule}.value(${val(refs[0] as Ref)}, ${val(refs[1] as Ref)});`)
    } else if (c === SUM) {
      w.emit(`let ${name} = 0;`)
      const run = this.progression(i, 1, 0)
      if (run !== null) {
        const term = (j: string) => [`${name} += ${run.array}[${run.base} + ${run.stride} * ${j}];`]
        for (const line of unrolled(refs.length, true, term)) w.emit(line)
      } else for (const r of refs) w.emit(`${name} += ${val(r)};`)
    } else {
      w.emit(`let ${name} = 0;`)
      const x = this.progression(i, 2, 0)
      const y = this.progression(i, 2, 1)
      if (x !== null && y !== null) {
        const term = (j: string) => [
          `${name} += ${x.array}[${x.base} + ${x.stride} * ${j}] * ${y.array}[${y.base} + ${y.stride} * ${j}];`,
        ]
        for (const line of unrolled(refs.length / 2, true, term)) w.emit(line)
      } else {
        for (let t = 0; t < refs.length; t += 2) {
          w.emit(`${name} += ${val(refs[t] as Ref)} * ${val(refs[t + 1] as Ref)};`)
        }
      }
    }
  }

  /** The forward pass: the top scope's, returning the output's value. */
  forwardPass(w: Writer): void {
    this.inBackward = false
    this.blocks = []
    this.hoistedAt.clear()
    this.forward(this.top, w)
    this.w = w
    if (this.output !== null) w.emit(`return ${this.forwardValue(this.output)};`)
  }

  /** The backward pass, last instruction first; `guarded` skips products with a zero factor. */
  backwardPass(w: Writer, guarded: boolean): void {
    this.inBackward = true
    this.blocks = []
    this.hoistedAt.clear()
    this.backward(this.top, w, guarded)
  }

  /** The forward pass over a scope: each value a local, stored where the backward pass or a later loop reads it. */
  private forward(scope: Scope, w: Writer): void {
    this.w = w
    this.blocks[scope.levels.length] = w
    this.blocks.length = scope.levels.length + 1
    for (const part of scope.parts) {
      if (typeof part === 'number') {
        this.valueExpr(part, (r) => this.forwardValue(r), w, `t${part}`)
        if (this.has(part, STORED | IN_ARRAY)) w.emit(`v[${this.nodeIndex(part)}] = t${part};`)
        if (this.has(part, IN_ARRAY)) w.emit(`g[${this.nodeIndex(part)}] = 0;`)
        continue
      }
      const carried = this.carriedIn(part)
      for (const x of carried) {
        const init = this.inits.get(x)
        w.emit(`let cv${x} = ${init === undefined ? '0' : this.forwardValue(init)};`)
      }
      const inner = w.child()
      this.forward(part, inner)
      this.w = w
      this.blocks.length = scope.levels.length + 1
      const body = [...inner.text(), ...carried.map((x) => `cv${x} = t${x};`)]
      this.loop(part, body, true, w)
      for (const x of carried) {
        const last = this.finals.get(x)
        if (last !== undefined && !this.has(x, STORED | IN_ARRAY)) {
          w.emit(`v[${indexExpr(last)}] = cv${x};`)
        }
      }
    }
  }

  /**
   * A loop over a scope's iterations, first to last (`ascending`) or last to
   * first, each running `body`. A short loop of cheap ops does four
   * iterations per turn, each a block of its own: a loop of a multiply and
   * an add per iteration (a unit summing its weighted inputs) spends more on
   * the loop than on the arithmetic.
   */
  private loop(scope: Scope, body: readonly string[], ascending: boolean, w: Writer): void {
    const { k } = scope.levels[scope.levels.length - 1] as Level
    const count = this.count(scope)
    // Only loops of cheap ops: every copy of a call to a longer rule (tanh's partial) counts
    // against the bytes V8 inlines into one function, and past them calls are not inlined.
    const small =
      body.length <= MAX_UNROLLED_BODY &&
      scope.parts.every((p) => typeof p === 'number' && CHEAP.has(this.program.code[p] as number))
    const emitBody = (first: string) => {
      w.emit(first)
      for (const line of body) w.emit(line)
      w.emit('}')
    }
    if (!small) {
      emitBody(
        ascending
          ? `for (let ${k} = 0; ${k} < ${count}; ${k}++) {`
          : `for (let ${k} = ${count} - 1; ${k} >= 0; ${k}--) {`,
      )
      return
    }
    const whole = `${count} - ${count} % ${UNROLL}`
    const turn = (order: number[]) => {
      for (const u of order) emitBody(`{ const ${k} = ${k}b${u === 0 ? '' : ` + ${u}`};`)
    }
    if (ascending) {
      w.emit(`for (let ${k}b = 0; ${k}b < ${whole}; ${k}b += ${UNROLL}) {`)
      turn([0, 1, 2, 3])
      w.emit('}')
      emitBody(`for (let ${k} = ${whole}; ${k} < ${count}; ${k}++) {`)
    } else {
      emitBody(`for (let ${k} = ${count} - 1; ${k} >= ${whole}; ${k}--) {`)
      w.emit(`for (let ${k}b = ${whole} - ${UNROLL}; ${k}b >= 0; ${k}b -= ${UNROLL}) {`)
      turn([3, 2, 1, 0])
      w.emit('}')
    }
  }

  private backward(scope: Scope, w: Writer, guarded: boolean): void {
    this.w = w
    this.blocks[scope.levels.length] = w
    this.blocks.length = scope.levels.length + 1
    for (const i of scope.sites) {
      if (this.has(i, REMAT)) this.valueExpr(i, (r) => this.backwardValue(r), w, `r${i}`)
    }
    for (const part of scope.parts) {
      if (typeof part === 'number') continue
      for (const x of this.carriedIn(part)) if (!this.has(x, IN_ARRAY)) w.emit(`let ca${x} = 0;`)
    }
    for (const i of scope.sites) {
      if (this.has(i, IN_ARRAY)) continue
      if (this.has(i, CARRIED)) w.emit(`let a${i} = ca${i}; ca${i} = 0;`)
      else w.emit(`let a${i} = 0;`)
    }
    // The output's adjoint is 1 before any instruction adds to it, as on the tape.
    if (scope === this.top && this.output !== null) w.emit(this.addTo(this.output, '1'))
    for (let p = scope.parts.length - 1; p >= 0; p--) {
      const part = scope.parts[p] as number | Scope
      if (typeof part === 'number') {
        this.backwardSite(part, w, guarded)
        continue
      }
      const inner = w.child()
      this.backward(part, inner, guarded)
      this.w = w
      this.blocks.length = scope.levels.length + 1
      this.loop(part, inner.text(), false, w)
      // What the first iteration's reader added for the node before the loop.
      for (const x of this.carriedIn(part)) {
        const add = this.deferred.has(x) ? this.addTo(this.inits.get(x) as Ref, `ca${x}`) : ''
        if (add !== '') w.emit(add)
      }
    }
  }

  /** Adds `partial * adjoint` into each operand of site i, last operand first. */
  private backwardSite(i: number, w: Writer, guarded: boolean): void {
    const c = this.program.code[i] as number
    const refs = this.refs[i] as readonly Ref[]
    const g = `g${i}`
    w.emit(`const ${g} = ${this.has(i, IN_ARRAY) ? `g[${this.nodeIndex(i)}]` : `a${i}`};`)
    const body: string[] = []
    /** Adds `p * g` into an operand: p an expression, computed once. */
    const add = (ref: Ref, p: string, zeroTest = true) => {
      if (ref.kind === 'constant') return
      if (!guarded) body.push(this.addTo(ref, `${p} * ${g}`))
      else if (zeroTest) {
        const q = `p${this.fresh++}`
        body.push(`{ const ${q} = ${p}; if (${q} !== 0) ${this.addTo(ref, `${q} * ${g}`)} }`)
      } else body.push(this.addTo(ref, g))
    }
    const own = () => (this.has(i, REMAT) ? `r${i}` : this.stored(`v[${this.nodeIndex(i)}]`))
    if (c < FIRST_BINARY) {
      const name = UNARY_OPS[c] as UnaryName
      const arity = unaryRuleOf[name].partial.length
      const a = arity >= 2 ? this.backwardValue(refs[0] as Ref) : '0'
      const out = arity >= 3 ? own() : '0'
      add(refs[0] as Ref, `U_${name}.partial(N, ${a}, ${out})`)
      this.rules.add(`U_${name}`)
    } else if (c < SUM) {
      const name = BINARY_OPS[c - FIRST_BINARY] as BinaryName
      const rule = binaryRuleOf[name]
      for (const [t, which] of [
        [1, 'partialB'],
        [0, 'partialA'],
      ] as const) {
        if ((refs[t] as Ref).kind === 'constant') continue
        const arity = rule[which].length
        const a = arity >= 2 ? this.backwardValue(refs[0] as Ref) : '0'
        const b = arity >= 3 ? this.backwardValue(refs[1] as Ref) : '0'
        const out = arity >= 4 ? own() : '0'
        add(refs[t] as Ref, `B_${name}.${which}(N, ${a}, ${b}, ${out})`)
      }
      this.rules.add(`B_${name}`)
    } else if (c === SUM) {
      const run = this.progression(i, 1, 0)
      if (run !== null && run.array !== 'c') {
        const adj = run.array === 'x' ? 'gx' : 'g'
        const term = (j: string) => [`${adj}[${run.base} + ${run.stride} * ${j}] += ${g};`]
        body.push(...unrolled(refs.length, false, term))
      } else for (let t = refs.length - 1; t >= 0; t--) add(refs[t] as Ref, '1', false)
    } else {
      const x = this.progression(i, 2, 0)
      const y = this.progression(i, 2, 1)
      if (x !== null && y !== null) {
        type Run = NonNullable<typeof x>
        const read = (p: Run, j: string) => `${p.array}[${p.base} + ${p.stride} * ${j}]`
        const adj = (p: Run, j: string) =>
          `${p.array === 'x' ? 'gx' : 'g'}[${p.base} + ${p.stride} * ${j}]`
        // A factor's partial is the other factor: values are read from v or x, adjoints added into g or gx.
        const term = (j: string) => {
          const lines: string[] = []
          const test = (f: string) => (guarded ? `if (${f} !== 0) ` : '')
          if (y.array !== 'c')
            lines.push(`${test(read(x, j))}${adj(y, j)} += ${read(x, j)} * ${g};`)
          if (x.array !== 'c')
            lines.push(`${test(read(y, j))}${adj(x, j)} += ${read(y, j)} * ${g};`)
          return lines
        }
        body.push(...unrolled(refs.length / 2, false, term))
      } else {
        // A factor's partial is the other factor, read only for a factor that is not a constant.
        for (let t = refs.length - 2; t >= 0; t -= 2) {
          const a = refs[t] as Ref
          const b = refs[t + 1] as Ref
          if (b.kind !== 'constant') add(b, this.backwardValue(a))
          if (a.kind !== 'constant') add(a, this.backwardValue(b))
        }
      }
    }
    if (body.length === 0) return
    if (guarded) w.emit(`if (${g} !== 0) {`)
    for (const line of body) w.emit(line)
    if (guarded) w.emit('}')
  }
}

/** Generated passes: their source, and each loop's trip count (loops are numbered in the source). */
export interface Source {
  readonly source: string
  readonly repeats: Int32Array
  /**
   * Whether the backward pass reads nothing the forward pass writes (every
   * value it needs it computes again), so a gradient alone needs no forward pass.
   */
  readonly backwardOnly: boolean
}

/** The generated source of the passes, or why there is none (a pass over `maxSize` characters, say). */
export function generate(
  program: Program,
  inputs: number,
  output: number,
  maxSize: number,
): Source | string {
  let gen: Generator
  try {
    gen = new Generator(program, inputs, output)
  } catch (error) {
    if (error instanceof Unsupported)
      return "the recording's loops have a shape the code generator does not handle"
    throw error
  }
  const passes: string[] = []
  for (const pass of ['forward', 'backward', 'guarded'] as const) {
    const w = new Writer({ names: 0 })
    if (pass === 'forward') gen.forwardPass(w)
    else gen.backwardPass(w, pass === 'guarded')
    const text = w.text().join('\n')
    if (text.length > maxSize) return 'the generated source would exceed the size cap'
    passes.push(text)
  }
  const rules = [...gen.rules]
    .sort()
    .map((r) => `const ${r} = ${r.startsWith('U_') ? 'U' : 'B'}.${r.slice(2)};`)
  const counts = gen.loops.map((_, i) => `const R${i} = R[${i}];`).join(' ')
  return {
    source: [
      "'use strict';",
      ...rules,
      `const at = (x, v, i) => (i < ${inputs} ? x[i] : v[i]);`,
      'return {',
      'forward(x, v, g, c, R) {',
      counts,
      passes[0],
      '},',
      'backward(x, v, g, gx, c, R) {',
      counts,
      passes[1],
      '},',
      'guarded(x, v, g, gx, c, R) {',
      counts,
      passes[2],
      '},',
      '};',
    ].join('\n'),
    repeats: Int32Array.from(gen.loops, (l) => l.repeats),
    backwardOnly: gen.backwardOnly(),
  }
}

type Pass = (
  x: Float64Array,
  v: Float64Array,
  g: Float64Array,
  gx: Float64Array,
  c: Float64Array,
  R: Int32Array,
) => void
type Passes = {
  forward(x: Float64Array, v: Float64Array, g: Float64Array, c: Float64Array, R: Int32Array): number
  backward: Pass
  guarded: Pass
}

/**
 * Whether the first `n` entries (all, by default) are finite: 0 times a
 * finite number is 0 (of either sign), and NaN times an infinity or NaN.
 * Four sums, so that the adds do not wait on each other.
 */
export function allFinite(xs: Float64Array, n = xs.length): boolean {
  let a = 0
  let b = 0
  let c = 0
  let d = 0
  let i = 0
  for (; i + 3 < n; i += 4) {
    a += (xs[i] as number) * 0
    b += (xs[i + 1] as number) * 0
    c += (xs[i + 2] as number) * 0
    d += (xs[i + 3] as number) * 0
  }
  for (; i < n; i++) a += (xs[i] as number) * 0
  return a + b + c + d === 0
}

/** Calls of each pass, with every loop cut to five iterations, before the first real one. */
const WARM_UP_CALLS = 12

/**
 * The generated passes of `program`. The constructor runs each pass a few
 * times with every loop cut to five iterations: V8 optimises a function while its
 * first call is still in a long loop, with no types yet for the lines after
 * it, then throws that code away when they run, and a function treated so
 * was seen to stay about 1.7 times slower from then on. A
 * short first call gives every line its types before any optimising starts.
 */
export class Generated implements Engine {
  private readonly values: Float64Array
  private readonly adjoint: Float64Array
  private readonly passes: Passes
  private readonly repeats: Int32Array
  /** Whether the backward pass reads nothing the forward pass writes. */
  private readonly backwardOnly: boolean
  private x: Float64Array = new Float64Array(0)
  /** The output's value at the last point. */
  private result = 0

  constructor(
    private readonly program: Program,
    private readonly inputs: number,
    private readonly output: number,
    { source, repeats, backwardOnly }: Source,
  ) {
    this.backwardOnly = backwardOnly
    this.values = new Float64Array(inputs + program.instructions)
    this.adjoint = new Float64Array(inputs + program.instructions)
    this.repeats = repeats
    const factory = new Function('U', 'B', 'N', source) as (
      u: typeof unaryRuleOf,
      b: typeof binaryRuleOf,
      n: typeof numbers,
    ) => Passes
    this.passes = factory(unaryRuleOf, binaryRuleOf, numbers)
    // Five: a loop unrolled by four runs one turn and one iteration more.
    const few = repeats.map((r) => Math.min(r, 5))
    const { values, adjoint } = this
    const { constants } = program
    const x = new Float64Array(inputs)
    const gx = new Float64Array(inputs)
    // V8 keeps types for a function only once it has run eight times its bytecode's length
    // (--interrupt-budget-factor-for-feedback-allocation); a call runs its body about once.
    for (let call = 0; call < WARM_UP_CALLS; call++) {
      this.passes.forward(x, values, adjoint, constants, few)
      this.passes.backward(x, values, adjoint, gx, constants, few)
      this.passes.guarded(x, values, adjoint, gx, constants, few)
    }
  }

  forward(x: Float64Array): void {
    this.x = x
    this.result = this.passes.forward(
      x,
      this.values,
      this.adjoint,
      this.program.constants,
      this.repeats,
    )
  }

  valueOf(node: number): number {
    if (node === this.output) return this.result
    return (node < this.inputs ? this.x[node] : this.values[node]) as number
  }

  gradientAt(x: Float64Array): Float64Array {
    if (this.backwardOnly) this.x = x
    else this.forward(x)
    return this.gradient()
  }

  /** The gradient of the output the passes were generated for. */
  gradient(): Float64Array {
    const { x, values, adjoint, inputs, repeats } = this
    const { constants } = this.program
    let gx = new Float64Array(inputs)
    this.passes.backward(x, values, adjoint, gx, constants, repeats)
    if (!allFinite(gx)) {
      // Some adjoint did not come out finite: the pass that skips zero products decides.
      this.passes.forward(x, values, adjoint, constants, repeats)
      gx = new Float64Array(inputs)
      this.passes.guarded(x, values, adjoint, gx, constants, repeats)
    }
    return gx
  }
}

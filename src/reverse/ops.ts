import { describe } from '../core/describe.js'
import {
  BINARY_OPS,
  type BinaryName,
  binaryRules,
  checkArray,
  checked,
  checkSameLength,
  numbers,
  type Ops,
  type OpsContext,
  opsObject,
  UNARY_OPS,
  type UnaryName,
  unaryRules,
} from '../ops/index.js'
import { binaryCode, DOT, type Program, SUM, unaryCode } from './program.js'
import type { Tape } from './tape.js'
import { SESSION, TapeVar } from './variable.js'

export interface ReverseContext extends OpsContext {
  /** The evaluation whose variables the ops accept; 0 when none is recording. */
  session: number
  tape: Tape
  /** Where a compiling recording writes its instructions; null for an ordinary gradient. */
  program: Program | null
}

function tapeVar(context: ReverseContext, op: string, a: unknown): TapeVar {
  // The session key is a module symbol: only a TapeVar of this evaluation has it set to this session.
  if ((a as TapeVar | null | undefined)?.[SESSION] === context.session) return a as TapeVar
  if (a instanceof TapeVar) {
    throw new TypeError(
      `${context.label}: ${op} received a variable recorded in another evaluation (kept from an earlier call or an enclosing one). Values made by the ops are valid only inside the call that made them; pass m.value(...) to use one as a constant.`,
    )
  }
  throw new TypeError(
    `${context.label}: ${op} received ${describe(a)}; expected a value made by these ops or a plain number.`,
  )
}

/**
 * A dot element that is not a variable of this evaluation: a number, a
 * constant's value, or an error naming dot. A function of its own rather than
 * a closure made per call (speed: a closure per call is an allocation per
 * call, and under tsx, which runs the tests, also a call that names it).
 */
function dotConstant(context: ReverseContext, c: unknown): number {
  return typeof c === 'number' ? c : tapeVar(context, 'dot', c).value
}

/**
 * A dot of consecutive variables of this evaluation times numbers (a weight
 * row sliced from the parameters, times the data), recorded as one run on
 * the tape; null for any other dot, which the general loop records (also
 * one that stops being a run partway, or holds a bad element, which the
 * general loop reports). Its numbers are compared with the last run's as it
 * goes, so that a batch's example is stored once for every row it
 * multiplies.
 */
function runDot(
  context: ReverseContext,
  xs: readonly unknown[],
  ys: readonly unknown[],
): TapeVar | null {
  const { tape, session } = context
  const head = xs[0] as TapeVar | undefined
  if (head?.[SESSION] !== session || head.index < 0) return null
  const first = head.index
  const shared = tape.sharedRun(xs.length)
  const pool = tape.constants
  let same = shared >= 0
  let value = 0
  let nonZero = 0
  for (let i = 0; i < xs.length; i++) {
    const a = xs[i] as TapeVar | undefined
    const b = ys[i]
    if (typeof b !== 'number' || a?.[SESSION] !== session || a.index !== first + i) return null
    value += a.value * b
    if (b !== 0) nonZero++
    // === takes 0 and -0 for one number, and may: a zero partial is never
    // applied (addScaledRow and runTangent skip it), so its sign is never
    // read. Testing the sign here cost 18% of this function on the network,
    // Object.is 2x. A NaN never matches, which only stores its run's numbers
    // again.
    if (same) same = pool[shared + i] === b
  }
  if (nonZero === 0) return new TapeVar(value, -1, session)
  return new TapeVar(value, tape.endRun(first, ys, same ? shared : -1, nonZero), session)
}

/**
 * `Ops<TapeVar>` built from the op table: each op computes its value by the
 * value rule and records its local partials as edges on the tape. Constants
 * (plain numbers, `m.constant`) get no node. An edge whose partial is exactly
 * 0 carries no dependence and is not recorded, except while compiling, when
 * every edge is kept because its partial may be non-zero at another point.
 */
export function createTapeOps(context: ReverseContext): Ops<TapeVar> {
  const constant = (value: number) => new TapeVar(value, -1, context.session)
  /** Records an edge from the variable at `index`; returns the number of edges added. */
  const edge = (index: number, partial: number) => {
    if (partial === 0 && context.program === null) return 0
    context.tape.addEdge(index, partial)
    return 1
  }
  /** Closes a node with `edges` edges, writing its instruction when compiling. */
  const node = (value: number, edges: number, code: number) => {
    if (edges === 0) {
      context.program?.discard()
      return constant(value)
    }
    context.program?.end(code)
    return new TapeVar(value, context.tape.endNode(), context.session)
  }
  /** Appends an operand to the instruction being compiled (a no-op otherwise). */
  const operand = (x: TapeVar | null, a: unknown) =>
    context.program?.operand(x === null ? -1 : x.index, x === null ? (a as number) : x.value)
  const isVariable = (x: TapeVar | null): x is TapeVar => x !== null && x.index >= 0

  const ops: Record<string, unknown> = {
    constant: (c: unknown) => constant(checked(context, 'constant', c)),
    value(a: unknown) {
      if (typeof a === 'number') return a
      const x = tapeVar(context, 'value', a)
      if (x.index >= 0) context.program?.read(x.index, x.value)
      return x.value
    },
    // sum and dot are fused n-ary ops: one node with an edge per variable
    // input, so their partials (1; the other factor) are applied here. They
    // are the widest ops in a network, so they write their edges straight
    // into the tape's arrays after one capacity check, and test `program` once
    // per call for the common case of an ordinary gradient (speed).
    sum(xs: readonly unknown[]) {
      checkArray(context, 'sum', xs)
      const { tape, program } = context
      tape.reserve(xs.length)
      const parents = tape.parents
      const partials = tape.partials
      let value = 0
      let e = tape.edges
      for (let i = 0; i < xs.length; i++) {
        const a = xs[i]
        if (typeof a === 'number') {
          value += a
          if (program !== null) program.operand(-1, a)
          continue
        }
        const x = tapeVar(context, 'sum', a)
        value += x.value
        if (x.index >= 0) {
          parents[e] = x.index
          partials[e++] = 1
        }
        if (program !== null) program.operand(x.index, x.value)
      }
      return node(value, tape.wrote(e), SUM)
    },
    dot(xs: readonly unknown[], ys: readonly unknown[]) {
      checkSameLength(context, xs, ys)
      // The loop tests a left element for a variable first and a right one for
      // a number first: the usual shape is parameters times data, and testing
      // the likely case first measured 1.7x faster per pair than the type
      // tests of the other ops. A call with data on the left is swapped, which
      // changes neither the value (a * b is b * a exactly) nor the partials.
      if (typeof xs[0] === 'number') {
        const data = xs
        xs = ys
        ys = data
      }
      const { tape, program, session } = context
      if (program === null && xs.length > 0) {
        const run = runDot(context, xs, ys)
        if (run !== null) return run
      }
      tape.reserve(2 * xs.length)
      const parents = tape.parents
      const partials = tape.partials
      const keepZeros = program !== null
      let value = 0
      let e = tape.edges
      for (let i = 0; i < xs.length; i++) {
        // Typed as what the fast paths expect; anything else reaches `dotConstant`.
        const a = xs[i] as TapeVar | undefined
        const b = ys[i] as TapeVar | number | undefined
        let av: number
        let ai = -1
        if (a?.[SESSION] === session) {
          av = a.value
          ai = a.index
        } else av = dotConstant(context, a)
        let bv: number
        let bi = -1
        if (typeof b === 'number') bv = b
        else if (b?.[SESSION] === session) {
          bv = b.value
          bi = b.index
        } else bv = dotConstant(context, b)
        value += av * bv
        if (ai >= 0 && (bv !== 0 || keepZeros)) {
          parents[e] = ai
          partials[e++] = bv
        }
        if (bi >= 0 && (av !== 0 || keepZeros)) {
          parents[e] = bi
          partials[e++] = av
        }
        if (program !== null) {
          program.operand(ai, av)
          program.operand(bi, bv)
        }
      }
      return node(value, tape.wrote(e), DOT)
    },
  }
  for (const name of UNARY_OPS) {
    const rule = unaryRules[name as UnaryName]
    const code = unaryCode(name)
    ops[name] = (a: unknown) => {
      if (typeof a === 'number') return constant(rule.value(a))
      const x = tapeVar(context, name, a)
      const out = rule.value(x.value)
      if (x.index < 0) return constant(out)
      operand(x, a)
      return node(out, edge(x.index, rule.partial(numbers, x.value, out)), code)
    }
  }
  for (const name of BINARY_OPS) {
    const rule = binaryRules[name as BinaryName]
    const code = binaryCode(name)
    ops[name] = (a: unknown, b: unknown) => {
      const x = typeof a === 'number' ? null : tapeVar(context, name, a)
      const y = typeof b === 'number' ? null : tapeVar(context, name, b)
      const av = x === null ? (a as number) : x.value
      const bv = y === null ? (b as number) : y.value
      const out = rule.value(av, bv)
      if (!isVariable(x) && !isVariable(y)) return constant(out)
      let edges = 0
      if (isVariable(x)) edges += edge(x.index, rule.partialA(numbers, av, bv, out))
      if (isVariable(y)) edges += edge(y.index, rule.partialB(numbers, av, bv, out))
      operand(x, a)
      operand(y, b)
      return node(out, edges, code)
    }
  }
  return opsObject<TapeVar>(ops)
}

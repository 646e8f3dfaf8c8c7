import { describe } from '../core/describe.js'
import { gradlabError } from '../core/errors.js'
import { comparisons } from '../ops/compare.js'
import { CUSTOM } from '../ops/custom-rule.js'
import {
  type BinaryName,
  binaryRuleOf,
  checkArray,
  checked,
  checkSameLength,
  numbers,
  type Ops,
  type OpsContext,
  opsObject,
  type UnaryName,
  unaryRuleOf,
} from '../ops/index.js'
import { createTapeCustomOps } from './custom.js'
import type { Tape } from './tape.js'
import { SESSION, TapeVar } from './variable.js'

/*
 * Why a function per op. An op recorded millions of times per gradient (a
 * network written with scalar add and mul records about two million) costs
 * what V8 makes of its closure, and two things decide that:
 * - Closures made from one function literal share their feedback. Made in a
 *   loop over the op names, every op's rule calls would be one call site
 *   that has seen every rule: V8 calls it out of line, boxing each argument
 *   and result as a heap number. A literal per op calls only its own rules,
 *   which V8 inlines.
 * - V8 inlines a callee into the user's function only while the bytecode it
 *   has inlined there stays under a budget (920 bytes in Node 20's V8,
 *   counting what the callee inlined itself). The op's fast path is kept
 *   small (`operandValue`, its rules, `push2`) so that the user's hottest op
 *   calls can be inlined, calling no function and boxing no number they
 *   pass; compiling and errors take separate paths that a dynamic gradient
 *   never runs. With V8's budget raised (a flag, for the experiment only)
 *   the network below took another 20% less, so the budget still binds.
 * Against one closure per op from a loop, each build in its own process,
 * three alternations (bench/NOTES.md, "A function literal per op"): the 64-256-1
 * network written with add/mul 91-93 -> 51-54 ms per gradient, Ackley at
 * n = 2,000 215-222 -> 157-167 us, Rosenbrock 361-381 -> 251-338 us.
 * The literals only name the table's rules; test/properties/agreement.test.ts
 * checks every op against forward mode, which reads the same table.
 */

/** The op table's rules by name, short names for the literals below. */
const U = unaryRuleOf
const B = binaryRuleOf

export interface ReverseContext extends OpsContext {
  /** The evaluation whose variables the ops accept; 0 when none is recording. */
  session: number
  tape: Tape
}

/** What an op needs to accept or refuse an operand: the call's name and the evaluation's session. */
interface Session {
  readonly label: string
  readonly session: number
}

export function tapeVar(context: Session, op: string, a: unknown): TapeVar {
  // The session key is a module symbol: only a TapeVar of this evaluation has it set to this session.
  return (a as TapeVar | null | undefined)?.[SESSION] === context.session
    ? (a as TapeVar)
    : refuse(context, op, a)
}

/**
 * The error for an operand that is neither a number nor a variable of this
 * evaluation. A function of its own, so that the ops' fast path, which V8
 * inlines into the user's code, does not carry the messages' bytecode.
 */
function refuse(context: Session, op: string, a: unknown): never {
  if (a instanceof TapeVar) {
    throw gradlabError(
      TypeError,
      'ERR_GRADLAB_FOREIGN_VALUE',
      `${context.label}: ${op} received a variable recorded in another evaluation (kept from an earlier call or an enclosing one). Values made by the ops are valid only inside the call that made them; pass m.value(...) to use one as a constant.`,
    )
  }
  throw gradlabError(
    TypeError,
    'ERR_GRADLAB_INVALID_OPERAND',
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
 * (plain numbers, `m.constant`) get no node, and an edge whose partial is
 * exactly 0 carries no dependence and is not recorded. (reverse.compile
 * records with program-ops.ts instead.)
 */
export function createTapeOps(context: ReverseContext): Ops<TapeVar> {
  const constant = (value: number) => new TapeVar(value, -1, context.session)
  /** Closes a node with `edges` edges: a constant if it has none. */
  const node = (value: number, edges: number) =>
    edges === 0 ? constant(value) : new TapeVar(value, context.tape.endNode(), context.session)

  /** An operand's value: a number, or a variable of this evaluation; anything else is refused, naming `op`. */
  const operandValue = (a: unknown, op: string): number =>
    typeof a === 'number' ? a : tapeVar(context, op, a).value
  /** The node of an operand `operandValue` accepted: -1 for a number or a constant. */
  const nodeOf = (a: unknown): number => (typeof a === 'number' ? -1 : (a as TapeVar).index)
  /** A unary op's result, out = op(a) with d out / d a = p: a node, or a constant. */
  const unary = (a: unknown, out: number, p: number): TapeVar =>
    new TapeVar(out, context.tape.push2(nodeOf(a), p, -1, 0), context.session)
  /** A binary op's result, out = op(a, b) with partials pa and pb: a node, or a constant. */
  const binary = (a: unknown, b: unknown, out: number, pa: number, pb: number): TapeVar =>
    new TapeVar(out, context.tape.push2(nodeOf(a), pa, nodeOf(b), pb), context.session)

  // One function literal per op, each calling only its own rules from the
  // table (see "Why a function per op" above).
  // biome-ignore format: an op a line
  const unaryOps = {
    neg: (a: unknown) => { const v = operandValue(a, 'neg'); const out = U.neg.value(v); return unary(a, out, U.neg.partial(numbers, v, out)) },
    abs: (a: unknown) => { const v = operandValue(a, 'abs'); const out = U.abs.value(v); return unary(a, out, U.abs.partial(numbers, v, out)) },
    sqrt: (a: unknown) => { const v = operandValue(a, 'sqrt'); const out = U.sqrt.value(v); return unary(a, out, U.sqrt.partial(numbers, v, out)) },
    exp: (a: unknown) => { const v = operandValue(a, 'exp'); const out = U.exp.value(v); return unary(a, out, U.exp.partial(numbers, v, out)) },
    expm1: (a: unknown) => { const v = operandValue(a, 'expm1'); const out = U.expm1.value(v); return unary(a, out, U.expm1.partial(numbers, v, out)) },
    log: (a: unknown) => { const v = operandValue(a, 'log'); const out = U.log.value(v); return unary(a, out, U.log.partial(numbers, v, out)) },
    log1p: (a: unknown) => { const v = operandValue(a, 'log1p'); const out = U.log1p.value(v); return unary(a, out, U.log1p.partial(numbers, v, out)) },
    sin: (a: unknown) => { const v = operandValue(a, 'sin'); const out = U.sin.value(v); return unary(a, out, U.sin.partial(numbers, v, out)) },
    cos: (a: unknown) => { const v = operandValue(a, 'cos'); const out = U.cos.value(v); return unary(a, out, U.cos.partial(numbers, v, out)) },
    tan: (a: unknown) => { const v = operandValue(a, 'tan'); const out = U.tan.value(v); return unary(a, out, U.tan.partial(numbers, v, out)) },
    asin: (a: unknown) => { const v = operandValue(a, 'asin'); const out = U.asin.value(v); return unary(a, out, U.asin.partial(numbers, v, out)) },
    acos: (a: unknown) => { const v = operandValue(a, 'acos'); const out = U.acos.value(v); return unary(a, out, U.acos.partial(numbers, v, out)) },
    atan: (a: unknown) => { const v = operandValue(a, 'atan'); const out = U.atan.value(v); return unary(a, out, U.atan.partial(numbers, v, out)) },
    sinh: (a: unknown) => { const v = operandValue(a, 'sinh'); const out = U.sinh.value(v); return unary(a, out, U.sinh.partial(numbers, v, out)) },
    cosh: (a: unknown) => { const v = operandValue(a, 'cosh'); const out = U.cosh.value(v); return unary(a, out, U.cosh.partial(numbers, v, out)) },
    tanh: (a: unknown) => { const v = operandValue(a, 'tanh'); const out = U.tanh.value(v); return unary(a, out, U.tanh.partial(numbers, v, out)) },
    sigmoid: (a: unknown) => { const v = operandValue(a, 'sigmoid'); const out = U.sigmoid.value(v); return unary(a, out, U.sigmoid.partial(numbers, v, out)) },
    softplus: (a: unknown) => { const v = operandValue(a, 'softplus'); const out = U.softplus.value(v); return unary(a, out, U.softplus.partial(numbers, v, out)) },
    relu: (a: unknown) => { const v = operandValue(a, 'relu'); const out = U.relu.value(v); return unary(a, out, U.relu.partial(numbers, v, out)) },
    square: (a: unknown) => { const v = operandValue(a, 'square'); const out = U.square.value(v); return unary(a, out, U.square.partial(numbers, v, out)) },
  } satisfies Record<UnaryName, (a: unknown) => TapeVar>
  // biome-ignore format: an op a line
  const binaryOps = {
    add: (a: unknown, b: unknown) => { const v = operandValue(a, 'add'); const w = operandValue(b, 'add'); const out = B.add.value(v, w); return binary(a, b, out, B.add.partialA(numbers, v, w, out), B.add.partialB(numbers, v, w, out)) },
    sub: (a: unknown, b: unknown) => { const v = operandValue(a, 'sub'); const w = operandValue(b, 'sub'); const out = B.sub.value(v, w); return binary(a, b, out, B.sub.partialA(numbers, v, w, out), B.sub.partialB(numbers, v, w, out)) },
    mul: (a: unknown, b: unknown) => { const v = operandValue(a, 'mul'); const w = operandValue(b, 'mul'); const out = B.mul.value(v, w); return binary(a, b, out, B.mul.partialA(numbers, v, w, out), B.mul.partialB(numbers, v, w, out)) },
    div: (a: unknown, b: unknown) => { const v = operandValue(a, 'div'); const w = operandValue(b, 'div'); const out = B.div.value(v, w); return binary(a, b, out, B.div.partialA(numbers, v, w, out), B.div.partialB(numbers, v, w, out)) },
    pow: (a: unknown, b: unknown) => { const v = operandValue(a, 'pow'); const w = operandValue(b, 'pow'); const out = B.pow.value(v, w); return binary(a, b, out, B.pow.partialA(numbers, v, w, out), B.pow.partialB(numbers, v, w, out)) },
    atan2: (a: unknown, b: unknown) => { const v = operandValue(a, 'atan2'); const w = operandValue(b, 'atan2'); const out = B.atan2.value(v, w); return binary(a, b, out, B.atan2.partialA(numbers, v, w, out), B.atan2.partialB(numbers, v, w, out)) },
    hypot: (a: unknown, b: unknown) => { const v = operandValue(a, 'hypot'); const w = operandValue(b, 'hypot'); const out = B.hypot.value(v, w); return binary(a, b, out, B.hypot.partialA(numbers, v, w, out), B.hypot.partialB(numbers, v, w, out)) },
    min: (a: unknown, b: unknown) => { const v = operandValue(a, 'min'); const w = operandValue(b, 'min'); const out = B.min.value(v, w); return binary(a, b, out, B.min.partialA(numbers, v, w, out), B.min.partialB(numbers, v, w, out)) },
    max: (a: unknown, b: unknown) => { const v = operandValue(a, 'max'); const w = operandValue(b, 'max'); const out = B.max.value(v, w); return binary(a, b, out, B.max.partialA(numbers, v, w, out), B.max.partialB(numbers, v, w, out)) },
  } satisfies Record<BinaryName, (a: unknown, b: unknown) => TapeVar>

  const ops: Record<string, unknown> = {
    constant: (c: unknown) => constant(checked(context, 'constant', c)),
    value(a: unknown) {
      if (typeof a === 'number') return a
      return tapeVar(context, 'value', a).value
    },
    ...comparisons((op, a) => operandValue(a, op)),
    // sum and dot are fused n-ary ops: one node with an edge per variable
    // input, so their partials (1; the other factor) are applied here. They
    // are the widest ops in a network, so they write their edges straight
    // into the tape's arrays after one capacity check (speed).
    sum(xs: readonly unknown[]) {
      checkArray(context, 'sum', xs)
      const { tape } = context
      tape.reserve(xs.length)
      const parents = tape.parents
      const partials = tape.partials
      let value = 0
      let e = tape.edges
      for (let i = 0; i < xs.length; i++) {
        const a = xs[i]
        if (typeof a === 'number') {
          value += a
          continue
        }
        const x = tapeVar(context, 'sum', a)
        value += x.value
        if (x.index >= 0) {
          parents[e] = x.index
          partials[e++] = 1
        }
      }
      return node(value, tape.wrote(e))
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
      const { tape, session } = context
      if (xs.length > 0) {
        const run = runDot(context, xs, ys)
        if (run !== null) return run
      }
      tape.reserve(2 * xs.length)
      const parents = tape.parents
      const partials = tape.partials
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
        if (ai >= 0 && bv !== 0) {
          parents[e] = ai
          partials[e++] = bv
        }
        if (bi >= 0 && av !== 0) {
          parents[e] = bi
          partials[e++] = av
        }
      }
      return node(value, tape.wrote(e))
    },
  }
  return opsObject<TapeVar>(
    {
      ...ops,
      ...unaryOps,
      ...binaryOps,
      [CUSTOM]: createTapeCustomOps(context),
    },
    1,
  )
}

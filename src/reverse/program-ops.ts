import { type ComparisonName, compareValues } from '../ops/compare.js'
import { binaryPartial, unaryPartial } from '../ops/custom-partials.js'
import { blockValue, customValue } from '../ops/custom-results.js'
import { CUSTOM, type CustomOps } from '../ops/custom-rule.js'
import {
  type BinaryName,
  binaryRuleOf,
  checkArray,
  checked,
  checkSameLength,
  type Ops,
  type OpsContext,
  opsObject,
  type UnaryName,
  unaryRuleOf,
} from '../ops/index.js'
import { tapeVar } from './ops.js'
import { BINARY, DOT, type Program, SUM, UNARY } from './program.js'
import { TapeVar } from './variable.js'

/*
 * The ops `reverse.compile` records a function with: each op computes its
 * value by the op table's rule and appends an instruction to the program,
 * nothing else. A variable's index is its node's (>= 0), -1 for a constant,
 * or below -1 for a data slot (`dataIndex`): an op on data writes an
 * instruction too, since data changes between calls. Partials are not computed here (the replay computes them at
 * every point), and no tape is written. A node's index is the inputs' count
 * plus its instruction's, as on the tape. Like the tape's ops, each op is a
 * function literal of its own that names only its own rule (see "Why a
 * function per op" in ops.ts): a network written with scalar ops records
 * tens of thousands of them per compile.
 */

export interface ProgramContext extends OpsContext {
  /** The evaluation whose variables the ops accept. */
  session: number
  program: Program
  /** The number of inputs: instruction i makes node inputs + i. */
  inputs: number
}

const U = unaryRuleOf
const B = binaryRuleOf

export function createProgramOps(context: ProgramContext): Ops<TapeVar> {
  const constant = (value: number) => new TapeVar(value, -1, context.session)
  const operandValue = (a: unknown, op: string): number =>
    typeof a === 'number' ? a : tapeVar(context, op, a).value
  const nodeOf = (a: unknown): number => (typeof a === 'number' ? -1 : (a as TapeVar).index)
  /** Closes the instruction whose operands were just appended: a node of value `out`. */
  const node = (out: number, code: number) => {
    const { program } = context
    program.end(code)
    return new TapeVar(out, context.inputs + program.instructions - 1, context.session)
  }
  /** A unary op's result: an instruction if its operand is a node or data, else a constant. */
  const unary = (a: unknown, v: number, out: number, code: number): TapeVar => {
    const i = nodeOf(a)
    if (i === -1) return constant(out)
    context.program.operand(i, v)
    return node(out, code)
  }
  /**
   * A binary op's result: an instruction if either operand is a node or
   * data (which changes between calls); a constant operand is written as its value.
   */
  const binary = (a: unknown, b: unknown, v: number, w: number, out: number, code: number) => {
    const i = nodeOf(a)
    const j = nodeOf(b)
    if (i === -1 && j === -1) return constant(out)
    context.program.operand(i, v)
    context.program.operand(j, w)
    return node(out, code)
  }
  // biome-ignore format: an op a line
  const unaryOps = {
    neg: (a: unknown) => { const v = operandValue(a, 'neg'); return unary(a, v, U.neg.value(v), UNARY.neg) },
    abs: (a: unknown) => { const v = operandValue(a, 'abs'); return unary(a, v, U.abs.value(v), UNARY.abs) },
    sqrt: (a: unknown) => { const v = operandValue(a, 'sqrt'); return unary(a, v, U.sqrt.value(v), UNARY.sqrt) },
    exp: (a: unknown) => { const v = operandValue(a, 'exp'); return unary(a, v, U.exp.value(v), UNARY.exp) },
    expm1: (a: unknown) => { const v = operandValue(a, 'expm1'); return unary(a, v, U.expm1.value(v), UNARY.expm1) },
    log: (a: unknown) => { const v = operandValue(a, 'log'); return unary(a, v, U.log.value(v), UNARY.log) },
    log1p: (a: unknown) => { const v = operandValue(a, 'log1p'); return unary(a, v, U.log1p.value(v), UNARY.log1p) },
    sin: (a: unknown) => { const v = operandValue(a, 'sin'); return unary(a, v, U.sin.value(v), UNARY.sin) },
    cos: (a: unknown) => { const v = operandValue(a, 'cos'); return unary(a, v, U.cos.value(v), UNARY.cos) },
    tan: (a: unknown) => { const v = operandValue(a, 'tan'); return unary(a, v, U.tan.value(v), UNARY.tan) },
    asin: (a: unknown) => { const v = operandValue(a, 'asin'); return unary(a, v, U.asin.value(v), UNARY.asin) },
    acos: (a: unknown) => { const v = operandValue(a, 'acos'); return unary(a, v, U.acos.value(v), UNARY.acos) },
    atan: (a: unknown) => { const v = operandValue(a, 'atan'); return unary(a, v, U.atan.value(v), UNARY.atan) },
    sinh: (a: unknown) => { const v = operandValue(a, 'sinh'); return unary(a, v, U.sinh.value(v), UNARY.sinh) },
    cosh: (a: unknown) => { const v = operandValue(a, 'cosh'); return unary(a, v, U.cosh.value(v), UNARY.cosh) },
    tanh: (a: unknown) => { const v = operandValue(a, 'tanh'); return unary(a, v, U.tanh.value(v), UNARY.tanh) },
    sigmoid: (a: unknown) => { const v = operandValue(a, 'sigmoid'); return unary(a, v, U.sigmoid.value(v), UNARY.sigmoid) },
    softplus: (a: unknown) => { const v = operandValue(a, 'softplus'); return unary(a, v, U.softplus.value(v), UNARY.softplus) },
    relu: (a: unknown) => { const v = operandValue(a, 'relu'); return unary(a, v, U.relu.value(v), UNARY.relu) },
    square: (a: unknown) => { const v = operandValue(a, 'square'); return unary(a, v, U.square.value(v), UNARY.square) },
  } satisfies Record<UnaryName, (a: unknown) => TapeVar>
  // biome-ignore format: an op a line
  const binaryOps = {
    add: (a: unknown, c: unknown) => { const v = operandValue(a, 'add'); const w = operandValue(c, 'add'); return binary(a, c, v, w, B.add.value(v, w), BINARY.add) },
    sub: (a: unknown, c: unknown) => { const v = operandValue(a, 'sub'); const w = operandValue(c, 'sub'); return binary(a, c, v, w, B.sub.value(v, w), BINARY.sub) },
    mul: (a: unknown, c: unknown) => { const v = operandValue(a, 'mul'); const w = operandValue(c, 'mul'); return binary(a, c, v, w, B.mul.value(v, w), BINARY.mul) },
    div: (a: unknown, c: unknown) => { const v = operandValue(a, 'div'); const w = operandValue(c, 'div'); return binary(a, c, v, w, B.div.value(v, w), BINARY.div) },
    pow: (a: unknown, c: unknown) => { const v = operandValue(a, 'pow'); const w = operandValue(c, 'pow'); return binary(a, c, v, w, B.pow.value(v, w), BINARY.pow) },
    atan2: (a: unknown, c: unknown) => { const v = operandValue(a, 'atan2'); const w = operandValue(c, 'atan2'); return binary(a, c, v, w, B.atan2.value(v, w), BINARY.atan2) },
    hypot: (a: unknown, c: unknown) => { const v = operandValue(a, 'hypot'); const w = operandValue(c, 'hypot'); return binary(a, c, v, w, B.hypot.value(v, w), BINARY.hypot) },
    min: (a: unknown, c: unknown) => { const v = operandValue(a, 'min'); const w = operandValue(c, 'min'); return binary(a, c, v, w, B.min.value(v, w), BINARY.min) },
    max: (a: unknown, c: unknown) => { const v = operandValue(a, 'max'); const w = operandValue(c, 'max'); return binary(a, c, v, w, B.max.value(v, w), BINARY.max) },
  } satisfies Record<BinaryName, (a: unknown, b: unknown) => TapeVar>

  const ops: Record<string, unknown> = {
    constant: (c: unknown) => constant(checked(context, 'constant', c)),
    value(a: unknown) {
      if (typeof a === 'number') return a
      const x = tapeVar(context, 'value', a)
      context.program.read(x.index, x.value)
      return x.value
    },
    ...guardedComparisons(context, operandValue, nodeOf),
    sum(xs: readonly unknown[]) {
      checkArray(context, 'sum', xs)
      const { program } = context
      let total = 0
      let nodes = 0
      for (let i = 0; i < xs.length; i++) {
        const a = xs[i]
        const v = operandValue(a, 'sum')
        const index = nodeOf(a)
        total += v
        if (index !== -1) nodes++
        program.operand(index, v)
      }
      if (nodes === 0) {
        program.discard()
        return constant(total)
      }
      return node(total, SUM)
    },
    dot(xs: readonly unknown[], ys: readonly unknown[]) {
      checkSameLength(context, xs, ys)
      // Data on the left is swapped to the right, as the tape's dot does, so both record one order.
      if (typeof xs[0] === 'number') {
        const data = xs
        xs = ys
        ys = data
      }
      const { program } = context
      let total = 0
      let nodes = 0
      for (let i = 0; i < xs.length; i++) {
        const a = xs[i]
        const c = ys[i]
        const v = operandValue(a, 'dot')
        const w = operandValue(c, 'dot')
        const ai = nodeOf(a)
        const ci = nodeOf(c)
        total += v * w
        if (ai !== -1 || ci !== -1) nodes++
        program.operand(ai, v)
        program.operand(ci, w)
      }
      if (nodes === 0) {
        program.discard()
        return constant(total)
      }
      return node(total, DOT)
    },
  }
  return opsObject<TapeVar>(
    {
      ...ops,
      ...unaryOps,
      ...binaryOps,
      [CUSTOM]: createProgramCustomOps(context, nodeOf, operandValue),
    },
    1,
  )
}

/**
 * The comparisons while compiling: each one's outcome is kept with its
 * operands as a guard, which a replay checks, recording again only where the
 * outcome changes.
 */
function guardedComparisons(
  context: ProgramContext,
  operandValue: (a: unknown, op: string) => number,
  nodeOf: (a: unknown) => number,
): Record<ComparisonName, (a: unknown, b: unknown) => boolean> {
  /** A guard's operand: a node, a data slot (`~j`), or null for a constant. */
  const ref = (a: unknown) => {
    const i = nodeOf(a)
    return i >= 0 ? i : i < -1 ? ~(-2 - i) : null
  }
  const guard = (test: ComparisonName) => (a: unknown, b: unknown) => {
    const av = operandValue(a, test)
    const bv = operandValue(b, test)
    const outcome = compareValues[test](av, bv)
    const [ra, rb] = [ref(a), ref(b)]
    if (ra !== null || rb !== null) {
      context.program.guards.push({ test, a: ra, b: rb, av, bv, outcome })
    }
    return outcome
  }
  return { lt: guard('lt'), le: guard('le'), gt: guard('gt'), ge: guard('ge') }
}

/**
 * Users' own ops in a compiled recording: a custom op is a CALL instruction,
 * a block's outputs BLOCK instructions. Their partials are computed once
 * here, unused, so that a rule that fails does so while compiling, naming
 * reverse.compile, as it would on the tape.
 */
function createProgramCustomOps(
  context: ProgramContext,
  nodeOf: (a: unknown) => number,
  operandValue: (a: unknown, op: string) => number,
): CustomOps<TapeVar> {
  const constant = (value: number) => new TapeVar(value, -1, context.session)
  const next = () => context.inputs + context.program.instructions
  return {
    unary(op, a) {
      const { label, program, session } = context
      const v = operandValue(a, op.name)
      const out = customValue(label, op, op.rule.value(v))
      const i = nodeOf(a)
      if (i === -1) return constant(out)
      unaryPartial(label, op, v, out)
      program.operand(i, v)
      const index = next()
      program.call(op)
      return new TapeVar(out, index, session)
    },
    binary(op, a, b) {
      const { label, program, session } = context
      const v = operandValue(a, op.name)
      const w = operandValue(b, op.name)
      const out = customValue(label, op, op.rule.value(v, w))
      const i = nodeOf(a)
      const j = nodeOf(b)
      if (i === -1 && j === -1) return constant(out)
      if (i !== -1) binaryPartial(label, op, 'partialA', v, w, out)
      if (j !== -1) binaryPartial(label, op, 'partialB', v, w, out)
      program.operand(i, v)
      program.operand(j, w)
      const index = next()
      program.call(op)
      return new TapeVar(out, index, session)
    },
    block(op, xs) {
      const { label, program, session } = context
      checkArray(context, op.name, xs)
      const items = xs as readonly unknown[]
      const values = items.map((a) => operandValue(a, op.name))
      const inputs = items.map(nodeOf)
      const shape = blockValue(label, op, values)
      const { outputs } = shape
      let outs: TapeVar[]
      if (!inputs.some((i) => i !== -1) || outputs.length === 0) outs = outputs.map(constant)
      else {
        for (let i = 0; i < inputs.length; i++)
          program.operand(inputs[i] as number, values[i] as number)
        const first = next()
        program.block(op, outputs.length, shape.scalar)
        outs = outputs.map((out, k) => new TapeVar(out, first + k, session))
      }
      return shape.scalar ? (outs[0] as TapeVar) : outs
    },
  }
}

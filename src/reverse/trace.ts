import { gradlabError, internalError } from '../core/errors.js'
import { optionsOf } from '../core/options.js'
import { checkFunction, toVector } from '../core/validate.js'
import { BINARY_OPS, UNARY_OPS } from '../ops/index.js'
import type { ScalarFn } from '../ops/types.js'
import { Interpreter } from './interpreter.js'
import { BLOCK, DOT, FIRST_BINARY, type Program, SUM } from './program.js'
import { recordProgram } from './recording.js'
import { SESSION, TapeVar } from './variable.js'

/*
 * A gradient's trace: the recording reverse mode made of one evaluation, as
 * plain data a person can read or draw. The function is recorded as a
 * compiled gradient's program (the same ops, in the same order), values and
 * partials are computed by the interpreter from the op table, and the
 * adjoints are those of its backward pass, so the trace's numbers are the
 * gradient's own, not a second implementation of them.
 */

/** An operand of a traced op: a node of the trace, or a number the function used as a constant. */
export type TraceOperand =
  | {
      /** The node's id. */
      readonly node: number
    }
  | {
      /** The number. */
      readonly constant: number
    }

/** One node of a {@link GradientTrace}: an input, or the result of one op. */
export interface TraceNode {
  /** Its index: the inputs are 0 .. n-1, then one node per op in the order f applied them. */
  readonly id: number
  /** `'input'`, the op's name (`'mul'`, `'tanh'`, `'sum'`, `'dot'`), or a custom op's or block's name. */
  readonly op: string
  /** The name given with `options.names` (inputs) or {@link named}, or null. */
  readonly name: string | null
  /** The operands, in the op's order (a dot's interleaved: x0, y0, x1, y1, ...). */
  readonly inputs: readonly TraceOperand[]
  /** Its value at the traced point. */
  readonly value: number
  /**
   * The local partial d(this)/d(operand) for each operand that is a node,
   * null for a constant, and null for every operand of a block (whose
   * backward pass is its vjp, not partials).
   */
  readonly partials: readonly (number | null)[]
  /** Its adjoint: d(output)/d(this), as the backward pass accumulated it. */
  readonly adjoint: number
}

/** An edge of the backward pass: the adjoint of `from` times `partial` is added into `to`'s. */
export interface TraceEdge {
  /** The node whose adjoint flows back (the op's result). */
  readonly from: number
  /** The operand it flows into. */
  readonly to: number
  /**
   * d(from)/d(to) along this operand: the local partial (an operand used
   * twice, as in m.mul(a, a), has an edge each time), or null into a
   * block's inputs, whose backward pass is its vjp.
   */
  readonly partial: number | null
}

/**
 * The recording of one gradient, from {@link ReverseStrategy.trace}: every
 * node with its op, operands, value, local partials and adjoint, and the
 * edges in the order the backward pass walks them. Plain data:
 * `JSON.stringify(trace)` keeps all of it but the gradient's typed array,
 * which it writes as an object; `traceToDot` and `traceToMermaid` draw it.
 */
export interface GradientTrace {
  /** f(x). */
  readonly value: number
  /** The gradient, equal bit for bit to `reverse.gradient(f, x)`'s. */
  readonly gradient: Float64Array
  /** The number of inputs: nodes 0 .. inputs-1. */
  readonly inputs: number
  /** The output's node, or -1 when f returned a constant. */
  readonly output: number
  /** Every node, in recording order (the forward pass). */
  readonly nodes: readonly TraceNode[]
  /** The edges, in the order the backward pass visits them: last op first, each op's operands last to first. */
  readonly edges: readonly TraceEdge[]
}

/** Options of {@link ReverseStrategy.trace}. */
export interface TraceOptions {
  /** Names of the inputs, one per entry of x (for example the parameters' names). */
  readonly names?: readonly string[]
}

/** Names given with `named` while a trace records, by node. */
let naming: { session: number; names: Map<number, string> } | null = null

/**
 * Names a value for {@link ReverseStrategy.trace}: the node that computed it
 * is labelled `name` in the trace and its drawings. Returns the value
 * itself, so a function reads the same with it; outside a trace (any
 * strategy, a gradient, a plain evaluation) it does nothing else.
 * @example
 * ```ts
 * const t = reverse.trace((m, [a, b]) => m.square(named(m.sub(a, b), 'a - b')), [2, 0], {
 *   names: ['a', 'b'],
 * })
 * t.nodes.map((node) => node.name) // => [ 'a', 'b', 'a - b', null ]
 * ```
 */
export function named<T>(value: T, name: string): T {
  if (typeof name !== 'string' || name === '') {
    throw gradlabError(
      TypeError,
      'ERR_GRADLAB_INVALID_OPTIONS',
      `named: the name must be a non-empty string, got ${typeof name === 'string' ? 'an empty string' : String(name)}.`,
    )
  }
  // Only a value of the recording being traced: not one of a gradient taken inside f.
  if (
    naming !== null &&
    value instanceof TapeVar &&
    value.index >= 0 &&
    value[SESSION] === naming.session
  ) {
    naming.names.set(value.index, name)
  }
  return value
}

/** The op name of instruction i. */
function opName(program: Program, i: number): string {
  const code = program.code[i] as number
  if (code < FIRST_BINARY) return UNARY_OPS[code] as string
  if (code < SUM) return BINARY_OPS[code - FIRST_BINARY] as string
  if (code === SUM) return 'sum'
  if (code === DOT) return 'dot'
  // A custom op (CALL) or one output of a block (BLOCK): the name it was defined with.
  const callee = program.callees.get(i)
  if (callee === undefined)
    throw internalError(`instruction ${i} has op code ${code} and no callee`)
  return 'op' in callee ? callee.op.name : callee.name
}

/** The block whose outputs instruction i is one of, as its first output's instruction. */
function blockFirst(program: Program, i: number): number {
  const callee = program.callees.get(i)
  return callee !== undefined && 'first' in callee ? callee.first : i
}

export function trace(f: ScalarFn, xs: ArrayLike<number>, options?: TraceOptions): GradientTrace {
  const label = 'reverse.trace'
  checkFunction(label, 'f', f)
  const x = toVector(label, 'x', xs)
  const given = optionsOf(label, options, ['names'], "{ names: ['a', 'b'] }")
  const inputNames = checkNames(label, given?.names, x.length)
  const saved = naming
  const names = new Map<number, string>()
  let recorded: ReturnType<typeof recordProgram>
  try {
    recorded = recordProgram(label, x, f, null, (session) => {
      naming = { session, names }
    })
  } finally {
    naming = saved
  }
  const { program, output, value } = recorded
  const n = x.length
  const interpreter = new Interpreter(program, n, output)
  interpreter.forward(x)
  const gradient = output < 0 ? new Float64Array(n) : interpreter.gradient()
  const { slots, adjoint, partials } = interpreter.inspect()
  const nodeCount = n + program.instructions
  const adjointOf = (id: number) =>
    output < 0 ? 0 : output < n ? (id === output ? 1 : 0) : (adjoint[id] as number)
  const constantOf = (ref: number) => program.constants[~ref] as number
  const operand = (ref: number): TraceOperand =>
    ref >= 0 ? { node: ref } : { constant: constantOf(ref) }
  const valueAt = (ref: number) => (ref >= 0 ? (slots[ref] as number) : constantOf(ref))

  const nodes: TraceNode[] = []
  for (let id = 0; id < n; id++) {
    nodes.push({
      id,
      op: 'input',
      name: inputNames?.[id] ?? names.get(id) ?? null,
      inputs: [],
      value: slots[id] as number,
      partials: [],
      adjoint: adjointOf(id),
    })
  }
  for (let i = 0; i < program.instructions; i++) {
    const id = n + i
    const code = program.code[i] as number
    const first = code === BLOCK ? blockFirst(program, i) : i
    const start = first === 0 ? 0 : (program.argEnd[first - 1] as number)
    const refs = Array.from(program.args.subarray(start, program.argEnd[first] as number))
    let local: (number | null)[]
    if (code === SUM) local = refs.map((r) => (r >= 0 ? 1 : null))
    else if (code === DOT) {
      // d(sum x_k y_k)/d x_k = y_k: each factor's partial is the other factor's value.
      local = refs.map((r, k) => (r >= 0 ? valueAt(refs[k ^ 1] as number) : null))
    } else if (code === BLOCK) local = refs.map(() => null)
    else local = refs.map((r, k) => (r >= 0 ? (partials[2 * i + k] as number) : null))
    nodes.push({
      id,
      op: opName(program, i),
      name: names.get(id) ?? null,
      inputs: refs.map(operand),
      value: slots[id] as number,
      partials: local,
      adjoint: adjointOf(id),
    })
  }

  const edges: TraceEdge[] = []
  for (let id = nodeCount - 1; id >= n; id--) {
    const node = nodes[id] as TraceNode
    // A block's partials are all null, so its edges carry none.
    for (let k = node.inputs.length - 1; k >= 0; k--) {
      const input = node.inputs[k] as TraceOperand
      if ('node' in input)
        edges.push({ from: id, to: input.node, partial: node.partials[k] ?? null })
    }
  }
  return { value, gradient, inputs: n, output, nodes, edges }
}

function checkNames(label: string, names: unknown, n: number): readonly string[] | undefined {
  if (names === undefined) return undefined
  if (
    !Array.isArray(names) ||
    names.length !== n ||
    names.some((s) => typeof s !== 'string' || s === '')
  ) {
    throw gradlabError(
      TypeError,
      'ERR_GRADLAB_INVALID_OPTIONS',
      `${label}: options.names must be an array of ${n} non-empty strings, one per input.`,
    )
  }
  const twice = names.find((s, i) => names.indexOf(s) !== i)
  if (twice !== undefined) {
    throw gradlabError(
      TypeError,
      'ERR_GRADLAB_INVALID_OPTIONS',
      `${label}: options.names gives '${twice}' to two inputs; each input needs a name of its own.`,
    )
  }
  return names
}

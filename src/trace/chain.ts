import { gradlabError } from '../core/errors.js'
import type { GradientTrace, TraceEdge } from '../reverse/trace.js'

/*
 * The chain rule read off a trace, at the granularity of the values the
 * user named: the derivative of each named value with respect to the next
 * named values below it, the factors that several inputs' derivatives share,
 * and what reusing them saves. The course's 2-2-1 network, with its values
 * named y_hat, h1, z1 and so on, gives back its three shared factors
 * (y_hat - y, w^y_1 and g'(z_1)) this way.
 */

/**
 * One factor of the chain rule over named values: d(from)/d(to), summed over
 * every path between them through unnamed nodes.
 */
export interface ChainFactor {
  /** The named node (or the output) the derivative is of. */
  readonly from: number
  /** The named node or input it is with respect to. */
  readonly to: number
  /** d(from)/d(to) at the traced point; NaN through a block, which has no partials. */
  readonly derivative: number
  /** The inputs whose derivatives this factor is part of (those `to` leads to), ascending. */
  readonly inputs: readonly number[]
}

/** The chain rule over named values: the nodes kept and the factors between them, last first. */
export interface ChainGraph {
  /** The output, then every named node and input the output depends on, by descending id. */
  readonly nodes: readonly number[]
  /** The factors, by descending `from`, then descending `to`. */
  readonly factors: readonly ChainFactor[]
}

/** Edges by the node they flow back from. */
function edgesFrom(trace: GradientTrace): TraceEdge[][] {
  const out: TraceEdge[][] = trace.nodes.map(() => [])
  for (const e of trace.edges) out[e.from]?.push(e)
  return out
}

/** Whether each node is the output or reached from it by the backward pass's edges. */
function reachedFromOutput(trace: GradientTrace, from: TraceEdge[][]): boolean[] {
  const reached = trace.nodes.map(() => false)
  if (trace.output < 0) return reached
  reached[trace.output] = true
  for (let id = trace.output; id >= 0; id--) {
    if (!reached[id]) continue
    for (const e of from[id] as TraceEdge[]) reached[e.to] = true
  }
  return reached
}

/** For each node, the inputs it depends on (itself, for an input), ascending. */
function inputsBelow(trace: GradientTrace, from: TraceEdge[][]): number[][] {
  const below: number[][] = []
  for (const node of trace.nodes) {
    if (node.id < trace.inputs) below.push([node.id])
    else {
      const set = new Set<number>()
      for (const e of from[node.id] as TraceEdge[]) for (const i of below[e.to] ?? []) set.add(i)
      below.push([...set].sort((a, b) => a - b))
    }
  }
  return below
}

/**
 * The chain rule of a trace over its named values: keeps the output, the
 * inputs and every node named with `named` (or `options.names`), and gives
 * the derivative of each kept node with respect to the kept nodes just below
 * it, through the unnamed ones. Multiplying the factors along every path
 * from the output to an input, and adding over paths, gives that input's
 * derivative.
 * @example
 * ```ts
 * // y = sin(u) with u = a b named: dy/du = cos(u), then du/da = b and du/db = a.
 * const t = reverse.trace((m, [a, b]) => m.sin(named(m.mul(a, b), 'u')), [0, 3])
 * chainGraph(t).factors.map((f) => [f.from, f.to, f.derivative]) // => [ [ 3, 2, 1 ], [ 2, 1, 0 ], [ 2, 0, 3 ] ]
 * ```
 */
export function chainGraph(trace: GradientTrace): ChainGraph {
  const from = edgesFrom(trace)
  const reached = reachedFromOutput(trace, from)
  const below = inputsBelow(trace, from)
  const kept = (id: number) =>
    reached[id] === true &&
    (id === trace.output || id < trace.inputs || trace.nodes[id]?.name !== null)
  const nodes: number[] = []
  const factors: ChainFactor[] = []
  const through = new Float64Array(trace.nodes.length)
  /** Whether the pass from `top` reaches each node. */
  const live = new Uint8Array(trace.nodes.length)
  for (let top = trace.nodes.length - 1; top >= 0; top--) {
    if (!kept(top)) continue
    nodes.push(top)
    // A backward pass seeded at `top` that stops at kept nodes: d(top)/d(each kept node below).
    through.fill(0)
    live.fill(0)
    through[top] = 1
    live[top] = 1
    const hit = new Set<number>()
    for (let id = top; id >= 0; id--) {
      if (live[id] === 0 || (id !== top && kept(id))) continue
      const g = through[id] as number
      for (const e of from[id] as TraceEdge[]) {
        const partial = e.partial ?? Number.NaN
        through[e.to] = (through[e.to] as number) + partial * g
        live[e.to] = 1
        if (kept(e.to)) hit.add(e.to)
      }
    }
    for (const to of [...hit].sort((a, b) => b - a)) {
      factors.push({
        from: top,
        to,
        derivative: through[to] as number,
        inputs: below[to] as number[],
      })
    }
  }
  return { nodes, factors }
}

/** The input nodes meant by `inputs`: their ids, or their names from `options.names`. */
function inputIds(label: string, trace: GradientTrace, inputs: readonly (number | string)[]) {
  if (!Array.isArray(inputs) || inputs.length === 0) {
    throw gradlabError(
      TypeError,
      'ERR_GRADLAB_INVALID_OPTIONS',
      `${label}: give the inputs whose shared factors you want, as a non-empty array of indices or names.`,
    )
  }
  return inputs.map((which) => {
    const id =
      typeof which === 'number'
        ? which
        : trace.nodes.findIndex((n) => n.id < trace.inputs && n.name === which)
    if (!Number.isInteger(id) || id < 0 || id >= trace.inputs) {
      throw gradlabError(
        RangeError,
        'ERR_GRADLAB_INVALID_OPTIONS',
        `${label}: ${typeof which === 'number' ? `${which} is not an input's index` : `no input is named '${which}'`}; the trace has ${trace.inputs} input${trace.inputs === 1 ? '' : 's'}${
          trace.nodes.some((n) => n.id < trace.inputs && n.name !== null)
            ? ` (${trace.nodes
                .slice(0, trace.inputs)
                .map((n) => n.name)
                .join(', ')})`
            : ''
        }.`,
      )
    }
    return id
  })
}

/**
 * The factors of the chain rule (over named values, see {@link chainGraph})
 * that the derivatives of all the given inputs share: those on a path from
 * the output to every one of them. Backpropagation computes each once and
 * multiplies it into all of them. Inputs are given by index or by name.
 * @example
 * ```ts
 * // c = (a - b)^2: both derivatives share dc/d(a - b) = 2 (a - b) = 4.
 * const t = reverse.trace((m, [a, b]) => m.square(named(m.sub(a, b), 'a - b')), [2, 0], {
 *   names: ['a', 'b'],
 * })
 * sharedFactors(t, ['a', 'b']) // => [ { from: 3, to: 2, derivative: 4, inputs: [ 0, 1 ] } ]
 * ```
 */
export function sharedFactors(
  trace: GradientTrace,
  inputs: readonly (number | string)[],
): ChainFactor[] {
  return factorsShared('sharedFactors', trace, chainGraph(trace), inputs)
}

/** The factors of `chain` (the trace's chain graph) on a path to every one of `inputs`; errors name `label`. */
export function factorsShared(
  label: string,
  trace: GradientTrace,
  chain: ChainGraph,
  inputs: readonly (number | string)[],
): ChainFactor[] {
  const ids = inputIds(label, trace, inputs)
  return chain.factors.filter((f) => ids.every((i) => f.inputs.includes(i)))
}

/**
 * The edges of the trace itself (every op, not only named values) that lie
 * on a path from the output to every one of the given inputs: the local
 * partials their derivatives share. Inputs are given by index or by name.
 * @example
 * ```ts
 * const t = reverse.trace((m, [a, b]) => m.pow(m.sub(a, b), 2), [2, 0], { names: ['a', 'b'] })
 * sharedEdges(t, ['a', 'b']) // => [ { from: 3, to: 2, partial: 4 } ]
 * ```
 */
export function sharedEdges(
  trace: GradientTrace,
  inputs: readonly (number | string)[],
): TraceEdge[] {
  return edgesShared('sharedEdges', trace, inputs)
}

/** {@link sharedEdges}, with errors naming `label`. */
export function edgesShared(
  label: string,
  trace: GradientTrace,
  inputs: readonly (number | string)[],
): TraceEdge[] {
  const ids = inputIds(label, trace, inputs)
  const from = edgesFrom(trace)
  const reached = reachedFromOutput(trace, from)
  const below = inputsBelow(trace, from)
  return trace.edges.filter(
    (e) => reached[e.from] === true && ids.every((i) => below[e.to]?.includes(i)),
  )
}

/** Multiplications needed for every input's derivative, two ways (see {@link multiplications}). */
export interface MultiplicationCount {
  /**
   * The chain rule applied separately to each input: a product of the
   * factors along every path from the output to it, k - 1 multiplications
   * for a path of k factors.
   */
  readonly separate: number
  /**
   * Backpropagation: one multiplication per factor, adjoint times factor,
   * except the factors out of the output, whose adjoint is 1.
   */
  readonly backpropagation: number
}

/**
 * The multiplications that every input's derivative needs, by the chain
 * rule applied to each input separately and by backpropagation, which
 * multiplies each shared factor once. Counted over the trace's edges
 * (`over: 'edges'`, every local partial a factor) or over the chain rule's
 * named values (`over: 'named'`, the factors of {@link chainGraph}). Additions
 * are not counted; the number of paths can grow exponentially with depth,
 * which is the point.
 * @example
 * ```ts
 * // x squared three times: 2^3 paths of 3 edges to x; 6 edges, 2 of them out of the output.
 * const t = reverse.trace((m, [x]) => {
 *   let y = x
 *   for (let i = 0; i < 3; i++) y = m.mul(y, y)
 *   return y
 * }, [1])
 * multiplications(t) // => { separate: 16, backpropagation: 4 }
 * ```
 */
export function multiplications(
  trace: GradientTrace,
  options: { readonly over: 'edges' | 'named' } = { over: 'edges' },
): MultiplicationCount {
  const over = options.over
  if (over !== 'edges' && over !== 'named') {
    throw gradlabError(
      TypeError,
      'ERR_GRADLAB_INVALID_OPTIONS',
      `multiplications: options.over must be 'edges' or 'named', got ${String(over)}.`,
    )
  }
  const edges: readonly { from: number; to: number }[] =
    over === 'named' ? chainGraph(trace).factors : trace.edges
  const count = { separate: 0, backpropagation: 0 }
  if (trace.output < 0) return count
  // Paths from the output to each node, and their factors summed over those paths.
  const paths = new Float64Array(trace.nodes.length)
  const lengths = new Float64Array(trace.nodes.length)
  paths[trace.output] = 1
  const sorted = [...edges].sort((a, b) => b.from - a.from)
  for (const e of sorted) {
    const p = paths[e.from] as number
    if (p === 0) continue
    paths[e.to] = (paths[e.to] as number) + p
    lengths[e.to] = (lengths[e.to] as number) + (lengths[e.from] as number) + p
    if (e.from !== trace.output) count.backpropagation++
  }
  for (let i = 0; i < trace.inputs; i++) {
    // f(x) = x_i itself needs no multiplication.
    if (i !== trace.output) count.separate += (lengths[i] as number) - (paths[i] as number)
  }
  return count
}

import { optionsOf } from '../core/options.js'
import type { GradientTrace, TraceNode, TraceOperand } from '../reverse/trace.js'
import { chainGraph, edgesShared, factorsShared } from './chain.js'

/*
 * A trace as text for other tools: JSON, Graphviz DOT and Mermaid. Each
 * node shows its name (or op), its value and its adjoint; each edge points
 * from an op's result to its operand, the way the backward pass flows, and
 * carries the local partial. With `named: true` the drawing is the chain
 * rule over named values instead (chain.ts), each edge a factor.
 */

/** Options of {@link traceToDot} and {@link traceToMermaid}. */
export interface TraceDrawOptions {
  /** Draw the chain rule over named values ({@link chainGraph}) instead of every op. */
  readonly named?: boolean
  /**
   * Inputs (by index or name) whose shared factors are drawn highlighted:
   * the edges on a path from the output to every one of them
   * ({@link sharedFactors} with `named`, {@link sharedEdges} without).
   */
  readonly shared?: readonly (number | string)[]
}

/** A number as a drawing shows it: up to 4 significant digits. */
export function formatNumber(x: number): string {
  if (Number.isNaN(x)) return 'NaN'
  if (!Number.isFinite(x)) return x > 0 ? 'Infinity' : '-Infinity'
  if (x === 0) return Object.is(x, -0) ? '-0' : '0'
  const a = Math.abs(x)
  return a >= 1e-3 && a < 1e6 ? String(Number(x.toPrecision(4))) : x.toExponential(3)
}

const constantText = (c: number) => formatNumber(c)

/** An op node's title: its name, or its op with any constant operands (`pow(·, 2)`). */
function title(node: TraceNode): string {
  if (node.name !== null) return node.name
  if (node.op === 'input') return `x${node.id}`
  if (node.inputs.length > 4 || !node.inputs.some((i) => 'constant' in i)) return node.op
  const args = node.inputs.map((i: TraceOperand) =>
    'constant' in i ? constantText(i.constant) : '·',
  )
  return `${node.op}(${args.join(', ')})`
}

interface Drawing {
  readonly nodes: readonly { id: number; lines: string[]; input: boolean }[]
  readonly edges: readonly { from: number; to: number; label: string; shared: boolean }[]
}

function drawing(label: string, trace: GradientTrace, options: unknown): Drawing {
  const given = optionsOf(label, options, ['named', 'shared'], '{ named: true }') ?? {}
  const lines = (node: TraceNode) => [
    title(node),
    `value ${formatNumber(node.value)}`,
    `adjoint ${formatNumber(node.adjoint)}`,
  ]
  const wanted = given.shared as readonly (number | string)[] | undefined
  if (given.named !== true) {
    const shared = new Set(wanted === undefined ? [] : edgesShared(label, trace, wanted))
    return {
      nodes: trace.nodes.map((n) => ({ id: n.id, lines: lines(n), input: n.op === 'input' })),
      edges: trace.edges.map((e) => ({
        from: e.from,
        to: e.to,
        label: e.partial === null ? 'vjp' : formatNumber(e.partial),
        shared: shared.has(e),
      })),
    }
  }
  const chain = chainGraph(trace)
  const shared = new Set(wanted === undefined ? [] : factorsShared(label, trace, chain, wanted))
  return {
    nodes: chain.nodes.map((id) => {
      const n = trace.nodes[id] as TraceNode
      return { id, lines: lines(n), input: n.op === 'input' }
    }),
    edges: chain.factors.map((f) => ({
      from: f.from,
      to: f.to,
      label: formatNumber(f.derivative),
      shared: shared.has(f),
    })),
  }
}

/** Edges as a drawing lists them: by result, last first, and each result's operands first to last, so that Graphviz and Mermaid place operands left to right. */
const drawOrder = <E extends { from: number; to: number }>(edges: readonly E[]): E[] =>
  [...edges].sort((a, b) => b.from - a.from || a.to - b.to)

const dotString = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`

/**
 * The trace as Graphviz DOT: nodes labelled with name or op, value and
 * adjoint, inputs as boxes, edges from result to operand labelled with the
 * local partial (`dot -Tsvg` draws it).
 * @example
 * ```ts
 * const t = reverse.trace((m, [a, b]) => m.pow(m.sub(a, b), 2), [2, 0], { names: ['a', 'b'] })
 * traceToDot(t).split('\n')[4] // => '  n3 [label="pow(·, 2)\\nvalue 4\\nadjoint 1"];'
 * ```
 */
export function traceToDot(trace: GradientTrace, options?: TraceDrawOptions): string {
  const d = drawing('traceToDot', trace, options)
  const out = [
    'digraph gradient {',
    '  rankdir=TB;',
    '  node [shape=ellipse, fontname="Helvetica"];',
    '  edge [fontname="Helvetica", fontsize=10];',
  ]
  for (const n of [...d.nodes].sort((a, b) => b.id - a.id)) {
    const shape = n.input ? ', shape=box' : ''
    out.push(`  n${n.id} [label=${dotString(n.lines.join('\n')).replace(/\n/g, '\\n')}${shape}];`)
  }
  for (const e of drawOrder(d.edges)) {
    const style = e.shared ? ', color="#d62728", penwidth=2.5, fontcolor="#d62728"' : ''
    out.push(`  n${e.from} -> n${e.to} [label=${dotString(e.label)}${style}];`)
  }
  out.push('}')
  return `${out.join('\n')}\n`
}

/** Text inside a Mermaid label: its entity codes for the characters Mermaid would read as markup. */
const mermaidString = (s: string) =>
  s.replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;').replace(/\n/g, ' ')

/**
 * The trace as a Mermaid flowchart (top to bottom), with the same labels as
 * {@link traceToDot}; GitHub renders it in a ```mermaid block.
 * @example
 * ```ts
 * const t = reverse.trace((m, [a, b]) => m.pow(m.sub(a, b), 2), [2, 0], { names: ['a', 'b'] })
 * traceToMermaid(t).split('\n')[5] // => '  n3 -- "4" --> n2'
 * ```
 */
export function traceToMermaid(trace: GradientTrace, options?: TraceDrawOptions): string {
  const d = drawing('traceToMermaid', trace, options)
  const out = ['flowchart TB']
  for (const n of [...d.nodes].sort((a, b) => b.id - a.id)) {
    const text = n.lines.map(mermaidString).join('<br/>')
    out.push(n.input ? `  n${n.id}["${text}"]` : `  n${n.id}("${text}")`)
  }
  drawOrder(d.edges).forEach((e, k) => {
    out.push(`  n${e.from} -- "${mermaidString(e.label)}" --> n${e.to}`)
    if (e.shared) out.push(`  linkStyle ${k} stroke:#d62728,stroke-width:3px`)
  })
  return `${out.join('\n')}\n`
}

/**
 * The trace as JSON: the {@link GradientTrace}'s fields, the gradient as an
 * array of numbers (non-finite numbers, which JSON cannot hold, as the
 * strings "NaN", "Infinity" and "-Infinity").
 * @example
 * ```ts
 * const t = reverse.trace((m, [a]) => m.log(a), [0])
 * JSON.parse(traceToJSON(t)).gradient // => [ 'Infinity' ]
 * ```
 */
export function traceToJSON(trace: GradientTrace, space?: number): string {
  return JSON.stringify(
    { ...trace, gradient: Array.from(trace.gradient) },
    (_key, v) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v),
    space,
  )
}

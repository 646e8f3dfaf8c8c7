import { isGradlabError } from '../core/errors.js'
import { forward } from '../forward/index.js'
import { numeric } from '../numeric/index.js'
import { reverse } from '../reverse/index.js'
import type { GradientTrace, TraceNode } from '../reverse/trace.js'
import { formatNumber } from '../trace/text.js'
import { evaluator, parseExpression, variablesOf } from './parse.js'

/*
 * `gradlab explain "<expression>" --at a=2,b=0`: the forward pass and the
 * backward pass of one gradient as tables, the gradient by all three
 * strategies side by side, and the trace drawn as SVG. Everything it prints
 * comes from reverse.trace and the strategies' own methods.
 */

export const USAGE = `usage: gradlab explain "<expression>" --at name=value,... [--svg FILE | --no-svg]

  The expression uses numbers, names, + - * / ^ (or **), parentheses and
  gradlab's ops as functions: sin(a), tanh(w * x + b), pow(a, b), max(a, b).
  --at gives every name a value (several --at add up). The trace is drawn
  to explain.svg, or FILE (drawing needs the package @viz-js/viz).

  example: gradlab explain "(a - b)^2" --at a=2,b=0`

/** Where the command writes: lines of output and of errors, and files. */
export interface ExplainIO {
  out(line: string): void
  err(line: string): void
  writeFile(path: string, text: string): void
}

interface Parsed {
  readonly expression: string
  /** The values --at gave, in order; empty when there was no --at. */
  readonly at: ReadonlyMap<string, number>
  readonly svg: string | null
}

class UsageError extends Error {}

function parseArguments(args: readonly string[]): Parsed {
  const [command, ...rest] = args
  if (command !== 'explain') {
    throw new UsageError(
      command === undefined ? 'no command given' : `unknown command '${command}'`,
    )
  }
  let expression: string | undefined
  const atTexts: string[] = []
  let svg: string | null = 'explain.svg'
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i] as string
    if (arg === '--at') {
      const text = rest[++i]
      if (text === undefined) throw new UsageError('--at needs name=value pairs')
      atTexts.push(text)
    } else if (arg.startsWith('--at=')) atTexts.push(arg.slice(5))
    else if (arg === '--svg') {
      const file = rest[++i]
      if (file === undefined) throw new UsageError('--svg needs a file name')
      svg = file
    } else if (arg === '--no-svg') svg = null
    else if (arg.startsWith('--')) throw new UsageError(`unknown option '${arg}'`)
    else if (expression === undefined) expression = arg
    else throw new UsageError(`one expression only, but '${arg}' follows '${expression}'`)
  }
  if (expression === undefined) throw new UsageError('no expression given')
  const at = new Map<string, number>()
  // Several --at add up: --at a=1 --at b=2 is --at a=1,b=2.
  for (const pair of atTexts.flatMap((text) => text.split(','))) {
    const m = /^\s*([A-Za-z_]\w*)\s*=\s*(\S+)\s*$/.exec(pair)
    const value = m === null ? Number.NaN : Number(m[2])
    if (m === null || m[2] === undefined || Number.isNaN(value)) {
      throw new UsageError(`--at: '${pair}' is not name=number`)
    }
    if (at.has(m[1] as string)) throw new UsageError(`--at gives ${m[1]} twice`)
    at.set(m[1] as string, value)
  }
  return { expression, at, svg }
}

/** Rows as text columns, each padded to its widest cell. */
function columns(rows: readonly (readonly string[])[]): string[] {
  const widths = (rows[0] ?? []).map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)))
  return rows.map((r) =>
    `  ${r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c] ?? 0))).join('  ')}`.trimEnd(),
  )
}

const label = (node: TraceNode) => node.name ?? node.op

function forwardTable(t: GradientTrace): string[] {
  const rows = [['node', 'op', 'operands', 'value', 'expression']]
  for (const node of t.nodes) {
    const operands = node.inputs.map((i) => ('node' in i ? `n${i.node}` : formatNumber(i.constant)))
    rows.push([`n${node.id}`, node.op, operands.join(', '), String(node.value), label(node)])
  }
  return columns(rows)
}

function backwardTable(t: GradientTrace): string[] {
  const rows = [['edge', 'local partial', 'x adjoint of from', '= added to adjoint of to']]
  for (const e of t.edges) {
    const from = t.nodes[e.from] as TraceNode
    rows.push([
      `n${e.from} -> n${e.to}`,
      e.partial === null ? 'vjp' : String(e.partial),
      String(from.adjoint),
      e.partial === null ? '' : String(e.partial * from.adjoint),
    ])
  }
  return columns(rows)
}

/** Runs the command with arguments `args` (after the program's name); resolves with the exit code. */
export async function runExplain(args: readonly string[], io: ExplainIO): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    io.out(USAGE)
    return 0
  }
  let parsed: Parsed
  try {
    parsed = parseArguments(args)
  } catch (error) {
    if (!(error instanceof UsageError)) throw error
    io.err(`gradlab: ${error.message}\n\n${USAGE}`)
    return 2
  }
  try {
    const tree = parseExpression(parsed.expression)
    const used = variablesOf(tree)
    const missing = used.filter((v) => !parsed.at.has(v))
    if (missing.length > 0) {
      io.err(
        `gradlab explain: ${missing.join(', ')} ${missing.length === 1 ? 'has' : 'have'} no value; give ${missing.length === 1 ? 'it' : 'them'} with --at (for example --at ${missing.map((v) => `${v}=1`).join(',')}).`,
      )
      return 2
    }
    const unused = [...parsed.at.keys()].filter((v) => !used.includes(v))
    if (unused.length > 0) {
      io.err(
        `gradlab explain: note: ${unused.join(', ')} ${unused.length === 1 ? 'is' : 'are'} not in the expression, so ${unused.length === 1 ? 'its derivative is' : 'their derivatives are'} 0.`,
      )
    }
    const variables = [...parsed.at.keys()]
    const x = variables.map((v) => parsed.at.get(v) as number)
    const f = evaluator(tree, parsed.expression, variables)
    const t = reverse.trace(f, x, { names: variables })
    const point = variables.map((v, i) => `${v} = ${x[i]}`).join(', ')
    io.out(
      `f(${variables.join(', ')}) = ${parsed.expression}${point === '' ? ' (no variables: a constant, whose gradient is empty)' : ` at ${point}`}`,
    )
    io.out('')
    io.out('forward pass: each op once, inputs first')
    for (const line of forwardTable(t)) io.out(line)
    io.out('')
    io.out('backward pass: from the output (adjoint 1), last op first')
    for (const line of backwardTable(t)) io.out(line)
    io.out('')
    const strategies = [
      ['forward mode', forward.gradient(f, x)],
      ['reverse mode', reverse.gradient(f, x)],
      ['finite differences', numeric.gradient(f, x)],
    ] as const
    io.out(`gradient: f = ${t.value}`)
    for (const line of columns([
      ['', ...strategies.map(([name]) => name)],
      ...variables.map((v, i) => [`d/d${v}`, ...strategies.map(([, g]) => String(g[i] as number))]),
    ])) {
      io.out(line)
    }
    if (parsed.svg !== null) {
      io.out('')
      let svg: string
      try {
        const { traceToSvg } = await import('../draw/index.js')
        svg = await traceToSvg(t)
      } catch (error) {
        if (!isGradlabError(error, 'ERR_GRADLAB_MISSING_DEPENDENCY')) throw error
        io.err('no SVG drawn: drawing needs the package @viz-js/viz (npm install @viz-js/viz)')
        return 0
      }
      try {
        io.writeFile(parsed.svg, svg)
      } catch (error) {
        io.err(
          `gradlab explain: could not write the SVG to ${parsed.svg}: ${error instanceof Error ? error.message : String(error)}`,
        )
        return 1
      }
      io.out(`wrote the trace as SVG to ${parsed.svg}`)
    }
    return 0
  } catch (error) {
    if (!isGradlabError(error)) throw error
    io.err(`gradlab ${error.message.replace(/^explain: /, 'explain: ')}`)
    return 1
  }
}

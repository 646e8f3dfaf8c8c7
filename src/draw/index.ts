import { gradlabError } from '../core/errors.js'
import type { GradientTrace } from '../reverse/trace.js'
import { type TraceDrawOptions, traceToDot } from '../trace/text.js'

/*
 * gradlab/draw: a trace as an SVG picture, laid out by Graphviz's dot (the
 * layered layout it is named for, with edge labels placed by the layout),
 * compiled to WebAssembly by @viz-js/viz. It is the one part of gradlab with
 * a dependency, so it has an entry point of its own and the dependency is an
 * optional peer: `import 'gradlab'` never loads it.
 */

type Viz = { renderString(src: string, options: { format: 'svg' }): string }

let viz: Promise<Viz> | null = null

/** Graphviz, loaded once. */
function graphviz(): Promise<Viz> {
  viz ??= import('@viz-js/viz').then(
    (module) => module.instance(),
    (error: unknown) => {
      viz = null
      throw gradlabError(
        Error,
        'ERR_GRADLAB_MISSING_DEPENDENCY',
        `traceToSvg: gradlab/draw lays out its pictures with Graphviz from the package @viz-js/viz, which could not be loaded (${error instanceof Error ? error.message : String(error)}). Install it: npm install @viz-js/viz`,
      )
    },
  )
  return viz
}

/**
 * The trace as an SVG picture (a string of SVG markup), drawn from
 * {@link traceToDot}'s graph: nodes with name or op, value and adjoint;
 * edges from each result to its operands with the local partial; with
 * `named: true` the chain rule over named values, and with `shared` the
 * factors those inputs share highlighted. Needs the optional peer
 * dependency @viz-js/viz.
 * @example
 * ```ts
 * import { reverse } from 'gradlab'
 * import { traceToSvg } from 'gradlab/draw'
 *
 * const t = reverse.trace((m, [a, b]) => m.pow(m.sub(a, b), 2), [2, 0], { names: ['a', 'b'] })
 * const svg = await traceToSvg(t)
 * svg.startsWith('<svg') // => true
 * ```
 */
export async function traceToSvg(
  trace: GradientTrace,
  options?: TraceDrawOptions,
): Promise<string> {
  const dot = traceToDot(trace, options)
  const svg = (await graphviz()).renderString(dot, { format: 'svg' })
  // Graphviz writes an XML prolog and a DOCTYPE: left out, the SVG can be inlined in HTML.
  return svg.slice(svg.indexOf('<svg'))
}

export type { TraceDrawOptions } from '../trace/text.js'

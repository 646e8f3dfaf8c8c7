import type { Measured } from './quote.js'
import type { Finding } from './schema.js'

/*
 * The report's opening: what was measured, in a sentence, and the findings
 * a reader should take away first. Both pages (HTML and Markdown) use it,
 * with the same sections in the same order.
 */

/** The report's sections in reading order: id (the HTML anchor) and title. */
export const SECTIONS = [
  { id: 'summary', title: 'Summary' },
  { id: 'the-backward-pass', title: 'The backward pass' },
  { id: 'performance-targets', title: 'Performance targets' },
  { id: 'findings', title: 'All findings' },
  { id: 'charts', title: 'Charts' },
  { id: 'tables', title: 'Tables' },
  { id: 'how-this-was-measured', title: 'How this was measured' },
] as const

/** The findings the summary leads with: the first of each of these topics, in this order. */
const KEY_TOPICS = ['gradient', 'counts', 'hessian', 'peers'] as const

export function summary(
  r: Measured,
  findings: readonly Finding[],
): {
  readonly measured: string
  readonly key: readonly string[]
} {
  const targets = r.targets ?? []
  const met = targets.filter((t) => t.verdict === 'met').length
  const key = KEY_TOPICS.flatMap((topic) => {
    const f = findings.find((g) => g.topic === topic)
    return f === undefined ? [] : [f.text]
  })
  if (targets.length > 0) {
    key.push(
      `${met} of ${targets.length} performance targets were met, measured against the function in plain JavaScript and its gradient written by hand (see Performance targets).`,
    )
  }
  const measured = `gradlab computes derivatives three ways behind one interface: forward mode (dual numbers), reverse mode (a tape and backpropagation) and finite differences. This report times their gradients on three functions (Ackley, Rosenbrock and a one-hidden-layer tanh network) as the number of inputs n grows, their Jacobians as outputs and inputs grow, and their Hessians and Hessian-vector products; counts their ops and the memory reverse mode keeps; measures the accuracy of finite differences; compares reverse mode with hand-written backpropagation and TensorFlow.js; and checks performance targets against plain JavaScript. ${r.meta.mode === 'full' ? 'Full run' : `${r.meta.mode[0]?.toUpperCase()}${r.meta.mode.slice(1)} run (small sizes)`} of ${r.meta.date.slice(0, 16).replace('T', ' ')} UTC, Node ${r.meta.node}, ${r.meta.cpu}.`
  return { measured, key }
}

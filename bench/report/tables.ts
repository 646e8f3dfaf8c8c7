import { METHOD_LABEL, SECOND_ORDER_HOW } from '../run/methods.js'
import { TARGET_TITLE, TARGET_WORKLOADS } from '../targets/plan.js'
import { type ScalarWorkloadName, scalarWorkloads } from '../workloads/index.js'
import { bytes, formatAgainst, formatValue, seconds } from './format.js'
import type { Measured } from './quote.js'
import type { Method, TimedCase, Timing } from './schema.js'

/** A table of the report, rendered both as HTML and as Markdown. */
export interface Table {
  readonly title: string
  readonly header: readonly string[]
  readonly rows: readonly (readonly string[])[]
}

function cell(c: TimedCase | undefined): string {
  if (c === undefined) return '—'
  if (c.status === 'measured' && c.timing !== null) {
    return `${seconds(c.timing.median)} (${seconds(c.timing.p25)}–${seconds(c.timing.p75)})`
  }
  return c.status === 'skipped' ? 'not run' : 'FAILED'
}

function timingTable(
  r: Measured,
  title: string,
  suite: string,
  workload: string,
  key: 'n' | 'm',
): Table {
  const cases = r.timings.filter((c) => c.suite === suite && c.workload === workload)
  const methods = [...new Set(cases.map((c) => c.method))] as Method[]
  const rows = [...new Set(cases.map((c) => `${c.n}x${c.m}`))].map((id) => {
    const [n, m] = id.split('x').map(Number)
    const at = (method: Method) => cases.find((c) => c.method === method && c.n === n && c.m === m)
    const size =
      key === 'n'
        ? [formatValue('count', n ?? 0)]
        : [formatValue('count', n ?? 0), formatValue('count', m ?? 0)]
    return [...size, ...methods.map((method) => cell(at(method)))]
  })
  const sizeHeader = key === 'n' ? ['n'] : ['n', 'm']
  return { title, header: [...sizeHeader, ...methods.map((m) => METHOD_LABEL[m])], rows }
}

/**
 * Each method's Hessian-vector product in units of one gradient: its median
 * over reverse mode's median gradient at the same n (the 'gradient' suite,
 * another process), the cheapest gradient and the cost a second-order method
 * is measured in.
 */
function hvpPerGradientTable(r: Measured): Table {
  const timed = (suite: string, method: Method, n: number) =>
    r.timings.find(
      (c) =>
        c.suite === suite &&
        c.workload === 'network' &&
        c.method === method &&
        c.n === n &&
        c.status === 'measured',
    )?.timing?.median
  const hvps = r.timings.filter((c) => c.suite === 'hvp' && c.workload === 'network')
  const methods = [...new Set(hvps.map((c) => c.method))]
  const rows = [...new Set(hvps.map((c) => c.n))].map((n) => [
    formatValue('count', n),
    ...methods.map((method) => {
      const hvp = timed('hvp', method, n)
      const gradient = timed('gradient', 'reverse', n)
      return hvp === undefined || gradient === undefined
        ? '—'
        : formatValue('ratio', hvp / gradient)
    }),
  ])
  return {
    title: `Hessian-vector product / reverse mode's gradient at the same n, ${scalarWorkloads.network.title} (median over median)`,
    header: ['n', ...methods.map((m) => METHOD_LABEL[m])],
    rows,
  }
}

/** Reasons for every case not run or failed, so that each says why. */
function notRunTable(r: Measured): Table {
  const rows = r.timings
    .filter((c) => c.status !== 'measured')
    .map((c) => [
      c.suite,
      c.workload,
      METHOD_LABEL[c.method],
      formatValue('count', c.n),
      formatValue('count', c.m),
      c.reason ?? c.status,
    ])
  return {
    title: 'Cases not run or failed, with the reason',
    header: ['suite', 'workload', 'method', 'n', 'm', 'reason'],
    rows,
  }
}

/** Every performance target: measured value, spread over the rounds, target and verdict. */
function targetTable(r: Measured): Table {
  return {
    title: 'Performance targets: measured, spread, target and verdict',
    header: ['group', 'target', 'measured', 'spread', 'goal', 'verdict', 'how'],
    rows: (r.targets ?? []).map((t) => [
      t.group,
      t.title,
      t.measured === null
        ? (t.reason ?? 'not measured')
        : formatAgainst(t.unit, t.measured, t.target),
      t.low === null || t.high === null
        ? '—'
        : `${formatValue(t.unit, t.low)}–${formatValue(t.unit, t.high)}`,
      `${t.comparison} ${formatValue(t.unit, t.target)}`,
      t.verdict,
      t.formula,
    ]),
  }
}

/**
 * The target cases timed in several rounds, each round's process on its
 * own (a target's ratio pairs them round by round), and the largest over
 * the smallest. Absent when every case ran in one round.
 */
export function processTable(r: Measured): Table | null {
  return roundTable(
    r,
    "Performance targets: the median of each round's process, and the largest over the smallest",
    (t) => t.processes,
    seconds,
  )
}

/** A row per target case with a value per round, and the largest over the smallest. */
function roundTable(
  r: Measured,
  title: string,
  perRound: (t: Timing) => readonly number[] | undefined,
  format: (v: number) => string,
): Table | null {
  const values = (c: TimedCase) => (c.timing === null ? [] : (perRound(c.timing) ?? []))
  const cases = r.timings.filter((c) => c.suite === 'target' && values(c).length > 1)
  if (cases.length === 0) return null
  const rounds = Math.max(...cases.map((c) => values(c).length))
  return {
    title,
    header: [
      'workload',
      'method',
      'n',
      ...Array.from({ length: rounds }, (_, i) => `round ${i + 1}`),
      'largest / smallest',
    ],
    rows: cases.map((c) => {
      const vs = values(c)
      return [
        TARGET_TITLE[c.workload as keyof typeof TARGET_TITLE] ?? c.workload,
        METHOD_LABEL[c.method],
        formatValue('count', c.n),
        ...Array.from({ length: rounds }, (_, i) => {
          const v = vs[i]
          return v === undefined ? '—' : format(v)
        }),
        formatValue('ratio', Math.max(...vs) / Math.min(...vs)),
      ]
    }),
  }
}

export function tables(r: Measured): Table[] {
  const out: Table[] = [targetTable(r)]
  for (const workload of TARGET_WORKLOADS) {
    out.push(
      timingTable(
        r,
        `Performance targets, ${TARGET_TITLE[workload]}: median (quartiles) per call`,
        'target',
        workload,
        'n',
      ),
    )
  }
  const perRound = processTable(r)
  if (perRound !== null) out.push(perRound)
  for (const workload of Object.keys(scalarWorkloads) as ScalarWorkloadName[]) {
    const w = scalarWorkloads[workload]
    out.push(
      timingTable(
        r,
        `Gradient, ${w.title} (${w.description}): median (quartiles) per call`,
        'gradient',
        workload,
        'n',
      ),
    )
  }
  out.push(
    timingTable(
      r,
      'Jacobian of the trajectory, m grows: median (quartiles)',
      'jacobian',
      'trajectory, m grows',
      'm',
    ),
  )
  out.push(
    timingTable(
      r,
      'Jacobian of the trajectory, n grows: median (quartiles)',
      'jacobian',
      'trajectory, n grows',
      'm',
    ),
  )
  const network = scalarWorkloads.network
  out.push(
    timingTable(
      r,
      `Hessian, ${network.title} (${network.description}): median (quartiles) per call`,
      'hessian',
      'network',
      'n',
    ),
  )
  out.push(
    timingTable(
      r,
      `Hessian-vector product along a fixed direction, ${network.title}: median (quartiles) per call`,
      'hvp',
      'network',
      'n',
    ),
  )
  out.push(hvpPerGradientTable(r))
  out.push({
    title: 'Op counts: ops per gradient / ops per plain evaluation',
    header: ['workload', 'n', 'strategy', 'plain ops', 'gradient ops', 'tape edges', 'ratio'],
    rows: r.counts.map((c) => [
      scalarWorkloads[c.workload as ScalarWorkloadName].title,
      formatValue('count', c.n),
      METHOD_LABEL[c.strategy],
      formatValue('count', c.plainOps),
      formatValue('count', c.ops),
      c.edges === null ? '—' : formatValue('count', c.edges),
      formatValue('ratio', c.ratio),
    ]),
  })
  out.push({
    title: 'Op counts: ops per Hessian / ops per plain evaluation',
    header: ['workload', 'n', 'strategy', 'how', 'plain ops', 'Hessian ops', 'ratio', 'ratio / n'],
    rows: r.hessianCounts.map((c) => [
      scalarWorkloads[c.workload as ScalarWorkloadName].title,
      formatValue('count', c.n),
      METHOD_LABEL[c.strategy],
      SECOND_ORDER_HOW.hessian[c.strategy],
      formatValue('count', c.plainOps),
      formatValue('count', c.ops),
      formatValue('ratio', c.ratio),
      formatValue('ratio', c.ratio / c.n),
    ]),
  })
  out.push({
    title: 'Memory on the network, one fresh process per row',
    header: [
      'n',
      'strategy',
      'measured',
      'live at end of f',
      'tape bytes',
      'tape nodes',
      'tape edges',
      'RSS before',
      'peak RSS',
    ],
    rows: r.memory.map((c) => [
      formatValue('count', c.n),
      METHOD_LABEL[c.method],
      c.scope ?? '—',
      c.liveBytes === null ? (c.reason ?? 'not run') : bytes(c.liveBytes),
      c.tape === null ? '—' : bytes(c.tape.bytes),
      c.tape === null ? '—' : formatValue('count', c.tape.nodes),
      c.tape === null ? '—' : formatValue('count', c.tape.edges),
      c.baselineRssBytes === null ? '—' : bytes(c.baselineRssBytes),
      c.peakRssBytes === null ? '—' : bytes(c.peakRssBytes),
    ]),
  })
  out.push({
    title: 'Reverse mode checked against hand-written backpropagation (network)',
    header: ['n', 'relative error', 'tolerance'],
    rows: r.oracle.map((o) => [
      formatValue('count', o.n),
      formatValue('error', o.error),
      o.tolerance.toExponential(0),
    ]),
  })
  out.push(notRunTable(r))
  return out
}

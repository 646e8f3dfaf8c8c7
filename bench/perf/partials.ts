/*
 * What a change to the op table's partials costs on the hot paths: reverse
 * gradients (dynamic and compiled) of the tanh network, of Ackley, of a
 * logistic (sigmoid) model and of a polar one (atan2, hypot, pow), timed in
 * two checkouts of gradlab, e.g. one before and one after the change:
 *
 *   npx tsx bench/perf/partials.ts --before /tmp/gradlab-before --after /tmp/gradlab-after [--pairs 5]
 *
 * Each case runs in a fresh Node process per checkout, the two alternating
 * (which goes first alternates too), `pairs` times; a line gives each side's
 * median and the median of the per-pair ratios after / before. Both
 * checkouts need this file at bench/perf/partials.ts.
 *
 *   npx tsx bench/perf/partials.ts --case network-4     (one case, in this checkout)
 */
import { execFileSync } from 'node:child_process'
import { type Ops, reverse, type ScalarFn } from '../../src/index.js'
import { uniformArray } from '../random.js'
import { ackley } from '../workloads/ackley.js'
import { networkData, networkLoss } from '../workloads/network.js'
import { argument, fmt, median, timePerCall } from './measure.js'

/** sum_b (s(w . x_b) - y_b)^2 over 256 examples of 64 features, preactivations spread over about +-4. */
function logistic(): { f: ScalarFn; x: Float64Array } {
  const features = 64
  const examples = Array.from({ length: 256 }, (_, b) =>
    Array.from(uniformArray(100 + b, features)),
  )
  const targets = Array.from(uniformArray(7, 256)).map((t) => (t > 0 ? 1 : 0))
  const f = <T>(m: Ops<T>, w: readonly T[]): T =>
    m.sum(examples.map((xb, b) => m.square(m.sub(m.sigmoid(m.dot(w, xb)), targets[b] as number))))
  return { f: f as ScalarFn, x: uniformArray(3, features, 1.2) }
}

/** sum_i atan2(x_i, y_i) + hypot(x_i, y_i) + (x_i^2 + 1)^0.3 over 1,000 pairs. */
function polar(): { f: ScalarFn; x: Float64Array } {
  const f = <T>(m: Ops<T>, p: readonly T[]): T => {
    const terms: T[] = []
    for (let i = 0; i + 1 < p.length; i += 2) {
      const [x, y] = [p[i] as T, p[i + 1] as T]
      terms.push(m.atan2(x, y), m.hypot(x, y), m.pow(m.add(m.square(x), 1), 0.3))
    }
    return m.sum(terms)
  }
  return { f: f as ScalarFn, x: uniformArray(5, 2000, 3) }
}

const network = (hidden: number, inputs?: number, batch?: number) => {
  const data = networkData(hidden, inputs, batch)
  return { f: networkLoss(data), x: data.parameters }
}

const workloads: Record<string, () => { f: ScalarFn; x: Float64Array }> = {
  'network-4': () => network(256),
  'network-64': () => network(256, 64, 64),
  ackley: () => ({ f: ackley, x: uniformArray(1, 2000, 2) }),
  logistic,
  polar,
}

/** Cases: each workload's dynamic gradient, and the compiled one where it is a hot path. */
const cases = [
  ...Object.keys(workloads).map((w) => `${w}`),
  'network-4 compiled',
  'network-64 compiled',
  'ackley compiled',
]

function runCase(name: string): number {
  const [workload = '', mode] = name.split(' ')
  const make = workloads[workload]
  if (make === undefined)
    throw new Error(
      `partials: no workload ${workload}; one of ${Object.keys(workloads).join(', ')}`,
    )
  const { f, x } = make()
  if (mode === 'compiled') {
    const g = reverse.compile(f, x)
    return timePerCall(() => g.gradient(x), 1000, 2000)
  }
  return timePerCall(() => reverse.gradient(f, x), 1000, 2000)
}

function timeIn(tree: string, name: string): number {
  const out = execFileSync('npx', ['tsx', `${tree}/bench/perf/partials.ts`, '--case', name], {
    cwd: tree,
    encoding: 'utf8',
  })
  return Number(out.trim())
}

const single = argument('case', '')
if (single !== '') {
  process.stdout.write(`${runCase(single)}\n`)
} else {
  const before = argument('before', '')
  const after = argument('after', '')
  const pairs = Number(argument('pairs', '5'))
  if (before === '' || after === '')
    throw new Error('partials: give --before <checkout> and --after <checkout>.')
  for (const name of cases) {
    const b: number[] = []
    const a: number[] = []
    for (let i = 0; i < pairs; i++) {
      if (i % 2 === 0) {
        b.push(timeIn(before, name))
        a.push(timeIn(after, name))
      } else {
        a.push(timeIn(after, name))
        b.push(timeIn(before, name))
      }
    }
    const ratios = a.map((t, i) => t / (b[i] as number))
    const spread = `${Math.min(...ratios).toFixed(3)}..${Math.max(...ratios).toFixed(3)}`
    console.log(
      `${name.padEnd(20)} before ${fmt(median(b)).padStart(9)}  after ${fmt(median(a)).padStart(9)}  after/before ${median(ratios).toFixed(3)} (${spread})`,
    )
  }
}

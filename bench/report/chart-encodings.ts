import { METHOD_LABEL } from '../run/methods.js'
import { type ScalarWorkloadName, scalarWorkloads } from '../workloads/index.js'
import type { Measured } from './quote.js'
import type { Method } from './schema.js'

/* Encodings shared by the report's charts: scales, one color per method, and the timing layers. */

export const log = { type: 'log' as const }
export const seconds = { title: 'seconds per call (median)', format: '.0e' }

/** One color per method in every chart; each chart's legend lists only its own methods. */
export const PALETTE: Readonly<Record<Method, string>> = {
  reverse: '#d62728',
  forward: '#1f77b4',
  numeric: '#2ca02c',
  handwritten: '#7f7f7f',
  'tfjs-cpu': '#ff7f0e',
  'tfjs-wasm': '#9467bd',
  plain: '#17becf',
  native: '#bcbd22',
  compiled: '#8c564b',
  interpreter: '#e377c2',
  compile: '#393b79',
}
export const STRATEGIES: readonly Method[] = ['reverse', 'forward', 'numeric']
export const PEERS: readonly Method[] = ['reverse', 'handwritten', 'tfjs-cpu', 'tfjs-wasm']

export const colorOf = (methods: readonly Method[]) => ({
  field: 'method',
  type: 'nominal' as const,
  title: 'method',
  scale: { domain: methods.map((m) => METHOD_LABEL[m]), range: methods.map((m) => PALETTE[m]) },
  legend: { labelLimit: 300 },
})
export const methodColor = colorOf(STRATEGIES)
export const WIDTH = 260
export const HEIGHT = 200

export function timingRows(r: Measured, suite: string) {
  return r.timings
    .filter((c) => c.suite === suite && c.status === 'measured' && c.timing !== null)
    .map((c) => ({
      workload:
        c.suite === 'jacobian' || c.suite === 'target'
          ? c.workload
          : scalarWorkloads[c.workload as ScalarWorkloadName].title,
      method: METHOD_LABEL[c.method],
      n: c.n,
      m: c.m,
      inputs: `n = ${c.n}`,
      median: c.timing?.median,
      p25: c.timing?.p25,
      p75: c.timing?.p75,
    }))
}

/** Lines of the median with a rule from the first to the third quartile; `dash` tells series apart. */
export function timeLayers(x: string, dash: string | null = null, color = methodColor) {
  const strokeDash =
    dash === null
      ? {}
      : {
          strokeDash: {
            field: dash,
            type: 'nominal' as const,
            title: 'inputs',
            legend: null,
          },
        }
  return [
    {
      mark: { type: 'line' as const, point: true },
      encoding: {
        x: { field: x, type: 'quantitative' as const, scale: log },
        y: {
          field: 'median',
          type: 'quantitative' as const,
          scale: log,
          axis: seconds,
          title: seconds.title,
        },
        color,
        ...strokeDash,
      },
    },
    {
      mark: { type: 'rule' as const },
      encoding: {
        x: { field: x, type: 'quantitative' as const },
        y: { field: 'p25', type: 'quantitative' as const },
        y2: { field: 'p75' },
        color,
      },
    },
  ]
}

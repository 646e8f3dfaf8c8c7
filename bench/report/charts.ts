import * as vega from 'vega'
import { compile, type TopLevelSpec } from 'vega-lite'
import { METHOD_LABEL } from '../run/methods.js'
import { type ScalarWorkloadName, scalarWorkloads } from '../workloads/index.js'
import {
  colorOf,
  HEIGHT,
  log,
  methodColor,
  PEERS,
  timeLayers,
  timingRows,
  WIDTH,
} from './chart-encodings.js'
import { targetChart } from './chart-targets.js'
import type { Measured } from './quote.js'
import type { Strategy } from './schema.js'

/*
 * The report's charts: vega-lite specifications compiled and rendered to
 * SVG at build time, so the report needs no script and no network to show
 * them. Only measured cases are drawn.
 */

export interface Chart {
  readonly name: string
  readonly title: string
  readonly svg: string
}

/** Op counts per workload against n, one line per strategy (log-log). */
function countSpec(
  rows: readonly {
    readonly workload: string
    readonly strategy: Strategy
    readonly n: number
    readonly ratio: number
  }[],
  title: string,
): TopLevelSpec {
  return {
    data: {
      values: rows.map((c) => ({
        n: c.n,
        ratio: c.ratio,
        workload: scalarWorkloads[c.workload as ScalarWorkloadName].title,
        method: METHOD_LABEL[c.strategy],
      })),
    },
    facet: { field: 'workload', type: 'nominal', title: null },
    spec: {
      width: WIDTH,
      height: HEIGHT,
      mark: { type: 'line', point: true },
      encoding: {
        x: { field: 'n', type: 'quantitative', scale: log },
        y: { field: 'ratio', type: 'quantitative', scale: log, title },
        color: methodColor,
      },
    },
  } as TopLevelSpec
}

function specs(r: Measured): Record<string, [string, TopLevelSpec]> {
  const acc = r.accuracy[0]
  return {
    targets: [
      `Performance targets that are ratios (${(r.targets ?? []).filter((t) => t.unit === 'ratio' && t.measured !== null).length} of ${(r.targets ?? []).length}; the others, in milliseconds, bytes, errors and counts, are in the sentences above): measured ratio (dot; rule: spread over the rounds) vs target (black tick), log scale. An 'at most' target is met left of its tick, a 'more than' target right of it`,
      targetChart(r),
    ],
    gradient: [
      'Gradient time vs n (log-log; rules span the quartiles)',
      {
        data: {
          values: timingRows(r, 'gradient').filter(
            (d) => !d.method.includes('Tensor') && !d.method.includes('hand'),
          ),
        },
        facet: { field: 'workload', type: 'nominal', title: null },
        spec: { width: WIDTH, height: HEIGHT, layer: timeLayers('n') },
        resolve: { scale: { y: 'independent' } },
      } as TopLevelSpec,
    ],
    counts: [
      'Cost of one gradient in plain evaluations (op counts)',
      countSpec(r.counts, 'ops per gradient / ops per evaluation'),
    ],
    jacobian: [
      'Jacobian time: m grows with n = 1 (solid) and n = 4 (dashed), left; m fixed and n grows, right',
      {
        hconcat: [
          {
            width: WIDTH,
            height: HEIGHT,
            data: {
              values: timingRows(r, 'jacobian').filter((d) => d.workload.endsWith('m grows')),
            },
            layer: timeLayers('m', 'inputs'),
          },
          {
            width: WIDTH,
            height: HEIGHT,
            data: {
              values: timingRows(r, 'jacobian').filter((d) => d.workload.endsWith('n grows')),
            },
            layer: timeLayers('n'),
          },
        ],
      } as TopLevelSpec,
    ],
    hessian: [
      'Second derivatives of the tanh network: Hessian time vs n, left; Hessian-vector product time vs n, right (log-log; rules span the quartiles)',
      {
        hconcat: (['hessian', 'hvp'] as const).map((suite) => ({
          title: suite === 'hessian' ? 'hessian(f, x)' : 'hvp(f, x, v)',
          width: WIDTH,
          height: HEIGHT,
          data: { values: timingRows(r, suite) },
          layer: timeLayers('n'),
        })),
      } as TopLevelSpec,
    ],
    'hessian-counts': [
      'Cost of one Hessian in plain evaluations (op counts): reverse mode is forward over reverse, forward mode forward over forward, finite differences second differences',
      countSpec(r.hessianCounts, 'ops per Hessian / ops per evaluation'),
    ],
    memory: [
      'Memory vs n on the network: bytes live at the end of f (solid) and reverse tape bytes (dashed), left; peak resident set of each fresh process, right',
      {
        hconcat: [
          {
            width: WIDTH,
            height: HEIGHT,
            data: {
              values: r.memory.flatMap((c) => [
                ...(c.tape === null
                  ? []
                  : [
                      {
                        n: c.n,
                        mib: c.tape.bytes / 2 ** 20,
                        method: METHOD_LABEL.reverse,
                        what: 'tape bytes',
                      },
                    ]),
                ...(c.liveBytes === null
                  ? []
                  : [
                      {
                        n: c.n,
                        mib: c.liveBytes / 2 ** 20,
                        method: METHOD_LABEL[c.method],
                        what: 'live at end of f',
                      },
                    ]),
              ]),
            },
            mark: { type: 'line', point: true },
            encoding: {
              x: { field: 'n', type: 'quantitative', scale: log },
              y: { field: 'mib', type: 'quantitative', title: 'MiB' },
              color: methodColor,
              strokeDash: {
                field: 'what',
                type: 'nominal',
                title: null,
                legend: null,
              },
            },
          },
          {
            width: WIDTH,
            height: HEIGHT,
            data: {
              values: r.memory.flatMap((c) =>
                c.peakRssBytes === null
                  ? []
                  : [{ n: c.n, mib: c.peakRssBytes / 2 ** 20, method: METHOD_LABEL[c.method] }],
              ),
            },
            mark: { type: 'line', point: true },
            encoding: {
              x: { field: 'n', type: 'quantitative', scale: log },
              y: {
                field: 'mib',
                type: 'quantitative',
                title: 'peak RSS, MiB (mostly Node itself)',
              },
              color: methodColor,
            },
          },
        ],
      } as TopLevelSpec,
    ],
    accuracy: [
      'Finite-difference error vs step h; dashed: gradlab default steps',
      {
        width: WIDTH * 2,
        height: HEIGHT,
        layer: [
          {
            data: {
              values: (acc?.points ?? []).map((p) => ({ ...p, error: Math.max(p.error, 1e-17) })),
            },
            mark: { type: 'line', point: true },
            encoding: {
              x: { field: 'step', type: 'quantitative', scale: log, title: 'step h' },
              y: {
                field: 'error',
                type: 'quantitative',
                scale: log,
                title: 'relative error (floored at 1e-17)',
              },
              color: { field: 'scheme', type: 'nominal' },
            },
          },
          {
            data: {
              values:
                acc === undefined
                  ? []
                  : [
                      { scheme: 'central', step: acc.defaultSteps.central },
                      { scheme: 'forward', step: acc.defaultSteps.forward },
                    ],
            },
            mark: { type: 'rule', strokeDash: [4, 4] },
            encoding: {
              x: { field: 'step', type: 'quantitative' },
              color: { field: 'scheme', type: 'nominal' },
            },
          },
        ],
      } as TopLevelSpec,
    ],
    peers: [
      'Network gradient: gradlab vs hand-written backprop vs TensorFlow.js',
      {
        width: WIDTH * 2,
        height: HEIGHT,
        data: {
          values: timingRows(r, 'gradient').filter(
            (d) =>
              d.workload === 'tanh network' &&
              d.method !== METHOD_LABEL.forward &&
              d.method !== METHOD_LABEL.numeric,
          ),
        },
        layer: timeLayers('n', null, colorOf(PEERS)),
      } as TopLevelSpec,
    ],
  }
}

export async function renderCharts(r: Measured): Promise<Chart[]> {
  const out: Chart[] = []
  for (const [name, [title, spec]] of Object.entries(specs(r))) {
    const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' })
    out.push({ name, title, svg: await view.toSVG() })
    view.finalize()
  }
  return out
}

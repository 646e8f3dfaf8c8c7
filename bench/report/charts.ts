import * as vega from 'vega'
import { compile, type TopLevelSpec } from 'vega-lite'
import { METHOD_LABEL } from '../run/methods.js'
import type { ScalarWorkloadName } from '../workloads/index.js'
import { scalarWorkloads } from '../workloads/index.js'
import type { Measured } from './quote.js'

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

const log = { type: 'log' as const }
const WIDTH = 260
const HEIGHT = 200

function timingRows(r: Measured, suite: string) {
  return r.timings
    .filter((c) => c.suite === suite && c.status === 'measured' && c.timing !== null)
    .map((c) => ({
      workload:
        c.suite === 'gradient'
          ? scalarWorkloads[c.workload as ScalarWorkloadName].title
          : c.workload,
      method: METHOD_LABEL[c.method],
      n: c.n,
      m: c.m,
      series: `${METHOD_LABEL[c.method]}, n = ${c.n}`,
      median: c.timing?.median,
      p25: c.timing?.p25,
      p75: c.timing?.p75,
    }))
}

/** Lines of the median with a rule from the first to the third quartile. */
function timeLayers(x: string, color: string) {
  return [
    {
      mark: { type: 'line' as const, point: true },
      encoding: {
        x: { field: x, type: 'quantitative' as const, scale: log },
        y: {
          field: 'median',
          type: 'quantitative' as const,
          scale: log,
          title: 'seconds per call (median)',
        },
        color: { field: color, type: 'nominal' as const },
      },
    },
    {
      mark: { type: 'rule' as const },
      encoding: {
        x: { field: x, type: 'quantitative' as const },
        y: { field: 'p25', type: 'quantitative' as const },
        y2: { field: 'p75' },
        color: { field: color, type: 'nominal' as const },
      },
    },
  ]
}

function specs(r: Measured): Record<string, [string, TopLevelSpec]> {
  const acc = r.accuracy[0]
  return {
    gradient: [
      'Gradient time vs n (log-log; rules span the quartiles)',
      {
        data: {
          values: timingRows(r, 'gradient').filter(
            (d) => !d.method.includes('Tensor') && !d.method.includes('hand'),
          ),
        },
        facet: { field: 'workload', type: 'nominal', title: null },
        spec: { width: WIDTH, height: HEIGHT, layer: timeLayers('n', 'method') },
        resolve: { scale: { y: 'independent' } },
      } as TopLevelSpec,
    ],
    counts: [
      'Cost of one gradient in plain evaluations (op counts)',
      {
        data: {
          values: r.counts.map((c) => ({
            ...c,
            workload: scalarWorkloads[c.workload as ScalarWorkloadName].title,
            strategy: METHOD_LABEL[c.strategy],
          })),
        },
        facet: { field: 'workload', type: 'nominal', title: null },
        spec: {
          width: WIDTH,
          height: HEIGHT,
          mark: { type: 'line', point: true },
          encoding: {
            x: { field: 'n', type: 'quantitative', scale: log },
            y: {
              field: 'ratio',
              type: 'quantitative',
              scale: log,
              title: 'ops per gradient / ops per evaluation',
            },
            color: { field: 'strategy', type: 'nominal' },
          },
        },
      } as TopLevelSpec,
    ],
    jacobian: [
      'Jacobian time: m grows with n = 1 and 4 (left), m fixed and n grows (right)',
      {
        hconcat: [
          {
            width: WIDTH,
            height: HEIGHT,
            data: {
              values: timingRows(r, 'jacobian').filter((d) => d.workload.endsWith('m grows')),
            },
            layer: timeLayers('m', 'series'),
          },
          {
            width: WIDTH,
            height: HEIGHT,
            data: {
              values: timingRows(r, 'jacobian').filter((d) => d.workload.endsWith('n grows')),
            },
            layer: timeLayers('n', 'method'),
          },
        ],
      } as TopLevelSpec,
    ],
    memory: [
      'Memory vs n on the network: reverse tape bytes, and bytes live at the end of f',
      {
        width: WIDTH * 2,
        height: HEIGHT,
        data: {
          values: r.memory.flatMap((c) => [
            ...(c.tape === null ? [] : [{ n: c.n, bytes: c.tape.bytes, what: 'reverse tape' }]),
            ...(c.liveBytes === null
              ? []
              : [
                  {
                    n: c.n,
                    bytes: c.liveBytes,
                    what: `${METHOD_LABEL[c.method]}: live at end of f`,
                  },
                ]),
          ]),
        },
        mark: { type: 'line', point: true },
        encoding: {
          x: { field: 'n', type: 'quantitative', scale: log },
          y: {
            field: 'bytes',
            type: 'quantitative',
            scale: { type: 'symlog', constant: 65536 },
            title: 'bytes (symlog)',
          },
          color: { field: 'what', type: 'nominal' },
        },
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
        layer: timeLayers('n', 'method'),
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

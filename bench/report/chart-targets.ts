import type { TopLevelSpec } from 'vega-lite'
import { log, WIDTH } from './chart-encodings.js'
import type { Measured } from './quote.js'

/*
 * The timed targets on one log axis: each measured ratio (a dot coloured by
 * the verdict, with a rule over its spread) and its target (a black tick).
 * Targets in other units (seconds, bytes, errors, counts) are in the
 * report's table and sentences.
 */
/** A target's title as an axis label: without the loop's description, the batch and n, which the table gives. */
export function shortTitle(title: string): string {
  return title
    .replace(/ \(a for loop accumulating with m\.add\)/, '')
    .replace(/, batch \d+/, '')
    .replace(/, n = [\d,]+$/, '')
}

export function targetChart(r: Measured): TopLevelSpec {
  const rows = (r.targets ?? [])
    .filter((t) => t.unit === 'ratio' && t.measured !== null)
    .map((t) => ({
      target: `${shortTitle(t.title)}: ${t.comparison} ${t.target}x`,
      measured: t.measured,
      low: t.low,
      high: t.high,
      goal: t.target,
      verdict: t.verdict,
    }))
  const y = {
    field: 'target',
    type: 'nominal' as const,
    title: null,
    sort: null,
    axis: { labelLimit: 1000 },
  }
  const x = { type: 'quantitative' as const, scale: log }
  return {
    width: WIDTH * 2,
    data: { values: rows },
    layer: [
      {
        mark: { type: 'rule' },
        encoding: {
          y,
          x: { ...x, field: 'low', title: 'ratio (log scale)' },
          x2: { field: 'high' },
        },
      },
      {
        mark: { type: 'tick', color: 'black', thickness: 2 },
        encoding: { y, x: { ...x, field: 'goal' } },
      },
      {
        mark: { type: 'point', filled: true, size: 60 },
        encoding: {
          y,
          x: { ...x, field: 'measured' },
          color: {
            field: 'verdict',
            type: 'nominal',
            scale: { domain: ['met', 'not met'], range: ['#2ca02c', '#d62728'] },
          },
        },
      },
    ],
  } as TopLevelSpec
}

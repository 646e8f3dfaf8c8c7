import type { Method, TargetCase, TargetPair, TimedCase } from '../report/schema.js'
import type { TargetWorkload } from './plan.js'

/*
 * How a target is judged from the measurements. A timed ratio is the
 * quotient of two medians, each from its own process; its spread runs from
 * the quotient of the first quartile of the numerator and the third of the
 * denominator to the reverse (the two processes' samples are not paired).
 * A target whose cases were not all measured is 'not measured', with the
 * reason, never dropped.
 */

export type Verdict = Pick<TargetCase, 'measured' | 'low' | 'high' | 'verdict' | 'reason' | 'pairs'>
export type Spec = Omit<TargetCase, keyof Verdict>

export const judge = (
  spec: Pick<Spec, 'comparison' | 'target'>,
  measured: number,
  low: number | null,
  high: number | null,
) => ({
  measured,
  low,
  high,
  verdict: (spec.comparison === 'at most' ? measured <= spec.target : measured > spec.target)
    ? ('met' as const)
    : ('not met' as const),
  reason: null,
})

export const notMeasured = (reason: string, pairs: TargetPair[] = []): Verdict => ({
  measured: null,
  low: null,
  high: null,
  verdict: 'not measured',
  reason,
  pairs,
})

/** Ratios of timed cases, looked up among the results' timings. */
export function timedRatios(timings: readonly TimedCase[]) {
  const find = (workload: TargetWorkload, method: Method, n: number) =>
    timings.findIndex(
      (c) => c.suite === 'target' && c.workload === workload && c.method === method && c.n === n,
    )
  const timing = (i: number) => timings[i]?.timing ?? null
  const pair = (
    n: number,
    num: [TargetWorkload, Method],
    den: [TargetWorkload, Method],
    scale = 1,
  ): TargetPair => ({ n, numerator: find(...num, n), denominator: find(...den, n), scale })
  const missing = (p: TargetPair) => {
    for (const i of [p.numerator, p.denominator]) {
      const c = timings[i]
      if (c === undefined) return 'a case it needs was not run'
      if (timing(i) === null) return `${c.workload} ${c.method} n = ${c.n}: ${c.reason ?? c.status}`
    }
    return null
  }
  const value = (p: TargetPair, q: 'median' | 'p25' | 'p75', r: 'median' | 'p25' | 'p75') =>
    (timing(p.numerator)?.[q] as number) / (p.scale * (timing(p.denominator)?.[r] as number))

  const ratio = (spec: Spec, p: TargetPair): TargetCase => {
    const why = missing(p)
    if (why !== null) return { ...spec, ...notMeasured(why, [p]) }
    return {
      ...spec,
      ...judge(spec, value(p, 'median', 'median'), value(p, 'p25', 'p75'), value(p, 'p75', 'p25')),
      pairs: [p],
    }
  }
  const flat = (spec: Spec, pairs: TargetPair[]): TargetCase => {
    const why = pairs.map(missing).find((w) => w !== null)
    if (why !== undefined) return { ...spec, ...notMeasured(why, pairs) }
    const ratios = pairs.map((p) => value(p, 'median', 'median'))
    const center = middle(ratios)
    const deviations = ratios.map((r) => r / center - 1)
    const deviation = Math.max(...deviations.map(Math.abs))
    return {
      ...spec,
      ...judge(spec, deviation, Math.min(...deviations), Math.max(...deviations)),
      pairs,
    }
  }
  return { pair, ratio, flat }
}

/** The median of a few numbers. */
function middle(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  const k = (s.length - 1) / 2
  return ((s[Math.floor(k)] as number) + (s[Math.ceil(k)] as number)) / 2
}

import { METHOD_LABEL, SECOND_ORDER_HOW } from '../run/methods.js'
import { SCALAR_WORKLOADS, scalarWorkloads } from '../workloads/index.js'
import { count, measured, median, versus } from './findings-common.js'
import { type Measured, Sentence } from './quote.js'
import type { Finding, Strategy, TimedCase } from './schema.js'

/* Sentences about second derivatives of the network: Hessians, and Hessian-vector products against gradients. */

export function hessianFindings(r: Measured): Finding[] {
  return [...hessianTimes(r), ...hvpPerGradient(r), ...hessianCounts(r)]
}

/**
 * Op counts of one Hessian per workload: the three strategies at the largest
 * n all were counted at, and forward over reverse's count per input at its
 * smallest and largest n, flat where a Hessian is n products of constant cost.
 */
function hessianCounts(r: Measured): Finding[] {
  const out: Finding[] = []
  for (const workload of SCALAR_WORKLOADS) {
    const rows = r.hessianCounts
      .map((c, i) => [c, i] as const)
      .filter(([c]) => c.workload === workload)
    const at = (strategy: Strategy, n: number) =>
      rows.find(([c]) => c.strategy === strategy && c.n === n)?.[1]
    const rev = rows.filter(([c]) => c.strategy === 'reverse')
    const shared = rev
      .filter(([c]) => at('forward', c.n) !== undefined && at('numeric', c.n) !== undefined)
      .pop()
    const lo = rev[0]
    const hi = rev[rev.length - 1]
    if (shared === undefined || lo === undefined || hi === undefined || hi[0].n <= lo[0].n) continue
    const s = new Sentence(r)
    const path = (i: number | undefined, key: string) => `hessianCounts.${i}.${key}`
    const [c, ri] = shared
    const text = `${scalarWorkloads[workload].title}: one Hessian cost ${s.number('ratio', path(ri, 'ratio'))} plain evaluations by reverse mode (${SECOND_ORDER_HOW.hessian.reverse}) at n = ${s.number('count', path(ri, 'n'))}, ${s.number('ratio', path(at('forward', c.n), 'ratio'))} by forward mode (${SECOND_ORDER_HOW.hessian.forward}) and ${s.number('ratio', path(at('numeric', c.n), 'ratio'))} by finite differences (${SECOND_ORDER_HOW.hessian.numeric}); per input, reverse mode's cost was ${s.number('ratio', path(lo[1], 'ratio'), path(lo[1], 'n'))} at n = ${s.number('count', path(lo[1], 'n'))} and ${s.number('ratio', path(hi[1], 'ratio'), path(hi[1], 'n'))} at n = ${s.number('count', path(hi[1], 'n'))} (n Hessian-vector products of a constant cost), where the other two grow like n^2`
    out.push(s.finding('hessian', `${text}.`))
  }
  return out
}

/** The Hessian at the largest n every strategy reached, and how far reverse mode went on. */
function hessianTimes(r: Measured): Finding[] {
  const title = scalarWorkloads.network.title
  const rev = measured(r, 'hessian', 'network', 'reverse')
  const fwd = measured(r, 'hessian', 'network', 'forward')
  const num = measured(r, 'hessian', 'network', 'numeric')
  const at = (list: [TimedCase, number][], n: number) => list.find(([c]) => c.n === n)?.[1]
  const shared = rev.filter(([c]) => at(fwd, c.n) !== undefined && at(num, c.n) !== undefined).pop()
  if (shared === undefined) return []
  const [c, ri] = shared
  const fi = at(fwd, c.n) as number
  const ni = at(num, c.n) as number
  const s = new Sentence(r)
  let text = `${title}: at n = ${s.number('count', `timings.${ri}.n`)}, the largest size every method reached, reverse mode (${SECOND_ORDER_HOW.hessian.reverse}) took ${s.number('seconds', median(ri))} per Hessian, forward mode (${SECOND_ORDER_HOW.hessian.forward}) ${s.number('seconds', median(fi))} (${versus(r, s, fi, ri)}) and finite differences (${SECOND_ORDER_HOW.hessian.numeric}) ${s.number('seconds', median(ni))} (${versus(r, s, ni, ri)})`
  const last = rev[rev.length - 1] as [TimedCase, number]
  if (last[0].n > c.n) {
    text += `; reverse mode went on to n = ${s.number('count', `timings.${last[1]}.n`)}, in ${s.number('seconds', median(last[1]))}`
  }
  const notRun = (['forward', 'numeric'] as const).flatMap((method) => {
    const c = r.timings.find(
      (d) => d.suite === 'hessian' && d.method === method && d.status === 'skipped',
    )
    const verb = method === 'numeric' ? 'were' : 'was'
    return c === undefined
      ? []
      : [`${METHOD_LABEL[method]} ${verb} not run from n = ${count(c.n)} on`]
  })
  if (notRun.length > 0) {
    text += `; ${notRun.join(' and ')} (over the time budget per call; the reasons are in the table of cases not run)`
  }
  return [s.finding('hessian', `${text}.`)]
}

/**
 * Each strategy's Hessian-vector product over reverse mode's gradient at the
 * same n (the 'gradient' suite), at the smallest and largest n where both
 * were measured: a small constant for reverse mode, growing with n for the others.
 */
function hvpPerGradient(r: Measured): Finding[] {
  const title = scalarWorkloads.network.title
  const gradients = measured(r, 'gradient', 'network', 'reverse')
  const ends = (method: Strategy) => {
    const pairs = measured(r, 'hvp', 'network', method).flatMap(([c, hi]) => {
      const gi = gradients.find(([d]) => d.n === c.n)?.[1]
      return gi === undefined ? [] : [[hi, gi] as const]
    })
    const first = pairs[0]
    const last = pairs[pairs.length - 1]
    const n = (k: number) => r.timings[k]?.n ?? 0
    return first === undefined || last === undefined || n(last[0]) <= n(first[0])
      ? null
      : { first, last }
  }
  const out: Finding[] = []
  const rev = ends('reverse')
  if (rev !== null) {
    const s = new Sentence(r)
    const part = ([hi, gi]: readonly [number, number], what: string) =>
      `${s.number('ratio', median(hi), median(gi))}${what} at n = ${s.number('count', `timings.${hi}.n`)} (${s.number('seconds', median(hi))} against ${s.number('seconds', median(gi))})`
    const text = `${title}: reverse mode's Hessian-vector product (${SECOND_ORDER_HOW.hvp.reverse}) took ${part(rev.first, ' the time of its gradient')} and ${part(rev.last, '')}, while n grew ${s.number('ratio', `timings.${rev.last[0]}.n`, `timings.${rev.first[0]}.n`)}`
    out.push(s.finding('hessian', `${text}.`))
  }
  const others = (['forward', 'numeric'] as const).flatMap((method) => {
    const e = ends(method)
    return e === null ? [] : [{ method, ...e }]
  })
  if (others.length > 0) {
    const s = new Sentence(r)
    const parts = others.map(
      ({ method, first, last }) =>
        `for ${METHOD_LABEL[method]} (${SECOND_ORDER_HOW.hvp[method]}), ${s.number('ratio', median(first[0]), median(first[1]))} at n = ${s.number('count', `timings.${first[0]}.n`)} and ${s.number('ratio', median(last[0]), median(last[1]))} at n = ${s.number('count', `timings.${last[0]}.n`)}`,
    )
    const text = `${title}: a Hessian-vector product's time over reverse mode's gradient's at the same n was, ${parts.join(', and ')}`
    out.push(s.finding('hessian', `${text}.`))
  }
  return out
}

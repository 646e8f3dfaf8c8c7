import { METHOD_LABEL } from '../run/methods.js'
import { SCALAR_WORKLOADS, scalarWorkloads } from '../workloads/index.js'
import { count, measured, median, versus } from './findings-common.js'
import { type Measured, Sentence } from './quote.js'
import type { Finding, Method, TimedCase } from './schema.js'

/* Sentences about time: gradients as n grows, Jacobians, and the peers. */

export function gradientFindings(r: Measured): Finding[] {
  const out: Finding[] = []
  for (const workload of SCALAR_WORKLOADS) {
    const title = scalarWorkloads[workload].title
    const rev = measured(r, 'gradient', workload, 'reverse')
    const fwd = measured(r, 'gradient', workload, 'forward')
    const num = measured(r, 'gradient', workload, 'numeric')
    const shared = fwd.filter(([c]) => rev.some(([d]) => d.n === c.n)).pop()
    if (shared !== undefined) {
      const [c, fi] = shared
      const ri = (rev.find(([d]) => d.n === c.n) as [TimedCase, number])[1]
      const s = new Sentence(r)
      let text = `${title}: at n = ${s.number('count', `timings.${fi}.n`)}, reverse mode took ${s.number('seconds', median(ri))} per gradient and forward mode ${s.number('seconds', median(fi))} (${versus(r, s, fi, ri)})`
      const ni = num.find(([d]) => d.n === c.n)?.[1]
      if (ni !== undefined) {
        text += `; finite differences took ${s.number('seconds', median(ni))} (${versus(r, s, ni, ri)})`
      }
      out.push(s.finding('gradient', `${text}.`))
    }
    const first = rev[0]
    const last = rev[rev.length - 1]
    if (first !== undefined && last !== undefined && last[0].n > first[0].n) {
      const s = new Sentence(r)
      const grew = s.number('ratio', median(last[1]), median(first[1]))
      let text = `${title}: from n = ${s.number('count', `timings.${first[1]}.n`)} to n = ${s.number('count', `timings.${last[1]}.n`)} (${s.number('ratio', `timings.${last[1]}.n`, `timings.${first[1]}.n`)} the parameters), reverse mode's time per gradient grew ${grew}, to ${s.number('seconds', median(last[1]))}`
      const notRun = r.timings.find(
        (c) =>
          c.suite === 'gradient' &&
          c.workload === workload &&
          c.method === 'forward' &&
          c.status === 'skipped',
      )
      if (notRun !== undefined)
        text += `; forward mode was not run from n = ${count(notRun.n)} on (${(notRun.reason ?? '').replace(/^not run: /, '')})`
      out.push(s.finding('gradient', `${text}.`))
    }
  }
  return out
}

export function jacobianFindings(r: Measured): Finding[] {
  const out: Finding[] = []
  const outputs = 'trajectory, m grows'
  const fwd = measured(r, 'jacobian', outputs, 'forward')
  const rev = measured(r, 'jacobian', outputs, 'reverse')
  const both = fwd.filter(([c]) => rev.some(([d]) => d.n === c.n && d.m === c.m))
  const widest = both.reduce<[TimedCase, number] | undefined>(
    (best, x) =>
      best === undefined || x[0].m > best[0].m || (x[0].m === best[0].m && x[0].n < best[0].n)
        ? x
        : best,
    undefined,
  )
  if (widest !== undefined) {
    const [c, fi] = widest
    const ri = (rev.find(([d]) => d.n === c.n && d.m === c.m) as [TimedCase, number])[1]
    const s = new Sentence(r)
    const faster = r.timings[fi]?.timing?.median ?? 0
    const slower = r.timings[ri]?.timing?.median ?? 0
    const verdict =
      faster < slower
        ? `forward mode was ${s.number('ratio', median(ri), median(fi))} faster`
        : `reverse mode was ${s.number('ratio', median(fi), median(ri))} faster`
    out.push(
      s.finding(
        'jacobian',
        `Jacobian with n = ${s.number('count', `timings.${fi}.n`)} input${c.n === 1 ? '' : 's'} and m = ${s.number('count', `timings.${fi}.m`)} outputs: forward mode took ${s.number('seconds', median(fi))} and reverse mode ${s.number('seconds', median(ri))}; ${verdict}.`,
      ),
    )
  }
  const inputs = 'trajectory, n grows'
  const f2 = measured(r, 'jacobian', inputs, 'forward')
  const r2 = measured(r, 'jacobian', inputs, 'reverse')
  const pairs = f2
    .map(([c, fi]) => [c, fi, r2.find(([d]) => d.n === c.n)?.[1]] as const)
    .filter((p): p is readonly [TimedCase, number, number] => p[2] !== undefined)
  if (pairs.length > 0) {
    const t = (i: number) => r.timings[i]?.timing?.median ?? 0
    const forwardWins = pairs.filter(([, fi, ri]) => t(fi) < t(ri))
    const reverseWins = pairs.filter(([, fi, ri]) => t(fi) >= t(ri))
    const s = new Sentence(r)
    const lastF = forwardWins[forwardWins.length - 1]
    const firstR = reverseWins[0]
    const [lastPair, fiLast, riLast] = pairs[pairs.length - 1] as readonly [
      TimedCase,
      number,
      number,
    ]
    const atLast = () =>
      `at n = ${s.number('count', `timings.${fiLast}.n`)}, forward mode ${s.number('seconds', median(fiLast))} and reverse mode ${s.number('seconds', median(riLast))}`
    let text: string
    if (lastF !== undefined && firstR !== undefined && firstR[0].n > lastF[0].n) {
      text = `Crossover with m = ${s.number('count', `timings.${lastF[1]}.m`)} outputs: forward mode was faster up to n = ${s.number('count', `timings.${lastF[1]}.n`)} (${s.number('seconds', median(lastF[1]))} vs ${s.number('seconds', median(lastF[2]))} for reverse mode) and reverse mode from n = ${s.number('count', `timings.${firstR[1]}.n`)} on (${s.number('seconds', median(firstR[2]))} vs ${s.number('seconds', median(firstR[1]))} for forward mode)`
    } else if (reverseWins.length === 0) {
      text = `With m = ${count(lastPair.m)} outputs, forward mode was faster at every n measured with both (${atLast()}): no crossover was observed`
    } else if (forwardWins.length === 0) {
      text = `With m = ${count(lastPair.m)} outputs, reverse mode was faster at every n measured with both (${atLast()}): no crossover was observed`
    } else {
      text = `With m = ${count(lastPair.m)} outputs, the faster mode alternated between sizes (${atLast()}): no clean crossover was observed`
    }
    out.push(s.finding('jacobian', `${text}.`))
  }
  return out
}

export function peerFindings(r: Measured): Finding[] {
  const methods: Method[] = ['reverse', 'handwritten', 'tfjs-cpu', 'tfjs-wasm']
  const series = methods.map((m) => measured(r, 'gradient', 'network', m))
  const common = (series[0] ?? [])
    .map(([c]) => c.n)
    .filter((n) => series.every((list) => list.some(([c]) => c.n === n)))
  const n = common[common.length - 1]
  if (n === undefined) return []
  const at = (k: number) => {
    const found = series[k]?.find(([c]) => c.n === n)
    if (found === undefined)
      throw new Error(`peerFindings: no measured case for ${methods[k]} at n = ${n}.`)
    return found[1]
  }
  const s = new Sentence(r)
  const parts = methods.slice(1).map((m, k) => {
    const i = at(k + 1)
    return `${METHOD_LABEL[m]} ${s.number('seconds', median(i))} (${versus(r, s, i, at(0))})`
  })
  return [
    s.finding(
      'peers',
      `On the network at n = ${s.number('count', `timings.${at(0)}.n`)}, gradlab's reverse mode took ${s.number('seconds', median(at(0)))} per gradient; ${parts.join(', ')}.`,
    ),
  ]
}

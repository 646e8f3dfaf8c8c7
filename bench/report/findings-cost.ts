import { METHOD_LABEL } from '../run/methods.js'
import { SCALAR_WORKLOADS, scalarWorkloads } from '../workloads/index.js'
import { type Measured, Sentence } from './quote.js'
import type { Finding } from './schema.js'

/* Sentences about cost that does not depend on the clock: op counts, memory, finite-difference error. */

export function countFindings(r: Measured): Finding[] {
  const out: Finding[] = []
  for (const workload of SCALAR_WORKLOADS) {
    const rows = r.counts.map((c, i) => [c, i] as const).filter(([c]) => c.workload === workload)
    const rev = rows.filter(([c]) => c.strategy === 'reverse')
    const fwd = rows.filter(([c]) => c.strategy === 'forward').pop()
    const num = rows.filter(([c]) => c.strategy === 'numeric').pop()
    const lo = rev[0]
    const hi = rev[rev.length - 1]
    if (lo === undefined || hi === undefined) continue
    const s = new Sentence(r)
    let text = `${scalarWorkloads[workload].title}: one reverse gradient cost ${s.number('ratio', `counts.${lo[1]}.ratio`)} plain evaluations at n = ${s.number('count', `counts.${lo[1]}.n`)} and ${s.number('ratio', `counts.${hi[1]}.ratio`)} at n = ${s.number('count', `counts.${hi[1]}.n`)} (recording plus one multiply-add per tape edge)`
    if (fwd !== undefined) {
      text += `; forward mode cost ${s.number('ratio', `counts.${fwd[1]}.ratio`)} at n = ${s.number('count', `counts.${fwd[1]}.n`)}`
    }
    if (num !== undefined) {
      text += ` and finite differences ${s.number('ratio', `counts.${num[1]}.ratio`)} at n = ${s.number('count', `counts.${num[1]}.n`)}`
    }
    out.push(s.finding('counts', `${text}.`))
  }
  return out
}

export function memoryFindings(r: Measured): Finding[] {
  const rows = r.memory.map((c, i) => [c, i] as const).filter(([c]) => c.status === 'measured')
  const rev = rows.filter(([c]) => c.method === 'reverse').pop()
  if (rev === undefined || rev[0].tape === null) return []
  const s = new Sentence(r)
  const i = rev[1]
  let text = `At n = ${s.number('count', `memory.${i}.n`)} the reverse tape held ${s.number('bytes', `memory.${i}.tape.bytes`)} (${s.number('count', `memory.${i}.tape.nodes`)} nodes, ${s.number('count', `memory.${i}.tape.edges`)} edges)`
  if (rev[0].liveBytes !== null) {
    text += `, and ${s.number('bytes', `memory.${i}.liveBytes`)} were live at the end of the function's evaluation`
  }
  const others = (['forward', 'numeric'] as const).flatMap((method) => {
    const same = rows.find(([c]) => c.method === method && c.n === rev[0].n)
    if (same === undefined) return []
    // A live size the measure cannot resolve has a reason instead of a number (see run/memory.ts).
    return same[0].liveBytes === null
      ? [`${METHOD_LABEL[method]} too little for the measure to resolve`]
      : [`${METHOD_LABEL[method]} ${s.number('bytes', `memory.${same[1]}.liveBytes`)}`]
  })
  if (others.length > 0) {
    text += `; at the same n, ${others.join(' and ')} (measured during their first evaluation, which every later one repeats)`
  }
  return [s.finding('memory', `${text}.`)]
}

export function accuracyFindings(r: Measured): Finding[] {
  return r.accuracy.flatMap((a, k) => {
    const s = new Sentence(r)
    const best = (scheme: 'forward' | 'central') => {
      let at = -1
      a.points.forEach((p, i) => {
        if (p.scheme === scheme && (at < 0 || p.error < (a.points[at]?.error ?? 0))) at = i
      })
      return at
    }
    const c = best('central')
    const f = best('forward')
    const text = `Finite differences of ${a.function} at x = ${a.x}: central differences were most accurate at h = ${s.number('step', `accuracy.${k}.points.${c}.step`)} (error ${s.number('error', `accuracy.${k}.points.${c}.error`)}) and forward differences at h = ${s.number('step', `accuracy.${k}.points.${f}.step`)} (error ${s.number('error', `accuracy.${k}.points.${f}.error`)}); gradlab's default steps gave ${s.number('error', `accuracy.${k}.defaultErrors.central`)} (central, h = ${s.number('step', `accuracy.${k}.defaultSteps.central`)}) and ${s.number('error', `accuracy.${k}.defaultErrors.forward`)} (forward, h = ${s.number('step', `accuracy.${k}.defaultSteps.forward`)}).`
    return [s.finding('accuracy', text)]
  })
}

/*
 * Chunked forward mode against the plain function:
 *   ratio = time(forward.gradient) / (n * time(one plain evaluation)),
 * the cost of a gradient per input in units of one evaluation of f.
 *
 *   npx tsx bench/perf/forward-chunk.ts [--fn ackley|coupled] [--n 2000] [--rounds 5] [--chunks auto,1,4,12]
 *
 * Every measurement runs in its own process: a generic function called with
 * several kinds of ops in one process gets polymorphic call sites, which slows
 * every kind. Runs alternate (plain, each chunk size, plain, ...) so that load
 * from other work on the machine falls on all of them alike, and each line
 * reports the median over rounds of each process's median time per call.
 */
import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { countingOps, forward, type Ops, plain, type ScalarFn } from '../../src/index.js'
import { argument, fmt, median, timePerCall } from './measure.js'

/** Ackley's function: exp, sqrt and one cos per coordinate, with a dot and a sum over all inputs. */
const ackley: ScalarFn = <T>(m: Ops<T>, x: readonly T[]): T => {
  const n = x.length
  const radius = m.sqrt(m.div(m.dot(x, x), n))
  const waves = m.div(m.sum(x.map((xi) => m.cos(m.mul(2 * Math.PI, xi)))), n)
  const bowl = m.mul(-20, m.exp(m.mul(-0.2, radius)))
  return m.add(m.sub(bowl, m.exp(waves)), 20 + Math.E)
}

/** Every term depends on every input, so every tangent of a pass is non-zero: the dense case. */
const coupled: ScalarFn = <T>(m: Ops<T>, x: readonly T[]): T => {
  const s = m.div(m.sum(x), x.length)
  return m.sum(x.map((xi) => m.tanh(m.mul(xi, s))))
}

const functions: Record<string, ScalarFn> = { ackley, coupled }

/** A fixed, reproducible point in [-2, 2]^n. */
function point(n: number): Float64Array {
  return Float64Array.from({ length: n }, (_, i) => 2 * Math.sin(1.7 * i + 0.3))
}

/** One measurement in this process: `plain` or a chunk size (`auto` for the default). */
function worker(kind: string, f: ScalarFn, x: Float64Array): number {
  const xs = Array.from(x)
  if (kind === 'plain') {
    let sink = 0
    const seconds = timePerCall(
      () => {
        sink += f(plain, xs) as number
      },
      500,
      1500,
    )
    if (Number.isNaN(sink)) throw new Error('plain evaluation gave NaN')
    return seconds
  }
  const options = kind === 'auto' ? undefined : { chunkSize: Number(kind) }
  const call = () => forward.gradient(f, x, options)
  return timePerCall(call, 1000, 3000)
}

/**
 * Passes a gradient takes, from op counts (deterministic, so this can run in
 * the driver process, which times nothing).
 */
function passes(kind: string, f: ScalarFn, x: Float64Array): number {
  const once = { ops: 0 }
  f(countingOps(plain, once), Array.from(x))
  const all = { ops: 0 }
  const options = kind === 'auto' ? undefined : { chunkSize: Number(kind) }
  forward.gradient((m, xs) => f(countingOps(m, all), xs), x, options)
  return all.ops / once.ops
}

function main(): void {
  const fn = argument('fn', 'ackley')
  const f = functions[fn]
  if (f === undefined) throw new Error(`--fn must be one of ${Object.keys(functions).join(', ')}`)
  const n = Number(argument('n', '2000'))
  const x = point(n)
  const workerKind = argument('worker', '')
  if (workerKind !== '') {
    process.stdout.write(`${worker(workerKind, f, x)}\n`)
    return
  }
  const rounds = Number(argument('rounds', '5'))
  const kinds = ['plain', ...argument('chunks', 'auto').split(',')]
  const script = fileURLToPath(import.meta.url)
  const times = new Map<string, number[]>(kinds.map((k) => [k, []]))
  for (let r = 0; r < rounds; r++) {
    for (const kind of kinds) {
      const out = execFileSync(
        process.execPath,
        [...process.execArgv, script, '--fn', fn, '--n', String(n), '--worker', kind],
        { encoding: 'utf8' },
      )
      times.get(kind)?.push(Number(out))
    }
  }
  const plainTimes = times.get('plain') ?? []
  const plainMedian = median(plainTimes)
  const spread = (ts: number[]) => `${fmt(Math.min(...ts))}..${fmt(Math.max(...ts))}`
  console.log(`${fn}, n = ${n}, ${rounds} rounds; times are medians of per-process medians`)
  console.log(`plain         ${fmt(plainMedian)} per evaluation (${spread(plainTimes)})`)
  for (const kind of kinds.slice(1)) {
    const ts = times.get(kind) ?? []
    const ratios = ts.map((t, i) => t / (n * (plainTimes[i] as number)))
    console.log(
      `chunk ${kind.padEnd(6)}  ${fmt(median(ts))} per gradient (${spread(ts)}, ${passes(kind, f, x)} passes); ` +
        `ratio to n x plain ${(median(ts) / (n * plainMedian)).toFixed(2)} ` +
        `(paired rounds ${Math.min(...ratios).toFixed(2)}..${Math.max(...ratios).toFixed(2)})`,
    )
  }
}

main()

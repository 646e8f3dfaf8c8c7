/*
 * A compiled gradient against the baselines a user has without gradlab: the
 * function in plain JavaScript arithmetic (native f) and a gradient written
 * by hand. Each workload is written as a user writes it (a for loop
 * accumulating with m.add; the network with scalar ops or with dot).
 *
 *   npx tsx bench/perf/compiled.ts [--rounds 5] [--n 2000]
 *
 * Method: each side (native f, hand-written gradient, reverse.gradient, the
 * compiled interpreter, the compiled generated code) is timed in its own
 * fresh process, the sides alternating within each round; a ratio is the
 * median over rounds of that round's ratio. With --side and --workload it
 * times one side and prints seconds per call (the child's job).
 */
import { execFileSync } from 'node:child_process'
import { rmSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { buildSync } from 'esbuild'
import { type Ops, reverse, type ScalarFn } from '../../src/index.js'
import { handwrittenGradient, handwrittenLoss } from '../peers/handwritten.js'
import {
  ackleyHand,
  ackleyLoop,
  ackleyNative,
  rosenbrockHand,
  rosenbrockLoop,
  rosenbrockNative,
} from '../workloads/loops.js'
import type { NetworkData } from '../workloads/network.js'
import { argument, fmt, median, timePerCall } from './measure.js'

const n = Number(argument('n', '2000'))

function point(size: number, seed: number): Float64Array {
  return Float64Array.from({ length: size }, (_, i) => Math.sin(seed * (i + 1) * 1.618) * 1.5)
}
/* A 16-64-1 tanh network, squared error summed over a batch of 32. */
const IN = 16
const HIDDEN = 64
const BATCH = 32
const W1 = 0
const B1 = W1 + HIDDEN * IN
const W2 = B1 + HIDDEN
const B2 = W2 + HIDDEN
const PARAMETERS = B2 + 1
const inputs = Array.from({ length: BATCH }, (_, e) => Array.from(point(IN, e + 3)))
const targets = Array.from(point(BATCH, 97))
// The same network as data, for the plain-arithmetic loss and backprop the report also uses.
const networkAsData: NetworkData = {
  shape: { inputs: IN, hidden: HIDDEN, batch: BATCH },
  x: Float64Array.from(inputs.flat()),
  y: Float64Array.from(targets),
  parameters: point(PARAMETERS, 5),
}

function network(useDot: boolean): ScalarFn {
  return <T>(m: Ops<T>, p: readonly T[]): T => {
    let loss: T | number = 0
    for (let e = 0; e < BATCH; e++) {
      const input = inputs[e] as number[]
      let out: T | number = p[B2] as T
      for (let h = 0; h < HIDDEN; h++) {
        let z: T | number = p[B1 + h] as T
        if (useDot) z = m.add(z, m.dot(p.slice(W1 + h * IN, W1 + (h + 1) * IN), input))
        else
          for (let i = 0; i < IN; i++)
            z = m.add(z, m.mul(p[W1 + h * IN + i] as T, input[i] as number))
        out = m.add(out, m.mul(p[W2 + h] as T, m.tanh(z)))
      }
      loss = m.add(loss, m.square(m.sub(out, targets[e] as number)))
    }
    return loss as T
  }
}

interface Workload {
  readonly f: ScalarFn
  readonly native: (x: Float64Array) => number
  readonly hand: (x: Float64Array) => Float64Array
  readonly x: Float64Array
}

const workloads: Record<string, () => Workload> = {
  ackley: () => ({ f: ackleyLoop, native: ackleyNative, hand: ackleyHand, x: point(n, 1) }),
  rosenbrock: () => ({
    f: rosenbrockLoop,
    native: rosenbrockNative,
    hand: rosenbrockHand,
    x: point(n, 2),
  }),
  'network-scalar': () => ({
    f: network(false),
    native: handwrittenLoss(networkAsData),
    hand: handwrittenGradient(networkAsData),
    x: networkAsData.parameters,
  }),
  'network-dot': () => ({
    f: network(true),
    native: handwrittenLoss(networkAsData),
    hand: handwrittenGradient(networkAsData),
    x: networkAsData.parameters,
  }),
}

const SIDES = ['native', 'hand', 'reverse', 'interpreter', 'generated'] as const
type Side = (typeof SIDES)[number]

function timeSide(side: Side, workload: Workload): number {
  const { f, x } = workload
  // Alternate two points so nothing is cached on one input.
  const xs = [x, x.map((v) => v * 0.97 + 0.01)]
  let turn = 0
  let sink = 0
  const next = () => xs[turn++ & 1] as Float64Array
  let run: () => void
  if (side === 'native') run = () => (sink += workload.native(next()))
  else if (side === 'hand') run = () => (sink += workload.hand(next())[0] as number)
  else if (side === 'reverse') run = () => (sink += reverse.gradient(f, next())[0] as number)
  else {
    const compiled = reverse.compile(f, x, { mode: side })
    if (compiled.mode !== side) throw new Error(`asked for ${side}, got ${compiled.mode}`)
    run = () => (sink += compiled.gradient(next())[0] as number)
  }
  const seconds = timePerCall(run, 1500, 2500)
  if (sink === 1234.5) console.log('')
  return seconds
}

if (process.argv.includes('--check')) {
  for (const [name, make] of Object.entries(workloads)) {
    const w = make()
    const a = w.hand(w.x)
    const b = reverse.gradient(w.f, w.x)
    let worst = 0
    for (let i = 0; i < a.length; i++)
      worst = Math.max(
        worst,
        Math.abs((a[i] as number) - (b[i] as number)) / (1 + Math.abs(b[i] as number)),
      )
    console.log(
      name,
      'hand vs reverse, worst relative difference',
      worst.toExponential(2),
      'native vs plain f',
      w.native(w.x) - reverse.valueAndGradient(w.f, w.x).value,
    )
  }
  process.exit(0)
}
const side = argument('side', '')
if (side !== '') {
  const make = workloads[argument('workload', 'ackley')]
  if (make === undefined) throw new Error('unknown workload')
  console.log(JSON.stringify(timeSide(side as Side, make())))
} else {
  // The children run this script bundled, by plain Node: under tsx's loader typed-array code runs
  // slower than in a user's process (bench/NOTES.md, "The harness").
  const bundle = fileURLToPath(
    new URL(`../../node_modules/.cache/gradlab-bench/compiled-${process.pid}.mjs`, import.meta.url),
  )
  buildSync({
    entryPoints: [import.meta.filename],
    outfile: bundle,
    bundle: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    logLevel: 'warning',
  })
  process.once('exit', () => rmSync(bundle, { force: true }))
  const rounds = Number(argument('rounds', '5'))
  const only = argument('workloads', Object.keys(workloads).join(',')).split(',')
  for (const name of only) {
    const times: Record<Side, number[]> = {
      native: [],
      hand: [],
      reverse: [],
      interpreter: [],
      generated: [],
    }
    const chosen = argument('sides', SIDES.join(',')).split(',') as Side[]
    for (let r = 0; r < rounds; r++) {
      const order = r % 2 === 0 ? chosen : [...chosen].reverse()
      for (const s of order) {
        const out = execFileSync(
          process.execPath,
          [bundle, '--side', s, '--workload', name, '--n', String(n)],
          { encoding: 'utf8' },
        )
        times[s].push(Number(out.trim()))
      }
    }
    const ratio = (a: Side, b: Side) => median(times[a].map((t, r) => t / (times[b][r] as number)))
    const cells = chosen.map((s) => `${s} ${fmt(median(times[s]))}`).join(', ')
    console.log(`${name}: ${cells}`)
    for (const s of (['reverse', 'interpreter', 'generated'] as const).filter((s) =>
      chosen.includes(s),
    )) {
      console.log(
        `  ${s}: ${ratio(s, 'native').toFixed(2)}x native f, ${ratio(s, 'hand').toFixed(2)}x hand-written`,
      )
    }
  }
}

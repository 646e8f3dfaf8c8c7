/*
 * What recording with an object per op costs at the least, on this machine:
 * gradlab's dynamic reverse mode against a minimal tape written only for
 * this comparison, and both against the hand-written Float64Array backprop,
 * on the report's network (64 -> 256 tanh -> 1, batch 64) written with `dot`
 * and with scalar `add`/`mul` only.
 *
 *   npx tsx bench/perf/tape-floor.ts [--rounds 3]
 *
 * The minimal tape is the same design stripped bare: one object per op
 * holding its value and node, edges in two typed arrays of fixed size, a dot
 * of variables times numbers kept as one record, and nothing else: no check
 * of its operands, no sessions (a variable kept from an earlier call would
 * pass silently), no compiled path, no growth. What gradlab takes beyond it
 * is the price of those; what it takes itself is the price of the design.
 *
 * Each case runs in its own process, the cases alternating round by round;
 * each line gives the median over rounds of the processes' medians. Every
 * gradient is first checked against the hand-written one.
 */
import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { type Ops, reverse, type ScalarFn } from '../../src/index.js'
import { handwrittenGradient } from '../peers/handwritten.js'
import { networkData, networkLoss } from '../workloads/network.js'
import { networkLossScalar } from '../workloads/network-scalar.js'
import { argument, fmt, median, timePerCall } from './measure.js'

/** A minimal tape's variable: its value and its node. */
class Node {
  constructor(
    readonly value: number,
    readonly index: number,
  ) {}
}

/** Edges of 16 million ops at most: the network records about 3.2 million. */
const CAPACITY = 1 << 24

/** The minimal tape: see the header. Its ops cover what the network uses. */
class MinimalTape {
  private readonly parent = new Int32Array(CAPACITY)
  private readonly partial = new Float64Array(CAPACITY)
  /** Where each node's edges end. */
  private readonly edgesEnd = new Int32Array(CAPACITY)
  /** Runs (a dot of consecutive nodes times numbers): node, first parent, numbers. */
  private runNode: number[] = []
  private runFirst: number[] = []
  private runNumbers: (readonly number[])[] = []
  private nodes = 0
  private edges = 0

  private edge(parent: number, partial: number): void {
    this.parent[this.edges] = parent
    this.partial[this.edges++] = partial
  }

  private close(value: number): Node {
    this.edgesEnd[this.nodes] = this.edges
    return new Node(value, this.nodes++)
  }

  readonly ops = {
    mul: (a: Node | number, b: Node | number): Node => {
      if (typeof a === 'number') return this.mul1(b as Node, a)
      if (typeof b === 'number') return this.mul1(a, b)
      this.edge(a.index, b.value)
      this.edge(b.index, a.value)
      return this.close(a.value * b.value)
    },
    add: (a: Node | number, b: Node | number): Node => {
      if (typeof a === 'number') return this.add1(b as Node, a)
      if (typeof b === 'number') return this.add1(a, b)
      this.edge(a.index, 1)
      this.edge(b.index, 1)
      return this.close(a.value + b.value)
    },
    sub: (a: Node, b: Node | number): Node => {
      if (typeof b === 'number') return this.add1(a, -b)
      this.edge(a.index, 1)
      this.edge(b.index, -1)
      return this.close(a.value - b.value)
    },
    square: (a: Node): Node => {
      this.edge(a.index, 2 * a.value)
      return this.close(a.value * a.value)
    },
    tanh: (a: Node): Node => {
      const t = Math.tanh(a.value)
      this.edge(a.index, 1 - t * t)
      return this.close(t)
    },
    sum: (xs: readonly Node[]): Node => {
      let total = 0
      for (const x of xs) {
        total += x.value
        this.edge(x.index, 1)
      }
      return this.close(total)
    },
    dot: (xs: readonly Node[], ys: readonly (Node | number)[]): Node => {
      let total = 0
      if (typeof ys[0] === 'number') {
        const numbers = ys as readonly number[]
        for (let k = 0; k < xs.length; k++) total += (xs[k] as Node).value * (numbers[k] as number)
        this.runNode.push(this.nodes)
        this.runFirst.push((xs[0] as Node).index)
        this.runNumbers.push(numbers)
        return this.close(total)
      }
      for (let k = 0; k < xs.length; k++) {
        const a = xs[k] as Node
        const b = ys[k] as Node
        total += a.value * b.value
        this.edge(a.index, b.value)
        this.edge(b.index, a.value)
      }
      return this.close(total)
    },
  }

  private mul1(a: Node, c: number): Node {
    this.edge(a.index, c)
    return this.close(a.value * c)
  }

  private add1(a: Node, c: number): Node {
    this.edge(a.index, 1)
    return this.close(a.value + c)
  }

  gradient(f: ScalarFn, x: Float64Array): Float64Array {
    this.nodes = 0
    this.edges = 0
    this.runNode = []
    this.runFirst = []
    this.runNumbers = []
    const inputs: Node[] = []
    for (let i = 0; i < x.length; i++) inputs.push(this.close(x[i] as number))
    const out = f(this.ops as unknown as Ops<Node>, inputs) as Node
    const adjoint = new Float64Array(this.nodes)
    adjoint[out.index] = 1
    let r = this.runNode.length - 1
    for (let node = this.nodes - 1; node >= x.length; node--) {
      const a = adjoint[node] as number
      if (r >= 0 && this.runNode[r] === node) {
        const first = this.runFirst[r] as number
        const numbers = this.runNumbers[r--] as readonly number[]
        for (let k = numbers.length - 1; k >= 0; k--) {
          adjoint[first + k] = (adjoint[first + k] as number) + (numbers[k] as number) * a
        }
        continue
      }
      for (
        let e = (this.edgesEnd[node] as number) - 1;
        e >= (this.edgesEnd[node - 1] as number);
        e--
      ) {
        const p = this.parent[e] as number
        adjoint[p] = (adjoint[p] as number) + (this.partial[e] as number) * a
      }
    }
    return adjoint.slice(0, x.length)
  }
}

const data = networkData(256, 64, 64)
const losses: Record<string, ScalarFn> = {
  dot: networkLoss(data),
  'add/mul': networkLossScalar(data),
}
const methods = ['hand-written', 'gradlab', 'minimal tape']

function gradientOf(method: string, loss: ScalarFn): (x: Float64Array) => Float64Array {
  if (method === 'hand-written') return handwrittenGradient(data)
  if (method === 'gradlab') return (x) => reverse.gradient(loss, x)
  const tape = new MinimalTape()
  return (x) => tape.gradient(loss, x)
}

/** One case in this process: checked against the hand-written gradient, then timed. */
function worker(method: string, lossName: string): number {
  const loss = losses[lossName] as ScalarFn
  const gradient = gradientOf(method, loss)
  const x = data.parameters
  const expected = handwrittenGradient(data)(x)
  const got = gradient(x)
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i] as number
    if (!(Math.abs((got[i] as number) - e) <= 1e-12 * (1 + Math.abs(e)))) {
      throw new Error(`${method} (${lossName}): component ${i} is ${got[i]}, expected ${e}`)
    }
  }
  return timePerCall(() => gradient(x), 1000, 3000)
}

function main(): void {
  const workerCase = argument('worker', '')
  if (workerCase !== '') {
    const [method, lossName] = workerCase.split(':') as [string, string]
    process.stdout.write(`${worker(method, lossName)}\n`)
    return
  }
  const rounds = Number(argument('rounds', '3'))
  const script = fileURLToPath(import.meta.url)
  const cases = Object.keys(losses).flatMap((loss) => methods.map((method) => `${method}:${loss}`))
  const times = new Map<string, number[]>(cases.map((c) => [c, []]))
  for (let r = 0; r < rounds; r++) {
    for (const c of cases) {
      const out = execFileSync(process.execPath, [...process.execArgv, script, '--worker', c], {
        encoding: 'utf8',
      })
      times.get(c)?.push(Number(out))
    }
  }
  console.log(`network 64 -> 256 tanh -> 1, batch 64; ${rounds} rounds, medians of process medians`)
  for (const loss of Object.keys(losses)) {
    const hand = median(times.get(`hand-written:${loss}`) ?? [])
    for (const method of methods) {
      const ts = times.get(`${method}:${loss}`) ?? []
      console.log(
        `${loss.padEnd(8)} ${method.padEnd(13)} ${fmt(median(ts)).padStart(9)} ` +
          `(${fmt(Math.min(...ts))}..${fmt(Math.max(...ts))}), ${(median(ts) / hand).toFixed(1)}x hand-written`,
      )
    }
  }
}

main()

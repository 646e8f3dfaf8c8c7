import { formatValue } from '../report/format.js'
import type { Method, TargetCase, TargetChecks, TimedCase } from '../report/schema.js'
import { type NetworkShape, parameterCount } from '../workloads/network.js'
import { judge, notMeasured, type Spec, timedRatios } from './judge.js'
import { TARGET_TITLE, type TargetSizes, type TargetWorkload } from './plan.js'

/*
 * The performance targets: for each, what is measured, the target and how
 * it is compared (see judge.ts for how a verdict and its spread are made).
 */

export function evaluateTargets(
  timings: readonly TimedCase[],
  checks: TargetChecks,
  sizes: TargetSizes,
): TargetCase[] {
  const { pair, ratio } = timedRatios(timings)
  const at = sizes.at
  const n = (x: number) => formatValue('count', x)
  const shape = (s: NetworkShape) =>
    `${s.inputs} -> ${s.hidden} tanh -> 1, batch ${s.batch}, n = ${n(parameterCount(s))}`
  const small = parameterCount(sizes.network)
  const peer = parameterCount(sizes.peerNetwork)
  const title = (w: TargetWorkload) =>
    w === 'ackley' || w === 'rosenbrock'
      ? `${TARGET_TITLE[w]} (a for loop accumulating with m.add), n = ${n(at)}`
      : `${TARGET_TITLE[w]}, network ${shape(sizes.network)}`
  const sizeOf = (w: TargetWorkload) => (w === 'ackley' || w === 'rosenbrock' ? at : small)
  /** The hand-written gradient and native f are the same for both networks: timed on 'network'. */
  const base = (w: TargetWorkload): TargetWorkload => (w === 'network-scalar' ? 'network' : w)
  const name: Partial<Record<Method, string>> = {
    compiled: 'compiled gradient',
    reverse: 'reverse.gradient',
  }
  const over = (
    id: string,
    group: string,
    w: TargetWorkload,
    method: 'compiled' | 'reverse',
    against: 'handwritten' | 'native',
    target: number,
  ) =>
    ratio(
      {
        id,
        group,
        title: `${name[method]} / ${against === 'native' ? 'native f' : 'hand-written gradient'}, ${title(w)}`,
        unit: 'ratio',
        comparison: 'at most',
        target,
        formula: `median over rounds of (${name[method]}'s median time / the ${against === 'native' ? 'native f' : 'hand-written gradient'}'s), each side in its own process`,
      },
      pair(sizeOf(w), [w, method], [base(w), against]),
    )
  const cold = (w: TargetWorkload, target: number) =>
    ratio(
      {
        id: `compile-cold-${w}`,
        group: 'Compiled gradients',
        title: `cold reverse.compile (recording and code generation, the first call in a fresh process), ${title(w)}`,
        unit: 'seconds',
        comparison: 'at most',
        target,
        formula: "median over rounds of the one timed compile in each round's process",
      },
      pair(sizeOf(w), [w, 'compile'], null),
    )
  const tape = checks.tape.find((t) => t.workload === 'rosenbrock')
  const tapeSpec: Spec = {
    id: 'tape-bytes',
    group: 'Dynamic reverse mode',
    title: `tape bytes per recorded op, Rosenbrock, n = ${n(tape?.n ?? at)}`,
    unit: 'bytes',
    comparison: 'at most',
    target: 32,
    formula:
      "tapeStats().bytes / ops, bytes = 12 per edge + 8 per node (a binary op of two variables: 2 edges and 1 node, 32 bytes), ops = countingOps' count of one plain evaluation (1 per unary or binary op, k per sum of k terms, 2k per dot of k pairs); the sentence also gives bytes per edge (a binary op records two)",
  }
  const worstError = Math.max(...checks.richardson.map((c) => c.error))
  const bestError = Math.min(...checks.richardson.map((c) => c.error))
  const counted = checks.evaluations[checks.evaluations.length - 1]
  return [
    over('compiled-hand-ackley', 'Compiled gradients', 'ackley', 'compiled', 'handwritten', 1.5),
    over(
      'compiled-hand-rosenbrock',
      'Compiled gradients',
      'rosenbrock',
      'compiled',
      'handwritten',
      1.5,
    ),
    over(
      'compiled-hand-network-scalar',
      'Compiled gradients',
      'network-scalar',
      'compiled',
      'handwritten',
      1,
    ),
    over(
      'compiled-hand-network-dot',
      'Compiled gradients',
      'network',
      'compiled',
      'handwritten',
      1,
    ),
    over('compiled-native-ackley', 'Compiled gradients', 'ackley', 'compiled', 'native', 3.5),
    over('compiled-native-rosenbrock', 'Compiled gradients', 'rosenbrock', 'compiled', 'native', 5),
    cold('ackley', 0.02),
    cold('rosenbrock', 0.02),
    cold('network-scalar', 0.04),
    over('reverse-native-ackley', 'Dynamic reverse mode', 'ackley', 'reverse', 'native', 18),
    over(
      'reverse-native-rosenbrock',
      'Dynamic reverse mode',
      'rosenbrock',
      'reverse',
      'native',
      150,
    ),
    over(
      'reverse-hand-network-scalar',
      'Dynamic reverse mode',
      'network-scalar',
      'reverse',
      'handwritten',
      8,
    ),
    over(
      'reverse-hand-network-dot',
      'Dynamic reverse mode',
      'network',
      'reverse',
      'handwritten',
      3,
    ),
    tape === undefined
      ? { ...tapeSpec, ...notMeasured('no tape was recorded') }
      : { ...tapeSpec, ...judge(tapeSpec, tape.bytes / tape.ops, null, null), pairs: [] },
    ratio(
      {
        id: 'forward-ackley',
        group: 'Chunked forward mode',
        title: `forward gradient (default chunks) / (n x native f), ${title('ackley')}`,
        unit: 'ratio',
        comparison: 'at most',
        target: 3,
        formula: 'median over rounds of (forward gradient time / (n x native f time))',
      },
      pair(at, ['ackley', 'forward'], ['ackley', 'native'], at),
    ),
    {
      id: 'richardson-error',
      group: 'Finite differences',
      title: `Richardson differences' largest relative error against reverse mode, over ${checks.richardson.length} smooth functions`,
      unit: 'error',
      comparison: 'at most',
      target: 1e-12,
      formula:
        'max over functions of max_i |numeric_i - reverse_i| / max(1, max_i |reverse_i|); spread: smallest and largest',
      ...judge({ comparison: 'at most', target: 1e-12 }, worstError, bestError, worstError),
      pairs: [],
    },
    {
      id: 'central-evaluations',
      group: 'Finite differences',
      title: `plain evaluations' worth of ops in one central-difference gradient, Ackley, n = ${n(counted?.n ?? 0)}`,
      unit: 'count',
      comparison: 'at most',
      target: 2 * (counted?.n ?? 0) + 1,
      formula:
        "countingOps' ops during one gradient / its ops of one plain evaluation; the sentence also gives the calls of f, counted by a wrapper",
      ...(counted === undefined
        ? notMeasured('not counted')
        : judge(
            { comparison: 'at most', target: 2 * counted.n + 1 },
            counted.ops / counted.plainOps,
            null,
            null,
          )),
      pairs: [],
    },
    ratio(
      {
        id: 'peer-tfjs-cpu',
        group: 'Peers',
        title: `TensorFlow.js cpu / reverse.gradient (dot), network ${shape(sizes.peerNetwork)}`,
        unit: 'ratio',
        comparison: 'more than',
        target: 1,
        formula:
          'median over rounds of (tfjs cpu time / reverse mode time): above 1 when reverse mode is faster',
      },
      pair(peer, ['network', 'tfjs-cpu'], ['network', 'reverse']),
    ),
    ratio(
      {
        id: 'peer-tfjs-wasm',
        group: 'Peers',
        title: `compiled gradient / TensorFlow.js wasm, network ${shape(sizes.peerNetwork)}`,
        unit: 'ratio',
        comparison: 'at most',
        target: 1,
        formula: 'median over rounds of (compiled gradient time / tfjs wasm time)',
      },
      pair(peer, ['network', 'compiled'], ['network', 'tfjs-wasm']),
    ),
  ]
}

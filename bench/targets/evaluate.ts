import { formatValue } from '../report/format.js'
import type { Method, TargetCase, TargetChecks, TimedCase } from '../report/schema.js'
import { judge, notMeasured, type Spec, timedRatios } from './judge.js'
import type { TargetSizes, TargetWorkload } from './plan.js'

/*
 * The performance targets: for each, what is measured, the target and how
 * it is compared (see judge.ts for how a verdict and its spread are made).
 */

export function evaluateTargets(
  timings: readonly TimedCase[],
  checks: TargetChecks,
  sizes: TargetSizes,
  networkSize: number,
): TargetCase[] {
  const { pair, ratio, flat } = timedRatios(timings)
  const at = sizes.at
  const n = (x: number) => formatValue('count', x)
  const network = `${sizes.network.inputs} -> ${sizes.network.hidden} tanh -> 1, batch ${sizes.network.batch}, n = ${n(networkSize)}`
  const overPlain = (
    id: string,
    group: string,
    w: 'ackley' | 'rosenbrock',
    method: Method,
    target: number,
  ) =>
    ratio(
      {
        id,
        group,
        title: `${method === 'compiled' ? 'compiled gradient' : 'reverse gradient'} / plain evaluation, ${w === 'ackley' ? 'Ackley' : 'Rosenbrock'}, n = ${n(at)}`,
        unit: 'ratio',
        comparison: 'at most',
        target,
        formula:
          'median time per gradient / median time per plain evaluation, each in its own process',
      },
      pair(at, [w, method], [w, 'plain']),
    )
  const overHand = (id: string, group: string, w: TargetWorkload, method: Method, target: number) =>
    ratio(
      {
        id,
        group,
        title: `${method === 'compiled' ? 'compiled gradient' : `reverse gradient, ${w === 'network' ? 'written with dot' : 'written with add/mul only'}`} / hand-written Float64Array backprop, network ${network}`,
        unit: 'ratio',
        comparison: 'at most',
        target,
        formula: 'median time per gradient / median time of the hand-written backprop',
      },
      pair(networkSize, [w, method], ['network', 'handwritten']),
    )
  const flatness = (w: 'ackley' | 'rosenbrock') =>
    flat(
      {
        id: `reverse-flat-${w}`,
        group: 'Dynamic reverse mode',
        title: `reverse / plain ratio's largest deviation from its median over n = ${sizes.flatSizes.map(n).join(', ')}, ${w === 'ackley' ? 'Ackley' : 'Rosenbrock'}`,
        unit: 'percent',
        comparison: 'at most',
        target: 0.25,
        formula:
          'max over n of |r(n) / median_n r(n) - 1|, r(n) = median reverse gradient time / median plain time at n; spread: the most negative and most positive r(n) / median_n r(n) - 1',
      },
      sizes.flatSizes.map((s) => pair(s, [w, 'reverse'], [w, 'plain'])),
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
    overPlain('reverse-ackley', 'Dynamic reverse mode', 'ackley', 'reverse', 8),
    overPlain('reverse-rosenbrock', 'Dynamic reverse mode', 'rosenbrock', 'reverse', 60),
    flatness('ackley'),
    flatness('rosenbrock'),
    overHand('reverse-network-dot', 'Dynamic reverse mode', 'network', 'reverse', 4),
    overHand('reverse-network-scalar', 'Dynamic reverse mode', 'network-scalar', 'reverse', 8),
    tape === undefined
      ? { ...tapeSpec, ...notMeasured('no tape was recorded') }
      : { ...tapeSpec, ...judge(tapeSpec, tape.bytes / tape.ops, null, null), pairs: [] },
    overPlain('compiled-ackley', 'Compiled gradients', 'ackley', 'compiled', 3),
    overPlain('compiled-rosenbrock', 'Compiled gradients', 'rosenbrock', 'compiled', 8),
    overHand('compiled-network', 'Compiled gradients', 'network', 'compiled', 2),
    ratio(
      {
        id: 'forward-ackley',
        group: 'Chunked forward mode',
        title: `forward gradient (default chunks) / (n x plain evaluation), Ackley, n = ${n(at)}`,
        unit: 'ratio',
        comparison: 'at most',
        target: 3,
        formula: 'median time per forward gradient / (n x median time per plain evaluation)',
      },
      pair(at, ['ackley', 'forward'], ['ackley', 'plain'], at),
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
        title: `TensorFlow.js cpu / reverse gradient (dot), network ${network}`,
        unit: 'ratio',
        comparison: 'more than',
        target: 1,
        formula:
          'median time of tfjs (cpu backend) / median time of reverse mode: above 1 when reverse mode is faster',
      },
      pair(networkSize, ['network', 'tfjs-cpu'], ['network', 'reverse']),
    ),
    ratio(
      {
        id: 'peer-tfjs-wasm',
        group: 'Peers',
        title: `compiled gradient / TensorFlow.js wasm, network ${network}`,
        unit: 'ratio',
        comparison: 'at most',
        target: 1.5,
        formula: 'median time of the compiled gradient / median time of tfjs (wasm backend)',
      },
      pair(networkSize, ['network', 'compiled'], ['network', 'tfjs-wasm']),
    ),
  ]
}

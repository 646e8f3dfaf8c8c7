import { TOLERANCE } from '../run/methods.js'
import { seconds } from './format.js'
import type { Measured } from './quote.js'
import type { Method } from './schema.js'

const tolerance = (method: Method) => TOLERANCE[method].toExponential(0)

/** How the numbers were made, in the report's words; shared by the HTML and the Markdown. */
export function methodNotes(r: Measured): string[] {
  const s = r.meta.settings
  return [
    `Run: ${r.meta.mode} mode, ${r.meta.date}, Node ${r.meta.node} (V8 ${r.meta.v8}), ${r.meta.platform}, CPU ${r.meta.cpu} with ${r.meta.cores} cores; gradlab ${r.meta.gradlab}; the run took ${seconds(r.meta.wallSeconds)}.${r.meta.mode === 'full' ? '' : ' This is not the full-size run: sizes are small and benny times are short (npm run report for the full one).'}`,
    "Each strategy, and each peer, ran its cases in a fresh Node process: a generic function called with several kinds of ops in one process gets polymorphic call sites, which slows every strategy. The workers run the benchmark code and gradlab's sources bundled by esbuild into one JavaScript file, under plain Node as a user's process would be, not through tsx: under tsx's loader, loading a CommonJS package detaches an ArrayBuffer, after which V8 checks every typed-array access for a detached buffer (bench/NOTES.md, \"The harness\").",
    `Times come from benny (benchmark.js) with minSamples ${s.minSamples}, maxTime ${s.maxTime} s and minTime ${s.minTime} s per case. Each sample averages one or more calls; tables show the median over samples and the first and third quartiles. The machine may be shared and busy, so read spreads and ratios, not single values.`,
    `Series whose cost grows faster than linearly (gradients by forward mode and finite differences, like n^2; Jacobians by reverse mode as m grows, like m^2, and by forward mode and finite differences as n grows, like n^2) stop at a time budget: a case is not run when its time per call, expected from the last size measured and that growth, exceeds ${seconds(s.budgetSeconds)}; it is marked "not run" and no number is shown for it. Reverse-mode gradients and the peers run at every size. No number in this report is extrapolated.`,
    `Before timing, each case's result is checked against reverse mode's, computed in the generator's process, relative to the largest reference entry: forward mode ${tolerance('forward')}, finite differences ${tolerance('numeric')}, hand-written backprop ${tolerance('handwritten')}, TensorFlow.js ${tolerance('tfjs-cpu')} (it computes in float32). Reverse mode itself is checked against hand-written backpropagation on the network.`,
    "Op counts: the user function is wrapped, (m, x) => f(countingOps(m, counter), x). Forward mode's cost is the ops counted over its n passes with one direction per pass (chunked forward mode makes ceil(n / k) passes but updates k tangents per op, so its arithmetic still grows like n), finite differences' over their 2n + 1 evaluations (central), and reverse mode's is the ops of its one recording plus tapeStats().edges (one multiply-add per edge in the backward pass). Each is divided by the ops of one plain evaluation. The counts are deterministic.",
    'Memory: one fresh process per case, after one small gradient to compile the code. "Live at end of f" is heap plus array buffers still reachable after a full GC at the end of the function\'s first evaluation, minus the same before the call. Its resolution is a few hundred KiB: a full GC can leave the heap smaller than before the call, and a size that comes out below zero is shown as unresolved, with the amount, rather than as a number. Reverse mode runs its whole gradient. Forward mode and finite differences are stopped after that first evaluation: each later one repeats it and keeps nothing from it, and a whole gradient at large n would take minutes. Peak RSS is the process\'s maximum resident set, which includes Node itself, the packages the worker loads and garbage not yet collected.',
    'TensorFlow.js runs the same network as tf.grads of a tensor expression, parameters uploaded once; each timed call computes the gradients and reads them back into JavaScript. The wasm backend loads its .wasm file from node_modules.',
  ]
}

/** How the performance targets were measured and judged; shown above their sentences. */
export function targetNotes(r: Measured): string[] {
  const note = r.targetChecks?.note ?? null
  const rounds = r.targetChecks?.rounds ?? 1
  return [
    ...(note === null ? [] : [`This is a ${note}.`]),
    `Each target is a ratio of medians, each side timed in its own fresh Node process, one per method and workload ("plain" is the same generic function evaluated as f(plain, x))${rounds > 1 ? `, ${rounds} times: every process ran once per round, the ${rounds} rounds one after another, and each case's samples from all rounds were pooled, so that each side's median spans the whole run rather than one moment of a shared machine` : ''}; the spread runs from the first quartile of one side over the third quartile of the other to the reverse.${rounds > 1 ? " The same ratio is also taken between each side's fastest process (the smallest of its rounds' medians), and a target is met only if both ratios meet it: a process's JIT can settle in a faster or a slower mode for its whole life (plain Ackley's evaluation is the known case; see the table of each round's process), and a verdict must not turn on which mode a run's processes caught. Each process also timed a fixed CPU-bound loop just before and just after each case (the machine probe, tabled by round): a round whose probe is slow was timed on a slowed machine (a fast probe does not prove the machine was idle: some loads on the other core slow gradients more than the probe)." : ''} Every case is checked before it is timed: plain values and compiled gradients against reverse mode to 1e-12, the others to their tolerances below. A target is "met" or "not met (measured X, target Y)"; none is left out.`,
    "The compiled gradient's safety property (a value read with m.value that changes at replay re-records or throws, never returning the gradient of the wrong branch) is not a speed number: it is checked by test/reverse/compile.test.ts, not here.",
    ...verdictNote(r),
  ]
}

/** How many targets were met, and where the reasons for the others are written down. */
function verdictNote(r: Measured): string[] {
  const targets = r.targets ?? []
  const met = targets.filter((t) => t.verdict === 'met').length
  if (targets.length === 0 || met === targets.length) return []
  return [
    `${met} of ${targets.length} targets were met. For each target not met, bench/NOTES.md ("Targets not met, and why") records where its time goes, what was tried, and why it is out of reach; the verdicts here are computed from this run's numbers alone.`,
  ]
}

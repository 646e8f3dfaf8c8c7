import { SECOND_ORDER_TOLERANCE, TOLERANCE } from '../run/methods.js'
import { FORWARD_REFERENCE_LIMIT } from '../run/references.js'
import { formatValue, seconds } from './format.js'
import type { Measured } from './quote.js'
import type { Method, Strategy } from './schema.js'

const tolerance = (method: Method) => TOLERANCE[method].toExponential(0)
const secondTolerance = (method: Strategy) => SECOND_ORDER_TOLERANCE[method].toExponential(0)
const count = (n: number) => formatValue('count', n)

/** How the numbers were made, in the report's words; shared by the HTML and the Markdown. */
export function methodNotes(r: Measured): string[] {
  const s = r.meta.settings
  return [
    `Run: ${r.meta.mode} mode, ${r.meta.date}, Node ${r.meta.node} (V8 ${r.meta.v8}), ${r.meta.platform}, CPU ${r.meta.cpu} with ${r.meta.cores} cores; gradlab ${r.meta.gradlab}; the run took ${seconds(r.meta.wallSeconds)}.${r.meta.mode === 'full' ? '' : ' This is not the full-size run: sizes are small and benny times are short (npm run report for the full one).'}`,
    "Each strategy, and each peer, ran its cases in a fresh Node process: a generic function called with several kinds of ops in one process gets polymorphic call sites, which slows every strategy. The workers run the benchmark code and gradlab's sources bundled by esbuild into one JavaScript file, under plain Node as a user's process would be, not through tsx: under tsx's loader, loading a CommonJS package detaches an ArrayBuffer, after which V8 checks every typed-array access for a detached buffer (bench/NOTES.md, \"The harness\").",
    `Times come from benny (benchmark.js) with minSamples ${s.minSamples}, maxTime ${s.maxTime} s and minTime ${s.minTime} s per case. Each sample averages one or more calls; tables show the median over samples and the first and third quartiles. The machine may be shared and busy, so read spreads and ratios, not single values.`,
    `Series whose cost grows faster than linearly (gradients by forward mode and finite differences, like n^2; Jacobians by reverse mode as m grows, like m^2, and by forward mode and finite differences as n grows, like n^2; Hessians by reverse mode, like n^2, and by forward mode and finite differences, like n^3; Hessian-vector products by forward mode and finite differences, like n^2) stop at a time budget: a case is not run when its time per call, expected from the last size measured and that growth, exceeds ${seconds(s.budgetSeconds)}; it is marked "not run" and no number is shown for it. Reverse-mode gradients and Hessian-vector products and the peers run at every size. No number in this report is extrapolated.`,
    `Before timing, each case's result is checked against reverse mode's, computed in the generator's process, relative to the largest reference entry: forward mode ${tolerance('forward')}, finite differences ${tolerance('numeric')}, hand-written backprop ${tolerance('handwritten')}, TensorFlow.js ${tolerance('tfjs-cpu')} (it computes in float32). Reverse mode itself is checked against hand-written backpropagation on the network.`,
    `Second derivatives are timed on the network: hessian(f, x), and hvp(f, x, v) along a fixed seeded direction v. Each is checked the same way before it is timed, forward mode and finite differences against reverse mode's, and reverse mode (forward over reverse) against forward over forward up to n = ${count(FORWARD_REFERENCE_LIMIT)} and against reverse over reverse above it, where forward over forward (n^3 for a Hessian) is too slow to compute in the generator's process: forward and reverse mode to ${secondTolerance('reverse')}, finite differences (second differences for Hessians, mixed differences for Hessian-vector products) to ${secondTolerance('numeric')}. A Hessian-vector product is compared with reverse mode's gradient at the same n, timed in another process.`,
    "Op counts: the user function is wrapped, (m, x) => f(countingOps(m, counter), x). Forward mode's cost is the ops counted over its n passes with one direction per pass (chunked forward mode makes ceil(n / k) passes but updates k tangents per op, so its arithmetic still grows like n), finite differences' over their 2n + 1 evaluations (central), and reverse mode's is the ops of its one recording plus tapeStats().edges (one multiply-add per edge in the backward pass). Each is divided by the ops of one plain evaluation. The counts are deterministic.",
    "Hessian op counts: reverse and forward mode's Hessians are counted as forward mode (one direction per pass, n passes) over reverse.within(m) or forward.within(m), with the outer ops counted, countingOps(m), so every op of the inner gradient is one op on the outer values (the recording and the backward pass of reverse mode, each inner direction's tangent updates in forward mode); second differences are counted over their 2n^2 + 1 evaluations of f. Each count's Hessian is checked to be the strategy's own hessian bit for bit.",
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
    `Each timed target is a ratio between two sides, each timed in its own fresh Node process, one per method and workload: "native" is the function written in plain JavaScript arithmetic (no ops object), "hand-written" its gradient written out by hand over Float64Arrays${rounds > 1 ? `. Every process ran once per round, ${rounds} rounds one after another, the processes of a round in the reverse order of the round before, so that neither side of a ratio always runs first; the ratio is taken within each round (one side's median over the other's) and the target's value is the median of those per-round ratios, its spread the smallest and the largest of them` : '; with one round the ratio is of the two medians, its spread from the first quartile of one side over the third quartile of the other to the reverse'}. A cold compile is one timed reverse.compile, the first in its process (recording and code generation together), and its target is a time, shown in milliseconds. Every case is checked before it is timed: native values and compiled gradients against reverse mode to 1e-12, the others to their tolerances below. A target is "met" or "not met (measured X, target Y)"; none is left out.`,
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

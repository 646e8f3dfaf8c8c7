// Where forward mode beats reverse mode. A Jacobian of F: R^n -> R^m costs forward mode n
// passes (one per input direction) and reverse mode one recording plus m backward passes
// (one per output), so the cheaper one is whichever of n and m is smaller. We count the work
// exactly with countingOps and tapeStats, and time it too (times vary, counts do not).
import { countingOps, forward, type Ops, reverse, tapeStats, type VectorFn } from 'gradlab'

// F_i(x) = sin(s (i + 1) / m) with s = x_1^2 + ... + x_n^2: every output depends on every input.
const family =
  (outputs: number): VectorFn =>
  <T>(m: Ops<T>, x: readonly T[]) => {
    const s = m.sum(x.map((xj) => m.square(xj)))
    return Array.from({ length: outputs }, (_, i) => m.sin(m.mul(s, (i + 1) / outputs)))
  }

// Wraps F so that every op it applies adds to counter.ops; the derivatives are unchanged.
const counted =
  (F: VectorFn, counter: { ops: number }): VectorFn =>
  <T>(m: Ops<T>, x: readonly T[]) =>
    F(countingOps(m, counter), x)

// The work of a Jacobian, counted exactly: the ops each strategy evaluates (countingOps),
// plus the multiply-adds along the local partials, one per edge of reverse mode's tape
// (tapeStats). Reverse mode walks every edge once per backward pass, m times; forward mode
// pushes one tangent along every edge in each of its n passes (chunkSize 1: one direction
// per pass; the default carries several, which saves calls but not arithmetic).
function work(F: VectorFn, x: number[], outputs: number) {
  const reverseOps = { ops: 0 }
  reverse.jacobian(counted(F, reverseOps), x)
  const { edges } = tapeStats()
  const forwardOps = { ops: 0 }
  forward.jacobian(counted(F, forwardOps), x, { chunkSize: 1 })
  return {
    forward: forwardOps.ops + x.length * edges,
    reverse: reverseOps.ops + outputs * edges,
  }
}

// Milliseconds per call, the median of 15 (for information only: a busy machine changes it).
function time(run: () => unknown) {
  const samples = Array.from({ length: 15 }, () => {
    const start = performance.now()
    run()
    return performance.now() - start
  })
  return (samples.sort((a, b) => a - b)[7] as number).toFixed(2)
}

console.log('    n     m  forward work  reverse work  cheaper   forward ms  reverse ms')
for (const [n, outputs] of [
  [2, 1000],
  [1000, 2],
  [100, 100],
] as const) {
  const F = family(outputs)
  const x = Array.from({ length: n }, (_, j) => Math.sqrt((j + 1) / (n * n)))
  const { forward: f, reverse: r } = work(F, x, outputs)
  const cheaper = f < r ? 'forward' : f > r ? 'reverse' : 'equal'
  // Timed as a user would call them: forward mode's default carries up to 64 directions a pass.
  const tf = time(() => forward.jacobian(F, x))
  const tr = time(() => reverse.jacobian(F, x))
  const cells = [n, outputs, f, r].map((v, i) => String(v).padStart(i < 2 ? 5 : 12))
  console.log(`${cells.join(' ')}  ${cheaper.padEnd(7)} ${tf.padStart(12)} ${tr.padStart(11)}`)
}

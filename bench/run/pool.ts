import { fork } from 'node:child_process'
import { readdirSync, rmSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Task, WorkerMessage } from './protocol.js'

const WORKER = fileURLToPath(new URL('../worker.ts', import.meta.url))
/**
 * In node_modules, so that the bundle's imports of packages resolve as the
 * sources' do; one file per generator process (reports may run side by
 * side, as the tests do), removed when it exits.
 */
const BUNDLE = fileURLToPath(
  new URL(`../../node_modules/.cache/gradlab-bench/worker-${process.pid}.mjs`, import.meta.url),
)

let bundled: Promise<string> | null = null

/**
 * The worker, compiled once per report into one JavaScript file (gradlab's
 * sources and the benchmark code; packages stay imports) that plain Node runs.
 * Not tsx in the workers: under tsx's loader, requiring a CommonJS package
 * (benny, which the worker loads before timing) detaches an ArrayBuffer,
 * which switches off V8's ArrayBufferDetaching protector for the rest of the
 * process. Optimized code then checks every typed array for a detached
 * buffer, and typed-array loops (the tape, compiled gradients, hand-written
 * backprop) ran 15-30% slower than in a user's process (bench/NOTES.md).
 */
function workerScript(): Promise<string> {
  bundled ??= import('esbuild').then(async ({ build }) => {
    removeStaleBundles()
    try {
      await build({
        entryPoints: [WORKER],
        outfile: BUNDLE,
        bundle: true,
        platform: 'node',
        format: 'esm',
        target: `node${process.versions.node}`,
        packages: 'external',
        logLevel: 'warning',
      })
    } catch (e) {
      throw new Error(`bundling bench/worker.ts for the report's workers failed: ${String(e)}`)
    }
    process.once('exit', () => rmSync(BUNDLE, { force: true }))
    return BUNDLE
  })
  return bundled
}

/** Removes the bundles of generator processes that no longer run (stopped by a signal, say, which skips 'exit'). */
function removeStaleBundles(): void {
  const folder = path.dirname(BUNDLE)
  let names: string[] = []
  try {
    names = readdirSync(folder)
  } catch {
    return // no folder yet
  }
  for (const name of names) {
    const pid = Number(/^worker-(\d+)\.mjs$/.exec(name)?.[1])
    if (Number.isInteger(pid) && pid !== process.pid && !running(pid)) {
      rmSync(path.join(folder, name), { force: true })
    }
  }
}

function running(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    // EPERM: it runs, under another user.
    return (e as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/**
 * Runs `task` in a fresh Node process (the bundled worker, GC exposed for
 * memory measurements) and passes each message it sends to `onMessage`.
 * Resolves when the worker exits; rejects with the worker's error, or its
 * exit code, if it failed.
 */
export async function runInWorker(
  task: Task,
  onMessage: (message: WorkerMessage) => void,
): Promise<void> {
  const script = await workerScript()
  return new Promise((resolve, reject) => {
    const child = fork(script, [], {
      execArgv: ['--expose-gc'],
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    })
    let failure: string | null = null
    child.on('message', (message: WorkerMessage) => {
      if (message.type === 'error') failure = message.message
      else onMessage(message)
    })
    child.on('error', (e) => reject(e))
    child.on('exit', (code, signal) => {
      if (failure !== null) reject(new Error(`worker (${describeTask(task)}): ${failure}`))
      else if (code !== 0) {
        reject(
          new Error(`worker (${describeTask(task)}) exited with code ${code} (signal ${signal}).`),
        )
      } else resolve()
    })
    child.send(task)
  })
}

export function describeTask(task: Task): string {
  if (task.kind === 'gradient') return `gradient ${task.workload} ${task.method}`
  if (task.kind === 'jacobian') return `jacobian ${task.method}`
  if (task.kind === 'target')
    return `target ${task.method} (${task.series.map((s) => s.workload).join(', ')})`
  if (task.kind === 'memory') return `memory ${task.workload} ${task.method} n=${task.n}`
  return `${task.kind} network ${task.method}`
}

/** Runs `jobs` with at most `limit` at once, in order of start; resolves with their results. */
export async function inParallel<R>(
  limit: number,
  jobs: readonly (() => Promise<R>)[],
): Promise<R[]> {
  const results = new Array<R>(jobs.length)
  let next = 0
  const lane = async () => {
    while (next < jobs.length) {
      const i = next++
      results[i] = await (jobs[i] as () => Promise<R>)()
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, jobs.length) }, lane))
  return results
}

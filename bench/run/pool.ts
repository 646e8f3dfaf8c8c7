import { fork } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import type { Task, WorkerMessage } from './protocol.js'

const WORKER = fileURLToPath(new URL('../worker.ts', import.meta.url))

/**
 * Runs `task` in a fresh Node process (TypeScript through tsx, GC exposed
 * for memory measurements) and passes each message it sends to `onMessage`.
 * Resolves when the worker exits; rejects with the worker's error, or its
 * exit code, if it failed.
 */
export function runInWorker(
  task: Task,
  onMessage: (message: WorkerMessage) => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = fork(WORKER, [], {
      execArgv: ['--import', import.meta.resolve('tsx'), '--expose-gc'],
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
  return `memory ${task.workload} ${task.method} n=${task.n}`
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

import type { TimedCase } from './report/schema.js'
import { measureMemory } from './run/memory.js'
import { gradientCall, SECOND_ORDER_TOLERANCE, secondOrderCall, strategies } from './run/methods.js'
import type {
  GradientTask,
  JacobianTask,
  SecondOrderTask,
  Task,
  WorkerMessage,
} from './run/protocol.js'
import { runSeries } from './run/series.js'
import { targetSeries } from './targets/series.js'
import { trajectory, trajectoryPoint } from './workloads/trajectory.js'

/*
 * A worker process: runs one task sent by the report generator (one
 * strategy's series of cases, or one memory measurement) and sends each
 * result back as it is measured, so the generator can show progress.
 */

const send = (message: WorkerMessage) =>
  new Promise<void>((resolve) => {
    if (process.send === undefined)
      throw new Error('worker: start me with fork(), which opens an IPC channel.')
    process.send(message, () => resolve())
  })

async function gradientSeries(task: GradientTask): Promise<void> {
  const pending: Promise<void>[] = []
  const points = task.sizes.map((n, i) => ({
    n,
    m: 1,
    size: n,
    build: () => gradientCall(task.workload, task.method, n),
    values: (g: unknown) => g as Float64Array,
    reference: task.references[i] as number[],
  }))
  // Cost models: forward mode and finite differences evaluate f about n
  // times, and f itself costs about n; reverse mode and the peers cost about n.
  const exponent = task.method === 'forward' || task.method === 'numeric' ? 2 : 1
  await runSeries(
    'gradient',
    task.workload,
    task.method,
    points,
    task.settings,
    exponent,
    (result) => {
      pending.push(send({ type: 'timed', result }))
    },
  )
  await Promise.all(pending)
}

async function jacobianSeries(task: JacobianTask): Promise<void> {
  const pending: Promise<void>[] = []
  const strategy = strategies[task.method]
  // One series per growing dimension, and per n where m grows.
  const groups = new Map<string, number[]>()
  task.points.forEach(({ n, series }, i) => {
    const key = series === 'outputs' ? `outputs ${n}` : 'inputs'
    groups.set(key, [...(groups.get(key) ?? []), i])
  })
  for (const indices of groups.values()) {
    const series = (task.points[indices[0] as number] as JacobianTask['points'][number]).series
    const workload = series === 'outputs' ? 'trajectory, m grows' : 'trajectory, n grows'
    // Along m, forward mode's n passes each cost about m, while reverse
    // mode's m backward passes each walk the trajectory before their output
    // (about m). Along n, forward mode's n passes each cost about n m.
    const quadratic = series === 'outputs' ? task.method === 'reverse' : task.method !== 'reverse'
    const points = indices.map((i) => {
      const { n, m } = task.points[i] as { n: number; m: number }
      return {
        n,
        m,
        size: series === 'outputs' ? m : n,
        build: async () => {
          const F = trajectory(n, m)
          const x = trajectoryPoint(n)
          return () => strategy.jacobian(F, x)
        },
        values: (rows: unknown) => flatten(rows as Float64Array[]),
        reference: (task.references[i] as number[][]).flat(),
      }
    })
    const report = (result: TimedCase) => {
      pending.push(send({ type: 'timed', result }))
    }
    await runSeries(
      'jacobian',
      workload,
      task.method,
      points,
      task.settings,
      quadratic ? 2 : 1,
      report,
    )
  }
  await Promise.all(pending)
}

/**
 * Cost models of the second derivatives, as powers of n (f itself costs
 * about n). Reverse mode's Hessian is ceil(n / k) forward passes of k lanes
 * over a reverse gradient, about n gradients; its hvp one pass of one lane,
 * a few gradients. Forward mode's Hessian is ceil(n / k) outer passes, each
 * over a forward gradient of ceil(n / k) inner passes whose ops carry k x k
 * lanes: n^3 (its measured growth was, if anything, a little steeper); its
 * hvp one outer lane over a forward gradient, n^2. Second differences take
 * 2n^2 + 1 evaluations for a Hessian and 4n for an hvp.
 */
const SECOND_ORDER_EXPONENT = {
  hessian: { reverse: 2, forward: 3, numeric: 3 },
  hvp: { reverse: 1, forward: 2, numeric: 2 },
} as const

async function secondOrderSeries(task: SecondOrderTask): Promise<void> {
  const pending: Promise<void>[] = []
  const points = task.sizes.map((n, i) => {
    const reference = task.references[i] as SecondOrderTask['references'][number]
    return {
      n,
      m: 1,
      size: n,
      build: async () => secondOrderCall(task.kind, task.method, n),
      values: (result: unknown) =>
        task.kind === 'hessian' ? flatten(result as Float64Array[]) : (result as Float64Array),
      reference: reference.values,
      tolerance: SECOND_ORDER_TOLERANCE[task.method],
      against: reference.against,
    }
  })
  await runSeries(
    task.kind,
    'network',
    task.method,
    points,
    task.settings,
    SECOND_ORDER_EXPONENT[task.kind][task.method],
    (result) => {
      pending.push(send({ type: 'timed', result }))
    },
  )
  await Promise.all(pending)
}

function flatten(rows: readonly Float64Array[]): Float64Array {
  const out = new Float64Array(rows.reduce((s, r) => s + r.length, 0))
  let at = 0
  for (const row of rows) {
    out.set(row, at)
    at += row.length
  }
  return out
}

async function run(task: Task): Promise<void> {
  if (task.kind === 'gradient') await gradientSeries(task)
  else if (task.kind === 'jacobian') await jacobianSeries(task)
  else if (task.kind === 'target') await targetSeries(task, send)
  else if (task.kind === 'memory') await send({ type: 'memory', result: measureMemory(task) })
  else await secondOrderSeries(task)
}

process.once('message', (task: Task) => {
  run(task).then(
    () => process.disconnect(),
    async (e: unknown) => {
      await send({
        type: 'error',
        message: e instanceof Error ? (e.stack ?? e.message) : String(e),
      })
      process.disconnect()
    },
  )
})

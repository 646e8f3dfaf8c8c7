import os from 'node:os'
import type { Plan } from '../config.js'
import type {
  CountCase,
  HessianCountCase,
  MemoryCase,
  Method,
  Results,
  Strategy,
  TimedCase,
} from '../report/schema.js'
import { collectTargets } from '../targets/collect.js'
import { SCALAR_WORKLOADS, workloadSizes } from '../workloads/index.js'
import { accuracySweep } from './accuracy.js'
import { countGradient, countHessian } from './counts.js'
import { METHOD_LABEL } from './methods.js'
import { describeTask, inParallel, runInWorker } from './pool.js'
import type { Task } from './protocol.js'
import {
  gradientReference,
  jacobianReference,
  oracleCheck,
  secondOrderReferences,
} from './references.js'

const STRATEGIES: readonly Strategy[] = ['reverse', 'forward', 'numeric']
const PEERS: readonly Method[] = ['handwritten', 'tfjs-cpu', 'tfjs-wasm']

export type Progress = (line: string) => void

const ms = (s: number) => (s < 1 ? `${(s * 1e3).toPrecision(3)} ms` : `${s.toPrecision(3)} s`)

function describeCase(c: TimedCase): string {
  const size = c.suite === 'jacobian' ? `n = ${c.n}, m = ${c.m}` : `n = ${c.n}`
  const what =
    c.status === 'measured' && c.timing !== null
      ? `${ms(c.timing.median)} median of ${c.timing.samples.length} samples`
      : (c.reason ?? c.status)
  return `${c.suite} ${c.workload} · ${METHOD_LABEL[c.method]} · ${size}: ${what}`
}

/** Runs every suite of `plan`, showing progress; returns results without findings. */
export async function collect(plan: Plan, progress: Progress): Promise<Omit<Results, 'findings'>> {
  const started = performance.now()
  const timings: TimedCase[] = []
  const failures: string[] = []
  const onTimed = (c: TimedCase) => {
    timings.push(c)
    progress(`  ${describeCase(c)}`)
  }

  progress(
    'references: gradients, Jacobians, Hessians and Hessian-vector products, computed once in this process',
  )
  const sizes = Object.fromEntries(
    SCALAR_WORKLOADS.map((w) => [w, workloadSizes(w, plan.gradientSizes)]),
  )
  const oracle = (sizes.network ?? []).map(oracleCheck)
  const tasks: Task[] = []
  for (const workload of plan.gradientWorkloads) {
    const ns = sizes[workload] ?? []
    const references = ns.map((n) => gradientReference(workload, n))
    const methods = workload === 'network' ? [...STRATEGIES, ...PEERS] : STRATEGIES
    for (const method of methods) {
      tasks.push({
        kind: 'gradient',
        workload,
        method,
        sizes: ns,
        references,
        settings: plan.settings,
      })
    }
  }
  const points = [
    ...plan.jacobianOutputs.inputs.flatMap((n) =>
      plan.jacobianOutputs.outputs.map((m) => ({ n, m, series: 'outputs' as const })),
    ),
    ...plan.jacobianInputs.inputs.map((n) => ({
      n,
      m: plan.jacobianInputs.outputs,
      series: 'inputs' as const,
    })),
  ]
  const jacobians = points.map(({ n, m }) => jacobianReference(n, m))
  for (const method of STRATEGIES) {
    tasks.push({ kind: 'jacobian', method, points, references: jacobians, settings: plan.settings })
  }
  // Second derivatives on the network: Hessians at their own sizes, which
  // cost n gradients or more; Hessian-vector products at the gradients'.
  for (const [kind, nominal] of [
    ['hessian', plan.hessianSizes],
    ['hvp', plan.gradientSizes],
  ] as const) {
    const ns = workloadSizes('network', nominal)
    const references = ns.map((n) => secondOrderReferences(kind, n))
    for (const method of STRATEGIES) {
      tasks.push({
        kind,
        method,
        sizes: ns,
        references: references.map((r) => r[method]),
        settings: plan.settings,
      })
    }
  }

  for (const [i, task] of tasks.entries()) {
    progress(`[${i + 1}/${tasks.length}] ${describeTask(task)} (fresh process)`)
    await runInWorker(task, (message) => {
      if (message.type === 'timed') onTimed(message.result)
    }).catch((e: unknown) => failures.push(String(e)))
  }

  const targets = await collectTargets(plan, progress, onTimed, failures)

  progress('op counts: one plain evaluation vs one gradient per strategy')
  const counts: CountCase[] = []
  for (const workload of SCALAR_WORKLOADS) {
    for (const n of sizes[workload] ?? []) {
      for (const strategy of STRATEGIES) {
        if (strategy !== 'reverse' && n > plan.countLimit) continue
        counts.push(countGradient(workload, strategy, n))
      }
    }
  }

  progress('op counts: one plain evaluation vs one Hessian per strategy')
  const hessianCounts: HessianCountCase[] = []
  for (const workload of SCALAR_WORKLOADS) {
    for (const n of workloadSizes(workload, plan.hessianSizes)) {
      for (const strategy of STRATEGIES) {
        if (strategy !== 'reverse' && n > plan.hessianCountLimit) continue
        hessianCounts.push(countHessian(workload, strategy, n))
      }
    }
  }

  const memoryTasks = memoryPlan(plan)
  progress(`memory: ${memoryTasks.length} fresh processes, two at a time`)
  const memory = await inParallel(
    2,
    memoryTasks.map((task) => async (): Promise<MemoryCase> => {
      let result: MemoryCase | null = null
      const failed = (reason: string): MemoryCase => ({
        workload: task.workload,
        method: task.method,
        n: task.n,
        status: 'failed',
        reason,
        scope: null,
        liveBytes: null,
        peakRssBytes: null,
        baselineRssBytes: null,
        tape: null,
      })
      await runInWorker(task, (message) => {
        if (message.type === 'memory') result = message.result
      }).catch((e: unknown) => {
        result = failed(`failed: ${String(e)}`)
      })
      const out: MemoryCase = result ?? failed('failed: the worker sent no result')
      progress(
        `  memory ${METHOD_LABEL[out.method]} n = ${out.n}: ${out.liveBytes === null ? out.reason : `${out.liveBytes} bytes live`}`,
      )
      return out
    }),
  )

  progress('finite-difference accuracy sweep')
  const accuracy = [accuracySweep(plan.stepsPerDecade)]
  if (failures.length > 0)
    throw new Error(`collect: ${failures.length} worker(s) failed:\n${failures.join('\n')}`)
  return {
    schema: 'gradlab-bench/1',
    meta: {
      mode: plan.mode,
      date: new Date().toISOString(),
      node: process.version,
      v8: process.versions.v8,
      platform: `${os.platform()} ${os.arch()}`,
      cpu: os.cpus()[0]?.model ?? 'unknown',
      cores: os.cpus().length,
      gradlab: process.env.npm_package_version ?? 'unknown',
      settings: { ...plan.settings },
      wallSeconds: (performance.now() - started) / 1e3,
    },
    oracle,
    timings,
    counts,
    hessianCounts,
    memory,
    accuracy,
    targets: targets.judge(timings),
    targetChecks: targets.checks,
  }
}

/** Memory is measured on the network, for every strategy at every planned size. */
function memoryPlan(plan: Plan) {
  const sizes = workloadSizes('network', plan.memorySizes)
  return STRATEGIES.flatMap((method) =>
    sizes.map((n) => ({ kind: 'memory' as const, workload: 'network' as const, method, n })),
  )
}

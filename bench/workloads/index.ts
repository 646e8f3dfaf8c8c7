import type { ScalarFn } from '../../src/index.js'
import { uniformArray } from '../random.js'
import { ackley } from './ackley.js'
import { hiddenFor, networkData, networkLoss } from './network.js'
import { rosenbrock } from './rosenbrock.js'

/** One gradient problem: f: R^n -> R and the point x where its gradient is taken. */
export interface ScalarCase {
  readonly n: number
  readonly f: ScalarFn
  readonly x: Float64Array
}

export interface ScalarWorkload {
  readonly title: string
  readonly description: string
  /** The case whose n is nearest to `n` among those the workload can build. */
  readonly build: (n: number) => ScalarCase
}

export const SCALAR_WORKLOADS = ['network', 'rosenbrock', 'ackley'] as const
export type ScalarWorkloadName = (typeof SCALAR_WORKLOADS)[number]

export const scalarWorkloads: Readonly<Record<ScalarWorkloadName, ScalarWorkload>> = {
  network: {
    title: 'tanh network',
    description:
      'one hidden tanh layer (4 inputs, width w), linear output, squared error summed over a batch of 8; n = 6w + 1',
    build(n) {
      const data = networkData(hiddenFor(n))
      return { n: data.parameters.length, f: networkLoss(data), x: data.parameters }
    },
  },
  rosenbrock: {
    title: 'Rosenbrock',
    description: 'sum of 100 (x_{i+1} - x_i^2)^2 + (1 - x_i)^2: arithmetic only; n >= 2',
    build(n) {
      const size = Math.max(2, n)
      return { n: size, f: rosenbrock, x: uniformArray(23, size, 1.5) }
    },
  },
  ackley: {
    title: 'Ackley',
    description: 'exp, sqrt and one cos per coordinate: transcendental-heavy',
    build(n) {
      const size = Math.max(1, n)
      return { n: size, f: ackley, x: uniformArray(29, size, 2) }
    },
  },
}

/** The distinct sizes a workload builds from the nominal sizes `ns`, ascending. */
export function workloadSizes(name: ScalarWorkloadName, ns: readonly number[]): number[] {
  const sizes = new Set(ns.map((n) => scalarWorkloads[name].build(n).n))
  return [...sizes].sort((a, b) => a - b)
}

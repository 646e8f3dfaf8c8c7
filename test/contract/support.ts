import fc from 'fast-check'
import type { Strategy, VectorFn } from '../../src/index.js'
import { strategies } from '../helpers/strategies.js'

/*
 * What the contract tests share: the strategies and the methods of a vector
 * function, called the same way in each, so that one claim is checked on
 * every strategy and method.
 */

export { strategies }

/** The methods that differentiate a vector function F: R^n -> R^m. */
export const vectorMethods = ['jacobian', 'jvp', 'vjp'] as const
export type VectorMethod = (typeof vectorMethods)[number]

export const strategyArb = fc.constantFrom(...strategies)
export const vectorMethodArb = fc.constantFrom(...vectorMethods)

/**
 * `s[method](F, x, ...)` with the direction v or the weights u all ones
 * (`outputs` of them for vjp): what each method returns, as plain arrays.
 */
export function callVector(
  s: Strategy,
  method: VectorMethod,
  F: VectorFn,
  x: readonly number[],
  outputs: number,
): number[][] {
  switch (method) {
    case 'jacobian':
      return s.jacobian(F, x).map((row) => Array.from(row))
    case 'jvp': {
      const { value, tangent } = s.jvp(
        F,
        x,
        x.map(() => 1),
      )
      return [Array.from(value), Array.from(tangent)]
    }
    case 'vjp': {
      const { value, cotangent } = s.vjp(F, x, new Array<number>(outputs).fill(1))
      return [Array.from(value), Array.from(cotangent)]
    }
  }
}

/** The message of what `run` throws, and its class; fails if it returns. */
export function thrown(run: () => unknown): { type: string; message: string } {
  try {
    run()
  } catch (error) {
    if (error instanceof Error) return { type: error.constructor.name, message: error.message }
    throw error
  }
  throw new Error('expected a throw, but the call returned')
}

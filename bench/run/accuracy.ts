import { numeric, reverse, type UnivariateFn } from '../../src/index.js'
import { DEFAULT_RELATIVE_STEP } from '../../src/numeric/step.js'
import type { Accuracy, AccuracyPoint } from '../report/schema.js'

/*
 * Finite-difference error against the exact (reverse-mode) derivative as the
 * step h sweeps from 1e-16 to 1: truncation error falls with h (like h for
 * forward differences, h^2 for central ones) while rounding error grows like
 * eps |f| / h, which draws a V on log-log axes. The default steps are marked.
 */

const g: UnivariateFn = (m, x) => m.mul(m.exp(m.sin(x)), m.sqrt(m.add(1, m.square(x))))
const FUNCTION = 'exp(sin x) sqrt(1 + x^2)'
const X = 1.3

export function accuracySweep(stepsPerDecade: number): Accuracy {
  const exact = reverse.derivative(g, X)
  const points: AccuracyPoint[] = []
  for (let k = -16 * stepsPerDecade; k <= 0; k++) {
    const step = 10 ** (k / stepsPerDecade)
    // A step too small to move x at all (numeric refuses it): no point to draw.
    if (X + step === X) continue
    for (const scheme of ['forward', 'central'] as const) {
      const estimate = numeric.derivative(g, X, { scheme, step })
      if (!Number.isFinite(estimate)) continue
      points.push({
        scheme,
        step,
        error: Math.abs(estimate - exact) / Math.max(1, Math.abs(exact)),
      })
    }
  }
  const scale = Math.max(1, Math.abs(X))
  const errorAt = (scheme: 'forward' | 'central') =>
    Math.abs(numeric.derivative(g, X, { scheme }) - exact) / Math.max(1, Math.abs(exact))
  return {
    function: FUNCTION,
    x: X,
    exact,
    defaultSteps: {
      forward: DEFAULT_RELATIVE_STEP.forward * scale,
      central: DEFAULT_RELATIVE_STEP.central * scale,
    },
    defaultErrors: {
      forward: errorAt('forward'),
      central: errorAt('central'),
    },
    points,
  }
}

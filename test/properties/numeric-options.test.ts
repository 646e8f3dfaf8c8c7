import fc from 'fast-check'
import { describe, expect } from 'vitest'
import { numeric } from '../../src/index.js'
import { notAPoint } from './support/bad-values.js'
import { thrownMessage as message, prop } from './support/index.js'

/* The options of finite differences, checked like every other argument (see contracts). */

describe('Errors that say what to do', () => {
  // An array passes as an options object (with no fields set, so the defaults apply).
  prop([notAPoint.filter((b) => b.value !== undefined && typeof b.value !== 'object')])(
    'numeric options that are not an object are refused',
    (bad) => {
      expect(
        message(() => numeric.gradient((_m, x) => x[0] as never, [1], bad.value as never)),
      ).toContain(
        `numeric.gradient: options must be an object such as { scheme: 'forward' }, got ${bad.phrase}`,
      )
    },
  )

  prop([fc.string().filter((t) => t !== 'central' && t !== 'forward')])(
    "numeric's scheme must be 'central', 'forward' or 'richardson'",
    (scheme) => {
      const text = message(() => numeric.derivative((_m, x) => x, 1, { scheme: scheme as never }))
      expect(text).toMatch(
        /^numeric.derivative: options.scheme must be 'central', 'forward' or 'richardson', got a string \(/,
      )
    },
  )

  prop([
    fc.oneof(
      fc.constantFrom(0, -0, -1),
      fc.double({ max: 0 }),
      fc.constant(Number.POSITIVE_INFINITY),
      fc.constant(Number.NaN),
    ),
  ])("numeric's step must be a positive finite number", (step) => {
    const text = message(() => numeric.jacobian((_m, x) => x as never, [1], { step }))
    expect(text).toBe(
      `numeric.jacobian: options.step must be a positive finite number, got the number ${step}.`,
    )
  })

  prop([fc.constantFrom(null)])(
    'numeric options of null are refused like any other non-object',
    (nothing) => {
      expect(message(() => numeric.gradient((_m, x) => x[0] as never, [1], nothing as never))).toBe(
        "numeric.gradient: options must be an object such as { scheme: 'forward' }, got null.",
      )
    },
  )
})

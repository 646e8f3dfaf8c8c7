import type { BinaryName, UnaryName } from './names.js'
import type { BinaryRule, UnaryRule } from './rule.js'
import type { Operand, Ops } from './types.js'

/*
 * The op table: every primitive's value rule and local partial derivatives,
 * defined once. Forward mode multiplies these partials by input tangents,
 * reverse mode multiplies them by output adjoints and adds (`+=`) into the
 * inputs, and finite differences use only `value`. None of the strategies holds
 * its own copy of a rule, so they cannot drift apart.
 *
 * Conventions at points where an op is not differentiable (the same in every
 * strategy, because every strategy reads these partials):
 *   abs'(0) = 0, relu'(0) = 0 (the subgradient 0, as PyTorch; JAX takes abs'(0) = 1);
 *   max(a, b) and min(a, b) at a tie a = b give each argument 1/2 (the average
 *   of the one-sided derivatives, as PyTorch does; a central difference along
 *   one argument gives the same 1/2);
 *   hypot'(0, 0) = (0, 0), as abs'(0) = 0;
 *   d/da a^b = 0 when b = 0, and d/db a^b = 0 when a = 0 and b >= 0 (the
 *   limits along the line, as PyTorch masks them); atan2 at the origin gives
 *   NaN. Outside an op's domain its partial is its formula evaluated there,
 *   not NaN (d/da ln a at -1 is -1, with the value NaN; docs/conventions.md).
 */

const isFiniteNumber = Number.isFinite
const positive = (a: number) => a > 0 && a < Number.POSITIVE_INFINITY
const inOpenUnit = (a: number) => a > -1 && a < 1
const notZero = (a: number) => a !== 0 && isFiniteNumber(a)
const MIN_NORMAL = 2 ** -1022
/** Whether |x| is a normal number: not 0, not subnormal (with fewer digits), not infinite or NaN. */
const isNormal = (x: number) => Math.abs(x) >= MIN_NORMAL && Math.abs(x) < Number.POSITIVE_INFINITY

/** Sign with sign(0) = 0 and sign(NaN) = NaN: the derivative of |a|, with the convention at 0. */
const sign = Math.sign

/** 1 for a > b, 0 for a < b, 1/2 at a tie, NaN if either is NaN: d max(a, b) / da. */
function maxSelects(a: number, b: number): number {
  if (a > b) return 1
  if (a < b) return 0
  return a === b ? 0.5 : Number.NaN
}

/** The logistic function 1 / (1 + e^-a), in a form that neither overflows nor loses accuracy. */
function sigmoid(a: number): number {
  if (a >= 0) return 1 / (1 + Math.exp(-a))
  const e = Math.exp(a)
  return e / (1 + e)
}

/**
 * a^(b/2), for pow's partials where a^b is subnormal or 0 (a > 0): a product
 * of two such normal factors rounds once, into the subnormals or to 0, where
 * b a^b / a or a^b ln a would multiply a^b's lost digits by up to 745.
 */
const halfPower = <S>(m: Ops<S>, a: S, b: S) => m.pow(a, m.mul(b, 0.5))

/**
 * x / (a^2 + b^2), the form of atan2's partials, with a and b scaled by a
 * power of two (exactly) where a^2 + b^2 would overflow or lose digits.
 */
function overSumOfSquares<S>(m: Ops<S>, x: S, a: S, b: S): Operand<S> {
  const big = Math.max(Math.abs(m.value(a)), Math.abs(m.value(b)))
  if (!(big < 2 ** -500 || big > 2 ** 500)) return m.div(x, m.add(m.square(a), m.square(b)))
  const k = big > 1 ? 2 ** -600 : 2 ** 600
  const [ka, kb] = [m.mul(a, k), m.mul(b, k)]
  return m.mul(k, m.div(m.mul(x, k), m.add(m.square(ka), m.square(kb))))
}

/** x / hypot(a, b) = x / out, from a and b scaled by 2^600 where out is subnormal and has lost digits. */
function overHypot<S>(m: Ops<S>, x: S, a: S, b: S, out: S): Operand<S> {
  const h = m.value(out)
  if (h === 0) return 0
  if (!(h < MIN_NORMAL)) return m.div(x, out)
  const k = 2 ** 600
  return m.div(m.mul(x, k), m.hypot(m.mul(a, k), m.mul(b, k)))
}

export const unaryRules = {
  neg: { math: 'd/da (-a) = -1', value: (a) => -a, partial: () => -1, smoothAt: isFiniteNumber },
  abs: {
    math: 'd/da |a| = sign(a), with 0 at a = 0',
    value: Math.abs,
    partial: (m, a) => sign(m.value(a)),
    smoothAt: notZero,
  },
  sqrt: {
    math: 'd/da sqrt(a) = 1 / (2 sqrt(a))',
    value: Math.sqrt,
    partial: (m, _a, out) => m.div(0.5, out),
    smoothAt: positive,
  },
  exp: {
    math: 'd/da e^a = e^a',
    value: Math.exp,
    partial: (_m, _a, out) => out,
    smoothAt: isFiniteNumber,
  },
  expm1: {
    math: 'd/da (e^a - 1) = e^a',
    value: Math.expm1,
    // e^a rather than out + 1: expm1(a) + 1 cancels as a goes to -infinity.
    partial: (m, a) => m.exp(a),
    smoothAt: isFiniteNumber,
  },
  log: {
    math: 'd/da ln a = 1 / a',
    value: Math.log,
    partial: (m, a) => m.div(1, a),
    smoothAt: positive,
  },
  log1p: {
    math: 'd/da ln(1 + a) = 1 / (1 + a)',
    value: Math.log1p,
    partial: (m, a) => m.div(1, m.add(a, 1)),
    smoothAt: (a) => a > -1 && a < Number.POSITIVE_INFINITY,
  },
  sin: {
    math: 'd/da sin a = cos a',
    value: Math.sin,
    partial: (m, a) => m.cos(a),
    smoothAt: isFiniteNumber,
  },
  cos: {
    math: 'd/da cos a = -sin a',
    value: Math.cos,
    partial: (m, a) => m.neg(m.sin(a)),
    smoothAt: isFiniteNumber,
  },
  tan: {
    math: 'd/da tan a = 1 + tan^2 a',
    value: Math.tan,
    partial: (m, _a, out) => m.add(1, m.square(out)),
    // Away from the poles at pi/2 + k pi, where tan changes sign through infinity.
    smoothAt: (a) => isFiniteNumber(a) && Math.abs(Math.cos(a)) > 1e-6,
  },
  asin: {
    math: 'd/da asin a = 1 / sqrt(1 - a^2)',
    value: Math.asin,
    // (1 - a)(1 + a) rather than 1 - a^2: no cancellation as |a| nears 1.
    partial: (m, a) => m.div(1, m.sqrt(m.mul(m.sub(1, a), m.add(1, a)))),
    smoothAt: inOpenUnit,
  },
  acos: {
    math: 'd/da acos a = -1 / sqrt(1 - a^2)',
    value: Math.acos,
    partial: (m, a) => m.div(-1, m.sqrt(m.mul(m.sub(1, a), m.add(1, a)))),
    smoothAt: inOpenUnit,
  },
  atan: {
    math: 'd/da atan a = 1 / (1 + a^2)',
    value: Math.atan,
    // (1 / a) / (a + 1 / a) for |a| > 1: a^2 overflows past 1.3e154, where the partial is not yet 0.
    partial: (m, a) => {
      if (!(Math.abs(m.value(a)) > 1)) return m.div(1, m.add(1, m.square(a)))
      const reciprocal = m.div(1, a)
      return m.div(reciprocal, m.add(a, reciprocal))
    },
    smoothAt: isFiniteNumber,
  },
  sinh: {
    math: 'd/da sinh a = cosh a',
    value: Math.sinh,
    partial: (m, a) => m.cosh(a),
    smoothAt: isFiniteNumber,
  },
  cosh: {
    math: 'd/da cosh a = sinh a',
    value: Math.cosh,
    partial: (m, a) => m.sinh(a),
    smoothAt: isFiniteNumber,
  },
  tanh: {
    math: 'd/da tanh a = 1 - tanh^2 a',
    value: Math.tanh,
    // 1 - tanh^2 a cancels as |tanh a| nears 1, so beyond 1/2 it is 4e / (1 + e)^2 with e = e^-2|a|,
    // which neither cancels nor overflows (as 1 / cosh^2 a would past |a| = 355).
    partial: (m, a, out) => {
      if (Math.abs(m.value(out)) < 0.5) return m.sub(1, m.square(out))
      const e = m.exp(m.mul(m.value(a) > 0 ? -2 : 2, a))
      return m.div(m.mul(4, e), m.square(m.add(1, e)))
    },
    smoothAt: isFiniteNumber,
  },
  sigmoid: {
    math: 'd/da s(a) = s(a) (1 - s(a)), s(a) = 1 / (1 + e^-a)',
    value: sigmoid,
    // 1 - s cancels as s nears 1, so for s > 1/2 (a > 0) it is e^-a s^2, the same number.
    partial: (m, a, out) =>
      m.value(out) > 0.5 ? m.mul(m.exp(m.neg(a)), m.square(out)) : m.mul(out, m.sub(1, out)),
    smoothAt: isFiniteNumber,
  },
  softplus: {
    math: 'd/da ln(1 + e^a) = s(a), the sigmoid',
    // max(a, 0) + ln(1 + e^-|a|): exact for large |a| where ln(1 + e^a) overflows or rounds to 0.
    value: (a) => Math.max(a, 0) + Math.log1p(Math.exp(-Math.abs(a))),
    partial: (m, a) => m.sigmoid(a),
    smoothAt: isFiniteNumber,
  },
  relu: {
    math: 'd/da max(a, 0) = 1 for a > 0, 0 for a <= 0',
    value: (a) => Math.max(a, 0),
    partial: (m, a) => {
      const v = m.value(a)
      return v > 0 ? 1 : v <= 0 ? 0 : Number.NaN
    },
    smoothAt: notZero,
  },
  square: {
    math: 'd/da a^2 = 2a',
    value: (a) => a * a,
    partial: (m, a) => m.mul(2, a),
    smoothAt: isFiniteNumber,
  },
} as const satisfies { readonly [K in UnaryName]: UnaryRule }

export const binaryRules = {
  add: {
    math: 'd(a + b) = (1, 1)',
    value: (a, b) => a + b,
    partialA: () => 1,
    partialB: () => 1,
    smoothAt: (a, b) => isFiniteNumber(a + b),
  },
  sub: {
    math: 'd(a - b) = (1, -1)',
    value: (a, b) => a - b,
    partialA: () => 1,
    partialB: () => -1,
    smoothAt: (a, b) => isFiniteNumber(a - b),
  },
  mul: {
    math: 'd(a b) = (b, a)',
    value: (a, b) => a * b,
    partialA: (_m, _a, b) => b,
    partialB: (_m, a) => a,
    smoothAt: (a, b) => isFiniteNumber(a * b),
  },
  div: {
    math: 'd(a / b) = (1 / b, -a / b^2)',
    value: (a, b) => a / b,
    partialA: (m, _a, b) => m.div(1, b),
    // -out / b rather than -a / b^2: b^2 can overflow where a / b does not; but -a / b^2 where
    // a / b is subnormal and |b| < 1, as dividing it by b again would magnify its lost digits.
    partialB: (m, a, b, out) =>
      !isNormal(m.value(out)) && Math.abs(m.value(b)) < 1
        ? m.neg(m.div(a, m.square(b)))
        : m.neg(m.div(out, b)),
    smoothAt: (a, b) => notZero(b) && isFiniteNumber(a / b),
  },
  pow: {
    math: 'd(a^b) = (b a^(b-1), a^b ln a)',
    value: Math.pow,
    partialA: (m, a, b, out) => {
      const exponent = m.value(b)
      // a^0 = 1 has slope 0 in a, even at a = 0 where the formula is 0 / 0. An exponent that is
      // a variable (inside a nested derivative, where b is not a plain number) keeps the formula
      // away from a = 0, so that the mixed derivative d/db (d/da a^b) = 1/a at b = 0 survives.
      if (exponent === 0 && (typeof b === 'number' || m.value(a) === 0)) return 0
      const normal = isNormal(m.value(out))
      // b out / a where b - 1 rounds (b < 1/2 or b >= 2^53), as ln a magnifies that to hundreds of ulps.
      if (normal && !(exponent >= 0.5 && exponent < 2 ** 53)) return m.div(m.mul(b, out), a)
      if (normal || !(m.value(a) > 0)) return m.mul(b, m.pow(a, m.sub(b, 1)))
      const h = halfPower(m, a, b)
      return m.mul(m.mul(b, h), m.div(h, a))
    },
    partialB: (m, a, b, out) => {
      if (m.value(a) === 0 && m.value(b) >= 0) return 0
      if (isNormal(m.value(out)) || !(m.value(a) > 0)) return m.mul(out, m.log(a))
      const h = halfPower(m, a, b)
      return m.mul(m.mul(h, m.log(a)), h)
    },
    smoothAt: (a, b) => positive(a) && isFiniteNumber(b) && isFiniteNumber(a ** b),
  },
  atan2: {
    math: 'd atan2(a, b) = (b / (a^2 + b^2), -a / (a^2 + b^2))',
    value: Math.atan2,
    partialA: (m, a, b) => overSumOfSquares(m, b, a, b),
    partialB: (m, a, b) => m.neg(overSumOfSquares(m, a, a, b)),
    // Away from the origin and from the branch cut on the negative b axis.
    smoothAt: (a, b) => isFiniteNumber(a) && isFiniteNumber(b) && (a !== 0 || b > 0),
  },
  hypot: {
    math: 'd hypot(a, b) = (a / hypot, b / hypot), with (0, 0) at the origin',
    value: Math.hypot,
    partialA: (m, a, b, out) => overHypot(m, a, a, b, out),
    partialB: (m, a, b, out) => overHypot(m, b, a, b, out),
    smoothAt: (a, b) => isFiniteNumber(Math.hypot(a, b)) && Math.hypot(a, b) > 0,
  },
  min: {
    math: 'd min(a, b) = (1, 0) if a < b, (0, 1) if a > b, (1/2, 1/2) at a tie',
    value: Math.min,
    partialA: (m, a, b) => maxSelects(m.value(b), m.value(a)),
    partialB: (m, a, b) => maxSelects(m.value(a), m.value(b)),
    smoothAt: (a, b) => isFiniteNumber(a) && isFiniteNumber(b) && a !== b,
  },
  max: {
    math: 'd max(a, b) = (1, 0) if a > b, (0, 1) if a < b, (1/2, 1/2) at a tie',
    value: Math.max,
    partialA: (m, a, b) => maxSelects(m.value(a), m.value(b)),
    partialB: (m, a, b) => maxSelects(m.value(b), m.value(a)),
    smoothAt: (a, b) => isFiniteNumber(a) && isFiniteNumber(b) && a !== b,
  },
} as const satisfies { readonly [K in BinaryName]: BinaryRule }

/*
 * The same tables typed as rules by name, for the strategies: every op read
 * from them has the same signature, whether it is looked up by a name in a
 * loop or named in a case or a literal of its own. gradlab exports them as
 * `unaryRules` and `binaryRules`.
 */
/**
 * The op table's unary rules by name: each op's value on numbers, its local
 * partial derivative (written against any `Ops`, so rules can be layered),
 * its mathematics as text and where it is smooth. Every strategy reads these;
 * the members of {@link UnaryOps} state the same rules.
 *
 * @example
 * ```ts
 * unaryRules.tanh.math // => 'd/da tanh a = 1 - tanh^2 a'
 * unaryRules.sqrt.smoothAt(0) // => false
 * ```
 */
export const unaryRuleOf: Readonly<Record<UnaryName, UnaryRule>> = unaryRules
/**
 * The op table's binary rules by name: each op's value, its two local
 * partials, its mathematics as text and where it is smooth. The members of
 * {@link BinaryOps} state the same rules.
 *
 * @example
 * ```ts
 * binaryRules.max.math // => 'd max(a, b) = (1, 0) if a > b, (0, 1) if a < b, (1/2, 1/2) at a tie'
 * binaryRules.max.smoothAt(1, 1) // => false
 * ```
 */
export const binaryRuleOf: Readonly<Record<BinaryName, BinaryRule>> = binaryRules

// The tables are shared by every strategy: frozen, so that code handed a rule
// (or the whole table, exported as unaryRules and binaryRules) cannot change
// what every later derivative computes.
for (const table of [unaryRules, binaryRules]) {
  for (const rule of Object.values(table)) Object.freeze(rule)
  Object.freeze(table)
}

import { Decimal } from 'decimal.js'
import type { BinaryName, UnaryName } from '../../../src/index.js'

/*
 * Each op's derivative from its own closed form, in decimal arithmetic at 40
 * significant digits (float64 carries about 16), written from calculus and not
 * read from the op table. Inputs are converted to decimal exactly or to 60
 * digits (`decimal`), so the reference is the derivative at the point the
 * table was given, not at a nearby decimal.
 */

/** Decimals with 40 significant digits, rounding to nearest, and exponents far beyond float64's. */
export const D = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_EVEN })
type Dec = InstanceType<typeof D>

/**
 * A double in decimal: exactly where it is an integer (|x| >= 2^53, up to 309
 * digits, so that sin(1e300) reduces the argument itself), and correctly
 * rounded to 60 significant digits otherwise (relative error 1e-60, far below
 * what any op's condition number could lift to the reference's 40 digits).
 */
export function decimal(x: number): Dec {
  if (!Number.isFinite(x)) throw new RangeError(`decimal: ${x} is not finite`)
  return Math.abs(x) >= 2 ** 53 ? new D(BigInt(x).toString()) : new D(x.toPrecision(60))
}

const MIN_NORMAL = 2 ** -1022

/** The spacing of doubles at a positive normal x: 2^(floor(log2 x) - 52). */
function ulpAt(x: number): number {
  let e = Math.floor(Math.log2(x))
  if (2 ** e > x) e--
  if (2 ** (e + 1) <= x) e++
  return 2 ** (e - 52)
}

/**
 * How far `computed` is from `truth`, in ulps of the truth: |computed - truth|
 * / ulp(truth). Where the truth is below the smallest normal (subnormal, or
 * 0 in float64) the error is measured absolutely, in ulps of the smallest
 * normal (2^-1074, the subnormals' own spacing). Where the truth overflows
 * float64 the computed value must be the same infinity (0 ulps), else the
 * error is infinite; so is any NaN.
 */
export function ulpsOff(computed: number, truth: Dec): number {
  const rounded = truth.toNumber()
  if (!Number.isFinite(rounded)) return computed === rounded ? 0 : Number.POSITIVE_INFINITY
  if (!Number.isFinite(computed)) return Number.POSITIVE_INFINITY
  const scale = ulpAt(Math.max(Math.abs(rounded), MIN_NORMAL))
  return decimal(computed).minus(truth).abs().div(decimal(scale)).toNumber()
}

const one = new D(1)
const half = new D(0.5)
/** 1 - a^2 as (1 - a)(1 + a), exact enough near |a| = 1 at 40 digits either way. */
const oneMinusSquare = (a: Dec) => one.minus(a).times(one.plus(a))
const sumOfSquares = (a: Dec, b: Dec) => a.times(a).plus(b.times(b))
/** ln a, remembered: pow's references take it at each base for many exponents. */
const logs = new Map<string, Dec>()
function ln(a: Dec): Dec {
  const key = a.toString()
  const known = logs.get(key)
  if (known !== undefined) return known
  const log = a.ln()
  logs.set(key, log)
  return log
}
const sign = (a: Dec) => new D(a.isZero() ? 0 : a.isNegative() ? -1 : 1)

/** d op / da, from calculus. */
export const unaryDerivatives: Record<UnaryName, (a: Dec) => Dec> = {
  neg: () => new D(-1),
  abs: sign,
  sqrt: (a) => half.div(a.sqrt()),
  exp: (a) => a.exp(),
  expm1: (a) => a.exp(),
  log: (a) => one.div(a),
  log1p: (a) => one.div(one.plus(a)),
  sin: (a) => a.cos(),
  cos: (a) => a.sin().neg(),
  tan: (a) => one.div(a.cos().pow(2)),
  asin: (a) => one.div(oneMinusSquare(a).sqrt()),
  acos: (a) => one.div(oneMinusSquare(a).sqrt()).neg(),
  atan: (a) => one.div(one.plus(a.times(a))),
  // cosh and sinh from e^a and e^-a (decimal.js's own take time linear in |a|),
  // sinh by its series below 1, where e^a - e^-a would cancel.
  sinh: (a) => a.exp().plus(a.neg().exp()).times(half),
  cosh: (a) => (a.abs().lt(1) ? a.sinh() : a.exp().minus(a.neg().exp()).times(half)),
  // sech^2 a = (2 / (e^a + e^-a))^2; s'(a) = s(a) s(-a) = 1 / (e^(a/2) + e^(-a/2))^2.
  tanh: (a) => new D(2).div(a.exp().plus(a.neg().exp())).pow(2),
  sigmoid: (a) => one.div(a.times(half).exp().plus(a.times(half).neg().exp()).pow(2)),
  softplus: (a) => one.div(one.plus(a.neg().exp())),
  relu: (a) => new D(a.isPositive() && !a.isZero() ? 1 : 0),
  square: (a) => a.times(2),
}

/** (d op / da, d op / db), from calculus. */
export const binaryDerivatives: Record<
  BinaryName,
  readonly [(a: Dec, b: Dec) => Dec, (a: Dec, b: Dec) => Dec]
> = {
  add: [() => one, () => one],
  sub: [() => one, () => new D(-1)],
  mul: [(_a, b) => b, (a) => a],
  div: [(_a, b) => one.div(b), (a, b) => a.div(b.times(b)).neg()],
  // a^c as e^(c ln a), the definition for a > 0.
  pow: [
    (a, b) => b.times(b.minus(1).times(ln(a)).exp()),
    (a, b) => b.times(ln(a)).exp().times(ln(a)),
  ],
  atan2: [(a, b) => b.div(sumOfSquares(a, b)), (a, b) => a.neg().div(sumOfSquares(a, b))],
  hypot: [(a, b) => a.div(sumOfSquares(a, b).sqrt()), (a, b) => b.div(sumOfSquares(a, b).sqrt())],
  min: [(a, b) => new D(a.lt(b) ? 1 : 0), (a, b) => new D(b.lt(a) ? 1 : 0)],
  max: [(a, b) => new D(a.gt(b) ? 1 : 0), (a, b) => new D(b.gt(a) ? 1 : 0)],
}

import type { BinaryName, UnaryName } from '../../../src/index.js'

/*
 * Points per op spanning its domain: log-spaced magnitudes from the smallest
 * subnormal to the largest double (tails included), both signs, a linear
 * sweep where an op changes character at moderate arguments (exp and the
 * logistic family from underflow to overflow), and approaches to each domain
 * boundary and pole in steps of 2^-k. Boundaries, poles and kinks themselves
 * are left out: there the op is not differentiable.
 */

/** 2^(lo + k step) below 2^hi: log-spaced magnitudes; a step that is not a simple fraction varies the mantissas. */
export function magnitudes(lo: number, hi: number, step: number): number[] {
  const points: number[] = []
  for (let e = lo; e < hi; e += step) points.push(2 ** e)
  return points
}

const signed = (xs: readonly number[]) => xs.flatMap((x) => [x, -x])

function linear(lo: number, hi: number, n: number): number[] {
  return Array.from({ length: n + 1 }, (_, i) => lo + ((hi - lo) * i) / n)
}

/** c + side 2^-k max(1, |c|) for k = 1 .. 60: doubles closing in on c from one side. */
function towards(c: number, side: 1 | -1): number[] {
  const scale = Math.max(1, Math.abs(c))
  return Array.from({ length: 60 }, (_, k) => c + side * 2 ** -(k + 1) * scale).filter(
    (x) => x !== c,
  )
}

/** The doubles nearest k pi / 2 and their neighbours a few ulps away: near zeros of sin, cos and poles of tan. */
function nearHalfPiMultiples(): number[] {
  const ks = [1, 2, 3, 4, 5, 7, 10, 31, 100, 1001, 123456, 2 ** 30 + 1]
  return ks.flatMap((k) => {
    const x = (k * Math.PI) / 2
    return [-4, -1, 0, 1, 4].map((d) => x + d * 2 ** (Math.floor(Math.log2(x)) - 52))
  })
}

const positive = magnitudes(-1074, 1024, 1.37)
const all = signed(positive)
const belowOne = magnitudes(-1074, 0, 1.37)
const moderate = signed(magnitudes(-1074, 10, 1.37))
/** For sin, cos and tan, sparser above 2^60, where each reference reduces a 300-digit argument. */
const periodic = [
  ...signed(magnitudes(-1074, 60, 1.37)),
  ...signed(magnitudes(60, 1024, 15.1)),
  ...signed(nearHalfPiMultiples()),
]

export const unaryPoints: Record<UnaryName, readonly number[]> = {
  neg: all,
  abs: all,
  sqrt: positive,
  exp: [...moderate, ...linear(-760, 720, 740), ...linear(-40, 40, 800)],
  expm1: [...moderate, ...linear(-760, 720, 740), ...linear(-40, 40, 800)],
  log: positive,
  log1p: [...positive, ...belowOne.map((x) => -x), ...towards(-1, 1)],
  sin: periodic,
  cos: periodic,
  tan: periodic,
  asin: [...signed(belowOne), ...towards(1, -1), ...towards(-1, 1)],
  acos: [...signed(belowOne), ...towards(1, -1), ...towards(-1, 1)],
  atan: all,
  sinh: [...moderate, ...linear(-720, 720, 720)],
  cosh: [...moderate, ...linear(-720, 720, 720)],
  tanh: [...all, ...linear(-400, 400, 800), ...linear(-20, 20, 1600)],
  sigmoid: [...all, ...linear(-800, 800, 800), ...linear(-40, 40, 1600)],
  softplus: [...all, ...linear(-800, 800, 800), ...linear(-40, 40, 1600)],
  relu: all,
  square: all,
}

/** Coordinates for the binary ops: magnitudes every `step` binades, both signs, and a few small numbers. */
const coordinates = (step: number) => [
  ...signed(magnitudes(-1074, 1024, step)),
  ...signed([0.3, 0.5, 0.7, 1, 1.5, 2, 3, 10]),
]

function pairs(
  as: readonly number[],
  bs: readonly number[],
  keep: (a: number, b: number) => boolean,
) {
  return as.flatMap((a) => bs.filter((b) => keep(a, b)).map((b) => [a, b] as const))
}

const coarse = coordinates(127.3)
const fine = [...coordinates(61.7), ...signed(magnitudes(-8, 8, 2.9))]
/** Bases near 1, where large exponents stay finite, and exponents from 2^-60 to 2^60. */
const nearOne = [...towards(1, 1), ...towards(1, -1)].filter((_, k) => k % 3 === 0)
const bases = [...magnitudes(-1074, 1024, 61.3), 0.3, 0.5, 3, 10, ...nearOne]
const exponents = [
  ...signed(magnitudes(-60, 61, 4.53)),
  ...signed([0.25, 0.3, 0.5, 0.7, 1, 1.5, 2, 3, 4, 5, 10, 100]),
]
/** Exponents taking a^b from 2^-1002 down through the subnormals to 0, for bases on both sides of 1. */
const intoSubnormals = [2, 1.01, 1e10, 140, 0.5, 0.99, 1e-10].flatMap((a) =>
  linear(-20, 60, 40).map((t) => [a, -(1022 + t) / Math.log2(a)] as const),
)
const finite = Number.isFinite

export const binaryPoints: Record<BinaryName, readonly (readonly [number, number])[]> = {
  add: pairs(coarse, coarse, (a, b) => finite(a + b)),
  sub: pairs(coarse, coarse, (a, b) => finite(a - b)),
  mul: pairs(coarse, coarse, (a, b) => finite(a * b)),
  div: pairs(fine, fine, (a, b) => finite(a / b)),
  pow: [...pairs(bases, exponents, (a, b) => finite(a ** b)), ...intoSubnormals],
  atan2: pairs(fine, fine, () => true),
  hypot: pairs(fine, fine, (a, b) => finite(Math.hypot(a, b))),
  min: pairs(coarse, coarse, (a, b) => a !== b),
  max: pairs(coarse, coarse, (a, b) => a !== b),
}

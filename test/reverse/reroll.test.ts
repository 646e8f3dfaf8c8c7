import { describe, expect, it } from 'vitest'
import { type DataFn, defineUnary, type Ops, type ScalarFn } from '../../src/index.js'
import { recordProgram } from '../../src/reverse/recording.js'
import { findLoops, type Segment } from '../../src/reverse/reroll.js'
import { accumulate } from '../helpers/loops.js'

/*
 * The loop search (reroll.ts) reads a recording as loops: a block of
 * instructions repeated at least three times, covering at least twelve
 * instructions, whose operands move by fixed strides. codegen.test.ts checks
 * that the code made from these loops gives the tape's gradient bit for bit;
 * a wrong loop there is often only slower. These tests pin down which loops
 * the search finds for small recordings whose instructions can be counted
 * by hand: an instruction i is node `inputs + i`, an operand is a node's
 * index or `~k` for constant k.
 */

/** A loop as plain data, its body cut the same way; a single instruction as its index. */
type Found =
  | number
  | {
      start: number
      period: number
      repeats: number
      strides: number[]
      fixed: number[]
      initial: number[]
      body: Found[]
    }

const plain = (s: Segment): Found =>
  typeof s === 'number'
    ? s
    : {
        start: s.loop.start,
        period: s.loop.period,
        repeats: s.loop.repeats,
        strides: Array.from(s.loop.strides),
        fixed: Array.from(s.loop.fixed),
        initial: Array.from(s.loop.initial),
        body: s.body.map(plain),
      }

/** The loops the search finds in f recorded at x (with `data` given at each call, if any). */
function loopsOf(f: ScalarFn | DataFn, x: readonly number[], data?: readonly number[][]): Found[] {
  const given = data?.map((d) => Float64Array.from(d))
  const { program } = recordProgram('test', Float64Array.from(x), f, given ?? null)
  return findLoops(program, x.length).map(plain)
}

/** The loop `loopsOf` reports: start, period, repeats, and per operand its strides and flags. */
const loop = (
  start: number,
  period: number,
  repeats: number,
  strides: number[],
  fixed: number[],
  initial: number[],
  body: Found[],
): Found => ({ start, period, repeats, strides, fixed, initial, body })
const range = (n: number) => Array.from({ length: n }, (_, i) => i)
const ones = (n: number) => Array.from({ length: n }, () => 1)

/** acc = acc + term(x[i], i) from acc = 0. */
const accumulated =
  (term: <T>(m: Ops<T>, xi: T, i: number) => T): ScalarFn =>
  <T>(m: Ops<T>, x: readonly T[]) =>
    accumulate(m, x, (xi, i) => term(m, xi, i))

/** acc = acc + x[i]^2 from acc = 0: square x[i], then add. */
const sumOfSquares = accumulated((m, xi) => m.square(xi))

describe('a loop must repeat three times and cover twelve instructions', () => {
  it('a sum of squares: a loop of two instructions from the first, its accumulator carried from the constant 0', () => {
    // Instruction 2i squares input i (operand i: stride 1); instruction 2i + 1 adds the accumulator
    // (the constant 0, then node n + 2i - 1: a starting value, stride 2) and the square (node n + 2i).
    expect(loopsOf(sumOfSquares, ones(7))).toEqual([
      loop(0, 2, 7, [1, 2, 2], [0, 0, 0], [0, 1, 0], [0, 1]),
    ])
  })
  it('a loop after other instructions: the accumulator starts from the node before it', () => {
    // Instruction 0 is exp(x[0]); then squares of x[1..6], each added to the accumulator, which
    // starts from that exp (node 7, before the loop: a starting value) and then reads the last add.
    const f: ScalarFn = <T>(m: Ops<T>, x: readonly T[]) => {
      let acc = m.exp(x[0] as T)
      for (const xi of x.slice(1)) acc = m.add(acc, m.square(xi))
      return acc
    }
    expect(loopsOf(f, ones(7))).toEqual([0, loop(1, 2, 6, [1, 2, 2], [0, 0, 0], [0, 1, 0], [1, 2])])
  })
  it('a node the first repetition made, read in every repetition, is read with stride 0, not carried', () => {
    // v = sin(x[i]); acc += v * v0, v0 being the first repetition's v (node 5): the product's
    // second operand is node 5 in every repetition.
    const f: ScalarFn = <T>(m: Ops<T>, x: readonly T[]) => {
      let first: T | null = null
      return accumulate(m, x, (xi) => {
        const v = m.sin(xi)
        first ??= v
        return m.mul(v, first)
      })
    }
    expect(loopsOf(f, ones(5))).toEqual([
      loop(0, 3, 5, [1, 3, 0, 3, 3], [0, 0, 0, 0, 0], [0, 0, 0, 1, 0], [0, 1, 2]),
    ])
  })
  it('six squares make twelve instructions and a loop; five make ten, left as single instructions', () => {
    expect(loopsOf(sumOfSquares, ones(6))).toMatchObject([{ start: 0, period: 2, repeats: 6 }])
    expect(loopsOf(sumOfSquares, ones(5))).toEqual(range(10))
  })
  it('a block of six instructions repeated twice is no loop, though it covers twelve; three times is one', () => {
    // Each term is a chain of six different unary ops on x[i], so no shorter block repeats; the sum
    // of the terms is one instruction after them.
    const chains: ScalarFn = (m, x) =>
      m.sum(x.map((xi) => m.sqrt(m.atan(m.tanh(m.cos(m.sin(m.exp(xi))))))))
    expect(loopsOf(chains, ones(2))).toEqual(range(13))
    expect(loopsOf(chains, ones(3))).toEqual([
      loop(0, 6, 3, [1, 6, 6, 6, 6, 6], [0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0], range(6)),
      18,
    ])
  })
})

describe("constants in a loop: kept, stepping, or the first repetition's own", () => {
  it('a constant with one value in every repetition is kept (stride 0), though each repetition records it anew', () => {
    // Operands: x[i] (stride 1), the constant 3 (kept), the accumulator (0, then the last add:
    // a starting value, stride 2), the product (stride 2).
    expect(
      loopsOf(
        accumulated((m, xi) => m.mul(xi, 3)),
        ones(6),
      ),
    ).toEqual([loop(0, 2, 6, [1, 0, 2, 2], [0, 1, 0, 0], [0, 0, 1, 0], [0, 1])])
  })
  it("a constant that changes steps through the constants; the first repetition's is its own when it recorded one more", () => {
    // Repetition 0 records the multiplier 1 (constant 0) and the accumulator's 0 (constant 1);
    // repetition i >= 1 records only its multiplier i + 1, as constant i + 1. So the multiplier
    // is read from constant 0 first, then from constant 2 on by stride 1.
    expect(
      loopsOf(
        accumulated((m, xi, i) => m.mul(xi, i + 1)),
        ones(6),
      ),
    ).toEqual([loop(0, 2, 6, [1, 1, 2, 2], [0, 0, 0, 0], [0, 1, 1, 0], [0, 1])])
  })
  it('the repetition that ends a loop changes none of its flags: a constant kept until then stays kept', () => {
    // Multiplier 3 six times, then 5: the seventh block is not a repetition (a kept constant
    // changed), and is left as its two instructions.
    const f = accumulated((m, xi, i) => m.mul(xi, i < 6 ? 3 : 5))
    expect(loopsOf(f, ones(7))).toEqual([
      loop(0, 2, 6, [1, 0, 2, 2], [0, 1, 0, 0], [0, 0, 1, 0], [0, 1]),
      12,
      13,
    ])
  })
  it('data is never kept, even when every slot holds the same number: it changes between calls', () => {
    const f: DataFn = <T>(m: Ops<T>, x: readonly T[], [d]: readonly (readonly T[])[]) =>
      accumulated((m, xi, i) => m.mul(xi, (d as readonly T[])[i] as never))(m, x)
    // Data slots 0 to 5 come first among the constants; the accumulator's 0 is constant 6.
    expect(loopsOf(f, ones(6), [[2, 2, 2, 2, 2, 2]])).toEqual([
      loop(0, 2, 6, [1, 1, 2, 2], [0, 0, 0, 0], [0, 0, 1, 0], [0, 1]),
    ])
  })
})

describe('a repetition must match the first in every op and operand count', () => {
  it('a block whose second op differs is not a repetition: the loop starts after it', () => {
    // acc = (0 + sin x0) * sin x1, then + sin x[i] for i = 2 to 7: [sin, add], [sin, mul], then
    // six [sin, add] blocks, which are the loop.
    const f: ScalarFn = <T>(m: Ops<T>, x: readonly T[]) => {
      let acc = m.mul(m.add(0, m.sin(x[0] as T)), m.sin(x[1] as T))
      for (const xi of x.slice(2)) acc = m.add(acc, m.sin(xi))
      return acc
    }
    expect(loopsOf(f, ones(8))).toEqual([
      0,
      1,
      2,
      3,
      loop(4, 2, 6, [1, 2, 2], [0, 0, 0], [0, 1, 0], [4, 5]),
    ])
  })
  it('custom ops are never part of a loop: the code generator has no case for them', () => {
    const cube = defineUnary('cube', {
      value: (a) => a * a * a,
      partial: (m, a) => m.mul(3, m.square(a)),
    })
    const f = accumulated((m, xi) => cube(m, xi))
    expect(loopsOf(f, ones(8))).toEqual(range(16))
  })
  it('sums of two and of three terms in turn: the loop body holds one of each', () => {
    const f: ScalarFn = <T>(m: Ops<T>, x: readonly T[]) =>
      accumulate(m, range(6), (i) => m.sum(x.slice(0, i % 2 === 0 ? 2 : 3)))
    expect(loopsOf(f, ones(3))).toMatchObject([{ start: 0, period: 4, repeats: 3 }])
  })
  it('acc = acc + x[i]: a loop of one instruction, whose first operand is the instruction itself one repetition back', () => {
    const f = accumulated((_m, xi) => xi)
    expect(loopsOf(f, ones(12))).toEqual([loop(0, 1, 12, [1, 1], [0, 0], [1, 0], [0])])
  })
  it('a constant that changes, then comes back to its first value, is not kept', () => {
    // Multipliers 1, 2, 1, 3, 1, 4: the third repetition's 1 equals the first's, but the second's
    // 2 already showed that the constant moves.
    const f = accumulated((m, xi, i) => m.mul(xi, [1, 2, 1, 3, 1, 4][i] as number))
    expect(loopsOf(f, ones(6))).toEqual([
      loop(0, 2, 6, [1, 1, 2, 2], [0, 0, 0, 0], [0, 1, 1, 0], [0, 1]),
    ])
  })
})

describe('loops inside loops', () => {
  it('a layer over examples: a loop over examples holding a loop over units', () => {
    // For each example e (input e + 1), out = sum over units h of p[4 + h] * tanh(p[h] * (e + 1)),
    // then loss += out^2. A unit is four instructions (mul, tanh, mul, add), an example four units
    // and a square and an add: eighteen.
    const net: ScalarFn = <T>(m: Ops<T>, p: readonly T[]) => {
      let loss: T | number = 0
      for (let e = 0; e < 4; e++) {
        let out: T | number = 0
        for (let h = 0; h < 4; h++) {
          out = m.add(out, m.mul(p[4 + h] as T, m.tanh(m.mul(p[h] as T, e + 1))))
        }
        loss = m.add(loss, m.square(out as T))
      }
      return loss as T
    }
    const [outer] = loopsOf(
      net,
      range(8).map((i) => i / 10),
    ) as [Exclude<Found, number>]
    expect(outer).toMatchObject({ start: 0, period: 18, repeats: 4 })
    // Inside an example: p[h] (stride 1), the input, kept; the product, the tanh, p[4 + h], and the
    // sum carried from the 0 it starts from.
    expect(outer.body).toEqual([
      loop(0, 4, 4, [1, 0, 4, 1, 4, 4, 4], [0, 1, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 1, 0], range(4)),
      16,
      17,
    ])
    // Across examples, the first unit's operands: p[0] the same node (stride 0); the input e + 1
    // is constant 0 in example 0, which also records out's 0 (constant 1) and loss's 0 (constant 5),
    // then constant 6 + 5 (e - 1): the first example's own, then stride 5; out's starting 0 has
    // the same value in every example, so it is kept.
    expect(outer.strides.slice(0, 2)).toEqual([0, 5])
    expect(outer.initial.slice(0, 2)).toEqual([0, 1])
    expect([outer.strides[5], outer.fixed[5]]).toEqual([0, 1])
    // The loss carried from its 0, and out's last node squared: a starting value, and stride 18.
    expect(outer.initial.slice(-2)).toEqual([1, 0])
    expect(outer.strides.slice(-2)).toEqual([18, 18])
  })
  it('an inner loop whose operands move differently in each repetition of the outer one is not a loop there', () => {
    // sin(x[k (e + 1)]): in the outer loop over e, operand k moves by k, a different stride for
    // each repetition of the inner loop over k, so the outer body is left as twelve instructions.
    // With sin(x[k + e]) every operand moves by 1 and the inner loop stands.
    const rows =
      (index: (e: number, k: number) => number): ScalarFn =>
      <T>(m: Ops<T>, x: readonly T[]) => {
        let acc: T | number = 0
        for (let e = 0; e < 4; e++) {
          for (let k = 0; k < 6; k++) acc = m.add(acc, m.sin(x[index(e, k)] as T))
        }
        return acc as T
      }
    const outer = { start: 0, period: 12, repeats: 4, fixed: range(18).map(() => 0) }
    const initial = [0, 1, ...range(16).map(() => 0)]
    expect(
      loopsOf(
        rows((e, k) => k * (e + 1)),
        ones(24),
      ),
    ).toEqual([
      { ...outer, strides: range(6).flatMap((k) => [k, 12, 12]), initial, body: range(12) },
    ])
    expect(
      loopsOf(
        rows((e, k) => k + e),
        ones(24),
      ),
    ).toEqual([
      {
        ...outer,
        strides: range(6).flatMap(() => [1, 12, 12]),
        initial,
        body: [loop(0, 2, 6, [1, 2, 2], [0, 0, 0], [0, 1, 0], [0, 1])],
      },
    ])
  })
})

describe('the search has limits, so that compile stays quick', () => {
  it('a long stretch with nothing repeated spends the search budget: a loop after it is left as single instructions', () => {
    // Products of inputs drawn by a pseudo-random sequence (no block repeats), then twenty
    // [sin, add] blocks. After 100 products the blocks are found as a loop; after 1,000 the
    // search has spent its budget trying periods over the products, and compile moves on.
    const irregularThenLoop =
      (count: number): ScalarFn =>
      <T>(m: Ops<T>, x: readonly T[]) => {
        let state = 1
        const next = () => {
          state = (state * 48271) % 2147483647
          return x[state % x.length] as T
        }
        let acc = m.sum(Array.from({ length: count }, () => m.mul(next(), next())))
        for (const xi of x.slice(0, 20)) acc = m.add(acc, m.sin(xi))
        return acc
      }
    const loops = (found: Found[]) => found.filter((s) => typeof s !== 'number')
    expect(loops(loopsOf(irregularThenLoop(100), ones(1000)))).toMatchObject([
      { start: 101, period: 2, repeats: 20 },
    ])
    expect(loops(loopsOf(irregularThenLoop(1000), ones(1000)))).toEqual([])
  })
  it('a loop body is at most 4,096 instructions: a longer block repeated is found as its own shorter loops', () => {
    // sin of every input, three times over, then one sum: at 4,096 inputs a loop of three
    // repetitions holding a loop over the inputs; at 4,097 the block is too long, so each pass
    // over the inputs is a loop of its own.
    const threeTimes: ScalarFn = (m, x) => m.sum([0, 1, 2].flatMap(() => x.map((xi) => m.sin(xi))))
    const shape = (found: Found[]) =>
      found.map((s) =>
        typeof s === 'number'
          ? s
          : [
              s.start,
              s.period,
              s.repeats,
              s.body.map((b) => (typeof b === 'number' ? b : [b.start, b.period, b.repeats])),
            ],
      )
    const found = loopsOf(threeTimes, ones(4096))
    expect(shape(found)).toEqual([[0, 4096, 3, [[0, 1, 4096]]], 12288])
    // Each pass reads the same inputs: every operand's stride in the outer loop is 0.
    expect((found[0] as Exclude<Found, number>).strides).toEqual(range(4096).map(() => 0))
    expect((found[0] as Exclude<Found, number>).fixed).toEqual(range(4096).map(() => 0))
    expect(shape(loopsOf(threeTimes, ones(4097)))).toEqual([
      [0, 1, 4097, [0]],
      [4097, 1, 4097, [4097]],
      [8194, 1, 4097, [8194]],
      12291,
    ])
  })
})

import { describe, expect, it } from 'vitest'
import { type Ops, reverse, type ScalarFn } from '../../src/index.js'
import { binaryCode, DOT, Program } from '../../src/reverse/program.js'
import { groupsOfRuns, LATER, runsOfNodes } from '../../src/reverse/replay.js'

/*
 * How a compiled gradient lays out a layer: a dot's constants are stored once
 * when they repeat the last dot's, and four dots of weight rows times the
 * same example run side by side. Neither may change a single bit of the
 * gradient, so the end-to-end tests compare with the dynamic tape exactly.
 */

/** Records dot(x[row .. row + data.length - 1], data) into `program`. */
function recordDot(program: Program, row: number, data: readonly number[]): void {
  data.forEach((c, k) => {
    program.operand(row + k, 1)
    program.operand(-1, c)
  })
  program.end(DOT)
}

describe("a compiled program's constants", () => {
  it('are stored once when a dot repeats the last dot that recorded any', () => {
    const program = new Program()
    recordDot(program, 0, [0.5, 2, -1])
    recordDot(program, 3, [0.5, 2, -1])
    expect(program.constantCount).toBe(3)
    // The second dot's operands refer to the first dot's constants, in order.
    expect(Array.from(program.args.subarray(0, program.argCount))).toEqual([
      0,
      ~0,
      1,
      ~1,
      2,
      ~2,
      3,
      ~0,
      4,
      ~1,
      5,
      ~2,
    ])
  })

  it('are stored again when they differ, even only in the sign of a zero, or when another dot came between', () => {
    const signs = new Program()
    recordDot(signs, 0, [0, 1])
    recordDot(signs, 2, [-0, 1])
    expect(signs.constantCount).toBe(4)
    const between = new Program()
    recordDot(between, 0, [1, 2])
    recordDot(between, 2, [3, 4])
    recordDot(between, 4, [1, 2])
    expect(between.constantCount).toBe(6)
    const lengths = new Program()
    recordDot(lengths, 0, [1, 2])
    recordDot(lengths, 2, [1, 2, 3])
    expect(lengths.constantCount).toBe(5)
  })

  it('of an op discarded as constant are given back', () => {
    const program = new Program()
    program.operand(-1, 7)
    program.discard()
    recordDot(program, 0, [1])
    expect(program.constantCount).toBe(1)
    expect(program.constants[0]).toBe(1)
  })
})

/** A layer of `rows` units over inputs 0 .. 3 rows - 1: dot(row j, data), then add(., bias) with `bias(j)` as operand. */
function layer(rows: number, bias: (j: number) => number, starts = (j: number) => 3 * j): Program {
  const program = new Program()
  for (let j = 0; j < rows; j++) {
    recordDot(program, starts(j), [0.5, 2, -1])
    program.operand(bias(j), 0)
    program.operand(-1, 1)
    program.end(binaryCode('add'))
  }
  return program
}

const groupsOf = (program: Program, inputs: number) => {
  const { of, members } = groupsOfRuns(program, runsOfNodes(program), inputs)
  return { of: Array.from(of), members: Array.from(members) }
}

describe('groups of dots computed side by side', () => {
  it('are four dots of rows that follow one another, times the same constants, with other ops between', () => {
    // 5 units over inputs 0..14 and biases 15..19: one group of four, and a fifth dot alone.
    expect(
      groupsOf(
        layer(5, (j) => 15 + j),
        20,
      ),
    ).toEqual({
      of: [0, -1, LATER, -1, LATER, -1, LATER, -1, -1, -1],
      members: [0, 2, 4, 6],
    })
  })

  it('are not formed when an op between the dots reads a row, rows overlap or are out of order, or there are only three', () => {
    // The second unit's add reads input 4, in the third row: no group may start at the first dot.
    const reading = layer(5, (j) => (j === 1 ? 7 : 15 + j))
    expect(groupsOf(reading, 20).members).toEqual([])
    expect(
      groupsOf(
        layer(
          4,
          (j) => 15 + j,
          (j) => 2 * j,
        ),
        20,
      ).members,
    ).toEqual([])
    expect(
      groupsOf(
        layer(
          4,
          (j) => 15 + j,
          (j) => 9 - 3 * j,
        ),
        20,
      ).members,
    ).toEqual([])
    expect(
      groupsOf(
        layer(3, (j) => 15 + j),
        20,
      ).members,
    ).toEqual([])
  })
})

/**
 * A layer of six units (one group of four and two dots alone) over three
 * examples, with relu so that some units' adjoints are exactly 0 at some
 * points, a zero in the data, and `between` run between the units.
 */
const network =
  (between: 'nothing' | 'reads a weight'): ScalarFn =>
  <T>(m: Ops<T>, p: readonly T[]): T => {
    const examples = [
      [0.5, 0, -1.5],
      [-2, 1, 0.25],
      [1, -0.5, 3],
    ]
    const losses: T[] = []
    for (const x of examples) {
      const units: T[] = []
      for (let j = 0; j < 6; j++) {
        let z = m.add(m.dot(p.slice(3 * j, 3 * j + 3), x), p[18 + j] as T)
        if (between === 'reads a weight' && j === 1) z = m.mul(z, p[7] as T)
        units.push(m.relu(z))
      }
      losses.push(m.square(m.sub(m.dot(p.slice(24, 30), units), 0.5)))
    }
    return m.sum(losses)
  }

describe('a compiled layer equals the dynamic gradient bit for bit', () => {
  const point = (seed: number) =>
    Array.from({ length: 30 }, (_, i) => Math.sin(seed * 7.3 + i * 1.9) * (i < 24 ? 1 : 0.5))
  for (const between of ['nothing', 'reads a weight'] as const) {
    it(`with ${between} between the dots, at points where some units are off`, () => {
      const f = network(between)
      const compiled = reverse.compile(f, point(0))
      let off = 0
      for (let seed = 1; seed <= 12; seed++) {
        const x = point(seed)
        const expected = reverse.valueAndGradient(f, x)
        const actual = compiled.valueAndGradient(x)
        expect(actual.value).toBe(expected.value)
        expect(actual.gradient).toEqual(expected.gradient)
        // A unit that is off gives its weights' row a zero gradient.
        if (expected.gradient.slice(0, 18).some((g) => g === 0)) off++
      }
      expect(off).toBeGreaterThan(0)
      expect(compiled.recordings).toBe(1)
    })
  }
})

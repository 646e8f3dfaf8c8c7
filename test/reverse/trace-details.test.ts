import { describe, expect, it } from 'vitest'
import { evaluator, parseExpression } from '../../src/explain/parse.js'
import {
  chainGraph,
  defineBlock,
  isGradlabError,
  multiplications,
  named,
  type Ops,
  plain,
  reverse,
  sharedFactors,
  traceToDot,
  traceToMermaid,
} from '../../src/index.js'
import { formatNumber } from '../../src/trace/text.js'
import { thrown } from '../helpers/errors.js'

/*
 * The corners of reverse.trace, its chain rule and its drawings that
 * test/reverse/trace.test.ts does not reach: sums with constants, blocks of
 * several outputs, values computed and never used, a function that is one
 * op, names given inside another gradient, number formats, labels, and the
 * parser of gradlab explain on numbers, spaces and the names it gives.
 */

/** The message of the gradlab error `call` throws. */
function message(call: () => unknown): string {
  const error = thrown(call)
  expect(isGradlabError(error)).toBe(true)
  return error.message
}

describe('reverse.trace, corners', () => {
  it("gives a sum's node operands partial 1 and its constants none", () => {
    const t = reverse.trace((m, [a, b]) => m.sum([a, 2, b]), [1, 5])
    expect(t.nodes[2]).toMatchObject({ op: 'sum', partials: [1, null, 1], value: 8 })
    expect(t.nodes[2]?.inputs).toEqual([{ node: 0 }, { constant: 2 }, { node: 1 }])
  })

  it("draws every output of a block from the block's inputs, with no partials", () => {
    const both = defineBlock('sumAndProduct', {
      value: ([a, b]) => [(a as number) + (b as number), (a as number) * (b as number)],
      vjp: ([a, b], _out, [g, h]) => [
        (g as number) + (h as number) * (b as number),
        (g as number) + (h as number) * (a as number),
      ],
    })
    const t = reverse.trace(
      (m, [a, b]) => {
        const [s, p] = both(m, [a, b]) as [typeof a, typeof a]
        return m.add(s, m.mul(3, p))
      },
      [2, 5],
    )
    const outputs = t.nodes.filter((n) => n.op === 'sumAndProduct')
    expect(outputs.map((n) => [n.value, n.inputs, n.partials])).toEqual([
      [7, [{ node: 0 }, { node: 1 }], [null, null]],
      [10, [{ node: 0 }, { node: 1 }], [null, null]],
    ])
    for (const node of outputs) {
      expect(t.edges.filter((e) => e.from === node.id).map((e) => [e.to, e.partial])).toEqual([
        [1, null],
        [0, null],
      ])
    }
    // d/da (a + b + 3ab) = 1 + 3b, d/db = 1 + 3a, through the block's vjp.
    expect(Array.from(t.gradient)).toEqual([16, 7])
    expect(traceToDot(t)).toContain('[label="vjp"]')
  })

  it('gives the one input of a one-op function its derivative as adjoint', () => {
    const t = reverse.trace((m, [a]) => m.sin(a), [0.5])
    expect(t.output).toBe(1)
    expect(t.nodes.map((n) => n.adjoint)).toEqual([Math.cos(0.5), 1])
  })

  it('leaves names given to values of another gradient, taken inside, out of the trace', () => {
    const t = reverse.trace(
      (m, [a, b]) => {
        const [inner] = reverse.gradient((mi, [y]) => named(mi.mul(y, y), 'inner'), [3])
        return m.mul(named(m.add(a, b), 'a + b'), inner as number)
      },
      [1, 2],
    )
    expect(t.nodes.map((n) => n.name)).toEqual([null, null, 'a + b', null])
    expect(Array.from(t.gradient)).toEqual([6, 6])
  })

  it('names an input with named, the first one too', () => {
    const t = reverse.trace((m, [a, b]) => m.mul(named(a, 'first'), named(b, 'second')), [2, 3])
    expect(t.nodes.map((n) => n.name)).toEqual(['first', 'second', null])
  })

  it('keeps naming its own values after a trace taken inside f, and after a trace whose f threw', () => {
    const inner = reverse.trace((m, [y]) => named(m.square(y), 'inner'), [3])
    const t = reverse.trace(
      (m, [a, b]) => {
        const again = reverse.trace((mi, [y]) => named(mi.square(y), 'inner'), [3])
        expect(again.nodes.map((n) => n.name)).toEqual(inner.nodes.map((n) => n.name))
        return named(m.add(a, b), 'a + b')
      },
      [1, 2],
    )
    expect(t.nodes.map((n) => n.name)).toEqual([null, null, 'a + b'])
    expect(() =>
      reverse.trace(
        (m, [a]) => {
          named(m.sin(a), 'lost')
          throw new Error('f failed')
        },
        [1],
      ),
    ).toThrow('f failed')
    // Outside any trace, named gives no name to anything; the next trace has only its own.
    const after = reverse.trace((m, [a]) => named(m.cos(a), 'cos'), [1])
    expect(after.nodes.map((n) => n.name)).toEqual([null, 'cos'])
  })

  it('names x and shows a good options object when refusing them', () => {
    const f = <T>(m: Ops<T>, [a]: readonly T[]) => m.sin(a as T)
    expect(message(() => reverse.trace(f, 'ab' as never))).toMatch(/^reverse\.trace: x must be /)
    expect(message(() => reverse.trace(f, [1], 5 as never))).toContain("{ names: ['a', 'b'] }")
  })

  it('refuses names that are not non-empty strings, and names of the wrong kind', () => {
    const f = <T>(m: Ops<T>, [a, b]: readonly T[]) => m.add(a as T, b as T)
    expect(message(() => reverse.trace(f, [1, 2], { names: ['a', ''] }))).toBe(
      'reverse.trace: options.names must be an array of 2 non-empty strings, one per input.',
    )
    expect(message(() => reverse.trace(f, [1, 2], { names: 'ab' as never }))).toBe(
      'reverse.trace: options.names must be an array of 2 non-empty strings, one per input.',
    )
    expect(message(() => named(1, 5 as never))).toBe(
      'named: the name must be a non-empty string, got 5.',
    )
    expect(message(() => named(1, ''))).toBe(
      'named: the name must be a non-empty string, got an empty string.',
    )
  })
})

describe('the chain rule of a trace, corners', () => {
  const f = <T>(m: Ops<T>, [a, b]: readonly T[]) => m.sin(named(m.mul(a as T, b as T), 'u'))
  const withUnused = <T>(m: Ops<T>, [a, b]: readonly T[]) => {
    named(m.exp(a as T), 'unused')
    return f(m, [a as T, b as T])
  }

  it('leaves out values computed and never used, in factors and in counts', () => {
    const t = reverse.trace(withUnused, [0.5, 2], { names: ['a', 'b'] })
    const clean = reverse.trace(f, [0.5, 2], { names: ['a', 'b'] })
    const unused = t.nodes.findIndex((n) => n.name === 'unused')
    expect(chainGraph(t).nodes).not.toContain(unused)
    expect(chainGraph(t).factors.map((c) => c.derivative)).toEqual(
      chainGraph(clean).factors.map((c) => c.derivative),
    )
    expect(multiplications(t)).toEqual(multiplications(clean))
    expect(multiplications(t, { over: 'named' })).toEqual(multiplications(clean, { over: 'named' }))
  })

  it('orders factors by the value they are of, last first, then by the value they are with respect to, last first', () => {
    const t = reverse.trace(f, [0.5, 2], { names: ['a', 'b'] })
    expect(chainGraph(t).factors.map((c) => [c.from, c.to])).toEqual([
      [3, 2],
      [2, 1],
      [2, 0],
    ])
    expect(chainGraph(t).nodes).toEqual([3, 2, 1, 0])
  })

  it('takes inputs by index as by name, and lists the names (or not) when one is not there', () => {
    const t = reverse.trace(f, [0.5, 2], { names: ['a', 'b'] })
    expect(sharedFactors(t, [0, 1])).toEqual(sharedFactors(t, ['a', 'b']))
    const unnamed = reverse.trace(f, [0.5, 2])
    expect(message(() => sharedFactors(unnamed, ['q']))).toBe(
      "sharedFactors: no input is named 'q'; the trace has 2 inputs.",
    )
    expect(message(() => sharedFactors(t, ['q']))).toBe(
      "sharedFactors: no input is named 'q'; the trace has 2 inputs (a, b).",
    )
  })

  it('has nothing to share or count when f returns a constant', () => {
    const t = reverse.trace((m) => m.constant(4), [1, 2])
    expect(chainGraph(t)).toEqual({ nodes: [], factors: [] })
    expect(multiplications(t)).toEqual({ separate: 0, backpropagation: 0 })
    expect(sharedFactors(t, [0])).toEqual([])
  })
})

describe('drawings, corners', () => {
  it('formats numbers with 4 significant digits, exponents outside [0.001, 1e6), and the specials', () => {
    expect(
      [
        Number.NaN,
        Number.POSITIVE_INFINITY,
        Number.NEGATIVE_INFINITY,
        0,
        -0,
        0.001,
        0.00099,
        123456.7,
        1e6,
        -2 / 3,
      ].map(formatNumber),
    ).toEqual([
      'NaN',
      'Infinity',
      '-Infinity',
      '0',
      '-0',
      '0.001',
      '9.900e-4',
      '123500',
      '1.000e+6',
      '-0.6667',
    ])
  })

  it('titles unnamed inputs x0, x1, ops with their constants up to four operands, and wider ops by name', () => {
    const t = reverse.trace(
      (m, [a, b]) => m.add(m.dot([a, b], [3, 1]), m.sum([a, b, 1, 2, 3])),
      [1, 2],
    )
    const dot = traceToDot(t)
    for (const title of ['x0\\n', 'x1\\n', 'dot(·, 3, ·, 1)\\n', '"sum\\n', '"add\\n']) {
      expect(dot, title).toContain(title)
    }
  })

  it('draws inputs as boxes in the named chain rule too, and escapes quotes and backslashes in DOT', () => {
    const t = reverse.trace((m, [a]) => m.sin(a), [0], { names: ['say "\\hi"'] })
    const dot = traceToDot(t, { named: true })
    expect(dot).toContain('n0 [label="say \\"\\\\hi\\"\\nvalue 0\\nadjoint 1", shape=box];')
    expect(dot).toContain('n1 [label="sin\\nvalue 0\\nadjoint 1"];')
  })

  it('names the call in its option errors', () => {
    const t = reverse.trace((m, [a]) => m.sin(a), [0])
    expect(message(() => traceToDot(t, { shared: ['q'] }))).toBe(
      "traceToDot: no input is named 'q'; the trace has 1 input.",
    )
    expect(message(() => traceToMermaid(t, { named: true, shared: [3] }))).toBe(
      "traceToMermaid: 3 is not an input's index; the trace has 1 input.",
    )
    expect(message(() => traceToMermaid(t, { nmed: true } as never))).toBe(
      "traceToMermaid: unknown option 'nmed'. Known options: named, shared.",
    )
  })
})

describe("gradlab explain's parser, corners", () => {
  const valueAt = (text: string, at: Record<string, number> = {}) =>
    evaluator(parseExpression(text), text, Object.keys(at))(plain, Object.values(at)) as number

  it('reads numbers in every form, and spaces anywhere', () => {
    expect(valueAt('10 + 2.5 + 3. + .5 + 1e2 + 2.5E-1 + .25e+1 + 4E+0')).toBe(
      10 + 2.5 + 3 + 0.5 + 100 + 0.25 + 2.5 + 4,
    )
    expect(valueAt('   a   *   b   ', { a: 2, b: 3 })).toBe(6)
  })

  it('points at the character after leading spaces, and at the token that is wrong', () => {
    expect(message(() => parseExpression('a +   $'))).toBe(
      "explain: unexpected character '$' at position 7:\n  a +   $\n        ^",
    )
    expect(message(() => parseExpression('(a, b)'))).toBe(
      "explain: expected ')', found ',' at position 3:\n  (a, b)\n    ^",
    )
    expect(message(() => parseExpression('sin(a, b)'))).toBe(
      'explain: sin takes 1 argument, given 2 at position 1:\n  sin(a, b)\n  ^',
    )
  })

  it('names each value with its text, without the parentheses around all of it', () => {
    const text = '((a - b)) * (a + b) + sin(a) * 2 + (a) - (b)'
    const f = evaluator(parseExpression(text), text, ['a', 'b'])
    const t = reverse.trace(f, [3, 1])
    expect(t.nodes.slice(2).map((n) => n.name)).toEqual([
      'a - b',
      'a + b',
      '((a - b)) * (a + b)',
      'sin(a)',
      'sin(a) * 2',
      '((a - b)) * (a + b) + sin(a) * 2',
      '((a - b)) * (a + b) + sin(a) * 2 + (a)',
      text,
    ])
  })

  it('evaluates an expression of numbers alone to a constant of the ops', () => {
    const t = reverse.trace(evaluator(parseExpression('3'), '3', []), [])
    expect(t.value).toBe(3)
    expect(t.output).toBe(-1)
  })
})

import { describe, expect, it } from 'vitest'
import { courseLoss, courseNetwork } from '../../bench/workloads/course.js'
import {
  chainGraph,
  defineBlock,
  defineUnary,
  forward,
  type GradientTrace,
  multiplications,
  named,
  numeric,
  type Ops,
  reverse,
  sharedEdges,
  sharedFactors,
  traceToDot,
  traceToJSON,
  traceToMermaid,
} from '../../src/index.js'
import { thrown } from '../helpers/errors.js'

/*
 * reverse.trace: the recording of one gradient as data. Its adjoints are
 * checked against reverse.gradient and against a backward pass the test
 * runs itself over the trace's edges; the course's 2-2-1 network gives back
 * the three shared factors the course names, with values worked out here by
 * hand; the multiplication counts are checked against paths enumerated one
 * by one.
 */

const softsign = defineUnary('softsign', {
  value: (a) => a / (1 + Math.abs(a)),
  partial: (m, a) => m.div(1, m.square(m.add(1, m.abs(a)))),
})
const lse = (xs: readonly number[]) => {
  const top = Math.max(...xs)
  return top + Math.log(xs.reduce((s, x) => s + Math.exp(x - top), 0))
}
const logsumexp = defineBlock('logsumexp', {
  value: lse,
  vjp: (xs, out, g) => xs.map((x) => g * Math.exp(x - out)),
})

const functions: Record<string, [<T>(m: Ops<T>, x: readonly T[]) => T, number[]]> = {
  'c = (a - b)^2': [(m, [a, b]) => m.pow(m.sub(a as never, b as never), 2), [2, 0]],
  'a value used twice': [
    (m, [a, b]) => m.add(m.mul(a as never, a as never), m.mul(m.sin(a as never), b as never)),
    [0.7, -1.2],
  ],
  'sum and dot': [
    (m, x) => m.add(m.sum(x.map((v) => m.tanh(v))), m.dot(x, [1, -2, 0.5, 3])),
    [0.3, -0.4, 1.1, 0.2],
  ],
  'a custom op': [(m, [a, b]) => m.mul(softsign(m, a as never), b as never), [0.5, 3]],
  'a block': [(m, [a, b, c]) => m.mul(logsumexp(m, [a, b, c]) as never, a as never), [0.1, 1, -1]],
  'an input as output': [(_m, [a]) => a as never, [3, 4]],
}

/** Runs `fn` and checks that it throws a `Kind` with this code and a message matching `message`. */
function expectGradlabError(
  fn: () => unknown,
  Kind: TypeErrorConstructor | RangeErrorConstructor,
  code: string,
  message: RegExp,
): void {
  const error = thrown(fn)
  expect(error).toBeInstanceOf(Kind)
  expect(error.code).toBe(code)
  expect(error.message).toMatch(message)
}

/** The backward pass over a trace's edges, in their order: adjoint[to] += partial * adjoint[from]. */
function backwardOverEdges(t: GradientTrace): Float64Array {
  const adjoint = new Float64Array(t.nodes.length)
  if (t.output >= 0) adjoint[t.output] = 1
  for (const e of t.edges) {
    adjoint[e.to] = (adjoint[e.to] as number) + (e.partial as number) * (adjoint[e.from] as number)
  }
  return adjoint
}

describe('reverse.trace', () => {
  for (const [title, [f, x]] of Object.entries(functions)) {
    it(`${title}: the gradient and value are reverse.gradient's, bit for bit`, () => {
      const t = reverse.trace(f, x)
      const expected = reverse.valueAndGradient(f, x)
      expect(t.value).toBe(expected.value)
      expect(t.gradient).toEqual(expected.gradient)
      expect(t.nodes.slice(0, x.length).map((n) => n.adjoint)).toEqual(
        Array.from(expected.gradient),
      )
    })
  }

  for (const title of ['c = (a - b)^2', 'a value used twice', 'sum and dot', 'a custom op']) {
    it(`${title}: every node's adjoint is the sum of partial times adjoint over its edges`, () => {
      const [f, x] = functions[title] as [<T>(m: Ops<T>, x: readonly T[]) => T, number[]]
      const t = reverse.trace(f, x)
      expect(Array.from(backwardOverEdges(t))).toEqual(t.nodes.map((n) => n.adjoint))
    })
  }

  it('lists nodes in recording order and edges last op first, operands last to first', () => {
    const t = reverse.trace((m, [a, b]) => m.pow(m.sub(a, b), 2), [2, 0], { names: ['a', 'b'] })
    expect(t.nodes).toEqual([
      { id: 0, op: 'input', name: 'a', inputs: [], value: 2, partials: [], adjoint: 4 },
      { id: 1, op: 'input', name: 'b', inputs: [], value: 0, partials: [], adjoint: -4 },
      {
        id: 2,
        op: 'sub',
        name: null,
        inputs: [{ node: 0 }, { node: 1 }],
        value: 2,
        partials: [1, -1],
        adjoint: 4,
      },
      // d(u^2)/du = 2u = 4 at u = a - b = 2; the exponent is a constant, with no partial.
      {
        id: 3,
        op: 'pow',
        name: null,
        inputs: [{ node: 2 }, { constant: 2 }],
        value: 4,
        partials: [4, null],
        adjoint: 1,
      },
    ])
    expect(t.edges).toEqual([
      { from: 3, to: 2, partial: 4 },
      { from: 2, to: 1, partial: -1 },
      { from: 2, to: 0, partial: 1 },
    ])
    expect(t.output).toBe(3)
  })

  it("gives a dot's factors the other factor's value as partial and names custom ops and blocks", () => {
    const dot = reverse.trace((m, [a, b]) => m.dot([a, b], [b, 3]), [2, 5])
    // a b + b 3 at (2, 5): operands a, b, b, 3, each factor's partial the other's value.
    expect(dot.nodes[2]).toMatchObject({ op: 'dot', partials: [5, 2, 3, null], value: 25 })
    expect(reverse.trace(...(functions['a custom op'] as [never, number[]])).nodes[2]?.op).toBe(
      'softsign',
    )
    const block = reverse.trace(...(functions['a block'] as [never, number[]]))
    expect(block.nodes[3]).toMatchObject({ op: 'logsumexp', partials: [null, null, null] })
    expect(block.edges.filter((e) => e.from === 3).map((e) => e.partial)).toEqual([
      null,
      null,
      null,
    ])
  })

  it('gives zeros, and no output node, when f returns a constant', () => {
    const t = reverse.trace((m) => m.add(1, 2), [1, 2])
    expect(t.output).toBe(-1)
    expect(t.value).toBe(3)
    expect(Array.from(t.gradient)).toEqual([0, 0])
    expect(t.edges).toEqual([])
  })

  it('names values with named, which returns its argument in every strategy', () => {
    const f = <T>(m: Ops<T>, [a, b]: readonly T[]) =>
      m.square(named(m.sub(a as T, b as T), 'a - b'))
    const t = reverse.trace(f, [2, 0])
    expect(t.nodes.map((n) => n.name)).toEqual([null, null, 'a - b', null])
    expect(Array.from(forward.gradient(f, [2, 0]))).toEqual([4, -4])
    expect(Array.from(reverse.gradient(f, [2, 0]))).toEqual([4, -4])
    expect(Array.from(numeric.gradient(f, [2, 0])).map(Math.round)).toEqual([4, -4])
    expect(named(3, 'three')).toBe(3)
  })

  it('refuses bad names and options, naming the call', () => {
    const f = <T>(m: Ops<T>, [a]: readonly T[]) => m.sin(a as T)
    expectGradlabError(
      () => reverse.trace(f, [1], { names: ['a', 'b'] }),
      TypeError,
      'ERR_GRADLAB_INVALID_OPTIONS',
      /^reverse\.trace: options\.names must be an array of 1 non-empty strings/,
    )
    expectGradlabError(
      () => reverse.trace((m, [a, b]) => m.add(a, b), [1, 2], { names: ['a', 'a'] }),
      TypeError,
      'ERR_GRADLAB_INVALID_OPTIONS',
      /^reverse\.trace: options\.names gives 'a' to two inputs/,
    )
    expectGradlabError(
      () => reverse.trace(f, [1], { name: ['a'] } as never),
      TypeError,
      'ERR_GRADLAB_UNKNOWN_OPTION',
      /^reverse\.trace: unknown option 'name'/,
    )
    expectGradlabError(
      () => named(1, ''),
      TypeError,
      'ERR_GRADLAB_INVALID_OPTIONS',
      /^named: the name must be a non-empty string/,
    )
    expectGradlabError(
      () => reverse.trace(5 as never, [1]),
      TypeError,
      'ERR_GRADLAB_INVALID_FUNCTION',
      /^reverse\.trace: f must be a function/,
    )
  })
})

/**
 * The course's network (bench/workloads/course.ts, as in test/course.test.ts), with its values named as
 * the course names them: z_k = w^h_k1 x1 + w^h_k2 x2, h_k = g(z_k),
 * y_hat = w^y_1 h1 + w^y_2 h2, L = (y_hat - y)^2 / 2.
 */
const { data, x: parameters, names: parameterNames } = courseNetwork
const network = courseLoss

describe("the course's shared factors, found in a trace of the 2-2-1 network", () => {
  for (const g of ['tanh', 'relu'] as const) {
    it(`g = ${g}: dL/dw^h_11 and dL/dw^h_12 share exactly (y_hat - y), w^y_1 and g'(z1)`, () => {
      const [wh11, wh12, wh21, wh22, wy1, wy2] = parameters as [
        number,
        number,
        number,
        number,
        number,
        number,
      ]
      const act = g === 'tanh' ? Math.tanh : (z: number) => Math.max(z, 0)
      const z1 = wh11 * data.x1 + wh12 * data.x2
      const z2 = wh21 * data.x1 + wh22 * data.x2
      const yHat = wy1 * act(z1) + wy2 * act(z2)
      const gPrime = g === 'tanh' ? 1 / Math.cosh(z1) ** 2 : z1 > 0 ? 1 : 0
      const t = reverse.trace(network(g), parameters, { names: parameterNames })
      const shared = sharedFactors(t, ['w^h_11', 'w^h_12'])
      const name = (id: number) => t.nodes[id]?.name
      expect(shared.map((f) => `d${name(f.from)}/d${name(f.to)}`)).toEqual([
        'dL/dy_hat',
        'dy_hat/dh1',
        'dh1/dz1',
      ])
      const [dy, dh, dz] = shared.map((f) => f.derivative) as [number, number, number]
      expect(dy).toBeCloseTo(yHat - data.y, 14)
      expect(dh).toBe(wy1)
      expect(dz).toBeCloseTo(gPrime, 14)
      // Then each parameter's own last factor: dz1/dw^h_11 = x1 and dz1/dw^h_12 = x2.
      const last = chainGraph(t).factors.filter((f) => name(f.from) === 'z1')
      expect(last.map((f) => [name(f.to), f.derivative])).toEqual([
        ['w^h_12', data.x2],
        ['w^h_11', data.x1],
      ])
    })
  }

  it('shares dL/dy_hat among all six parameters, and w^y_1 among those that affect h1', () => {
    const t = reverse.trace(network('tanh'), parameters, { names: parameterNames })
    const name = (id: number) => t.nodes[id]?.name
    expect(sharedFactors(t, parameterNames).map((f) => name(f.to))).toEqual(['y_hat'])
    const h1 = chainGraph(t).factors.find((f) => name(f.from) === 'y_hat' && name(f.to) === 'h1')
    expect(h1?.inputs.map((i) => parameterNames[i])).toEqual(['w^h_11', 'w^h_12'])
  })

  it('shares, among the edges of every op, those on the paths to both w^h_11 and w^h_12', () => {
    const t = reverse.trace(network('tanh'), parameters, { names: parameterNames })
    const z1 = t.nodes.findIndex((n) => n.name === 'z1')
    const shared = sharedEdges(t, ['w^h_11', 'w^h_12'])
    // From L down to z1: each edge's `to` is the next edge's `from`, and the product of
    // their partials is dL/dz1, the adjoint of z1.
    expect(shared.at(-1)?.to).toBe(z1)
    for (let k = 1; k < shared.length; k++) expect(shared[k]?.from).toBe(shared[k - 1]?.to)
    expect(shared[0]?.from).toBe(t.output)
    const product = shared.reduce((p, e) => p * (e.partial as number), 1)
    expect(product).toBeCloseTo(t.nodes[z1]?.adjoint as number, 14)
    // Edges below z1 lead to one of the two, not both.
    expect(shared.every((e) => e.to >= z1)).toBe(true)
  })

  it('refuses an input that is not there, listing the names', () => {
    const t = reverse.trace(network('tanh'), parameters, { names: parameterNames })
    expectGradlabError(
      () => sharedFactors(t, ['w^h_13']),
      RangeError,
      'ERR_GRADLAB_INVALID_OPTIONS',
      /^sharedFactors: no input is named 'w\^h_13'; the trace has 6 inputs \(w\^h_11, /,
    )
    expectGradlabError(
      () => sharedFactors(t, []),
      TypeError,
      'ERR_GRADLAB_INVALID_OPTIONS',
      /^sharedFactors: give the inputs whose shared factors you want/,
    )
    expectGradlabError(
      () => sharedFactors(t, [6]),
      RangeError,
      'ERR_GRADLAB_INVALID_OPTIONS',
      /^sharedFactors: 6 is not an input's index/,
    )
  })
})

/** Multiplications by enumerating every path from the output to each input, one at a time. */
function countByPaths(edges: readonly { from: number; to: number }[], output: number, n: number) {
  const below = new Map<number, number[]>()
  for (const e of edges) below.set(e.from, [...(below.get(e.from) ?? []), e.to])
  let separate = 0
  const walk = (node: number, length: number) => {
    if (node < n && node !== output) separate += length - 1
    for (const next of below.get(node) ?? []) walk(next, length + 1)
  }
  walk(output, 0)
  const reached = new Set<number>([output])
  for (const e of [...edges].sort((a, b) => b.from - a.from)) {
    if (reached.has(e.from)) reached.add(e.to)
  }
  const backpropagation = edges.filter((e) => e.from !== output && reached.has(e.from)).length
  return { separate, backpropagation }
}

describe('multiplications: the chain rule per parameter against backpropagation', () => {
  it('on the 2-2-1 network over named values: 4 x 3 + 2 x 1 = 14 separately, 10 by backpropagation', () => {
    const t = reverse.trace(network('tanh'), parameters, { names: parameterNames })
    // Separately: each w^h has the factors dL/dy_hat, dy_hat/dh, dh/dz, dz/dw (3
    // multiplications), each w^y the factors dL/dy_hat, dy_hat/dw (1). Backpropagation
    // multiplies each of the 11 factors once, except dL/dy_hat, whose adjoint is 1.
    expect(multiplications(t, { over: 'named' })).toEqual({ separate: 14, backpropagation: 10 })
    expect(chainGraph(t).factors).toHaveLength(11)
  })

  for (const [title, [f, x]] of Object.entries(functions)) {
    it(`${title}: the counts equal those of every path enumerated, over edges and named values`, () => {
      const t = reverse.trace(f, x)
      expect(multiplications(t)).toEqual(countByPaths(t.edges, t.output, t.inputs))
      expect(multiplications(t, { over: 'named' })).toEqual(
        countByPaths(chainGraph(t).factors, t.output, t.inputs),
      )
    })
  }

  it('grows like 2^k separately and like k by backpropagation for x squared k times', () => {
    for (const k of [1, 5, 10]) {
      const t = reverse.trace(
        (m, [x]) => {
          let y = x
          for (let i = 0; i < k; i++) y = m.mul(y, y)
          return y
        },
        [1.01],
      )
      const count = multiplications(t)
      expect(count).toEqual(countByPaths(t.edges, t.output, t.inputs))
      // Paths to x: 2^k, each of k edges.
      expect(count.separate).toBe(2 ** k * (k - 1))
      expect(count.backpropagation).toBe(2 * (k - 1))
    }
  })

  it("refuses an unknown 'over'", () => {
    const t = reverse.trace((m, [a]) => m.sin(a), [1])
    expectGradlabError(
      () => multiplications(t, { over: 'paths' } as never),
      TypeError,
      'ERR_GRADLAB_INVALID_OPTIONS',
      /^multiplications: options\.over must be 'edges' or 'named', got paths/,
    )
  })
})

describe('drawing a trace', () => {
  const t = reverse.trace((m, [a, b]) => m.pow(m.sub(a, b), 2), [2, 0], { names: ['a', 'b'] })

  it('as DOT: a node per trace node with value and adjoint, an edge per edge with its partial, operands in order', () => {
    expect(traceToDot(t)).toBe(
      [
        'digraph gradient {',
        '  rankdir=TB;',
        '  node [shape=ellipse, fontname="Helvetica"];',
        '  edge [fontname="Helvetica", fontsize=10];',
        '  n3 [label="pow(·, 2)\\nvalue 4\\nadjoint 1"];',
        '  n2 [label="sub\\nvalue 2\\nadjoint 4"];',
        '  n1 [label="b\\nvalue 0\\nadjoint -4", shape=box];',
        '  n0 [label="a\\nvalue 2\\nadjoint 4", shape=box];',
        '  n3 -> n2 [label="4"];',
        '  n2 -> n0 [label="1"];',
        '  n2 -> n1 [label="-1"];',
        '}',
        '',
      ].join('\n'),
    )
  })

  it('as Mermaid, with the same labels', () => {
    expect(traceToMermaid(t)).toBe(
      [
        'flowchart TB',
        '  n3("pow(·, 2)<br/>value 4<br/>adjoint 1")',
        '  n2("sub<br/>value 2<br/>adjoint 4")',
        '  n1["b<br/>value 0<br/>adjoint -4"]',
        '  n0["a<br/>value 2<br/>adjoint 4"]',
        '  n3 -- "4" --> n2',
        '  n2 -- "1" --> n0',
        '  n2 -- "-1" --> n1',
        '',
      ].join('\n'),
    )
  })

  it('over named values, with the shared factors highlighted', () => {
    const net = reverse.trace(network('tanh'), parameters, { names: parameterNames })
    const dot = traceToDot(net, { named: true, shared: ['w^h_11', 'w^h_12'] })
    const highlighted = dot.split('\n').filter((line) => line.includes('#d62728'))
    const byId = (name: string) => net.nodes.findIndex((n) => n.name === name)
    expect(highlighted.map((line) => /^ {2}n(\d+) -> n(\d+)/.exec(line)?.slice(1))).toEqual([
      [String(byId('L')), String(byId('y_hat'))],
      [String(byId('y_hat')), String(byId('h1'))],
      [String(byId('h1')), String(byId('z1'))],
    ])
    const mermaid = traceToMermaid(net, { named: true, shared: ['w^h_11', 'w^h_12'] })
    expect(mermaid.split('\n').filter((line) => line.includes('linkStyle'))).toHaveLength(3)
    expect(mermaid.split('\n').filter((line) => line.includes('-->'))).toHaveLength(11)
  })

  it('as JSON with the gradient as an array and non-finite numbers as strings', () => {
    const parsed = JSON.parse(traceToJSON(t))
    expect(parsed.gradient).toEqual([4, -4])
    expect(parsed.nodes[3].partials).toEqual([4, null])
    const log = reverse.trace((m, [a]) => m.log(a), [0])
    expect(JSON.parse(traceToJSON(log)).nodes[1].value).toBe('-Infinity')
  })

  it('writes names with markup or line breaks as text in Mermaid', () => {
    const odd = reverse.trace((m, [a]) => m.sin(a), [0], { names: ['<b>"x"\ny'] })
    expect(traceToMermaid(odd)).toContain(
      'n0["#lt;b#gt;#quot;x#quot; y<br/>value 0<br/>adjoint 1"]',
    )
  })

  it('highlights the shared edges of the full trace too', () => {
    const dot = traceToDot(t, { shared: ['a', 'b'] })
    expect(dot.split('\n').filter((line) => line.includes('#d62728'))).toEqual([
      '  n3 -> n2 [label="4", color="#d62728", penwidth=2.5, fontcolor="#d62728"];',
    ])
  })

  it('refuses unknown drawing options', () => {
    expectGradlabError(
      () => traceToDot(t, { name: true } as never),
      TypeError,
      'ERR_GRADLAB_UNKNOWN_OPTION',
      /^traceToDot: unknown option 'name'/,
    )
  })
})

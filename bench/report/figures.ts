import { traceToSvg } from '../../src/draw/index.js'
import { multiplications, reverse, sharedFactors } from '../../src/index.js'
import { courseC, courseNetwork } from '../workloads/course.js'
import type { Chart } from './charts.js'

/*
 * The course's backward pass drawn from real traces (reverse.trace and
 * gradlab/draw): nothing here is timed, so the figures are made at every
 * rendering, --from included. Each caption's numbers are computed from the
 * trace.
 */

export interface Figure extends Chart {
  /** What the figure shows, with the numbers read from its trace. */
  readonly caption: string
}

const digits = (x: number) => String(Number(x.toPrecision(4)))

export async function backwardFigures(): Promise<Figure[]> {
  const net = reverse.trace(courseNetwork.f, courseNetwork.x, { names: courseNetwork.names })
  const pair = ['w^h_11', 'w^h_12']
  const shared = sharedFactors(net, pair)
  const name = (id: number) => net.nodes[id]?.name ?? `node ${id}`
  const named = multiplications(net, { over: 'named' })
  const edges = multiplications(net)
  const c = reverse.trace(courseC.f, courseC.x, { names: courseC.names })
  const cCount = multiplications(c)
  return [
    {
      name: 'backward-network',
      title:
        "The course's 2-2-1 network: the chain rule over its named values, with the factors dL/dw^h_11 and dL/dw^h_12 share in red",
      caption: `Each edge is the derivative of the value above with respect to the value below, at w = [${courseNetwork.x.join(', ')}], x = (${courseNetwork.data.x1}, ${courseNetwork.data.x2}), y = ${courseNetwork.data.y}, with h1 = g(z1), h2 = g(z2) and g = tanh; each node shows its value and its adjoint dL/d(node). dL/dw^h_11 and dL/dw^h_12 share ${shared.length} factors, ${shared.map((f) => `d(${name(f.from)})/d(${name(f.to)}) = ${digits(f.derivative)}`).join(', ')} (that is y_hat - y, w^y_1 and g'(z1)), computed once by backpropagation and multiplied by x1 = ${courseNetwork.data.x1} and x2 = ${courseNetwork.data.x2}. All six derivatives take ${named.separate} multiplications by the chain rule applied to each parameter separately and ${named.backpropagation} by backpropagation over these values; over every op of the recording, ${edges.separate} against ${edges.backpropagation}.`,
      svg: await traceToSvg(net, { named: true, shared: pair }),
    },
    {
      name: 'backward-c',
      title:
        "The course's c = (a - b)^2 at a = 2, b = 0: every op, its value, adjoint and local partials",
      caption: `The forward pass computes a - b = ${digits(c.nodes[2]?.value ?? Number.NaN)} and c = ${digits(c.value)}; the backward pass starts from dc/dc = 1, multiplies by the partial of pow, 2(a - b) = ${digits(c.edges[0]?.partial ?? Number.NaN)}, then by sub's partials 1 and -1: dc/da = ${digits(c.gradient[0] ?? Number.NaN)} and dc/db = ${digits(c.gradient[1] ?? Number.NaN)}, as PyTorch's c.backward() gives. With one shared factor and two inputs, reuse saves nothing yet: ${cCount.separate} multiplications by the chain rule applied to each input separately, ${cCount.backpropagation} by backpropagation.`,
      svg: await traceToSvg(c),
    },
  ]
}

// Trains the course's 2-2-1 network by gradient descent, first with reverse.gradient
// (which records the loss on a tape at every step), then with a gradient compiled once
// by reverse.compile (which replays that one recording at every step).
import { type Ops, plain, reverse } from 'gradlab'

// The six weights, in the course's names: w^h_kj from input j to hidden unit k, w^y_k from
// hidden unit k to the output.
type Weights = [wh11: number, wh12: number, wh21: number, wh22: number, wy1: number, wy2: number]

// The course's network: h_k = g(w^h_k1 x1 + w^h_k2 x2) and y_hat = w^y_1 h1 + w^y_2 h2. The
// course leaves g open (ReLU, for example); tanh is smooth, so no unit gets stuck at slope 0.
function predict<T>(m: Ops<T>, w: readonly [T, T, T, T, T, T], x1: number, x2: number): T {
  const [wh11, wh12, wh21, wh22, wy1, wy2] = w
  const h1 = m.tanh(m.add(m.mul(wh11, x1), m.mul(wh12, x2)))
  const h2 = m.tanh(m.add(m.mul(wh21, x1), m.mul(wh22, x2)))
  return m.add(m.mul(wy1, h1), m.mul(wy2, h2))
}

// Targets made by the same network with "teacher" weights, so a perfect fit exists.
const teacher: Weights = [1.2, -0.8, 0.6, 1.1, 0.9, -1.4]
const data = [-1, -0.5, 0, 0.5, 1].flatMap((x1) =>
  [-1, 0, 1].map((x2) => ({ x1, x2, y: predict(plain, teacher, x1, x2) })),
)

// The course's loss L = (y_hat - y)^2 / 2, averaged over the data set.
const loss = <T>(m: Ops<T>, w: readonly [T, T, T, T, T, T]): T =>
  m.div(
    m.sum(data.map(({ x1, x2, y }) => m.div(m.square(m.sub(predict(m, w, x1, x2), y)), 2))),
    data.length,
  )

// The course's own starting weights, and plain gradient descent: w <- w - rate * dL/dw.
const start: Weights = [0.5, -0.3, -0.7, 0.4, 1.5, -2]
const rate = 0.5
const steps = 2000

function train(valueAndGradient: (w: Weights) => { value: number; gradient: Float64Array }) {
  let w = start
  const curve: number[] = []
  for (let step = 0; step <= steps; step++) {
    const { value, gradient } = valueAndGradient(w)
    curve.push(value)
    w = w.map((wi, i) => wi - rate * (gradient[i] as number)) as Weights
  }
  return curve
}

// Dynamic: the loss is called, and recorded on the tape, afresh at every step.
const dynamic = train((w) => reverse.valueAndGradient(loss, w))

// Compiled: the loss is recorded once, at the start, and replayed at every later point. Anything
// the loss reads by closure (here `data`) is frozen into that recording as constants, so
// this is right only because the data set never changes while we train.
const compiled = reverse.compile(loss, start)
const replayed = train((w) => compiled.valueAndGradient(w))

const show = (x: number) => x.toExponential(6)
console.log('step  loss (reverse.gradient)  loss (reverse.compile)')
for (let step = 0; step <= steps; step += 250) {
  const a = dynamic[step] as number
  const b = replayed[step] as number
  console.log(`${String(step).padStart(4)}  ${show(a).padStart(23)}  ${show(b).padStart(22)}`)
}
const same = dynamic.every((value, step) => value === replayed[step])
console.log(`final loss: ${show(dynamic[steps] as number)} (first ${show(dynamic[0] as number)})`)
console.log(`compiled curve identical to dynamic: ${same} (${compiled.recordings} recording)`)

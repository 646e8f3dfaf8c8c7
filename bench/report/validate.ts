/*
 * Checks a parsed results.json against the shape declared in schema.ts and
 * returns what is wrong, one message per problem (empty when it conforms).
 */

type Check = (value: unknown, path: string, errors: string[]) => void

const is =
  (test: (v: unknown) => boolean, what: string): Check =>
  (v, path, errors) => {
    if (!test(v)) errors.push(`${path}: expected ${what}, got ${JSON.stringify(v)?.slice(0, 60)}`)
  }

const num = is((v) => typeof v === 'number' && !Number.isNaN(v), 'a number')
const str = is((v) => typeof v === 'string', 'a string')
const oneOf = (...options: unknown[]) =>
  is((v) => options.includes(v), `one of ${options.join(', ')}`)
/** Checks that a field may also be absent from its object. */
const OPTIONAL = new WeakSet<Check>()
const optional = (check: Check): Check => {
  const maybe: Check = (v, path, errors) => check(v, path, errors)
  OPTIONAL.add(maybe)
  return maybe
}
const nullable =
  (check: Check): Check =>
  (v, path, errors) => {
    if (v !== null) check(v, path, errors)
  }
const array =
  (check: Check): Check =>
  (v, path, errors) => {
    if (!Array.isArray(v)) errors.push(`${path}: expected an array`)
    else for (const [i, item] of v.entries()) check(item, `${path}[${i}]`, errors)
  }
const object =
  (fields: Record<string, Check>): Check =>
  (v, path, errors) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) {
      errors.push(`${path}: expected an object`)
      return
    }
    for (const [key, check] of Object.entries(fields)) {
      if (!(key in v)) {
        if (!OPTIONAL.has(check)) errors.push(`${path}.${key}: missing`)
      } else check((v as Record<string, unknown>)[key], `${path}.${key}`, errors)
    }
  }

const method = oneOf(
  'forward',
  'reverse',
  'numeric',
  'handwritten',
  'tfjs-cpu',
  'tfjs-wasm',
  'plain',
  'native',
  'compiled',
  'interpreter',
  'compile',
)
const unit = oneOf('seconds', 'ratio', 'count', 'bytes', 'error', 'step', 'percent')
const strategy = oneOf('forward', 'reverse', 'numeric')
const status = oneOf('measured', 'skipped', 'failed')

const results = object({
  schema: oneOf('gradlab-bench/1'),
  meta: object({
    mode: oneOf('smoke', 'quick', 'full'),
    date: str,
    node: str,
    v8: str,
    platform: str,
    cpu: str,
    cores: num,
    gradlab: str,
    settings: object({ budgetSeconds: num, minSamples: num, maxTime: num, minTime: num }),
    wallSeconds: num,
  }),
  oracle: array(object({ workload: str, n: num, against: str, error: num, tolerance: num })),
  timings: array(
    object({
      suite: oneOf('gradient', 'jacobian', 'hessian', 'hvp', 'target'),
      workload: str,
      method,
      n: num,
      m: num,
      status,
      reason: nullable(str),
      verification: nullable(object({ error: num, tolerance: num, against: str })),
      timing: nullable(
        object({
          median: num,
          p25: num,
          p75: num,
          min: num,
          max: num,
          samples: array(num),
          processes: optional(array(num)),
        }),
      ),
    }),
  ),
  counts: array(
    object({
      workload: str,
      strategy,
      n: num,
      plainOps: num,
      ops: num,
      edges: nullable(num),
      ratio: num,
    }),
  ),
  hessianCounts: array(
    object({ workload: str, strategy, n: num, plainOps: num, ops: num, ratio: num }),
  ),
  memory: array(
    object({
      workload: str,
      method: strategy,
      n: num,
      status,
      reason: nullable(str),
      scope: nullable(oneOf('whole gradient', 'first evaluation')),
      liveBytes: nullable(num),
      peakRssBytes: nullable(num),
      baselineRssBytes: nullable(num),
      tape: nullable(object({ nodes: num, edges: num, bytes: num })),
    }),
  ),
  accuracy: array(
    object({
      function: str,
      x: num,
      exact: num,
      defaultSteps: object({ forward: num, central: num }),
      defaultErrors: object({ forward: num, central: num }),
      points: array(object({ scheme: oneOf('forward', 'central'), step: num, error: num })),
    }),
  ),
  targets: array(
    object({
      id: str,
      group: str,
      title: str,
      unit,
      comparison: oneOf('at most', 'more than'),
      target: num,
      measured: nullable(num),
      low: nullable(num),
      high: nullable(num),
      verdict: oneOf('met', 'not met', 'not measured'),
      reason: nullable(str),
      formula: str,
      pairs: array(object({ n: num, numerator: num, denominator: num, scale: num })),
    }),
  ),
  targetChecks: object({
    note: nullable(str),
    rounds: num,
    tape: array(object({ workload: str, n: num, nodes: num, edges: num, bytes: num, ops: num })),
    richardson: array(object({ function: str, n: num, error: num })),
    evaluations: array(object({ workload: str, n: num, calls: num, ops: num, plainOps: num })),
  }),
  findings: array(
    object({
      topic: oneOf(
        'gradient',
        'counts',
        'jacobian',
        'hessian',
        'memory',
        'accuracy',
        'peers',
        'targets',
      ),
      text: str,
      quotes: array(
        object({
          shown: str,
          value: num,
          unit,
          path: str,
          per: nullable(str),
        }),
      ),
    }),
  ),
})

export function validateResults(value: unknown): string[] {
  const errors: string[] = []
  results(value, 'results', errors)
  return errors
}

/*
 * The shape of results.json: every raw measurement of one run, with the
 * metadata needed to read it. Times are in seconds per call, memory in bytes.
 * `validateResults` checks a parsed file against this shape.
 */

export type Mode = 'smoke' | 'quick' | 'full'
export type Strategy = 'forward' | 'reverse' | 'numeric'
export type Peer = 'handwritten' | 'tfjs-cpu' | 'tfjs-wasm'
/**
 * 'plain' evaluates f with gradlab's checked `plain` ops; 'native' is the
 * same function written in plain JavaScript arithmetic, what a user runs
 * without gradlab; 'compiled' is `reverse.compile(f, x0)` replayed by
 * `.gradient(x)` (generated code where it can be made), 'interpreter' the
 * same in `{ mode: 'interpreter' }`; 'compile' is the time of the first
 * `reverse.compile` in a fresh process (one sample per process). All but
 * 'plain' are timed only for the performance targets; 'handwritten' is a
 * gradient written by hand.
 */
export type Method = Strategy | Peer | 'plain' | 'native' | 'compiled' | 'interpreter' | 'compile'
export type Status = 'measured' | 'skipped' | 'failed'

export interface Timing {
  /** Seconds per call: the median, quartiles and extremes over benny's samples. */
  readonly median: number
  readonly p25: number
  readonly p75: number
  readonly min: number
  readonly max: number
  /** Seconds per call of each sample (each sample averages one or more calls). */
  readonly samples: readonly number[]
  /**
   * For a target case timed in several rounds: the median of each round's
   * process, in round order, before their samples were pooled. A target's
   * ratio pairs the two sides' processes round by round.
   */
  readonly processes?: readonly number[]
}

export interface Verification {
  /** max_i |g_i - reference_i| / max(1, max_i |reference_i|) */
  readonly error: number
  readonly tolerance: number
  readonly against: string
}

export interface TimedCase {
  /**
   * 'hessian' times strategy.hessian(f, x) and 'hvp' strategy.hvp(f, x, v)
   * along a fixed direction v, both on the network.
   */
  readonly suite: 'gradient' | 'jacobian' | 'hessian' | 'hvp' | 'target'
  readonly workload: string
  readonly method: Method
  /** Inputs. */
  readonly n: number
  /** Outputs: 1 for a gradient. */
  readonly m: number
  readonly status: Status
  /** Why a case was skipped or failed. */
  readonly reason: string | null
  readonly verification: Verification | null
  readonly timing: Timing | null
}

export interface CountCase {
  readonly workload: string
  readonly strategy: Strategy
  readonly n: number
  /** Primitive ops of one plain evaluation of f. */
  readonly plainOps: number
  /** Ops counted while the strategy computed one gradient (all its evaluations). */
  readonly ops: number
  /** Reverse mode: edges of its tape, one multiply-add each in the backward pass; null otherwise. */
  readonly edges: number | null
  /** (ops + edges) / plainOps: the gradient's cost in plain evaluations. */
  readonly ratio: number
}

/** The cost of one Hessian in plain evaluations, counted as CountCase counts a gradient's. */
export interface HessianCountCase {
  readonly workload: string
  /** reverse: forward over reverse; forward: forward over forward; numeric: second differences. */
  readonly strategy: Strategy
  readonly n: number
  /** Primitive ops of one plain evaluation of f. */
  readonly plainOps: number
  /** Ops counted while the strategy computed one Hessian. */
  readonly ops: number
  /** ops / plainOps. */
  readonly ratio: number
}

export interface MemoryCase {
  readonly workload: string
  readonly method: Strategy
  readonly n: number
  readonly status: Status
  readonly reason: string | null
  /** What ran: reverse mode's whole gradient, or the first evaluation of the others (see run/memory.ts). */
  readonly scope: 'whole gradient' | 'first evaluation' | null
  /** Heap and array buffers live at the end of f's evaluation (after a full GC), over those before the call. */
  readonly liveBytes: number | null
  /** The peak resident set of the fresh process that ran one gradient, and its resident set before it. */
  readonly peakRssBytes: number | null
  readonly baselineRssBytes: number | null
  /** Reverse mode: the size of its tape after the gradient. */
  readonly tape: { readonly nodes: number; readonly edges: number; readonly bytes: number } | null
}

export interface AccuracyPoint {
  readonly scheme: 'forward' | 'central'
  readonly step: number
  /** |numeric - exact| / max(1, |exact|) */
  readonly error: number
}

export interface Accuracy {
  readonly function: string
  readonly x: number
  readonly exact: number
  readonly defaultSteps: { readonly forward: number; readonly central: number }
  /** The error with gradlab's default step for each scheme. */
  readonly defaultErrors: { readonly forward: number; readonly central: number }
  readonly points: readonly AccuracyPoint[]
}

export interface OracleCheck {
  readonly workload: string
  readonly n: number
  readonly against: string
  readonly error: number
  readonly tolerance: number
}

/** A sentence of the report and the measurements whose numbers it quotes. */
export interface Finding {
  readonly topic:
    | 'gradient'
    | 'counts'
    | 'jacobian'
    | 'hessian'
    | 'memory'
    | 'accuracy'
    | 'peers'
    | 'targets'
  readonly text: string
  /** The numbers quoted in `text`, each as shown there and where in the results it comes from. */
  readonly quotes: readonly Quote[]
}

export type Unit = 'seconds' | 'ratio' | 'count' | 'bytes' | 'error' | 'step' | 'percent'

/**
 * A number quoted by a finding: `value` is the value at `path` in the
 * results (a dotted path such as `timings.3.timing.median`), or with
 * `per`, the quotient of the values at `path` and `per`; `shown` is its
 * formatting in `unit`, as it appears in the text.
 */
export interface Quote {
  readonly shown: string
  readonly value: number
  readonly unit: Unit
  readonly path: string
  readonly per: string | null
}

export interface Meta {
  readonly mode: Mode
  readonly date: string
  readonly node: string
  readonly v8: string
  readonly platform: string
  readonly cpu: string
  readonly cores: number
  readonly gradlab: string
  readonly settings: {
    readonly budgetSeconds: number
    readonly minSamples: number
    readonly maxTime: number
    readonly minTime: number
  }
  readonly wallSeconds: number
}

/**
 * One timed ratio of a target: timings[numerator] over scale times
 * timings[denominator], round by round (see bench/targets/judge.ts); a
 * target of one timed value (a cold compile) has denominator -1.
 */
export interface TargetPair {
  readonly n: number
  readonly numerator: number
  readonly denominator: number
  readonly scale: number
}

/**
 * One performance target and what was measured against it. `measured` is
 * null when a case it needs was not measured (then `reason` says why);
 * `low` and `high` bound its spread (see bench/targets/judge.ts).
 */
export interface TargetCase {
  readonly id: string
  readonly group: string
  readonly title: string
  readonly unit: Unit
  readonly comparison: 'at most' | 'more than'
  readonly target: number
  readonly measured: number | null
  readonly low: number | null
  readonly high: number | null
  readonly verdict: 'met' | 'not met' | 'not measured'
  readonly reason: string | null
  /** How `measured` is computed, in words. */
  readonly formula: string
  /** The timed ratios it is computed from (none for targets that are not times). */
  readonly pairs: readonly TargetPair[]
}

/** Measurements behind the targets that are not times, made in the generator's process. */
export interface TargetChecks {
  /** What this run measured short of the targets' own sizes (quick and smoke runs), or null. */
  readonly note: string | null
  /** Fresh processes per method whose samples were pooled for each timed target case. */
  readonly rounds: number
  /** tapeStats() after one reverse gradient, and countingOps' ops of one plain evaluation. */
  readonly tape: readonly {
    readonly workload: string
    readonly n: number
    readonly nodes: number
    readonly edges: number
    readonly bytes: number
    readonly ops: number
  }[]
  /** Richardson finite differences against reverse mode, relative error as in Verification. */
  readonly richardson: readonly {
    readonly function: string
    readonly n: number
    readonly error: number
  }[]
  /** Central differences: calls of f and ops counted during one gradient, and ops of one plain evaluation. */
  readonly evaluations: readonly {
    readonly workload: string
    readonly n: number
    readonly calls: number
    readonly ops: number
    readonly plainOps: number
  }[]
}

export interface Results {
  readonly schema: 'gradlab-bench/1'
  readonly meta: Meta
  readonly oracle: readonly OracleCheck[]
  readonly timings: readonly TimedCase[]
  readonly counts: readonly CountCase[]
  readonly hessianCounts: readonly HessianCountCase[]
  readonly memory: readonly MemoryCase[]
  readonly accuracy: readonly Accuracy[]
  readonly targets: readonly TargetCase[]
  readonly targetChecks: TargetChecks
  readonly findings: readonly Finding[]
}

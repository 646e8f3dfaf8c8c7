import { internalError } from '../core/errors.js'
import { grow } from '../core/grow.js'
import { backwardBlock, blockTangent, type TapeBlock } from './blocks.js'

/**
 * A run's part of a backward pass: `adjoint[first + k] += partials[at + k] * g`
 * for k from `length - 1` down to 0, the order its edges would have been
 * walked in. A zero partial adds nothing (exact zeros are strong). Shared by
 * the tape's runs and by a compiled gradient's runs of a weight row.
 */
export function addScaledRow(
  adjoint: Float64Array,
  first: number,
  partials: Float64Array,
  at: number,
  length: number,
  g: number,
): void {
  for (let k = length - 1; k >= 0; k--) {
    const p = partials[at + k] as number
    if (p !== 0) adjoint[first + k] = (adjoint[first + k] as number) + p * g
  }
}

/** What `runNodeOf` gives past either end of the runs: below every node a walk reaches (>= -1). */
const NO_RUN = -2
/** The length of a run that is a block's output: its first is the output's position, its offset the block's. */
const BLOCK_OUTPUT = -1
/**
 * The reverse-mode tape: a record of every op evaluated, as flat typed arrays.
 *
 * Nodes 0 .. inputs-1 are the inputs; every later node is one op's output,
 * with one edge per variable it was computed from. Edges are stored in the
 * order they were recorded: the node they came from (`parent`) and the local
 * partial derivative along them (`partial`), computed from the op table while
 * recording. The first edge of each node stores its parent as `~parent` (a
 * negative number), which is all the backward pass needs to tell where one
 * node's edges end and the previous node's begin. A binary op therefore
 * costs two edges of 12 bytes and one adjoint slot of 8: 32 bytes in all.
 *
 * The backward pass needs no op-specific code and no closures: it walks the
 * edges in reverse and adds `partial * adjoint` into each parent, so a term
 * shared by many parameters is computed once and flows to all of them.
 *
 * One shape is stored differently: a dot of consecutive nodes times numbers
 * (a weight row sliced from the parameters, times the data) is a run, a
 * node with no edges and a record of its first parent, its length and where
 * its partials (the numbers) are in a pool of constants. A run's numbers are
 * stored once when they repeat the last run's (one example times every row
 * of a layer), and the backward pass adds into its parents with a strided
 * loop. For the 64-256-1 network with batch 64 that is 4,096 constants
 * instead of a million 12-byte edges per gradient. A block's outputs
 * (defineBlock) are runs too, whose backward pass is the block's vjp.
 *
 * The arrays grow by doubling and are kept between calls, so a function of
 * steady size allocates nothing on the tape after its first gradient. The
 * cost is memory: every intermediate's partials are held until the backward
 * pass has run, which is the price reverse mode pays for its speed.
 */
export class Tape {
  private parent = new Int32Array(512)
  private partial = new Float64Array(512)
  private sensitivity = new Float64Array(256)
  /** Nodes recorded since the last reset, inputs included. */
  nodes = 0
  /** Edges recorded since the last reset. */
  edges = 0
  /** Nodes without edges at the start of the tape. */
  inputs = 0
  /** Where the node being recorded has its first edge: the edge count when the last node closed. */
  private nodeStart = 0
  /** Runs recorded since the last reset: node, first parent, length, offset of the partials in `pool`. */
  private runNode = new Int32Array(64)
  private runFirst = new Int32Array(64)
  private runLength = new Int32Array(64)
  private runAt = new Int32Array(64)
  runs = 0
  /**
   * The runs' partials; a run whose numbers repeat the last run's (by ===, so
   * 0 and -0 alike: a zero partial is never applied) refers to them.
   */
  private pool = new Float64Array(256)
  private poolSize = 0
  /** The last run's partials in `pool`: offset and length. */
  private lastRunAt = 0
  private lastRunLength = -1
  /** The runs' non-zero partials: the multiply-adds their backward pass does. */
  private runEdges = 0
  /** Blocks recorded since the last reset (see blocks.ts): each output is a run of length BLOCK_OUTPUT. */
  private blocks: TapeBlock[] = []

  reset(): void {
    this.nodes = 0
    this.edges = 0
    this.inputs = 0
    this.nodeStart = 0
    this.runs = 0
    this.poolSize = 0
    this.lastRunLength = -1
    this.runEdges = 0
    this.blocks.length = 0
  }

  /** Adds an input node (only before any op is recorded) and returns its index. */
  input(): number {
    if (this.edges !== 0) throw internalError('an input was added after an op was recorded')
    this.inputs++
    return this.nodes++
  }

  /** Adds an edge to the node being recorded: d(node)/d(parent) = partial. */
  addEdge(parent: number, partial: number): void {
    if (this.edges === this.parent.length) this.growEdges()
    this.parent[this.edges] = parent
    this.partial[this.edges] = partial
    this.edges++
  }

  /**
   * Room for `count` more edges, for an n-ary op that writes its edges
   * straight into `parents` and `partials` from index `edges` and then calls
   * `wrote` (the widest ops, sum and dot, record this way: one capacity
   * check per op rather than one per edge).
   */
  reserve(count: number): void {
    while (this.edges + count > this.parent.length) this.growEdges()
  }

  /** The parent array for `reserve`'s writers; valid until the tape grows. */
  get parents(): Int32Array {
    return this.parent
  }

  /** The partial array for `reserve`'s writers; valid until the tape grows. */
  get partials(): Float64Array {
    return this.partial
  }

  /** Takes the edges written at `edges .. end-1` (after `reserve`); returns how many there were. */
  wrote(end: number): number {
    const count = end - this.edges
    this.edges = end
    return count
  }

  /**
   * Records a node with up to two edges, d(node)/d(a) = pa and d(node)/d(b)
   * = pb, leaving out an edge whose parent is < 0 (a constant) or whose
   * partial is 0, and returns its index; -1 when no edge is left (the value
   * is a constant). The unary and binary ops' one call while recording a
   * gradient: small, so that V8 inlines it into the user's loop (see "Why a
   * function per op" in ops.ts). Not while `addEdge` has an open node.
   */
  push2(a: number, pa: number, b: number, pb: number): number {
    const start = this.edges
    if (start + 2 > this.parent.length) this.growEdges()
    const { parent, partial } = this
    let e = start
    if (a >= 0 && pa !== 0) {
      parent[e] = ~a
      partial[e++] = pa
    }
    if (b >= 0 && pb !== 0) {
      parent[e] = e === start ? ~b : b
      partial[e++] = pb
    }
    if (e === start) return -1
    this.edges = this.nodeStart = e
    return this.nodes++
  }

  /**
   * Closes the node being recorded, which has at least one edge, marking its
   * first edge, and returns its index.
   */
  endNode(): number {
    this.parent[this.nodeStart] = ~(this.parent[this.nodeStart] as number)
    this.nodeStart = this.edges
    return this.nodes++
  }

  /**
   * Where the last run's partials are in `constants`, if it has `length` of
   * them, for a new run to compare its numbers with; -1 otherwise.
   */
  sharedRun(length: number): number {
    return length === this.lastRunLength ? this.lastRunAt : -1
  }

  /** The runs' partials, for `sharedRun`'s comparison; valid until the next run. */
  get constants(): Float64Array {
    return this.pool
  }

  /**
   * Records a run node: d(node)/d(node first + k) = numbers[k]. `shared` is
   * `sharedRun`'s offset when the numbers equal the last run's by === (they
   * are not stored again; see runDot in ops.ts), or -1. `nonZero` counts the
   * non-zero numbers. Returns the node's index.
   */
  endRun(first: number, numbers: readonly unknown[], shared: number, nonZero: number): number {
    const r = this.runs++
    if (r === this.runNode.length) this.growRuns()
    let at = shared
    if (at < 0) {
      at = this.poolSize
      while (at + numbers.length > this.pool.length) this.pool = grow(this.pool)
      for (let k = 0; k < numbers.length; k++) this.pool[at + k] = numbers[k] as number
      this.poolSize += numbers.length
      this.lastRunAt = at
      this.lastRunLength = numbers.length
    }
    this.runNode[r] = this.nodes
    this.runFirst[r] = first
    this.runLength[r] = numbers.length
    this.runAt[r] = at
    this.runEdges += nonZero
    return this.nodes++
  }

  /**
   * Records a block's outputs as `count` nodes after the last one, each a
   * run of length BLOCK_OUTPUT naming the block, and returns the first
   * output's node. `block(first)` makes the record, given that node.
   */
  endBlock(count: number, block: (first: number) => TapeBlock): number {
    const first = this.nodes
    const b = this.blocks.length
    this.blocks.push(block(first))
    for (let position = 0; position < count; position++) {
      const r = this.runs++
      if (r === this.runNode.length) this.growRuns()
      this.runNode[r] = this.nodes++
      this.runFirst[r] = position
      this.runLength[r] = BLOCK_OUTPUT
      this.runAt[r] = b
    }
    return first
  }

  /**
   * A zeroed array with one slot per node, for adjoints or tangents. It is
   * the tape's own scratch array, valid until the next call that asks for it.
   */
  scratch(): Float64Array {
    if (this.sensitivity.length < this.nodes) {
      this.sensitivity = new Float64Array(Math.max(this.nodes, 2 * this.sensitivity.length))
    }
    this.sensitivity.fill(0, 0, this.nodes)
    return this.sensitivity
  }

  /**
   * The backward pass: from the last node down, each node's adjoint (d output
   * / d node) flows to its parents, `adjoint[parent] += partial *
   * adjoint[node]`. Nodes whose adjoint is zero do not reach the seeded
   * outputs and add nothing (exact zeros are strong; see `chainTerm`).
   */
  backward(adjoint: Float64Array): void {
    const { parent, partial } = this
    let node = this.nodes - 1
    // Runs have no edges: each is done when the walk reaches its node.
    let r = this.runs - 1
    let nextRun = this.runNodeOf(r)
    while (node === nextRun) {
      this.backwardRun(r--, adjoint)
      nextRun = this.runNodeOf(r)
      node--
    }
    for (let e = this.edges - 1; e >= 0; e--) {
      let p = parent[e] as number
      const first = p < 0
      if (first) p = ~p
      const a = adjoint[node] as number
      const pe = partial[e] as number
      // A zero partial is only recorded while compiling; it adds nothing, as if absent.
      if (a !== 0 && pe !== 0) adjoint[p] = (adjoint[p] as number) + pe * a
      if (first) {
        node--
        while (node === nextRun) {
          this.backwardRun(r--, adjoint)
          nextRun = this.runNodeOf(r)
          node--
        }
      }
    }
  }

  /** Run r's node, or NO_RUN past either end of the runs. */
  private runNodeOf(r: number): number {
    return r >= 0 && r < this.runs ? (this.runNode[r] as number) : NO_RUN
  }

  /** Run r's part of the backward pass. */
  private backwardRun(r: number, adjoint: Float64Array): void {
    const a = adjoint[this.runNode[r] as number] as number
    if (a === 0) return
    const length = this.runLength[r] as number
    if (length === BLOCK_OUTPUT) {
      backwardBlock(this.blocks[this.runAt[r] as number] as TapeBlock, adjoint)
      return
    }
    addScaledRow(adjoint, this.runFirst[r] as number, this.pool, this.runAt[r] as number, length, a)
  }

  /**
   * A forward sweep over the recorded partials: `tangent[node] = sum of
   * partial * tangent[parent]` for every node after the inputs, whose
   * tangents the caller has set. It is forward mode replayed on the tape,
   * which gives J v from one recording.
   */
  forwardSweep(tangent: Float64Array): void {
    const { parent, partial } = this
    let node = this.inputs - 1
    let t = 0
    let r = 0
    let nextRun = this.runNodeOf(r)
    for (let e = 0; e < this.edges; e++) {
      let p = parent[e] as number
      if (p < 0) {
        if (node >= this.inputs) tangent[node] = t
        node++
        while (node === nextRun) {
          tangent[node] = this.runTangent(r++, tangent)
          nextRun = this.runNodeOf(r)
          node++
        }
        t = 0
        p = ~p
      }
      const tp = tangent[p] as number
      if (tp !== 0) t += (partial[e] as number) * tp
    }
    if (node >= this.inputs) tangent[node] = t
    node++
    while (node === nextRun) {
      tangent[node] = this.runTangent(r++, tangent)
      nextRun = this.runNodeOf(r)
      node++
    }
  }

  /** Run r's tangent: its partials times its parents' tangents, first to last, as its edges would be. */
  private runTangent(r: number, tangent: Float64Array): number {
    if (this.runLength[r] === BLOCK_OUTPUT) {
      const block = this.blocks[this.runAt[r] as number] as TapeBlock
      return blockTangent(block, this.runFirst[r] as number, tangent)
    }
    const { pool } = this
    const first = this.runFirst[r] as number
    const at = this.runAt[r] as number
    let t = 0
    for (let k = 0; k < (this.runLength[r] as number); k++) {
      const tp = tangent[first + k] as number
      const pe = pool[at + k] as number
      if (tp !== 0 && pe !== 0) t += pe * tp
    }
    return t
  }

  /** Multiply-adds the backward pass does: one per edge and one per non-zero partial of a run. */
  multiplyAdds(): number {
    return this.edges + this.runEdges
  }

  /**
   * Bytes the last recording used: 12 per edge (parent, partial), 8 per node
   * (its adjoint), 16 per run and 8 per stored run partial.
   */
  usedBytes(): number {
    return 12 * this.edges + 8 * this.nodes + 16 * this.runs + 8 * this.poolSize
  }

  /** Bytes held by the tape's arrays, which are kept for reuse: at most twice what the largest recording used. */
  heldBytes(): number {
    return (
      this.parent.byteLength +
      this.partial.byteLength +
      this.sensitivity.byteLength +
      4 * this.runNode.byteLength +
      this.pool.byteLength
    )
  }

  private growRuns(): void {
    this.runNode = grow(this.runNode)
    this.runFirst = grow(this.runFirst)
    this.runLength = grow(this.runLength)
    this.runAt = grow(this.runAt)
  }

  private growEdges(): void {
    this.parent = grow(this.parent)
    this.partial = grow(this.partial)
  }
}

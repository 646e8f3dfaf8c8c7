import { grow } from '../core/grow.js'
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

  reset(): void {
    this.nodes = 0
    this.edges = 0
    this.inputs = 0
    this.nodeStart = 0
  }

  /** Adds an input node (only before any op is recorded) and returns its index. */
  input(): number {
    if (this.edges !== 0)
      throw new Error('gradlab internal error: an input was added after an op was recorded')
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
   * Closes the node being recorded, which has at least one edge, marking its
   * first edge, and returns its index.
   */
  endNode(): number {
    this.parent[this.nodeStart] = ~(this.parent[this.nodeStart] as number)
    this.nodeStart = this.edges
    return this.nodes++
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
    for (let e = this.edges - 1; e >= 0; e--) {
      let p = parent[e] as number
      const first = p < 0
      if (first) p = ~p
      const a = adjoint[node] as number
      const pe = partial[e] as number
      // A zero partial is only recorded while compiling; it adds nothing, as if absent.
      if (a !== 0 && pe !== 0) adjoint[p] = (adjoint[p] as number) + pe * a
      if (first) node--
    }
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
    for (let e = 0; e < this.edges; e++) {
      let p = parent[e] as number
      if (p < 0) {
        if (node >= this.inputs) tangent[node] = t
        node++
        t = 0
        p = ~p
      }
      const tp = tangent[p] as number
      if (tp !== 0) t += (partial[e] as number) * tp
    }
    if (node >= this.inputs) tangent[node] = t
  }

  /** Bytes the last recording used: 12 per edge (parent, partial) and 8 per node (its adjoint). */
  usedBytes(): number {
    return 12 * this.edges + 8 * this.nodes
  }

  /** Bytes held by the tape's arrays, which are kept for reuse: at most twice what the largest recording used. */
  heldBytes(): number {
    return this.parent.byteLength + this.partial.byteLength + this.sensitivity.byteLength
  }

  private growEdges(): void {
    this.parent = grow(this.parent)
    this.partial = grow(this.partial)
  }
}

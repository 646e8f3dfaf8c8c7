/**
 * The reverse-mode tape: a record of every op evaluated, as flat typed arrays.
 *
 * Node i is one op's output (or an input). Its incoming edges are the slots
 * `edgeEnd[i-1] .. edgeEnd[i] - 1`: each edge holds the node it came from
 * (`parent`) and the local partial derivative along it (`partial`), computed
 * from the op table while recording. The backward pass therefore needs no
 * op-specific code and no closures: it walks the nodes in reverse and adds
 * `partial * adjoint` into each parent, so a term shared by many parameters is
 * computed once and flows to all of them.
 *
 * The arrays grow by doubling and are kept between calls, so a function of
 * steady size allocates nothing on the tape after its first gradient. The
 * cost is memory: every intermediate's partials are held until the backward
 * pass has run, which is the price reverse mode pays for its speed.
 */
export class Tape {
  private edgeEnd = new Int32Array(256)
  private parent = new Int32Array(512)
  private partial = new Float64Array(512)
  private sensitivity = new Float64Array(256)
  /** Nodes recorded since the last reset. */
  nodes = 0
  /** Edges recorded since the last reset. */
  edges = 0

  reset(): void {
    this.nodes = 0
    this.edges = 0
  }

  /** Adds an edge to the node being recorded: d(node)/d(parent) = partial. */
  addEdge(parent: number, partial: number): void {
    if (this.edges === this.parent.length) this.growEdges()
    this.parent[this.edges] = parent
    this.partial[this.edges] = partial
    this.edges++
  }

  /** Closes the node being recorded (with the edges added since the last node) and returns its index. */
  endNode(): number {
    if (this.nodes === this.edgeEnd.length) this.edgeEnd = grow(this.edgeEnd)
    this.edgeEnd[this.nodes] = this.edges
    return this.nodes++
  }

  /**
   * A zeroed array with one slot per node, for adjoints or tangents. It is
   * the tape's own scratch array, valid until the next call that asks for it.
   */
  scratch(): Float64Array {
    if (this.sensitivity.length < this.nodes)
      this.sensitivity = new Float64Array(this.edgeEnd.length)
    this.sensitivity.fill(0, 0, this.nodes)
    return this.sensitivity
  }

  /**
   * The backward pass: from node `last` down to node 0, each node's adjoint
   * (d output / d node) flows to its parents, `adjoint[parent] += partial *
   * adjoint[node]`. Nodes with a zero adjoint do not reach the seeded
   * outputs and are skipped (exact zeros are strong; see `chainTerm`).
   */
  backward(adjoint: Float64Array, last: number): void {
    const { edgeEnd, parent, partial } = this
    for (let node = last; node >= 0; node--) {
      const a = adjoint[node] as number
      if (a === 0) continue
      const end = edgeEnd[node] as number
      for (let e = node === 0 ? 0 : (edgeEnd[node - 1] as number); e < end; e++) {
        const p = parent[e] as number
        adjoint[p] = (adjoint[p] as number) + (partial[e] as number) * a
      }
    }
  }

  /**
   * A forward sweep over the recorded partials: `tangent[node] = sum of
   * partial * tangent[parent]`, for nodes `first .. last`. It is forward mode
   * replayed on the tape, which gives J v from one recording.
   */
  forwardSweep(tangent: Float64Array, first: number, last: number): void {
    const { edgeEnd, parent, partial } = this
    for (let node = first; node <= last; node++) {
      let t = 0
      const end = edgeEnd[node] as number
      for (let e = node === 0 ? 0 : (edgeEnd[node - 1] as number); e < end; e++) {
        const tp = tangent[parent[e] as number] as number
        if (tp !== 0) t += (partial[e] as number) * tp
      }
      tangent[node] = t
    }
  }

  /** Bytes held by the tape's arrays (capacity, not only what the last recording used). */
  bytes(): number {
    return (
      this.edgeEnd.byteLength +
      this.parent.byteLength +
      this.partial.byteLength +
      this.sensitivity.byteLength
    )
  }

  private growEdges(): void {
    this.parent = grow(this.parent)
    this.partial = grow(this.partial)
  }
}

function grow<A extends Int32Array | Float64Array>(array: A): A {
  const bigger = new (array.constructor as new (length: number) => A)(array.length * 2)
  bigger.set(array)
  return bigger
}

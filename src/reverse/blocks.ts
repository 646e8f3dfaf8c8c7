import { type BlockValues, blockJvp, blockVjp } from '../ops/custom-results.js'
import type { CustomBlock } from '../ops/custom-rule.js'

/*
 * A block on the tape (see defineBlock): its outputs are consecutive nodes
 * with no edges, recorded as runs that point here, and its derivative is the
 * user's vjp, called once per backward pass.
 */

/** What the tape keeps of one block evaluation. */
export interface TapeBlock {
  readonly op: CustomBlock
  /** The call that recorded it, for the messages of its vjp and jvp. */
  readonly label: string
  /** The node of each input, -1 for a constant. */
  readonly inputs: Int32Array
  /** The value of each input. */
  readonly values: readonly number[]
  /** Its outputs' values, and whether `value` returned one number. */
  readonly shape: BlockValues
  /** The node of its first output; the others follow it. */
  readonly first: number
}

/**
 * The block's part of a backward pass, when the walk reaches one of its
 * outputs: every output's adjoint is final then (whatever used them was
 * recorded later), so the vjp runs once with all of them, adds into the
 * inputs last to first as edges are walked, and clears the outputs'
 * adjoints so that its other outputs, reached next, add nothing again. The
 * walk skips outputs whose adjoint is 0, so a block none of whose outputs
 * reaches the output calls no vjp (exact zeros are strong).
 */
export function backwardBlock(block: TapeBlock, adjoint: Float64Array): void {
  const { first, inputs } = block
  const count = block.shape.outputs.length
  const u = Array.from(adjoint.subarray(first, first + count))
  const r = blockVjp(block.label, block.op, block.values, block.shape, u)
  for (let i = inputs.length - 1; i >= 0; i--) {
    const p = inputs[i] as number
    const ri = r[i] as number
    if (p >= 0 && ri !== 0) adjoint[p] = (adjoint[p] as number) + ri
  }
  adjoint.fill(0, first, first + count)
}

/**
 * The tangent of the block's output `position` in a forward sweep over the
 * tape: at its first output, the jvp of its inputs' tangents gives all of
 * them (none needed when no input moves); later outputs read theirs.
 */
export function blockTangent(block: TapeBlock, position: number, tangent: Float64Array): number {
  const { first, inputs } = block
  if (position > 0) return tangent[first + position] as number
  const v = Array.from(inputs, (p) => (p >= 0 ? (tangent[p] as number) : 0))
  const count = block.shape.outputs.length
  if (v.every((vi) => vi === 0)) tangent.fill(0, first, first + count)
  else tangent.set(blockJvp(block.label, block.op, block.values, v, block.shape), first)
  return tangent[first] as number
}

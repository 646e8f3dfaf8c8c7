import { describe } from '../core/describe.js'
import { gradlabError } from '../core/errors.js'
import type { BlockOutput, CustomBinary, CustomBlock, CustomUnary } from './custom-rule.js'

/*
 * The results of a user's rules, checked for every strategy: an error names
 * the call, the op and the rule that went wrong, since a custom op's rules
 * are the one part of a gradient gradlab cannot vouch for.
 */

/** The error for a partial of `op` that returned `r`, not a number. */
export function notANumber(
  label: string,
  op: { name: string },
  rule: string,
  r: unknown,
): TypeError {
  return gradlabError(
    TypeError,
    'ERR_GRADLAB_INVALID_RESULT',
    `${label}: ${op.name}: ${rule} returned ${describe(r)}; it must return a number (a plain number, or one computed with the ops m it is given).`,
  )
}

/** `r`, the value a custom op's `value` returned, if it is a number. */
export function customValue(label: string, op: CustomUnary | CustomBinary, r: unknown): number {
  if (typeof r === 'number') return r
  throw gradlabError(
    TypeError,
    'ERR_GRADLAB_INVALID_RESULT',
    `${label}: ${op.name}: value returned ${describe(r)}; it must return a number.`,
  )
}

/** The numbers of an array or Float64Array of numbers, else null. */
function numbersOf(r: unknown): number[] | null {
  if (!Array.isArray(r) && !(r instanceof Float64Array)) return null
  const numbers = Array.from(r as ArrayLike<unknown>)
  return numbers.every((ri) => typeof ri === 'number') ? (numbers as number[]) : null
}

/** A block's outputs as numbers, and whether its `value` returned one number rather than an array. */
export interface BlockValues {
  readonly scalar: boolean
  readonly outputs: readonly number[]
}

/**
 * `r` as one number or an array of numbers, the shape `what` must have:
 * `count` numbers, or any number of them when `count` is undefined.
 */
function blockNumbers(
  label: string,
  op: CustomBlock,
  what: string,
  r: unknown,
  scalar?: boolean,
  count?: number,
): number[] {
  const shape =
    scalar === undefined
      ? 'a number or an array of numbers'
      : scalar
        ? 'a number, as value does'
        : `an array of ${count} numbers, as value does`
  if (typeof r === 'number' && scalar !== false) return [r]
  const numbers = scalar === true ? null : numbersOf(r)
  if (numbers !== null && (count === undefined || numbers.length === count)) return numbers
  throw gradlabError(
    TypeError,
    'ERR_GRADLAB_INVALID_RESULT',
    `${label}: ${op.name}: ${what} returned ${describe(r)}; it must return ${shape}.`,
  )
}

/** The block's outputs at `xs`, from its `value`. */
export function blockValue(label: string, op: CustomBlock, xs: readonly number[]): BlockValues {
  const r = op.rule.value(xs.slice())
  const outputs = blockNumbers(label, op, 'value', r)
  return { scalar: typeof r === 'number', outputs }
}

/** The block's outputs' tangents along the inputs' tangent `v`, from its `jvp`; an error if it has none. */
export function blockJvp(
  label: string,
  op: CustomBlock,
  xs: readonly number[],
  v: readonly number[],
  shape: BlockValues,
): number[] {
  const jvp = op.rule.jvp
  if (jvp === undefined) {
    throw gradlabError(
      TypeError,
      'ERR_GRADLAB_NO_JVP',
      `${label}: ${op.name} is a block with no JVP, so derivatives cannot be pushed forward through it. Give defineBlock a jvp, or use reverse.gradient or reverse.vjp, which call its vjp.`,
    )
  }
  return blockNumbers(label, op, 'jvp', jvp(xs.slice(), v), shape.scalar, shape.outputs.length)
}

/** The inputs' adjoints u^T J for the outputs' adjoints u, from the block's `vjp`: one number per input. */
export function blockVjp(
  label: string,
  op: CustomBlock,
  xs: readonly number[],
  shape: BlockValues,
  u: readonly number[],
): number[] {
  const out: BlockOutput = shape.scalar ? (shape.outputs[0] as number) : shape.outputs.slice()
  const cotangent: BlockOutput = shape.scalar ? (u[0] as number) : u
  const r = op.rule.vjp(xs.slice(), out, cotangent)
  const numbers = numbersOf(r)
  if (numbers !== null && numbers.length === xs.length) return numbers
  throw gradlabError(
    TypeError,
    'ERR_GRADLAB_INVALID_RESULT',
    `${label}: ${op.name}: vjp returned ${describe(r)}; it must return an array of ${xs.length} numbers, one per input.`,
  )
}

/*
 * How deep an ops object's values are nested in derivatives. Plain numbers
 * are level 0; the values a strategy hands to f (dual numbers, tape
 * variables) level 1; the values of a derivative taken inside another with
 * `within(m)` one level more than m's. A value of a level below an ops
 * object's own is a constant to it; one of its own level must be its own.
 */

/** The key of an ops object's level. */
export const LEVEL: unique symbol = Symbol('gradlab.level')

/** The level of `m`'s values; an ops object gradlab did not make counts as level 1. */
export function levelOf(m: object): number {
  const level = (m as { [LEVEL]?: unknown })[LEVEL]
  return typeof level === 'number' ? level : 1
}

import type { Ops } from '../../src/index.js'

/** A loop carried through an accumulator, as users write one: acc = m.add(acc, term) for each item, from 0. */
export function accumulate<T, I>(
  m: Ops<T>,
  items: readonly I[],
  term: (item: I, i: number) => T,
): T {
  let acc: T | number = 0
  for (const [i, item] of items.entries()) acc = m.add(acc, term(item, i))
  return acc as T
}

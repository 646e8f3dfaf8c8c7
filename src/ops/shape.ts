import type { Ops } from './types.js'

/**
 * The ops object a strategy hands to f, given its methods as built: the
 * fixed ones in a literal, then one per unary and binary op stored by name
 * in a loop.
 *
 * V8 can turn an object given many properties by computed-name stores into
 * a hash table ("dictionary mode"); a fresh literal given numbers in a loop
 * turned at the 16th (Node 20, measured with `%HasFastProperties`), and
 * plain's, the tape's and forward mode's ops objects, which get 29, were
 * all hash tables. Every `m.cos` in a user's function, and every `m.sin`
 * in a partial rule, was then a lookup the JIT could not inline through.
 * A copy made by spreading has a fixed shape with all 33 methods, where
 * `m.cos` is one load of a known function. Built package, Ackley (n =
 * 2,000), separate processes: plain evaluation 46-80 -> 24-38 us, the
 * compiled gradient's forward pass 91-98 -> 70-82 us (bench/NOTES.md has
 * the rest). test/package.test.ts checks the shape of every ops object a
 * user's function can receive.
 */
export function opsObject<T>(methods: Record<string, unknown>): Ops<T> {
  return { ...methods } as unknown as Ops<T>
}

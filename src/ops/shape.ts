import { LEVEL } from './level.js'
import type { Ops } from './types.js'

/**
 * The ops object a strategy hands to f, given its methods as built: a copy
 * made by spreading, frozen.
 *
 * The copy has a fixed shape: methods stored by name in a loop can leave an
 * object in V8's dictionary mode, where no `m.cos(x)` is inlined
 * (bench/NOTES.md, "Ops objects were hash tables"; test/package.test.ts
 * checks every ops object). Freezing keeps that shape and makes `m.sin =
 * m.cos` in a user's function a TypeError (in strict code; ignored in
 * sloppy code) rather than a change to every later call of every strategy.
 * Object-valued entries (handlers at a symbol) are frozen too, for the same
 * reason. `level` is how deep its values are nested in derivatives
 * (level.ts).
 */
export function opsObject<T>(methods: Record<PropertyKey, unknown>, level: number): Ops<T> {
  const ops: Record<PropertyKey, unknown> = { ...methods, [LEVEL]: level }
  for (const key of Reflect.ownKeys(ops)) {
    const entry = ops[key]
    if (typeof entry === 'object' && entry !== null) Object.freeze(entry)
  }
  return Object.freeze(ops) as unknown as Ops<T>
}

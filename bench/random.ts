/**
 * A seeded generator of uniform numbers in [-1, 1), so every run of the
 * benchmarks evaluates the same points. Mulberry32 (Tommy Ettinger, 2017):
 * 32 bits of state, enough for test data and fast to seed.
 */
export function uniform(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1
  }
}

/** `length` numbers from `uniform(seed)`, each scaled by `scale`. */
export function uniformArray(seed: number, length: number, scale = 1): Float64Array {
  const next = uniform(seed)
  const out = new Float64Array(length)
  for (let i = 0; i < length; i++) out[i] = scale * next()
  return out
}

/**
 * Uniform numbers in [-1, 1) from Marsaglia's xorshift32 generator
 * (Marsaglia, "Xorshift RNGs", J. Stat. Software 8(14), 2003): small,
 * deterministic for a seed, and good enough for a random direction.
 */
export function uniforms(seed: number): () => number {
  // xorshift has one fixed point, 0; map every seed to a non-zero state.
  let state = (seed ^ 0x9e3779b9) >>> 0 || 0x9e3779b9
  return () => {
    state ^= state << 13
    state >>>= 0
    state ^= state >>> 17
    state ^= state << 5
    state >>>= 0
    return (state / 2 ** 32) * 2 - 1
  }
}

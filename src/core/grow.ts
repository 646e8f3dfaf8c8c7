type Growable = Uint8Array | Int32Array | Float64Array

/** A copy of `array` with twice its length: the growth step of gradlab's reusable buffers. */
export function grow<A extends Growable>(array: A): A {
  const bigger = new (array.constructor as new (length: number) => A)(array.length * 2)
  bigger.set(array)
  return bigger
}

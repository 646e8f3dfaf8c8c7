/**
 * The error a gradlab call is expected to throw, for `toThrow`: a `Kind` with
 * this exact `message` and stable `code` (vitest compares both).
 */
export function gradlabErr(
  Kind: TypeErrorConstructor | RangeErrorConstructor | ErrorConstructor,
  code: string,
  message: string,
): Error {
  return Object.assign(new Kind(message), { code })
}

/** What `call` throws; fails the test when it returns instead. */
export function thrown(call: () => unknown): Error & { code?: string } {
  try {
    call()
  } catch (error) {
    return error as Error & { code?: string }
  }
  throw new Error('expected the call to throw')
}

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

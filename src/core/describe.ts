/** A short description of any value for error messages: `a string ("x")`, `an array of length 3`. */
export function describe(value: unknown): string {
  if (value === null) return 'null'
  if (value === undefined) return 'undefined'
  switch (typeof value) {
    case 'number':
      return `the number ${value}`
    case 'string':
      return `a string (${JSON.stringify(value.length > 20 ? `${value.slice(0, 20)}...` : value)})`
    case 'bigint':
      return `a bigint (${value}n); convert it with Number(...)`
    case 'boolean':
      return `a boolean (${value})`
    case 'function':
      return 'a function'
    case 'symbol':
      return 'a symbol'
  }
  if (Array.isArray(value)) return `an array of length ${value.length}`
  if (isThenable(value)) return 'a Promise'
  if (ArrayBuffer.isView(value)) {
    const length = (value as { length?: number }).length
    return `a ${value.constructor.name}${length === undefined ? '' : ` of length ${length}`}`
  }
  const name = (value as object).constructor?.name
  return name && name !== 'Object' ? `a ${name}` : 'an object'
}

export function isThenable(value: unknown): boolean {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  )
}

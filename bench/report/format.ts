import type { Unit } from './schema.js'

/** `x` to `digits` significant digits, with thousands separators: 2,300 and 0.92. */
export function significant(x: number, digits: number): string {
  if (!Number.isFinite(x)) return String(x)
  if (x === 0) return '0'
  const magnitude = Math.floor(Math.log10(Math.abs(x)))
  const decimals = Math.max(0, digits - 1 - magnitude)
  const rounded = Number(x.toPrecision(digits))
  return rounded.toLocaleString('en-US', {
    minimumFractionDigits: decimals,
    maximumFractionDigits: decimals,
  })
}

export function seconds(s: number): string {
  if (s >= 1) return `${significant(s, 2)} s`
  if (s >= 1e-3) return `${significant(s * 1e3, 2)} ms`
  return `${significant(s * 1e6, 2)} µs`
}

export function bytes(b: number): string {
  const size = Math.abs(b)
  if (size >= 1 << 20) return `${significant(b / (1 << 20), 3)} MiB`
  if (size >= 1 << 10) return `${significant(b / (1 << 10), 3)} KiB`
  return `${Number.isInteger(b) ? b : significant(b, 3)} B`
}

/**
 * A measured value next to its target: as `formatValue`, with more digits
 * when the two would otherwise print alike (3.006x against a target of 3x
 * must not read "measured 3.0x, target 3.0x: not met").
 */
export function formatAgainst(unit: Unit, value: number, target: number): string {
  const shown = formatValue(unit, value)
  const targetShown = formatValue(unit, target)
  if (value === target || shown !== targetShown) return shown
  if (unit !== 'ratio' && unit !== 'percent') return shown
  const scaled = unit === 'percent' ? value * 100 : value
  const suffix = unit === 'percent' ? '%' : 'x'
  const goal = targetShown.slice(0, -1)
  for (let digits = 3; digits <= 8; digits++) {
    const more = significant(scaled, digits)
    if (Number(more.replaceAll(',', '')) !== Number(goal.replaceAll(',', '')))
      return `${more}${suffix}`
  }
  return shown
}

/** The one formatter per unit, shared by the sentences, the tables and the test that checks them. */
export function formatValue(unit: Unit, value: number): string {
  switch (unit) {
    case 'seconds':
      return seconds(value)
    case 'ratio':
      return `${significant(value, 2)}x`
    case 'count':
      return Math.round(value).toLocaleString('en-US')
    case 'bytes':
      return bytes(value)
    case 'percent':
      return `${significant(value * 100, 2)}%`
    case 'error':
    case 'step':
      return value.toExponential(1)
  }
}

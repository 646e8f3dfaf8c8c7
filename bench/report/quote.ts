import { formatValue } from './format.js'
import type { Finding, Quote, Results, Unit } from './schema.js'

export type Measured = Omit<Results, 'findings'>

/** The number at a dotted path such as `timings.3.timing.median`; throws if there is none. */
export function resolvePath(results: Measured, path: string): number {
  let at: unknown = results
  for (const key of path.split('.')) {
    if (typeof at !== 'object' || at === null) break
    at = (at as Record<string, unknown>)[key]
  }
  if (typeof at !== 'number')
    throw new Error(`resolvePath: ${path} is not a number in the results.`)
  return at
}

/** The value a quote stands for, recomputed from the results. */
export function quoteValue(results: Measured, quote: Pick<Quote, 'path' | 'per'>): number {
  const value = resolvePath(results, quote.path)
  return quote.per === null ? value : value / resolvePath(results, quote.per)
}

/**
 * Builds one sentence from measured numbers: each `number` call formats the
 * value at a path and records where it came from, so the report's test can
 * check every number in every sentence against results.json.
 */
export class Sentence {
  private readonly quotes: Quote[] = []
  constructor(private readonly results: Measured) {}

  number(unit: Unit, path: string, per: string | null = null): string {
    const value = quoteValue(this.results, { path, per })
    const shown = formatValue(unit, value)
    this.quotes.push({ shown, value, unit, path, per })
    return shown
  }

  finding(topic: Finding['topic'], text: string): Finding {
    return { topic, text, quotes: [...this.quotes] }
  }
}

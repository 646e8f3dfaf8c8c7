import { readdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

/*
 * Checks of src/ read as text. Mutation testing leaves this file out
 * (vitest.stryker.config.mjs): it reads the instrumented source there.
 */

describe('src', () => {
  it('src throws through gradlabError only, so no error leaves without a code', () => {
    const src = resolve(import.meta.dirname, '../src')
    const offenders = readdirSync(src, { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.ts') && f !== join('core', 'errors.ts'))
      .filter((f) => /new (Type|Range)?Error\(/.test(readFileSync(join(src, f), 'utf8')))
    expect(offenders).toEqual([])
  })
})

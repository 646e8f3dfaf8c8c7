import { execFileSync } from 'node:child_process'
import { resolve } from 'node:path'

/*
 * Builds dist/ once before any test file runs, so that the tests which use the
 * package as a user would (installs, examples, docs) share one build instead of
 * racing to delete and rewrite it.
 */
export default function setup(): void {
  execFileSync('npm', ['run', 'build'], {
    cwd: resolve(import.meta.dirname, '../..'),
    stdio: 'pipe',
  })
}

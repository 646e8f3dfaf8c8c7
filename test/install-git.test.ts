import { execFileSync } from 'node:child_process'
import { existsSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect, it } from 'vitest'
import { course, courseCheck, newProject, root } from './helpers/install.js'

/*
 * A git dependency, the route for an unpublished package: npm clones the
 * repository (its committed HEAD, not this working tree), installs its
 * devDependencies, runs `prepare` to build dist/, and installs what
 * `npm pack` would pack. Before `prepare` built it, such an install held no
 * dist/ and failed only at import.
 */
it('installs from git with npm install git+file://, builds through prepare, and imports by name', () => {
  const project = newProject('module')
  execFileSync('npm', ['install', '--no-audit', '--no-fund', `git+file://${root}`], {
    cwd: project,
    stdio: 'pipe',
  })
  expect(existsSync(join(project, 'node_modules', 'gradlab', 'dist', 'index.js'))).toBe(true)
  writeFileSync(join(project, 'main.js'), `import * as g from 'gradlab'\n${courseCheck}`)
  const printed = execFileSync('node', ['main.js'], { cwd: project, encoding: 'utf8' })
  expect(JSON.parse(printed)).toEqual(course)
}, 300_000) // npm installs the devDependencies and builds in the clone

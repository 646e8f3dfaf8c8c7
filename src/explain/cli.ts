#!/usr/bin/env node
/// <reference types="node" />
import { writeFileSync } from 'node:fs'
import { runExplain } from './index.js'

/* The `gradlab` command (package.json's bin). */
runExplain(process.argv.slice(2), {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  writeFile: (path, text) => writeFileSync(path, text),
}).then(
  (code) => {
    process.exitCode = code
  },
  (error: unknown) => {
    process.stderr.write(
      `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    )
    process.exitCode = 1
  },
)

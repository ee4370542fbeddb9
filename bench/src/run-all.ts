/**
 * Runs every benchmark in this folder, one after another (never in parallel, so they
 * do not compete for cores), each in its own Node process with the current Node
 * binary. A benchmark is any `*.ts` here except this runner, test files and helpers
 * whose names start with `_`. Exits non-zero if any benchmark failed.
 */
import { spawnSync } from "node:child_process"
import { readdirSync } from "node:fs"
import { basename, join } from "node:path"

const self = basename(import.meta.filename)
const isBench = (name: string): boolean =>
  name.endsWith(".ts") && name !== self && !name.startsWith("_") && !name.endsWith(".test.ts")

const benches = readdirSync(import.meta.dirname).filter(isBench).sort()
const failed: Array<string> = []
for (const name of benches) {
  console.log(`\n=== ${name} ===`)
  const run = spawnSync(process.execPath, [join(import.meta.dirname, name)], { stdio: "inherit" })
  if (run.status !== 0) failed.push(name)
}
if (failed.length > 0) {
  console.error(`\nfailed: ${failed.join(", ")}`)
  process.exitCode = 1
}

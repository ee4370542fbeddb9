/**
 * Runs every benchmark in this folder, one after another (never in parallel, so they
 * do not compete for cores), each in its own Node process with the current Node
 * binary. A benchmark is any `*.ts` here except this runner, test files, helpers whose
 * names start with `_`, and the long ones below, which have npm scripts of their own.
 * Exits non-zero if any benchmark failed.
 */
import { spawnSync } from "node:child_process"
import { readdirSync } from "node:fs"
import { basename, join } from "node:path"

const self = basename(import.meta.filename)

/** Benchmarks that take many minutes, by file: the npm script (of this package) that runs each. */
const longRunning: ReadonlyMap<string, string> = new Map([
  ["operator-writes.ts", "bench:operator-writes"],
  ["operator-scale.ts", "bench:operator-scale"],
  ["admission-latency.ts", "bench:admission"]
])

const isBench = (name: string): boolean =>
  name.endsWith(".ts") && name !== self && !name.startsWith("_") && !name.endsWith(".test.ts") && !longRunning.has(name)

const benches = readdirSync(import.meta.dirname).filter(isBench).sort()
const failed: Array<string> = []
for (const name of benches) {
  console.log(`\n=== ${name} ===`)
  const run = spawnSync(process.execPath, [join(import.meta.dirname, name)], { stdio: "inherit" })
  if (run.status !== 0) failed.push(name)
}
console.log(`\nnot run here (minutes each): ${[...longRunning].map(([file, script]) => `${file} (npm run ${script} -w @whatap-operator/bench)`).join(", ")}`)
if (failed.length > 0) {
  console.error(`\nfailed: ${failed.join(", ")}`)
  process.exitCode = 1
}

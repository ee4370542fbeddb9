/**
 * Builds the esbuild bundle once before the suites, so the tests exercise exactly what
 * ships (bin/whatapctl.js prefers dist/whatapctl.mjs) and never a stale bundle.
 */
import { spawnSync } from "node:child_process"

export default function setup(): void {
  const result = spawnSync("npm", ["run", "build"], { cwd: new URL("../..", import.meta.url), encoding: "utf8" })
  if (result.status !== 0) throw new Error(`bundle build failed:\n${result.stdout}\n${result.stderr}`)
}

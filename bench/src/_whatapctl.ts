/**
 * Shared by the CLI benchmarks: where the installed `whatapctl` bin is, and wall-clock
 * timing of whole processes (start-up included, which is what a CI job pays).
 */
import { spawnSync } from "node:child_process"
import { existsSync } from "node:fs"
import { fileURLToPath } from "node:url"

export const repoRoot = fileURLToPath(new URL("../../", import.meta.url))
export const bin = `${repoRoot}node_modules/.bin/whatapctl`
export const bundle = `${repoRoot}packages/cli/dist/whatapctl.mjs`
export const bundled = existsSync(bundle)

export interface Sample {
  readonly ms: number
  readonly status: number | null
  readonly stdoutBytes: number
}

/** One process run with the current Node binary; throws on a spawn failure. */
export const time = (args: ReadonlyArray<string>): Sample => {
  const start = performance.now()
  const r = spawnSync(process.execPath, args, { cwd: repoRoot, encoding: "utf8", maxBuffer: 1 << 30 })
  const ms = performance.now() - start
  if (r.error) throw r.error
  return { ms, status: r.status, stdoutBytes: Buffer.byteLength(r.stdout) }
}

export const stats = (values: ReadonlyArray<number>) => {
  const sorted = [...values].sort((a, b) => a - b)
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN
  return { min: sorted[0] ?? Number.NaN, median: at(0.5), p90: at(0.9), max: sorted[sorted.length - 1] ?? Number.NaN }
}

export const fmt = (ms: number): string => `${ms.toFixed(1)} ms`

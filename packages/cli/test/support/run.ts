/**
 * Spawns the real installed bin (`node_modules/.bin/whatapctl`, the link `npm ci`
 * creates) on the Node 24 binary, from the repository root.
 */
import { spawnSync } from "node:child_process"
import { fileURLToPath } from "node:url"

export const repoRoot = fileURLToPath(new URL("../../../../", import.meta.url))
const node = `${repoRoot}node_modules/node/bin/node`

export interface Run {
  readonly status: number | null
  readonly stdout: string
  readonly stderr: string
}

export const run = (args: ReadonlyArray<string>, options: { bin?: string; stdin?: string } = {}): Run => {
  const bin = `${repoRoot}node_modules/.bin/${options.bin ?? "whatapctl"}`
  const result = spawnSync(node, [bin, ...args], { cwd: repoRoot, encoding: "utf8", input: options.stdin ?? "" })
  return { status: result.status, stdout: result.stdout, stderr: result.stderr }
}

/** Fixture paths as the CLI prints them (relative to the repository root). */
export const fixture = (name: string): string => `packages/cli/test/fixtures/${name}`

/**
 * Spawns the real installed bin (`node_modules/.bin/whatapctl`, the link `npm ci`
 * creates) on the Node 24 binary, from the repository root. Every spawn is time-bound,
 * so a command that hangs fails its test instead of the whole run.
 */
import { spawn, spawnSync } from "node:child_process"
import { randomUUID } from "node:crypto"
import { mkdirSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll } from "vitest"
import { fileURLToPath } from "node:url"

export const repoRoot = fileURLToPath(new URL("../../../../", import.meta.url))

/**
 * The path of a scratch directory that the enclosing suite's beforeAll makes and its
 * afterAll removes: a file whose tests are all filtered out (`vitest -t`) runs no hooks,
 * so it leaves nothing in the temporary directory (one made at import time would stay).
 */
export const scratchDir = (prefix: string): string => {
  const dir = join(tmpdir(), `${prefix}${randomUUID().slice(0, 8)}`)
  beforeAll(() => void mkdirSync(dir, { mode: 0o700 }))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}
const node = `${repoRoot}node_modules/node/bin/node`

export interface Run {
  readonly status: number | null
  readonly stdout: string
  readonly stderr: string
  /** true when the process was killed for running past `timeoutMs` */
  readonly timedOut: boolean
}

export interface Options {
  readonly bin?: string
  readonly stdin?: string
  /** the environment (default: this process's) */
  readonly env?: NodeJS.ProcessEnv
  /** default 60 s */
  readonly timeoutMs?: number
}

const binPath = (options: Options) => `${repoRoot}node_modules/.bin/${options.bin ?? "whatapctl"}`

export const run = (args: ReadonlyArray<string>, options: Options = {}): Run => {
  const result = spawnSync(node, [binPath(options), ...args], {
    cwd: repoRoot,
    encoding: "utf8",
    input: options.stdin ?? "",
    env: options.env ?? process.env,
    timeout: options.timeoutMs ?? 60_000,
    killSignal: "SIGKILL"
  })
  const timedOut = result.error !== undefined && "code" in result.error && result.error.code === "ETIMEDOUT"
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, timedOut }
}

/** A running bin, for tests that need this process's event loop meanwhile (a loopback server). */
export interface Running {
  readonly pid: number | undefined
  readonly signal: (name: NodeJS.Signals) => void
  readonly done: Promise<Run>
}

export const start = (args: ReadonlyArray<string>, options: Options = {}): Running => {
  const child = spawn(node, [binPath(options), ...args], { cwd: repoRoot, env: options.env ?? process.env, stdio: ["ignore", "pipe", "pipe"] })
  let stdout = ""
  let stderr = ""
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => void (stdout += chunk))
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => void (stderr += chunk))
  let timedOut = false
  const timer = setTimeout(() => {
    timedOut = true
    child.kill("SIGKILL")
  }, options.timeoutMs ?? 60_000)
  const done = new Promise<Run>((resolve) => {
    child.on("close", (status) => {
      clearTimeout(timer)
      resolve({ status, stdout, stderr, timedOut })
    })
  })
  return { pid: child.pid, signal: (name) => void child.kill(name), done }
}

/** Fixture paths as the CLI prints them (relative to the repository root). */
export const fixture = (name: string): string => `packages/cli/test/fixtures/${name}`

/** The environment without anything that points the operator at a cluster or a namespace. */
export const isolatedEnv = (extra: Readonly<Record<string, string>> = {}): NodeJS.ProcessEnv => {
  const { KUBECONFIG: _k, WHATAP_DEFAULT_NAMESPACE: _n, KUBERNETES_SERVICE_HOST: _h, KUBERNETES_SERVICE_PORT: _p, ...rest } = process.env
  return { ...rest, HOME: "/nonexistent-home", ...extra }
}

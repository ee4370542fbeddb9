/**
 * The operator as the specs run it: `whatapctl run` in a child process of its own (the
 * CLI source on this Node 24), with the ServiceAccount kubeconfig, its probes on a free
 * loopback port and the webhook reachable by URL on loopback. Its stdout (JSON log lines)
 * and stderr are kept (and copied to `logFile` when given); when the scope closes the
 * process gets SIGTERM (it releases its Lease and exits) and SIGKILL 10 s later.
 */
import { type ChildProcess, spawn } from "node:child_process"
import { appendFileSync } from "node:fs"
import { join } from "node:path"
import { Duration, Effect, Schedule, type Scope } from "effect"
import { freePort, loopbackNoProxy } from "./Loopback.ts"
import { repoRoot } from "./Manifests.ts"

export interface Options {
  readonly kubeconfig: string
  readonly namespace: string
  readonly identity: string
  /** Where the API server is told to call the webhook; default: this process' own webhook server on loopback. */
  readonly webhookUrl?: string | undefined
  /** Extra flags (e.g. short certificate lifetimes). */
  readonly extraArgs?: ReadonlyArray<string> | undefined
  readonly resyncPeriod?: string
  readonly leaderElect?: boolean
  /** Also append stdout and stderr to this file. */
  readonly logFile?: string
}

export interface OperatorProcess {
  readonly identity: string
  readonly pid: number
  readonly probePort: number
  /** Where this process serves its admission webhooks (127.0.0.1). */
  readonly webhookPort: number
  /** What it tells the API server: `https://127.0.0.1:<webhookPort>` unless given. */
  readonly webhookUrl: string
  /** Every stdout line so far. */
  readonly logs: () => ReadonlyArray<string>
  readonly stderr: () => string
  readonly exitCode: () => number | null | undefined
  readonly get: (path: string) => Effect.Effect<{ readonly status: number; readonly body: string }, Error>
  readonly waitReady: (timeout?: Duration.Input) => Effect.Effect<void, Error>
  readonly signal: (signal: NodeJS.Signals) => Effect.Effect<void>
  /** Resolves with the exit code once the process has ended. */
  readonly exited: Effect.Effect<number | null>
}

const cli = join(repoRoot, "packages", "cli", "src", "main.ts")

const lines = (sink: Array<string>) => {
  let partial = ""
  return (chunk: Buffer) => {
    const text = partial + chunk.toString("utf8")
    const parts = text.split("\n")
    partial = parts.pop() ?? ""
    sink.push(...parts.filter((l) => l !== ""))
  }
}

const spawnOperator = (options: Options, probePort: number, webhookPort: number, webhookUrl: string): ChildProcess =>
  spawn(process.execPath, [
    cli, "run",
    `--kubeconfig=${options.kubeconfig}`,
    `--namespace=${options.namespace}`,
    `--identity=${options.identity}`,
    `--webhook-url=${webhookUrl}`,
    `--webhook-bind-address=127.0.0.1:${webhookPort}`,
    ...(options.extraArgs ?? []),
    `--health-probe-bind-address=127.0.0.1:${probePort}`,
    `--resync-period=${options.resyncPeriod ?? "20s"}`,
    `--leader-elect=${options.leaderElect ?? true}`
  ], {
    cwd: repoRoot,
    env: { ...process.env, NO_PROXY: loopbackNoProxy(process.env["NO_PROXY"]), no_proxy: loopbackNoProxy(process.env["no_proxy"]) },
    stdio: ["ignore", "pipe", "pipe"]
  })

/** SIGTERM (the operator releases its Lease and exits), SIGKILL 10 s later; nothing when it has exited. */
export const stop = (child: ChildProcess): Effect.Effect<void> => {
  if (child.exitCode !== null || child.signalCode !== null) return Effect.void
  const exit = Effect.callback<void>((resume) => void child.once("exit", () => resume(Effect.void)))
  return Effect.sync(() => void child.kill("SIGTERM")).pipe(
    Effect.andThen(exit),
    Effect.timeoutOrElse({ duration: "10 seconds", orElse: () => Effect.sync(() => void child.kill("SIGKILL")) })
  )
}

/** GET on the probe port, and a wait for /readyz answering 200 (the error carries `stderr`). */
export const probes = (identity: string, probePort: number, stderr: () => string) => {
  const get = (path: string) =>
    Effect.tryPromise({
      try: async () => {
        const response = await fetch(`http://127.0.0.1:${probePort}${path}`)
        return { status: response.status, body: await response.text() }
      },
      catch: (cause) => new Error(`GET ${path} on ${identity}: ${String(cause)}`)
    })
  const waitReady = (timeout: Duration.Input = "60 seconds") =>
    get("/readyz").pipe(
      Effect.filterOrFail((r) => r.status === 200, (r) => new Error(`not ready: ${r.body}`)),
      Effect.retry(Schedule.spaced("200 millis")),
      Effect.timeoutOrElse({ duration: timeout, orElse: () => Effect.fail(new Error(`${identity} not ready within ${Duration.format(Duration.fromInputUnsafe(timeout))}; stderr: ${stderr()}`)) }),
      Effect.asVoid
    )
  return { get, waitReady }
}

export const start = (options: Options): Effect.Effect<OperatorProcess, never, Scope.Scope> =>
  Effect.gen(function*() {
    const probePort = yield* freePort
    const webhookPort = yield* freePort
    const webhookUrl = options.webhookUrl ?? `https://127.0.0.1:${webhookPort}`
    const stdout: Array<string> = []
    let stderr = ""
    let exitCode: number | null | undefined = undefined
    const child = yield* Effect.acquireRelease(
      Effect.sync(() => spawnOperator(options, probePort, webhookPort, webhookUrl)),
      stop
    )
    const copy = (chunk: Buffer) => {
      if (options.logFile !== undefined) appendFileSync(options.logFile, chunk)
    }
    child.stdout?.on("data", lines(stdout))
    child.stdout?.on("data", copy)
    child.stderr?.on("data", (chunk: Buffer) => void (stderr += chunk.toString("utf8")))
    child.stderr?.on("data", copy)
    const exited = Effect.callback<number | null>((resume) => {
      if (exitCode !== undefined) return resume(Effect.succeed(exitCode))
      child.once("exit", (code) => resume(Effect.succeed(code)))
    })
    child.once("exit", (code) => void (exitCode = code))
    const { get, waitReady } = probes(options.identity, probePort, () => stderr)
    return {
      identity: options.identity,
      pid: child.pid ?? 0,
      probePort,
      webhookPort,
      webhookUrl,
      logs: () => stdout,
      stderr: () => stderr,
      exitCode: () => exitCode,
      get,
      waitReady,
      signal: (signal) => Effect.sync(() => void child.kill(signal)),
      exited
    }
  })

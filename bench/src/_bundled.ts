/**
 * The operator as it would ship: the esbuild bundle of whatapctl
 * (`packages/cli/dist/whatapctl.mjs`, built by `npm ci`) instead of the CLI's TypeScript
 * source that the e2e `OperatorProcess` runs. Loading the source keeps the text of every
 * module in memory (client-node's generated API files, effect with its doc comments) and
 * strips types at load, which the memory figures must not charge to the operator. Same
 * flags, same cleanup as `OperatorProcess`: SIGTERM when the scope closes, SIGKILL 10 s later.
 */
import { type ChildProcess, spawn } from "node:child_process"
import { existsSync } from "node:fs"
import { createServer } from "node:net"
import { join } from "node:path"
import { Duration, Effect, Schedule, type Scope } from "effect"
import { Manifests, type OperatorProcess } from "@whatap-operator/e2e"

export const bundle = join(Manifests.repoRoot, "packages", "cli", "dist", "whatapctl.mjs")

const freePort = Effect.callback<number>((resume) => {
  const server = createServer()
  server.listen(0, "127.0.0.1", () => {
    const address = server.address()
    const port = typeof address === "object" && address !== null ? address.port : 0
    server.close(() => resume(Effect.succeed(port)))
  })
})

const noProxy = (current: string | undefined): string => [current, "127.0.0.1", "localhost"].filter((s) => s !== undefined && s !== "").join(",")

interface Ports {
  readonly probe: number
  readonly webhook: number
  readonly webhookUrl: string
}

const spawnBundle = (options: OperatorProcess.Options, ports: Ports): ChildProcess =>
  spawn(process.execPath, [
    bundle, "run",
    `--kubeconfig=${options.kubeconfig}`,
    `--namespace=${options.namespace}`,
    `--identity=${options.identity}`,
    `--webhook-url=${ports.webhookUrl}`,
    `--webhook-bind-address=127.0.0.1:${ports.webhook}`,
    ...(options.extraArgs ?? []),
    `--health-probe-bind-address=127.0.0.1:${ports.probe}`,
    `--resync-period=${options.resyncPeriod ?? "5m"}`,
    `--leader-elect=${options.leaderElect ?? true}`
  ], {
    cwd: Manifests.repoRoot,
    env: { ...process.env, NO_PROXY: noProxy(process.env["NO_PROXY"]), no_proxy: noProxy(process.env["no_proxy"]) },
    // Only the probes are read; the log lines are not kept.
    stdio: ["ignore", "ignore", "pipe"]
  })

const stop = (child: ChildProcess) => {
  if (child.exitCode !== null || child.signalCode !== null) return Effect.void
  const exit = Effect.callback<void>((resume) => void child.once("exit", () => resume(Effect.void)))
  return Effect.sync(() => void child.kill("SIGTERM")).pipe(
    Effect.andThen(exit),
    Effect.timeoutOrElse({ duration: "10 seconds", orElse: () => Effect.sync(() => void child.kill("SIGKILL")) })
  )
}

/** GET on the probe port, and a wait for /readyz answering 200. */
const probes = (identity: string, probePort: number, stderr: () => string) => {
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

/** Starts the bundled operator; fails when `npm ci` has not built the bundle. */
export const start = (options: OperatorProcess.Options): Effect.Effect<OperatorProcess.OperatorProcess, Error, Scope.Scope> =>
  Effect.gen(function*() {
    if (!existsSync(bundle)) return yield* Effect.fail(new Error(`${bundle} is missing: run npm ci (or npm run build -w @whatap-operator/cli)`))
    const probePort = yield* freePort
    const webhookPort = yield* freePort
    const webhookUrl = options.webhookUrl ?? `https://127.0.0.1:${webhookPort}`
    const child = yield* Effect.acquireRelease(Effect.sync(() => spawnBundle(options, { probe: probePort, webhook: webhookPort, webhookUrl })), stop)
    let stderr = ""
    child.stderr?.on("data", (chunk: Buffer) => void (stderr += chunk.toString("utf8")))
    const exited = Effect.callback<number | null>((resume) => {
      if (child.exitCode !== null || child.signalCode !== null) return resume(Effect.succeed(child.exitCode))
      child.once("exit", (code) => resume(Effect.succeed(code)))
    })
    return {
      identity: options.identity,
      pid: child.pid ?? 0,
      probePort,
      webhookPort,
      webhookUrl,
      logs: () => [],
      stderr: () => stderr,
      exitCode: () => child.exitCode ?? (child.signalCode === null ? undefined : null),
      ...probes(options.identity, probePort, () => stderr),
      signal: (signal: NodeJS.Signals) => Effect.sync(() => void child.kill(signal)),
      exited
    } satisfies OperatorProcess.OperatorProcess
  })

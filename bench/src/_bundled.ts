/**
 * The operator as it would ship: the esbuild bundle of whatapctl
 * (`packages/cli/dist/whatapctl.mjs`, built by `npm ci`) instead of the CLI's TypeScript
 * source that the e2e `OperatorProcess` runs. Loading the source keeps the text of every
 * module in memory (client-node's generated API files, effect with its doc comments) and
 * strips types at load, which the memory figures must not charge to the operator. Same
 * flags, same cleanup as `OperatorProcess`: SIGTERM when the scope closes, SIGKILL 10 s later.
 * `BENCH_BUNDLE` names another build of the bundle (one from before a change, say).
 *
 * In-cluster (`inCluster`), the bundle runs as the chart's Deployment runs it: no
 * kubeconfig anywhere, KUBERNETES_SERVICE_HOST/_PORT, and the ServiceAccount's token and
 * CA under /var/run/secrets/kubernetes.io/serviceaccount. That directory exists only in
 * the operator's own mount namespace (`unshare -m`, a tmpfs over /run), so nothing else on
 * the machine sees a service account; Linux and root only.
 */
import { type ChildProcess, spawn } from "node:child_process"
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect, type Scope } from "effect"
import { parse } from "yaml"
import { Loopback, Manifests, OperatorProcess } from "@whatap-operator/e2e"

export const bundle = process.env["BENCH_BUNDLE"] ?? join(Manifests.repoRoot, "packages", "cli", "dist", "whatapctl.mjs")

/** Where the kubelet mounts a pod's service account (client-go's and client-node's constant). */
const serviceAccountDir = "/var/run/secrets/kubernetes.io/serviceaccount"

interface Ports {
  readonly probe: number
  readonly webhook: number
  readonly webhookUrl: string
}

interface InCluster {
  /** A temporary directory holding `dir` and `home`, removed with the scope. */
  readonly root: string
  /** The service account files (token, ca.crt, namespace) to mount. */
  readonly dir: string
  readonly host: string
  readonly port: string
  /** An empty HOME: no ~/.kube/config. */
  readonly home: string
}

interface ServiceAccountKubeconfig {
  readonly clusters: ReadonlyArray<{ readonly cluster: { readonly server: string; readonly "certificate-authority-data": string } }>
  readonly users: ReadonlyArray<{ readonly user: { readonly token: string } }>
}

/** The pod's view of the ServiceAccount whose kubeconfig `World.install` wrote (token, CA, server). */
const inClusterFiles = (options: OperatorProcess.Options): InCluster => {
  const config = parse(readFileSync(options.kubeconfig, "utf8")) as ServiceAccountKubeconfig
  const cluster = config.clusters[0]?.cluster
  const token = config.users[0]?.user.token
  if (cluster === undefined || token === undefined) throw new Error(`${options.kubeconfig}: no cluster or token`)
  const root = mkdtempSync(join(tmpdir(), "whatap-bench-in-cluster-"))
  const dir = join(root, "serviceaccount")
  const home = join(root, "home")
  mkdirSync(dir)
  mkdirSync(home)
  writeFileSync(join(dir, "token"), token, { mode: 0o600 })
  writeFileSync(join(dir, "ca.crt"), Buffer.from(cluster["certificate-authority-data"], "base64"))
  writeFileSync(join(dir, "namespace"), options.namespace)
  const server = new URL(cluster.server)
  return { root, dir, host: server.hostname, port: server.port, home }
}

/** `sh -c` in a private mount namespace: a tmpfs over /run with the service account in it, then node. */
const mountServiceAccount = (dir: string): ReadonlyArray<string> => [
  "-m", "--propagation", "private", "sh", "-c",
  `mount -t tmpfs tmpfs /run && mkdir -p ${serviceAccountDir} && cp "$0"/* ${serviceAccountDir}/ && exec "$@"`,
  dir
]

const spawnBundle = (options: OperatorProcess.Options, ports: Ports, inCluster: InCluster | undefined): ChildProcess => {
  const { KUBECONFIG: _kubeconfig, ...env } = Loopback.env()
  const args = [
    bundle, "run",
    ...(inCluster === undefined ? [`--kubeconfig=${options.kubeconfig}`] : []),
    `--namespace=${options.namespace}`,
    `--identity=${options.identity}`,
    `--webhook-url=${ports.webhookUrl}`,
    `--webhook-bind-address=127.0.0.1:${ports.webhook}`,
    ...(options.extraArgs ?? []),
    `--health-probe-bind-address=127.0.0.1:${ports.probe}`,
    `--resync-period=${options.resyncPeriod ?? "5m"}`,
    `--leader-elect=${options.leaderElect ?? true}`
  ]
  // Only the probes are read; the log lines are not kept.
  const stdio = ["ignore", "ignore", "pipe"] as const
  if (inCluster === undefined) return spawn(process.execPath, args, { cwd: Manifests.repoRoot, env: Loopback.env(), stdio: [...stdio] })
  // `unshare` and `sh` exec node: the pid is the operator's.
  return spawn("unshare", [...mountServiceAccount(inCluster.dir), process.execPath, ...args], {
    cwd: Manifests.repoRoot,
    env: { ...env, HOME: inCluster.home, KUBERNETES_SERVICE_HOST: inCluster.host, KUBERNETES_SERVICE_PORT: inCluster.port },
    stdio: [...stdio]
  })
}

/**
 * Starts the bundled operator (`inCluster`: without a kubeconfig, as in its pod); fails
 * when `npm ci` has not built the bundle.
 */
export const start = (options: OperatorProcess.Options, inCluster = false): Effect.Effect<OperatorProcess.OperatorProcess, Error, Scope.Scope> =>
  Effect.gen(function*() {
    if (!existsSync(bundle)) return yield* Effect.fail(new Error(`${bundle} is missing: run npm ci (or npm run build -w @whatap-operator/cli)`))
    const probePort = yield* Loopback.freePort
    const webhookPort = yield* Loopback.freePort
    const webhookUrl = options.webhookUrl ?? `https://127.0.0.1:${webhookPort}`
    const files = inCluster
      ? yield* Effect.acquireRelease(Effect.sync(() => inClusterFiles(options)), (f) => Effect.sync(() => rmSync(f.root, { recursive: true, force: true })))
      : undefined
    const child = yield* Effect.acquireRelease(Effect.sync(() => spawnBundle(options, { probe: probePort, webhook: webhookPort, webhookUrl }, files)), OperatorProcess.stop)
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
      ...OperatorProcess.probes(options.identity, probePort, () => stderr),
      signal: (signal: NodeJS.Signals) => Effect.sync(() => void child.kill(signal)),
      exited
    } satisfies OperatorProcess.OperatorProcess
  })

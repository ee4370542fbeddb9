/**
 * Starts the control-plane processes in dependency order and waits for each to be usable:
 * etcd -> kube-apiserver (readyz) -> controller-manager, scheduler, kwok -> the default
 * ServiceAccount (proof that the controller-manager reconciles). Flags follow envtest and
 * kwokctl; the reasons for the non-obvious ones are next to them.
 */
import { readFile } from "node:fs/promises"
import { createServer } from "node:net"
import { join } from "node:path"
import { Effect } from "effect"
import type { Layout } from "./BuildSpec.ts"
import * as Component from "./Component.ts"
import * as Kubeconfig from "./Kubeconfig.ts"
import type { Pki } from "./Pki.ts"
import * as Probe from "./Probe.ts"

export interface Context {
  readonly layout: Layout
  readonly dir: string
  readonly pki: Pki
  readonly kubeconfigPath: string
}

/** A free port on 127.0.0.1 (released before use; the race is acceptable for tests). */
const freePort = Effect.callback<number>((resume) => {
  const server = createServer()
  server.listen(0, "127.0.0.1", () => {
    const address = server.address()
    const port = typeof address === "object" && address !== null ? address.port : 0
    server.close(() => resume(Effect.succeed(port)))
  })
})

// Go honours HTTPS_PROXY; a CI proxy must never see loopback traffic between components.
export const loopbackNoProxy = (current: string | undefined): string =>
  [current, "127.0.0.1", "localhost", "::1"].filter((part) => part !== undefined && part !== "").join(",")

const env = (): NodeJS.ProcessEnv => ({
  ...process.env,
  NO_PROXY: loopbackNoProxy(process.env["NO_PROXY"]),
  no_proxy: loopbackNoProxy(process.env["no_proxy"])
})

const startAndWait = <A, E, R>(spec: Component.Spec, what: string, ready: Effect.Effect<A, E, R>) =>
  Effect.gen(function*() {
    const running = yield* Component.start(spec)
    // Whichever comes first: ready, or the process died (then its log tail is the error).
    return yield* Effect.raceFirst(Probe.until(what, "60 seconds", ready), Component.failOnExit(running))
  })

const adminTls = (pki: Pki) =>
  Effect.promise(async () => ({
      ca: await readFile(pki.caCert, "utf8"),
      cert: await readFile(pki.adminCert, "utf8"),
      key: await readFile(pki.adminKey, "utf8")
  }))

const startEtcd = Effect.fn("Processes.startEtcd")(function*(ctx: Context) {
  const [port, peerPort] = yield* Effect.all([freePort, freePort])
  const url = `http://127.0.0.1:${port}`
  const peerUrl = `http://127.0.0.1:${peerPort}`
  yield* startAndWait({
    name: "etcd",
    command: ctx.layout.bin("etcd"),
    workDir: ctx.dir,
    env: env(),
    args: [
      "--name=e2e", `--data-dir=${join(ctx.dir, "etcd")}`,
      `--listen-client-urls=${url}`, `--advertise-client-urls=${url}`,
      `--listen-peer-urls=${peerUrl}`, `--initial-advertise-peer-urls=${peerUrl}`,
      `--initial-cluster=e2e=${peerUrl}`,
      // Throw-away data: fsync only slows tests down.
      "--unsafe-no-fsync=true", "--auto-compaction-retention=1", "--log-level=warn"
    ]
  }, "etcd /health", Probe.ok(`${url}/health`))
  return url
})

const startApiServer = Effect.fn("Processes.startApiServer")(function*(ctx: Context, etcdUrl: string, tls: Probe.Tls) {
  const { dir, pki } = ctx
  const port = yield* freePort
  const url = `https://127.0.0.1:${port}`
  yield* startAndWait({
    name: "kube-apiserver",
    command: ctx.layout.bin("kube-apiserver"),
    workDir: dir,
    env: env(),
    args: [
      `--etcd-servers=${etcdUrl}`,
      "--bind-address=127.0.0.1", `--secure-port=${port}`,
      // Must be non-loopback (else the `kubernetes` Endpoints are rejected) and must be set
      // (hosts without a default route cannot auto-detect one). Nothing dials it.
      "--advertise-address=192.0.2.10",
      `--cert-dir=${join(dir, "pki")}`,
      `--tls-cert-file=${pki.apiServerCert}`, `--tls-private-key-file=${pki.apiServerKey}`,
      `--client-ca-file=${pki.caCert}`,
      "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
      `--service-account-key-file=${pki.serviceAccountPub}`,
      `--service-account-signing-key-file=${pki.serviceAccountKey}`,
      "--service-cluster-ip-range=10.96.0.0/16",
      "--authorization-mode=RBAC",
      "--allow-privileged=true",
      // As envtest: tests create pods right after creating a namespace, before the
      // controller-manager has made its `default` ServiceAccount.
      "--disable-admission-plugins=ServiceAccount",
      "--profiling=false"
    ]
  }, "kube-apiserver /readyz", Probe.ok(`${url}/readyz`, tls))
  return url
})

/** Controller-manager, scheduler and kwok; returns the controller-manager, whose work is awaited. */
const startControllers = Effect.fn("Processes.startControllers")(function*(ctx: Context) {
  const { layout, dir, pki, kubeconfigPath } = ctx
  const client = (name: string, args: ReadonlyArray<string>): Component.Spec => ({
    name,
    command: layout.bin(name),
    workDir: dir,
    env: env(),
    args: [`--kubeconfig=${kubeconfigPath}`, ...args]
  })
  // No listeners of their own (--secure-port=0) and no leader election: one replica each.
  const controllerManager = yield* Component.start(client("kube-controller-manager", [
    "--leader-elect=false", "--secure-port=0", "--controllers=*",
    `--service-account-private-key-file=${pki.serviceAccountKey}`, `--root-ca-file=${pki.caCert}`,
    `--cluster-signing-cert-file=${pki.caCert}`, `--cluster-signing-key-file=${pki.caKey}`
  ]))
  yield* Component.start(client("kube-scheduler", ["--leader-elect=false", "--secure-port=0"]))
  yield* Component.start(client("kwok", [
    `--config=${layout.stagesFile}`,
    "--manage-all-nodes=true", "--node-lease-duration-seconds=40",
    "--cidr=10.244.0.0/16", "--node-ip=10.240.0.1"
  ]))
  return controllerManager
})

export const startCore = Effect.fn("Processes.startCore")(function*(ctx: Context) {
  const tls = yield* adminTls(ctx.pki)
  const etcdUrl = yield* startEtcd(ctx)
  const apiServerUrl = yield* startApiServer(ctx, etcdUrl, tls)
  yield* Kubeconfig.write(ctx.kubeconfigPath, apiServerUrl, ctx.pki)
  const controllerManager = yield* startControllers(ctx)
  yield* Effect.raceFirst(
    Probe.until(
      "default ServiceAccount",
      "60 seconds",
      Probe.ok(`${apiServerUrl}/api/v1/namespaces/default/serviceaccounts/default`, tls)
    ),
    Component.failOnExit(controllerManager)
  )
  return apiServerUrl
})

/** kube-apiserver's gitVersion from /version. */
export const version = Effect.fn("Processes.version")(function*(apiServerUrl: string, pki: Pki) {
  const body = yield* Probe.ok(`${apiServerUrl}/version`, yield* adminTls(pki))
  const parsed: { readonly gitVersion?: unknown } = JSON.parse(body)
  return typeof parsed.gitVersion === "string" ? parsed.gitVersion : "unknown"
})

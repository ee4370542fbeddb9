/**
 * Starts the control-plane processes in dependency order and waits for each to be usable:
 * etcd -> kube-apiserver (readyz) -> controller-manager, scheduler, kwok -> the default
 * ServiceAccount (proof that the controller-manager reconciles). Flags follow envtest and
 * kwokctl; the reasons for the non-obvious ones are next to them. kube-apiserver itself is
 * `ApiServer` (a spec may restart it).
 */
import { readFile } from "node:fs/promises"
import { join } from "node:path"
import { Effect } from "effect"
import * as ApiServer from "./ApiServer.ts"
import * as Audit from "./Audit.ts"
import type { Layout } from "./BuildSpec.ts"
import * as Component from "./Component.ts"
import * as Kubeconfig from "./Kubeconfig.ts"
import * as Loopback from "./Loopback.ts"
import { type ComponentName, type Pki, userOf } from "./Pki.ts"
import * as Probe from "./Probe.ts"

export { loopbackNoProxy } from "./Loopback.ts"

export interface Context {
  readonly layout: Layout
  readonly dir: string
  readonly pki: Pki
  readonly kubeconfigPath: string
}

const adminTls = (pki: Pki) =>
  Effect.promise(async () => ({
      ca: await readFile(pki.caCert, "utf8"),
      cert: await readFile(pki.adminCert, "utf8"),
      key: await readFile(pki.adminKey, "utf8")
  }))

const startEtcd = Effect.fn("Processes.startEtcd")(function*(ctx: Context) {
  const [port, peerPort] = yield* Effect.all([Loopback.freePort, Loopback.freePort])
  const url = `http://127.0.0.1:${port}`
  const peerUrl = `http://127.0.0.1:${peerPort}`
  yield* Component.startReady({
    name: "etcd",
    command: ctx.layout.bin("etcd"),
    workDir: ctx.dir,
    env: Loopback.env(),
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

// Each component has its own kubeconfig and user (see Pki), so the audit log tells them apart.
const componentKubeconfig = Effect.fn("Processes.componentKubeconfig")(
  function*(ctx: Context, apiServerUrl: string, name: ComponentName) {
    const path = join(ctx.dir, `${name}.kubeconfig`)
    yield* Kubeconfig.write(path, apiServerUrl, ctx.pki, { userName: userOf(name), pair: ctx.pki.components[name] })
    return path
  }
)

/** Controller-manager, scheduler and kwok; returns the controller-manager, whose work is awaited. */
const startControllers = Effect.fn("Processes.startControllers")(function*(ctx: Context, apiServerUrl: string) {
  const { layout, dir, pki } = ctx
  const client = (name: ComponentName, args: ReadonlyArray<string>) =>
    componentKubeconfig(ctx, apiServerUrl, name).pipe(Effect.map((kubeconfig): Component.Spec => ({
      name,
      command: layout.bin(name),
      workDir: dir,
      env: Loopback.env(),
      args: [`--kubeconfig=${kubeconfig}`, ...args]
    })))
  // No listeners of their own (--secure-port=0) and no leader election: one replica each.
  const controllerManager = yield* Component.start(yield* client("kube-controller-manager", [
    "--leader-elect=false", "--secure-port=0", "--controllers=*",
    `--service-account-private-key-file=${pki.serviceAccountKey}`, `--root-ca-file=${pki.caCert}`,
    `--cluster-signing-cert-file=${pki.caCert}`, `--cluster-signing-key-file=${pki.caKey}`
  ]))
  yield* Component.start(yield* client("kube-scheduler", ["--leader-elect=false", "--secure-port=0"]))
  yield* Component.start(yield* client("kwok", [
    `--config=${layout.stagesFile}`,
    "--manage-all-nodes=true", "--node-lease-duration-seconds=40",
    "--cidr=10.244.0.0/16", "--node-ip=10.240.0.1"
  ]))
  return controllerManager
})

export interface Core {
  readonly apiServer: ApiServer.Handle
  readonly audit: Audit.Files
}

export const startCore = Effect.fn("Processes.startCore")(function*(ctx: Context) {
  const tls = yield* adminTls(ctx.pki)
  const audit = yield* Audit.writePolicy(ctx.dir)
  const etcdUrl = yield* startEtcd(ctx)
  const apiServer = yield* ApiServer.make({ layout: ctx.layout, dir: ctx.dir, pki: ctx.pki, etcdUrl, audit, tls })
  yield* Kubeconfig.write(ctx.kubeconfigPath, apiServer.url, ctx.pki)
  const controllerManager = yield* startControllers(ctx, apiServer.url)
  yield* Effect.raceFirst(
    Probe.until(
      "default ServiceAccount",
      "60 seconds",
      Probe.ok(`${apiServer.url}/api/v1/namespaces/default/serviceaccounts/default`, tls)
    ),
    Component.failOnExit(controllerManager)
  )
  const core: Core = { apiServer, audit }
  return core
})

/** kube-apiserver's gitVersion from /version. */
export const version = Effect.fn("Processes.version")(function*(apiServerUrl: string, pki: Pki) {
  const body = yield* Probe.ok(`${apiServerUrl}/version`, yield* adminTls(pki))
  const parsed: { readonly gitVersion?: unknown } = JSON.parse(body)
  return typeof parsed.gitVersion === "string" ? parsed.gitVersion : "unknown"
})

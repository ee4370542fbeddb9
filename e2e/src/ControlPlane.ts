/**
 * A real, local Kubernetes control plane as a scoped service: etcd, kube-apiserver,
 * kube-controller-manager, kube-scheduler and kwok (fake nodes), all built from upstream Go
 * modules by `Builder`. Building the layer starts everything and waits until it is usable;
 * closing its scope stops the processes in reverse order and removes the work directory
 * (kept, with each component's log tail printed, when the scope closes with a failure).
 *
 * For specs beyond plain API calls: the API server's audit log (`Audit`), stopping and
 * restarting kube-apiserver, and its network connections (`NetworkGuard`).
 */
import { mkdtemp, readFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { KubeConfig } from "@kubernetes/client-node"
import { Console, Context, type Duration, Effect, Layer, Option, Ref } from "effect"
import type * as ApiServer from "./ApiServer.ts"
import * as Builder from "./Builder.ts"
import type { ControlPlaneError } from "./ControlPlaneError.ts"
import * as FakeNodes from "./FakeNodes.ts"
import * as Janitor from "./Janitor.ts"
import * as NetworkGuard from "./NetworkGuard.ts"
import * as Pki from "./Pki.ts"
import * as Processes from "./Processes.ts"
import * as RssMonitor from "./RssMonitor.ts"
import * as WorkDir from "./WorkDir.ts"

export interface Options {
  /** Fake nodes kwok manages from the start; default: one plain node. */
  readonly nodes?: ReadonlyArray<FakeNodes.FakeNode>
  /** Keep the work directory even on success (debugging). */
  readonly keepWorkDir?: boolean
}

export interface Shape {
  readonly workDir: string
  readonly binDir: string
  readonly kubeconfigPath: string
  readonly kubeConfig: KubeConfig
  readonly apiServerUrl: string
  /** PEM of the per-run CA; also signs `webhookCert`. */
  readonly caCert: string
  readonly webhookCert: string
  readonly webhookKey: string
  /** kube-apiserver's gitVersion, e.g. v1.36.3. */
  readonly version: string
  /** Milliseconds from "start" to "ready" (build excluded). */
  readonly startMillis: number
  readonly addNodes: (nodes: ReadonlyArray<FakeNodes.FakeNode>) => Effect.Effect<void, ControlPlaneError>
  readonly peakRss: Effect.Effect<RssMonitor.Peak>
  /** kube-apiserver's audit log (JSON lines, level Metadata; see `Audit.POLICY`); read it with `Audit`. */
  readonly auditLogPath: string
  /** kube-apiserver's pid; none while stopped, a new one after every start. */
  readonly apiServerPid: Effect.Effect<Option.Option<number>>
  /** Stops kube-apiserver (same port, flags and etcd are kept for `startApiServer`); a no-op when stopped. */
  readonly stopApiServer: Effect.Effect<void>
  /** Starts kube-apiserver again and waits for /readyz; a no-op when it runs. */
  readonly startApiServer: Effect.Effect<void, ControlPlaneError>
  /** Stops kube-apiserver, waits `downFor`, starts it; it is ready again when this returns. */
  readonly restartApiServer: (downFor: Duration.Input) => Effect.Effect<void, ControlPlaneError>
  /** kube-apiserver's TCP/UDP sockets to anything but loopback, now; empty while it is stopped. */
  readonly nonLoopbackConnections: Effect.Effect<ReadonlyArray<NetworkGuard.Connection>, ControlPlaneError>
}

export class ControlPlane extends Context.Service<ControlPlane, Shape>()("@whatap-operator/e2e/ControlPlane") {
  static readonly layer = (options: Options = {}) => Layer.effect(ControlPlane, make(options))
}

const apiServerControls = (apiServer: ApiServer.Handle) => ({
  apiServerPid: apiServer.pid,
  stopApiServer: apiServer.stop,
  startApiServer: apiServer.start,
  restartApiServer: apiServer.restart,
  nonLoopbackConnections: apiServer.pid.pipe(
    Effect.flatMap(Option.match({
      onNone: () => Effect.succeed<ReadonlyArray<NetworkGuard.Connection>>([]),
      onSome: NetworkGuard.nonLoopback
    }))
  )
})

export const make = Effect.fn("ControlPlane.make")(function*(options: Options) {
  const layout = yield* Builder.ensure()
  const started = Date.now()
  const dir = yield* WorkDir.scoped(
    Effect.promise(() => mkdtemp(join(tmpdir(), Janitor.PREFIX))),
    options.keepWorkDir ?? false
  )
  const pki = yield* Pki.generate(dir)
  const kubeconfigPath = join(dir, "admin.kubeconfig")
  const peak = yield* RssMonitor.start
  const { apiServer, audit } = yield* Processes.startCore({ layout, dir, pki, kubeconfigPath })
  const apiServerUrl = apiServer.url
  const kubeConfig = new KubeConfig()
  kubeConfig.loadFromFile(kubeconfigPath)
  yield* FakeNodes.add(kubeConfig, options.nodes ?? FakeNodes.plain(1))
  const version = yield* Processes.version(apiServerUrl, pki)
  const startMillis = Date.now() - started
  yield* Console.log(`[controlplane] kube-apiserver ${version} ready at ${apiServerUrl} in ${(startMillis / 1000).toFixed(1)}s`)
  yield* Effect.addFinalizer(() =>
    Ref.get(peak).pipe(Effect.flatMap((p) => Console.log(`[controlplane] peak RSS ${RssMonitor.format(p)}`)))
  )
  return ControlPlane.of({
    workDir: dir,
    binDir: layout.binDir,
    kubeconfigPath,
    kubeConfig,
    apiServerUrl,
    caCert: yield* Effect.promise(() => readFile(pki.caCert, "utf8")),
    webhookCert: yield* Effect.promise(() => readFile(pki.webhookCert, "utf8")),
    webhookKey: yield* Effect.promise(() => readFile(pki.webhookKey, "utf8")),
    version,
    startMillis,
    addNodes: (nodes) => FakeNodes.add(kubeConfig, nodes),
    peakRss: Ref.get(peak),
    auditLogPath: audit.log,
    ...apiServerControls(apiServer)
  })
})

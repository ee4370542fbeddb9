/**
 * A real, local Kubernetes control plane as a scoped service: etcd, kube-apiserver,
 * kube-controller-manager, kube-scheduler and kwok (fake nodes), all built from upstream Go
 * modules by `Builder`. Building the layer starts everything and waits until it is usable;
 * closing its scope stops the processes in reverse order and removes the work directory
 * (kept, with each component's log tail printed, when the scope closes with a failure).
 */
import { mkdtemp, readFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { KubeConfig } from "@kubernetes/client-node"
import { Console, Context, Effect, Layer, Ref } from "effect"
import * as Builder from "./Builder.ts"
import type { ControlPlaneError } from "./ControlPlaneError.ts"
import * as FakeNodes from "./FakeNodes.ts"
import * as Janitor from "./Janitor.ts"
import * as Kubeconfig from "./Kubeconfig.ts"
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
}

export class ControlPlane extends Context.Service<ControlPlane, Shape>()("@whatap-operator/e2e/ControlPlane") {
  static readonly layer = (options: Options = {}) => Layer.effect(ControlPlane, make(options))
}

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
  const apiServerUrl = yield* Processes.startCore({ layout, dir, pki, kubeconfigPath })
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
    peakRss: Ref.get(peak)
  })
})

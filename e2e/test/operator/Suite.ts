/**
 * The world of the operator specs: a control plane of their own (they stop its
 * kube-apiserver), the CRDs, the operator's namespace and RBAC from deploy/operator, a
 * kubeconfig with the operator ServiceAccount's token (so RBAC decides what the operator
 * may do), an admin KubeClient for the specs, and helpers to start operator processes.
 */
import { join } from "node:path"
import { Context, type Duration, Effect, Layer, Schedule, type Scope } from "effect"
import { ApiResource, KubeClient, type KubeObject } from "@whatap-operator/kube"
import { Naming } from "@whatap-operator/core"
import { ControlPlane } from "../../src/ControlPlane.ts"
import * as Manifests from "../../src/Manifests.ts"
import * as ServiceAccounts from "../../src/ServiceAccounts.ts"
import type { FakeNode } from "../../src/FakeNodes.ts"
import { suiteNodes } from "../specs/Target.ts"
import * as OperatorProcess from "../../src/OperatorProcess.ts"

export const namespace = Naming.defaultNamespace
export const operatorAccount = "whatap-operator"
export const operatorUser = ServiceAccounts.username(namespace, operatorAccount)

/** Serving certificates live 60 s (renewed after 40 s), the CA 4 minutes (replaced after 160 s). */
export const certificateFlags = ["--webhook-cert-validity=60s", "--webhook-ca-validity=240s"]

export interface Shape {
  readonly operatorKubeconfig: string
  /** The operator every spec relies on, started with the suite (leader election on). */
  readonly primary: OperatorProcess.OperatorProcess
  /** Another operator process, living as long as the caller's scope. */
  readonly start: (identity: string, options?: Partial<OperatorProcess.Options>) => Effect.Effect<OperatorProcess.OperatorProcess, never, Scope.Scope>
  /** Every operator process started so far (for the log and RBAC checks at the end). */
  readonly processes: () => ReadonlyArray<OperatorProcess.OperatorProcess>
}

export class Suite extends Context.Service<Suite, Shape>()("@whatap-operator/e2e/operator/Suite") {}

/** Everything of deploy/operator: the rollout restart's ClusterRole too (the rollout spec uses it, the RBAC spec checks it). */
const deployFiles = (file: string) => file.endsWith(".yaml")

const setup = (primaryArgs: ReadonlyArray<string>) => Effect.gen(function*() {
  const plane = yield* ControlPlane
  const crds = yield* Manifests.crds
  yield* Manifests.apply(plane.kubeConfig, crds)
  yield* Manifests.waitEstablished(plane.kubeConfig, crds.map((o) => o.metadata?.name ?? ""))
  const rbac = Manifests.loadFiles(join(Manifests.repoRoot, "deploy", "operator"), deployFiles)
  // Namespace first, then the rest in file order.
  yield* Manifests.apply(plane.kubeConfig, [...rbac.filter((o) => o.kind === "Namespace"), ...rbac.filter((o) => o.kind !== "Namespace")], "e2e-installer")
  const operatorKubeconfig = yield* ServiceAccounts.kubeconfig({
    kubeConfig: plane.kubeConfig, namespace, name: operatorAccount, dir: plane.workDir
  })
  const started: Array<OperatorProcess.OperatorProcess> = []
  const start = (identity: string, options: Partial<OperatorProcess.Options> = {}) =>
    Effect.tap(
      OperatorProcess.start({ kubeconfig: operatorKubeconfig, namespace, identity, ...options }),
      (p) => Effect.sync(() => void started.push(p))
    )
  const primary = yield* start("operator-a", { extraArgs: primaryArgs })
  yield* primary.waitReady()
  return Suite.of({ operatorKubeconfig, primary, start, processes: () => started })
})

/** What every operator spec can use. */
export type Services = Suite | KubeClient | ControlPlane

/** A plane with these kwok nodes, and the primary operator started with these extra flags. */
export const layerWith = (options: { readonly nodes: ReadonlyArray<FakeNode>; readonly primaryArgs: ReadonlyArray<string> }): Layer.Layer<Services, unknown> =>
  Layer.effect(Suite, setup(options.primaryArgs)).pipe(
    Layer.provideMerge(Layer.unwrap(Effect.map(Effect.service(ControlPlane), (plane) => KubeClient.layer({ kubeconfig: plane.kubeconfigPath })))),
    // E2E_KEEP_WORKDIR=1 keeps the plane's logs and audit log for a look after the run.
    Layer.provideMerge(ControlPlane.layer({ nodes: options.nodes, keepWorkDir: process.env["E2E_KEEP_WORKDIR"] === "1" }))
  )

// Short certificate lifetimes: serving certificates renew and the CA is replaced while the specs run (D2).
export const layer: Layer.Layer<Services, unknown> = layerWith({ nodes: suiteNodes, primaryArgs: certificateFlags })

/** Polls `check` every 200 ms until it succeeds or `timeout` passes (then its last error). */
export const eventually = <A, E, R>(check: Effect.Effect<A, E, R>, timeout: Duration.Input = "60 seconds") =>
  check.pipe(Effect.retry(Schedule.spaced("200 millis").pipe(Schedule.upTo({ duration: timeout }))))

/** The live object or a failure naming it. */
export const read = (resource: ApiResource.ApiResource, name: string, ns?: string) =>
  Effect.flatMap(Effect.service(KubeClient), (kube) => kube.get(resource, name, { namespace: ns }))

export const exists = (resource: ApiResource.ApiResource, name: string, ns?: string) =>
  read(resource, name, ns).pipe(Effect.as(true), Effect.catchTag("KubeError", (e) => e.reason === "NotFound" ? Effect.succeed(false) : Effect.fail(e)))

export const condition = (agent: KubeObject.KubeObject, type: string): { status?: unknown; reason?: unknown; message?: unknown } | undefined => {
  const status = agent["status"]
  const conditions = typeof status === "object" && status !== null ? (status as { conditions?: unknown }).conditions : undefined
  return Array.isArray(conditions) ? conditions.find((c) => typeof c === "object" && c !== null && (c as { type?: unknown }).type === type) : undefined
}

export const agentResource = ApiResource.WhatapAgent

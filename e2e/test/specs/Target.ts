/**
 * What a spec needs to know about the cluster it runs against, so the same spec bodies run
 * on the local control plane and on a kind cluster: a KubeConfig, how a webhook served by
 * this process can be reached, and whether nodes are kwok fakes. Also small helpers every
 * spec uses (a throw-away namespace, polling).
 */
import { randomBytes } from "node:crypto"
import { CoreV1Api, type KubeConfig, V1Namespace } from "@kubernetes/client-node"
import { KubeClient } from "@whatap-operator/kube"
import { Duration, Effect, Schedule } from "effect"
import { afterAll, beforeAll } from "vitest"
import type { FakeNode } from "../../src/FakeNodes.ts"

export interface WebhookTls {
  /** Host the API server reaches this process on (127.0.0.1 for the local plane). */
  readonly host: string
  readonly cert: string
  readonly key: string
  /** PEM of the CA that signed `cert`; goes into `caBundle`. */
  readonly caBundle: string
}

export interface Target {
  readonly name: string
  readonly kubeConfig: KubeConfig
  /** The kubeconfig file behind `kubeConfig`, when there is one (the local plane writes one). */
  readonly kubeconfigPath?: string
  /** Absent when the API server cannot reach this process (the webhook spec then skips). */
  readonly webhook?: WebhookTls
}

/** Targets are resolved after setup (a kind container starts in beforeAll). */
export type TargetSource = () => Target

/** Nodes of the suite's local plane: a plain one and a faked GPU node. */
export const suiteNodes: ReadonlyArray<FakeNode> = [
  { name: "kwok-node-0" },
  {
    name: "kwok-gpu-0",
    labels: { "nvidia.com/gpu.present": "true", "nvidia.com/gpu.product": "NVIDIA-H100-80GB-HBM3" },
    capacity: { "nvidia.com/gpu": "8" }
  }
]

/** The kube package's live client for `target` (its kubeconfig file, or the exported config). */
export const kubeClientLayer = (target: Target) =>
  KubeClient.layer(
    target.kubeconfigPath === undefined
      ? { kubeconfigData: target.kubeConfig.exportConfig() }
      : { kubeconfig: target.kubeconfigPath }
  )

export const suffix = (): string => randomBytes(3).toString("hex")

/** Retries `check` (a promise that throws until satisfied) every 250 ms up to `timeout`. */
export const eventually = <A>(check: () => Promise<A>, timeout: Duration.Input = "60 seconds"): Promise<A> =>
  Effect.runPromise(
    Effect.tryPromise(check).pipe(
      Effect.retry(Schedule.spaced("250 millis").pipe(Schedule.upTo({ duration: timeout }))),
      Effect.mapError((e) => e.cause)
    )
  )

/** A namespace created before and deleted after the enclosing describe block. */
export const useNamespace = (source: TargetSource, prefix: string): (() => string) => {
  const name = `e2e-${prefix}-${suffix()}`
  beforeAll(async () => {
    const core = source().kubeConfig.makeApiClient(CoreV1Api)
    const body: V1Namespace = { metadata: { name } }
    await core.createNamespace({ body })
  })
  afterAll(async () => {
    const core = source().kubeConfig.makeApiClient(CoreV1Api)
    await core.deleteNamespace({ name }).catch(() => undefined)
  })
  return () => name
}

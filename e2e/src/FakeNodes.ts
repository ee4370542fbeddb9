/**
 * Fake nodes for kwok: Node objects that kwok adopts, marks Ready and keeps alive with
 * leases, so the scheduler places pods on them and kwok reports those pods Running.
 * Labels and extended resources are free-form so GPU nodes can be faked, e.g.
 * `{ labels: { "nvidia.com/gpu.present": "true" }, capacity: { "nvidia.com/gpu": "8" } }`.
 */
import { CoreV1Api, type KubeConfig, type V1Node } from "@kubernetes/client-node"
import { Effect } from "effect"
import { ControlPlaneError } from "./ControlPlaneError.ts"
import * as Probe from "./Probe.ts"

export interface FakeNode {
  readonly name: string
  readonly labels?: Readonly<Record<string, string>>
  /** Added to the default capacity (32 CPU, 256Gi, 110 pods). */
  readonly capacity?: Readonly<Record<string, string>>
}

const DEFAULT_CAPACITY = { cpu: "32", memory: "256Gi", pods: "110" }

export const manifest = (node: FakeNode): V1Node => {
  const capacity = { ...DEFAULT_CAPACITY, ...node.capacity }
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: {
      name: node.name,
      // ttl 0 stops the node-lifecycle controller from caching this node's status.
      annotations: { "node.alpha.kubernetes.io/ttl": "0", "kwok.x-k8s.io/node": "fake" },
      labels: {
        "kubernetes.io/hostname": node.name,
        "kubernetes.io/os": "linux",
        "kubernetes.io/arch": "amd64",
        type: "kwok",
        ...node.labels
      }
    },
    // No kwok NoSchedule taint: the whole cluster is fake, so workloads need no tolerations.
    status: { capacity, allocatable: capacity }
  }
}

/** `count` plain nodes named kwok-node-0.. */
export const plain = (count: number): ReadonlyArray<FakeNode> =>
  Array.from({ length: count }, (_, i) => ({ name: `kwok-node-${i}` }))

const isReady = (node: V1Node): boolean =>
  node.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false

/** Creates the nodes and waits until kwok reports each of them Ready. */
export const add = Effect.fn("FakeNodes.add")(function*(kubeConfig: KubeConfig, nodes: ReadonlyArray<FakeNode>) {
  const core = kubeConfig.makeApiClient(CoreV1Api)
  for (const node of nodes) {
    yield* Effect.tryPromise({
      try: () => core.createNode({ body: manifest(node) }),
      catch: (cause) => new ControlPlaneError({ step: `create node ${node.name}`, message: String(cause) })
    })
  }
  const readNode = (name: string) =>
    Effect.tryPromise({
      try: () => core.readNode({ name }),
      catch: (cause) => new ControlPlaneError({ step: `read node ${name}`, message: String(cause) })
    }).pipe(
      Effect.flatMap((n) =>
        isReady(n) ? Effect.void : Effect.fail(new ControlPlaneError({ step: name, message: "not Ready yet" }))
      )
    )
  yield* Effect.forEach(nodes, (node) => Probe.until(`node ${node.name} Ready`, "30 seconds", readNode(node.name)), {
    concurrency: "unbounded"
  })
})

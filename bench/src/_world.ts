/**
 * The world of the operator benchmarks, as `npm start` builds it: a local control plane
 * (the e2e `ControlPlane` layer, loopback only), the CRDs, the operator's namespace and
 * RBAC from deploy/operator, a kubeconfig with the operator ServiceAccount's token (so the
 * API server and its audit log see `system:serviceaccount:whatap-monitoring:whatap-operator`),
 * the operator as a child process (`whatapctl run`, the e2e `OperatorProcess`), and the
 * sample WhatapAgent of `npm start`. Also what the benchmarks read from the operator: its
 * /metrics counters, and a wait until it has gone quiet.
 */
import { join } from "node:path"
import { Duration, Effect, Layer, Schedule } from "effect"
import { Naming } from "@whatap-operator/core"
import { ApiResource, KubeClient, type KubeObject } from "@whatap-operator/kube"
import { ControlPlane, type FakeNodes, Manifests, OperatorProcess, ServiceAccounts } from "@whatap-operator/e2e"
import * as Bundled from "./_bundled.ts"

export const namespace = Naming.defaultNamespace
export const operatorAccount = "whatap-operator"
export const operatorUser = ServiceAccounts.username(namespace, operatorAccount)
/** The sample `npm start` applies: APM, master and node agent, OpenAgent. */
export const agentSample = "whatap-agent-complete.yaml"
/** The bench's own field manager for the CRs it writes. */
export const fieldManager = "whatap-bench"

/** Control plane plus an admin KubeClient; `BENCH_KEEP_WORKDIR=1` keeps logs and the audit log. */
export const layer = (nodes?: ReadonlyArray<FakeNodes.FakeNode>) =>
  Layer.unwrap(Effect.map(Effect.service(ControlPlane), (plane) => KubeClient.layer({ kubeconfig: plane.kubeconfigPath }))).pipe(
    Layer.provideMerge(ControlPlane.layer({ ...(nodes === undefined ? {} : { nodes }), keepWorkDir: process.env["BENCH_KEEP_WORKDIR"] === "1" }))
  )

/** CRDs, namespace and RBAC of deploy/operator; returns the operator ServiceAccount's kubeconfig. */
export const install = Effect.gen(function*() {
  const plane = yield* ControlPlane
  const crds = yield* Manifests.crds
  yield* Manifests.apply(plane.kubeConfig, crds)
  yield* Manifests.waitEstablished(plane.kubeConfig, crds.map((o) => o.metadata?.name ?? ""))
  const deploy = Manifests.loadFiles(join(Manifests.repoRoot, "deploy", "operator"), (f) => f.endsWith(".yaml"))
  yield* Manifests.apply(plane.kubeConfig, [...deploy.filter((o) => o.kind === "Namespace"), ...deploy.filter((o) => o.kind !== "Namespace")], "bench-installer")
  return yield* ServiceAccounts.kubeconfig({ kubeConfig: plane.kubeConfig, namespace, name: operatorAccount, dir: plane.workDir })
})

/**
 * How the operator runs: `source` as `npm start` and the e2e specs (the CLI's TypeScript),
 * `bundle` as shipped with the ServiceAccount's kubeconfig, `in-cluster` as shipped and as
 * in its pod (the in-cluster config: no kubeconfig, the token and CA of the service account mount).
 */
export type Entry = "source" | "bundle" | "in-cluster"

export const entryFromEnv = (): Entry => {
  const value = process.env["BENCH_OPERATOR"] ?? "source"
  if (value !== "source" && value !== "bundle" && value !== "in-cluster") {
    throw new Error(`BENCH_OPERATOR=${value}: expected source, bundle or in-cluster`)
  }
  return value
}

/** The operator (leader election on, as deployed), ready; it stops with the scope. */
export const startOperator = (kubeconfig: string, resyncPeriod: string, entry: Entry = "source", extraArgs: ReadonlyArray<string> = []) =>
  Effect.gen(function*() {
    const plane = yield* ControlPlane
    const options: OperatorProcess.Options = {
      kubeconfig,
      namespace,
      identity: "whatap-operator-bench",
      // As in `npm start`: the operator serves its admission webhooks on loopback and registers them by URL.
      resyncPeriod,
      extraArgs,
      logFile: join(plane.workDir, "operator.log")
    }
    const operator = entry === "source" ? yield* OperatorProcess.start(options) : yield* Bundled.start(options, entry === "in-cluster")
    yield* operator.waitReady("60 seconds")
    return operator
  })

const sample = (file: string): KubeObject.KubeObject => {
  const [object] = Manifests.loadFiles(Manifests.samplesDir, (f) => f === file)
  if (object === undefined) throw new Error(`sample ${file} not found`)
  return object as unknown as KubeObject.KubeObject
}

export const applyAgent = Effect.flatMap(Effect.service(KubeClient), (kube) =>
  kube.apply(ApiResource.WhatapAgent, sample(agentSample), { force: true, fieldManager }))

export const mergePatchAgent = (body: unknown) =>
  Effect.flatMap(Effect.service(KubeClient), (kube) => kube.patch(ApiResource.WhatapAgent, Naming.agentName, { type: "merge", body }))

interface Condition {
  readonly type?: string
  readonly status?: string
  readonly reason?: string
  readonly message?: string
}

interface Status {
  readonly observedGeneration?: number
  readonly conditions?: ReadonlyArray<Condition>
}

const readyCondition = (agent: KubeObject.KubeObject): Condition | undefined =>
  ((agent["status"] ?? {}) as Status).conditions?.find((c) => c.type === "Ready")

/** Ready=True with observedGeneration caught up (90 s at most; else the last Ready condition in the error). */
export const waitAgentReady = Effect.flatMap(Effect.service(KubeClient), (kube) =>
  kube.get(ApiResource.WhatapAgent, Naming.agentName).pipe(
    Effect.filterOrFail(
      (agent) => readyCondition(agent)?.status === "True" && ((agent["status"] ?? {}) as Status).observedGeneration === agent.metadata.generation,
      (agent) => new Error(`WhatapAgent/whatap is not Ready yet: ${JSON.stringify(readyCondition(agent) ?? null)}`)
    ),
    Effect.retry(Schedule.spaced("250 millis").pipe(Schedule.upTo({ duration: "90 seconds" })))
  ))

/** The sum of every series of `name` in a /metrics text (all label sets). */
export const metricSum = (text: string, name: string): number =>
  text.split("\n")
    .filter((line) => line.startsWith(`${name} `) || line.startsWith(`${name}{`))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(" ") + 1)), 0)

export interface OperatorCounters {
  /** Reconciles finished (every result). */
  readonly reconciles: number
  /** Objects created, applied or deleted by the reconciler. */
  readonly objectWrites: number
}

export const counters = (operator: OperatorProcess.OperatorProcess) =>
  Effect.map(operator.get("/metrics"), (r): OperatorCounters => ({
    reconciles: metricSum(r.body, "whatap_operator_reconcile_duration_seconds_count"),
    objectWrites: metricSum(r.body, "whatap_operator_object_writes_total")
  }))

/**
 * Waits until the operator finished no reconcile for `quiet` (its queue drained), or
 * `limit` passed; returns how long it took. A rollout the operator started (kwok pods
 * becoming Ready, Deployment status) keeps it busy for a few seconds after a change.
 */
export const settle = (operator: OperatorProcess.OperatorProcess, quiet: Duration.Input = "5 seconds", limit: Duration.Input = "120 seconds") =>
  Effect.gen(function*() {
    const started = performance.now()
    const quietMillis = Duration.toMillis(Duration.fromInputUnsafe(quiet))
    const deadline = started + Duration.toMillis(Duration.fromInputUnsafe(limit))
    let last = yield* counters(operator)
    let since = performance.now()
    while (performance.now() - since < quietMillis && performance.now() < deadline) {
      yield* Effect.sleep("500 millis")
      const now = yield* counters(operator)
      if (now.reconciles !== last.reconciles) {
        last = now
        since = performance.now()
      }
    }
    return performance.now() - started
  })

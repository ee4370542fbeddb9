/**
 * `npm start`: builds the control plane if needed, starts it, installs the CRDs, the
 * operator's namespace and RBAC (deploy/operator) and the samples, then runs the operator
 * (`whatapctl run`, with its ServiceAccount's token) against it, waits until the sample
 * WhatapAgent is reconciled, and prints the objects the operator created and the CR's
 * conditions. Runs until Ctrl-C, which stops the operator (it releases its Lease) and
 * then every control-plane process, and removes the work directory.
 */
import { existsSync } from "node:fs"
import { join } from "node:path"
import { Console, Effect, Layer, Option, Schedule } from "effect"
import { Naming } from "@whatap-operator/core"
import { ApiResource, KubeClient, type KubeObject } from "@whatap-operator/kube"
import * as Cli from "./Cli.ts"
import { ControlPlane } from "./ControlPlane.ts"
import { ControlPlaneError } from "./ControlPlaneError.ts"
import * as Manifests from "./Manifests.ts"
import * as OperatorProcess from "./OperatorProcess.ts"
import * as ServiceAccounts from "./ServiceAccounts.ts"

const kubectlFor = (binDir: string): string => {
  const built = join(binDir, "kubectl")
  return existsSync(built) ? built : "kubectl"
}

// Every agent sample is the cluster-scoped `whatap` (the only name APM injection reads),
// so one of them is applied, plus every monitor sample.
const agentSample = "whatap-agent-complete.yaml"

const startSamples = () =>
  Manifests.loadFiles(Manifests.samplesDir, (file) => file === agentSample || !file.startsWith("whatap-agent-"))

const installOperator = Effect.fn("start.installOperator")(function*(plane: ControlPlane["Service"]) {
  const deploy = Manifests.loadFiles(join(Manifests.repoRoot, "deploy", "operator"), (f) => f.endsWith(".yaml"))
  yield* Manifests.apply(plane.kubeConfig, [...deploy.filter((o) => o.kind === "Namespace"), ...deploy.filter((o) => o.kind !== "Namespace")])
  yield* Console.log(`[start] installed the operator's namespace and RBAC (deploy/operator)`)
  // The agents read their license, host and port from this Secret when the CR carries none
  // (as `kubectl create secret` does in a real install); the values are placeholders.
  const credentials = {
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: Naming.credentialsSecret, namespace: Naming.defaultNamespace },
    stringData: { WHATAP_LICENSE: "playground-license", WHATAP_HOST: "127.0.0.1", WHATAP_PORT: "6600" }
  }
  yield* Manifests.apply(plane.kubeConfig, [credentials])
  yield* Console.log(`[start] created the Secret ${Naming.credentialsSecret} with placeholder credentials`)
  return yield* ServiceAccounts.kubeconfig({ kubeConfig: plane.kubeConfig, namespace: Naming.defaultNamespace, name: "whatap-operator", dir: plane.workDir })
})

const record = (u: unknown): Readonly<Record<string, unknown>> =>
  typeof u === "object" && u !== null && !Array.isArray(u) ? (u as Record<string, unknown>) : {}

const conditionsOf = (agent: KubeObject.KubeObject): ReadonlyArray<Readonly<Record<string, unknown>>> => {
  const list = record(agent["status"])["conditions"]
  return Array.isArray(list) ? list.map(record) : []
}

/** Waits until the sample's Ready condition is True (or a minute passed), printing the wait. */
const awaitReconciled = Effect.gen(function*() {
  const kube = yield* KubeClient
  const ready = kube.get(ApiResource.WhatapAgent, Naming.agentName).pipe(
    Effect.mapError((e) => new ControlPlaneError({ step: "read WhatapAgent", message: e.message })),
    Effect.filterOrFail(
      (agent) => conditionsOf(agent).some((c) => c["type"] === "Ready" && c["status"] === "True"),
      () => new ControlPlaneError({ step: "WhatapAgent", message: "not Ready yet" })
    )
  )
  yield* Console.log("[start] waiting for the operator to reconcile WhatapAgent/whatap ...")
  return yield* ready.pipe(Effect.retry(Schedule.spaced("500 millis").pipe(Schedule.upTo({ duration: "90 seconds" }))), Effect.option)
})

const ownedBy = (uid: string) =>
  Effect.gen(function*() {
    const kube = yield* KubeClient
    const kinds = [ApiResource.MutatingWebhookConfiguration, ApiResource.ClusterRole, ApiResource.ClusterRoleBinding,
      ApiResource.Service, ApiResource.Secret, ApiResource.ConfigMap, ApiResource.ServiceAccount, ApiResource.Deployment, ApiResource.DaemonSet]
    const lists = yield* Effect.forEach(kinds, (r) =>
      kube.list(r, r.namespaced ? { namespace: Naming.defaultNamespace } : {}).pipe(Effect.map((l) => l.items), Effect.orElseSucceed(() => [])))
    return lists.flat().filter((o) => o.metadata.ownerReferences?.some((ref) => ref.uid === uid) === true)
  })

const report = Effect.gen(function*() {
  const kube = yield* KubeClient
  const agent = yield* kube.get(ApiResource.WhatapAgent, Naming.agentName).pipe(Effect.option)
  if (Option.isNone(agent)) return yield* Console.log("[start] the WhatapAgent is gone")
  const objects = yield* ownedBy(agent.value.metadata.uid ?? "")
  yield* Console.log(`\nObjects the operator created for WhatapAgent/whatap (${objects.length}):`)
  for (const o of objects) yield* Console.log(`  ${o.kind.padEnd(30)} ${o.metadata.namespace === undefined ? "" : `${o.metadata.namespace}/`}${o.metadata.name}`)
  yield* Console.log("\nStatus conditions:")
  for (const c of conditionsOf(agent.value)) {
    yield* Console.log(`  ${String(c["type"]).padEnd(24)} ${String(c["status"]).padEnd(7)} ${String(c["reason"]).padEnd(18)} ${String(c["message"])}`)
  }
})

/** A pod the sample's `spring-apps` target matches, created through the API server: the webhook injects it. */
const demoInjection = Effect.gen(function*() {
  const kube = yield* KubeClient
  const pod = {
    apiVersion: "v1", kind: "Pod",
    metadata: { name: "spring-demo", namespace: "default", labels: { app: "demo", framework: "spring" } },
    spec: { containers: [{ name: "app", image: "example.com/spring-demo:1", env: [{ name: "JAVA_TOOL_OPTIONS", value: "-Xmx512m" }] }] }
  } as KubeObject.KubeObject
  const created = yield* kube.create(ApiResource.Pod, pod, { namespace: "default" }).pipe(Effect.option)
  if (Option.isNone(created)) return yield* Console.log("[start] could not create the demo pod")
  const spec = record(created.value["spec"])
  const init = Array.isArray(spec["initContainers"]) ? spec["initContainers"].map(record) : []
  const app = (Array.isArray(spec["containers"]) ? spec["containers"].map(record) : [])[0] ?? {}
  const env = Array.isArray(app["env"]) ? app["env"].map(record) : []
  yield* Console.log([
    "",
    "APM injection: pod default/spring-demo (labels framework=spring) as the API server stored it:",
    ...Object.entries(created.value.metadata.annotations ?? {}).map(([k, v]) => `  annotation ${k}: ${v}`),
    ...init.map((c) => `  initContainer ${String(c["name"])}: ${String(c["image"])}`),
    ...env.filter((e) => e["name"] === "JAVA_TOOL_OPTIONS").map((e) => `  env JAVA_TOOL_OPTIONS=${String(e["value"])}`)
  ].join("\n"))
})

const program = Effect.gen(function*() {
  const plane = yield* ControlPlane
  const crds = yield* Manifests.crds
  yield* Manifests.apply(plane.kubeConfig, crds)
  yield* Manifests.waitEstablished(plane.kubeConfig, crds.map((o) => o.metadata?.name ?? ""))
  yield* Console.log(`[start] installed ${crds.length} CRDs generated by core (same as deploy/crds/)`)
  const operatorKubeconfig = yield* installOperator(plane)
  const samples = startSamples()
  yield* Manifests.apply(plane.kubeConfig, Manifests.namespacesOf(samples))
  const outcomes = yield* Manifests.applyEach(plane.kubeConfig, samples)
  for (const { object, error } of outcomes) {
    const id = `${object.kind}/${object.metadata?.namespace ?? ""}${object.metadata?.namespace ? "/" : ""}${object.metadata?.name}`
    yield* Console.log(error === undefined ? `[start] applied ${id}` : `[start] could not apply ${id}: ${error}`)
  }
  const logFile = join(plane.workDir, "operator.log")
  // The operator serves its webhooks on a loopback port and registers them by URL.
  const operator = yield* OperatorProcess.start({
    kubeconfig: operatorKubeconfig,
    namespace: Naming.defaultNamespace,
    identity: "whatap-operator-local",
    resyncPeriod: "5m",
    logFile
  })
  yield* Console.log(`[start] operator running (pid ${operator.pid}), logs: ${logFile}`)
  const reconciled = yield* awaitReconciled
  if (Option.isNone(reconciled)) yield* Console.log(`[start] the WhatapAgent did not become Ready within 90 s; see ${logFile}`)
  yield* report
  yield* demoInjection
  const kubectl = kubectlFor(plane.binDir)
  yield* Console.log([
    "",
    `Kubernetes ${plane.version} is running (API ${plane.apiServerUrl}); the operator reconciles WhatapAgent/whatap from ${agentSample}.`,
    `  export KUBECONFIG=${plane.kubeconfigPath}`,
    `  ${kubectl} --kubeconfig ${plane.kubeconfigPath} get whatapagents -o wide`,
    `  ${kubectl} --kubeconfig ${plane.kubeconfigPath} get all -n ${Naming.defaultNamespace}`,
    `  curl http://127.0.0.1:${operator.probePort}/metrics`,
    `  npx whatapctl doctor --kubeconfig ${plane.kubeconfigPath}   # checks the install, each failure with its fix`,
    `  npx whatapctl explain --agent deploy/samples/${agentSample} -f <pod.yaml>   # why a pod is (not) injected`,
    "Edit the WhatapAgent or delete an object and watch the operator put it back. Press Ctrl-C to stop.",
    ""
  ].join("\n"))
  return yield* Effect.never
})

const kubeClient = Layer.unwrap(Effect.map(Effect.service(ControlPlane), (p) =>
  KubeClient.layer({ kubeconfig: p.kubeconfigPath }).pipe(
    Layer.catch((e) => Layer.effect(KubeClient, Effect.fail(new ControlPlaneError({ step: "kubeconfig", message: e.message }))))
  )))

const layer = kubeClient.pipe(Layer.provideMerge(Layer.fresh(ControlPlane.layer())))

// runMain turns SIGINT/SIGTERM into interruption, so the layer's finalizers stop everything.
Cli.runMain(program.pipe(Effect.scoped, Effect.provide(layer)))

/**
 * One pass for one WhatapAgent, level-based (the trigger does not matter): read the CR
 * and everything it depends on from the caches (the GPU nodes' labels and their
 * dcgm-exporter pods included), validate, render the desired objects, apply what
 * differs, delete what a disabled component no longer renders, then write the status if
 * it changed (and a Warning Event per new GPU node warning, and one on each monitor left
 * out of the scrape configuration). A pass over an unchanged cluster makes no write at all. Deletion
 * runs the finalizer cleanup instead (`Finalize`).
 */
import { Clock, Duration, Effect, Option, Redacted } from "effect"
import { Conditions, Decode, Naming, Validate, type WhatapAgent } from "@whatap-operator/core"
import { ApiResource, type KubeObject } from "@whatap-operator/kube"
import { OperatorConfig } from "../Config.ts"
import * as Render from "../render/Render.ts"
import * as WebhookPlumbing from "../render/WebhookPlumbing.ts"
import { Redactor } from "../runtime/Redactor.ts"
import * as Apply from "./Apply.ts"
import { Caches } from "./Caches.ts"
import { Cluster } from "./Cluster.ts"
import { EventRecorder } from "./Events.ts"
import * as Finalize from "./Finalize.ts"
import * as ExporterPods from "./ExporterPods.ts"
import * as Finalizer from "./Finalizer.ts"
import * as GpuNodes from "./GpuNodes.ts"
import * as Monitors from "./Monitors.ts"
import * as Outcomes from "./Outcomes.ts"
import * as PodCounts from "./PodCounts.ts"
import * as Restarts from "./Restarts.ts"
import { ReconcileError } from "./ReconcileError.ts"
import * as Status from "./Status.ts"
import * as StatusWriter from "./StatusWriter.ts"
import * as Topology from "./Topology.ts"
import * as WebhookSecret from "./WebhookSecret.ts"
import * as WebhookTls from "./WebhookTls.ts"

export interface Result {
  readonly requeueAfter?: Duration.Duration | undefined
}

/** While a workload is rolling out, look again this soon even if no watch event arrives. */
const notReadyRequeue = Duration.seconds(30)

const now = Effect.map(Clock.currentTimeMillis, Conditions.formatTime)

const invalidMessage = (findings: ReadonlyArray<{ readonly path: ReadonlyArray<string | number>; readonly message: string }>): string => {
  const shown = findings.slice(0, 5).map((f) => `${f.path.join(".") || "(root)"}: ${f.message}`)
  const more = findings.length > shown.length ? `; and ${findings.length - shown.length} more` : ""
  return `the spec is invalid, nothing was applied: ${shown.join("; ")}${more}`
}

/** Validation errors: condition + one Warning event per distinct message; existing objects stay as they are. */
const rejectInvalid = Effect.fn("Reconciler.rejectInvalid")(function*(raw: KubeObject.KubeObject, errors: ReadonlyArray<Parameters<typeof invalidMessage>[0][number]>) {
  const events = yield* EventRecorder
  const message = (yield* Redactor).redact(invalidMessage(errors))
  const generation = raw.metadata.generation ?? 0
  const conditions = Status.invalid(StatusWriter.currentConditions(raw), generation, message, yield* now)
  const written = yield* StatusWriter.write(raw, { conditions, observedGeneration: generation, instrumentation: undefined, gpu: undefined })
  if (written !== undefined) {
    yield* events.record(raw, "Warning", "InvalidSpec", message)
    yield* Effect.logWarning(message)
  }
  return {} satisfies Result
})

/** A Warning Event per GPU node warning the stored status did not hold yet. */
const reportGpuWarnings = Effect.fn("Reconciler.reportGpuWarnings")(function*(
  raw: KubeObject.KubeObject, agent: WhatapAgent.WhatapAgent, gpu: GpuNodes.Summary | undefined
) {
  if (gpu === undefined) return
  const events = yield* EventRecorder
  for (const message of GpuNodes.newWarnings(agent.status?.gpu, gpu)) {
    yield* events.record(raw, "Warning", GpuNodes.warningReason, message)
  }
})

/**
 * B4: a Warning Event naming the missed pods whenever they change (not on every pass, nor
 * when only the number of matching pods moves, as it does while workloads scale).
 */
const reportMissedPods = Effect.fn("Reconciler.reportMissedPods")(function*(raw: KubeObject.KubeObject, conditions: ReadonlyArray<Conditions.Condition>) {
  const next = Conditions.find(conditions, "InstrumentationReady")
  if (next?.reason !== "PodsMissed") return
  const before = Conditions.find(StatusWriter.currentConditions(raw), "InstrumentationReady")
  if (before?.reason === next.reason && Status.missedPodsOf(before.message) === Status.missedPodsOf(next.message)) return
  yield* (yield* EventRecorder).record(raw, "Warning", "PodsMissed", next.message ?? "")
})

const licenses = (agent: WhatapAgent.WhatapAgent): ReadonlyArray<string> =>
  agent.spec.license === undefined ? [] : [Redacted.value(agent.spec.license)]

/** The webhook configurations as this pass sees them (for the certificate decisions and the status). */
const configurations = Effect.gen(function*() {
  const cluster = yield* Cluster
  const read = (resource: ApiResource.ApiResource, name: string) => Effect.map(cluster.lookup({ resource, name }), Option.getOrUndefined)
  return [
    yield* read(ApiResource.MutatingWebhookConfiguration, Naming.webhook.configuration),
    yield* read(ApiResource.ValidatingWebhookConfiguration, Naming.webhook.validatingConfiguration)
  ] as const
})

const trustedBy = (configs: ReadonlyArray<KubeObject.KubeObject | undefined>) => (caPem: string): boolean =>
  configs.every((c) => WebhookTls.bundleTrusts(c, caPem))

/** The webhook material for this pass: the Secret (created first when absent, D2), renewed or rotated when due. */
const webhookMaterial = (configs: ReadonlyArray<KubeObject.KubeObject | undefined>) => Effect.gen(function*() {
  const config = yield* OperatorConfig
  const cluster = yield* Cluster
  const ref = { resource: ApiResource.Secret, namespace: config.namespace, name: Naming.webhook.secret }
  const cached = yield* cluster.lookup(ref)
  const secret = Option.isSome(cached)
    ? cached
    : Option.some(yield* WebhookSecret.obtain(config.namespace, config.webhook, config.webhookValidity).pipe(
      Effect.mapError((e) => new ReconcileError({ message: e.message }))
    ))
  const request = { namespace: config.namespace, endpoint: config.webhook, validity: config.webhookValidity, trusted: trustedBy(configs) }
  return yield* WebhookTls.ensure(secret, request)
})

/** The GPU nodes from the Node cache, with their exporters' readiness from the pod cache, while GPU monitoring is on. */
const gpuNodes = Effect.fn("Reconciler.gpuNodes")(function*(agent: WhatapAgent.WhatapAgent) {
  const gpu = agent.spec.features.k8sAgent?.gpuMonitoring
  if (gpu === undefined || !gpu.enabled) return undefined
  const caches = yield* Caches
  return yield* GpuNodes.summarize(yield* caches.nodes.list, gpu, ExporterPods.readiness(yield* caches.exporterPods.list))
})

/** Everything a render needs, from the caches. */
const renderInput = Effect.fn("Reconciler.renderInput")(function*(agent: WhatapAgent.WhatapAgent) {
  const config = yield* OperatorConfig
  const configs = yield* configurations
  const material = yield* webhookMaterial(configs)
  const { monitors, skipped } = yield* Monitors.fromCaches
  const gpu = yield* gpuNodes(agent)
  const namespaceSelector = WebhookPlumbing.userNamespaceSelector(configs[0])
  const input: Render.Input = {
    agent,
    namespace: config.namespace,
    monitors,
    webhook: { endpoint: config.webhook, tls: material.tls, ...(namespaceSelector === undefined ? {} : { namespaceSelector }) },
    ...(gpu === undefined ? {} : { gpuNodes: gpu.detected })
  }
  return { input, material, gpu, skipped }
})

/**
 * A Warning Event on each monitor left out of the scrape configuration (while the
 * OpenAgent runs), once per version of the monitor, and the same in the log.
 */
const reportSkippedMonitors = Effect.fn("Reconciler.reportSkippedMonitors")(function*(
  agent: WhatapAgent.WhatapAgent, skipped: ReadonlyArray<Monitors.Skipped>
) {
  if (agent.spec.features.openAgent?.enabled !== true) return
  const events = yield* EventRecorder
  for (const monitor of skipped) {
    const message = Monitors.eventMessage(monitor)
    if (yield* events.recordOnce(monitor.object, "Warning", Monitors.skippedReason, message)) {
      yield* Effect.logWarning(`${monitor.kind} ${monitor.where}: ${message}`)
    }
  }
})

/** The sentence GpuMonitoringReady adds about the GPU nodes. */
const gpuSentence = (agent: WhatapAgent.WhatapAgent, gpu: GpuNodes.Summary | undefined): string | undefined => {
  const spec = agent.spec.features.k8sAgent?.gpuMonitoring
  return spec === undefined || gpu === undefined ? undefined : GpuNodes.sentence(gpu, GpuNodes.selection(spec, gpu.detected))
}

/** The pods (metadata) and the namespaces' labels of the caches, read once per pass for the counts and the rollout restart. */
interface Observed {
  readonly pods: ReadonlyArray<KubeObject.KubeObject>
  readonly namespaceLabels: (name: string) => Readonly<Record<string, string>> | undefined
}

const observed = Effect.gen(function*() {
  const caches = yield* Caches
  const namespaces = new Map((yield* caches.namespaces.list).map((n) => [n.metadata.name ?? "", n.metadata.labels]))
  return { pods: yield* caches.pods.list, namespaceLabels: (name: string) => namespaces.get(name) } satisfies Observed
})

const statusFacts = Effect.fn("Reconciler.statusFacts")(function*(
  agent: WhatapAgent.WhatapAgent,
  raw: KubeObject.KubeObject,
  input: Render.Input,
  outcome: Apply.Outcome,
  material: WebhookTls.Material,
  gpu: GpuNodes.Summary | undefined,
  seen: Observed,
  skipped: ReadonlyArray<Monitors.Skipped>
) {
  const config = yield* OperatorConfig
  const cluster = yield* Cluster
  const read = (resource: ApiResource.ApiResource, name: string) =>
    Effect.map(cluster.lookup({ resource, namespace: config.namespace, name }), Option.getOrUndefined)
  const workloads = new Map<string, KubeObject.KubeObject | undefined>()
  for (const name of [Naming.masterAgent.deployment, Naming.openAgent.deployment]) workloads.set(name, yield* read(ApiResource.Deployment, name))
  for (const name of [Naming.nodeAgent.daemonSet, Naming.nodeAgent.gpuDaemonSet]) workloads.set(name, yield* read(ApiResource.DaemonSet, name))
  const webhookConfigs = yield* configurations
  const trusted = trustedBy(webhookConfigs)(material.tls.caCert)
  const nodeDaemonSets = Topology.nodeDaemonSets(Render.effectiveAgent(input))
  return {
    agent,
    generation: raw.metadata.generation ?? 0,
    workload: (name: string) => workloads.get(name),
    outcome,
    certificate: {
      valid: trusted,
      message: trusted
        ? `serving certificate valid until ${material.notAfter.toISOString()}; caBundle matches`
        : "the webhook configurations do not trust the current CA yet"
    },
    webhookConfigured: webhookConfigs[0] !== undefined,
    counts: PodCounts.count(agent, input.namespace, seen.pods, seen.namespaceLabels),
    nodeDaemonSets: nodeDaemonSets.all,
    gpuDaemonSet: nodeDaemonSets.gpu,
    gpuNodes: gpuSentence(agent, gpu),
    skippedMonitors: Monitors.sentence(skipped),
    names: { master: Naming.masterAgent.deployment, openAgent: Naming.openAgent.deployment, openAgentConfig: Naming.openAgent.configMap },
    redact: (yield* Redactor).redact
  } satisfies Status.Facts
})

/**
 * When to look again without a watch event: soon while a CA replacement waits for the
 * configurations, at the certificates' renewal time, and while workloads roll out.
 */
const nextLook = Effect.fn("Reconciler.nextLook")(function*(material: WebhookTls.Material, ready: boolean) {
  if (material.pending) return Duration.seconds(5)
  const config = yield* OperatorConfig
  const due = yield* WebhookTls.dueAt(material.tls, config.webhookValidity).pipe(Effect.orElseSucceed(() => Number.POSITIVE_INFINITY))
  const untilDue = Math.max(1000, due - (yield* Clock.currentTimeMillis))
  const wait = ready ? untilDue : Math.min(untilDue, Duration.toMillis(notReadyRequeue))
  return Number.isFinite(wait) && wait < Duration.toMillis(config.resyncPeriod) ? Duration.millis(wait) : undefined
})

/** B3: one step of the opt-in rollout restart, over the pods and namespaces the counts read. */
const rolloutStep = Effect.fn("Reconciler.rolloutStep")(function*(raw: KubeObject.KubeObject, agent: WhatapAgent.WhatapAgent, facts: Status.Facts, seen: Observed) {
  const config = yield* OperatorConfig
  return yield* Restarts.step({
    raw,
    agent,
    operatorNamespace: config.namespace,
    pods: seen.pods,
    namespaceLabels: seen.namespaceLabels,
    webhookReady: facts.webhookConfigured && facts.certificate.valid,
    current: Conditions.find(StatusWriter.currentConditions(raw), "RolloutRestart")
  })
})

/** The pass for a live (not deleting) CR that already carries the finalizer. */
const converge = Effect.fn("Reconciler.converge")(function*(raw: KubeObject.KubeObject) {
  const decoded = Decode.as("WhatapAgent", raw)
  const errors = Validate.resource(raw).filter((f) => f.severity === "error")
  if (errors.length > 0 || Option.isNone(decoded.value)) return yield* rejectInvalid(raw, errors)
  const agent = decoded.value.value
  yield* (yield* Redactor).register(licenses(agent))
  const cluster = yield* Cluster
  const { input, material, gpu, skipped } = yield* renderInput(agent)
  const outcome = yield* Apply.sync(raw, Render.render(input), Render.prunable(input), cluster.lookup, cluster.recorder)
  yield* Outcomes.report(raw, outcome, material)
  const seen = yield* observed
  yield* reportSkippedMonitors(agent, skipped)
  const facts = yield* statusFacts(agent, raw, input, outcome, material, gpu, seen, skipped)
  const restart = yield* rolloutStep(raw, agent, facts, seen)
  const current = StatusWriter.currentConditions(raw)
  const conditions = Status.withRollout(Status.conditions(current, facts, yield* now), restart.update, yield* now)
  yield* Outcomes.reportProblems(raw, outcome, !Status.sameCondition(current, conditions, "Ready"))
  const gpuStatus = gpu === undefined ? undefined : GpuNodes.status(gpu)
  const patched = yield* StatusWriter.write(raw, { conditions, observedGeneration: facts.generation, instrumentation: PodCounts.countsOf(facts.counts), gpu: gpuStatus })
  if (patched !== undefined) {
    yield* cluster.agentWritten(patched)
    yield* reportGpuWarnings(raw, agent, gpu)
    yield* reportMissedPods(raw, conditions)
  }
  if (outcome.failures.length > 0) {
    return yield* new ReconcileError({ message: `${outcome.failures.length} of the objects could not be written: ${outcome.failures.map((f) => `${Apply.describe(f)}: ${Apply.reasonOf(f)}`).join("; ")}` })
  }
  const look = yield* nextLook(material, Conditions.find(conditions, "Ready")?.status === "True")
  const soon = restart.requeueSeconds === undefined ? undefined : Duration.seconds(restart.requeueSeconds)
  return { requeueAfter: soon !== undefined && (look === undefined || Duration.isGreaterThan(look, soon)) ? soon : look } satisfies Result
})

/** Reconciles the WhatapAgent `name` (cluster-scoped, so the key is the name). */
export const reconcile = Effect.fn("Reconciler.reconcile")(function*(name: string) {
  const cluster = yield* Cluster
  const found = yield* cluster.agent(name)
  if (Option.isNone(found)) return {} satisfies Result
  const raw = found.value
  if (raw.metadata.deletionTimestamp !== undefined) return yield* Finalize.run(raw)
  if (!Finalizer.has(raw)) {
    const updated = yield* Finalizer.add(raw)
    if (Option.isNone(updated)) {
      yield* Effect.logDebug("WhatapAgent deleted before its finalizer was added")
      return {} satisfies Result
    }
    yield* cluster.agentWritten(updated.value)
    return yield* converge(updated.value)
  }
  return yield* converge(raw)
}, (effect, name) => Effect.annotateLogs(effect, { controller: "whatapagent", agent: name }))

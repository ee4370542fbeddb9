/**
 * The WhatapAgent status the controller wants (D7): one condition per component, the
 * aggregate `Ready`, `observedGeneration` and the APM pod counts, computed from the spec,
 * the live workloads, the GPU nodes (B6) and the outcome of the pass. Transition times move only when a
 * condition's status changes (core `Conditions`), so a pass that changes nothing yields a
 * status equal to the stored one and no write.
 */
import { Conditions, type WhatapAgent } from "@whatap-operator/core"
import type { KubeObject } from "@whatap-operator/kube"
import * as Apply from "./Apply.ts"
import type { Sweep } from "./PodCounts.ts"
import * as Workloads from "./Workloads.ts"

export interface Facts {
  readonly agent: WhatapAgent.WhatapAgent
  readonly generation: number
  /** Live workloads by name (absent when not applied yet). */
  readonly workload: (name: string) => KubeObject.KubeObject | undefined
  readonly outcome: Apply.Outcome
  readonly certificate: { readonly valid: boolean; readonly message: string }
  readonly webhookConfigured: boolean
  readonly counts: Sweep | undefined
  /** Names of the DaemonSets the node agent runs as (one, or two in GPU split mode), and which one carries DCGM. */
  readonly nodeDaemonSets: ReadonlyArray<string>
  readonly gpuDaemonSet: string
  /** What the GPU node labels say (`GpuNodes.sentence`), added to `GpuMonitoringReady`; undefined while GPU monitoring is off. */
  readonly gpuNodes: string | undefined
  /** Which monitors the scrape configuration leaves out (`Monitors.sentence`), added to `OpenAgentReady`. */
  readonly skippedMonitors: string | undefined
  readonly names: { readonly master: string; readonly openAgent: string; readonly openAgentConfig: string }
  /** Removes secrets from a message (the API server's errors echo values); before bounding, so no part of one is left. */
  readonly redact: (text: string) => string
}

type Update = Conditions.Update

const disabled = (type: Update["type"], what: string, generation: number): Update =>
  ({ type, status: "False", reason: "Disabled", message: `${what} is disabled in the spec`, observedGeneration: generation })

const fromVerdict = (type: Update["type"], verdict: Workloads.Verdict, generation: number): Update =>
  ({ type, ...verdict, observedGeneration: generation })

/**
 * The pass's own word on a workload first: one it could not apply, or left alone because
 * another WhatapAgent controls it, is not this CR's, whatever the live object's replicas say.
 */
const passVerdict = (outcome: Apply.Outcome, name: string, kind: string): Workloads.Verdict | undefined => {
  const failure = outcome.failures.find((f) => f.action !== "delete" && f.resource.kind === kind && f.name === name)
  if (failure !== undefined) return { status: "False", reason: "ApplyFailed", message: `${kind} ${name} could not be applied: ${Apply.reasonOf(failure)}` }
  const conflict = outcome.conflicts.find((c) => c.resource.kind === kind && c.name === name)
  return conflict === undefined ? undefined : { status: "False", reason: "ApplyFailed", message: `not managing ${conflict.message}` }
}

const workloadVerdict = (facts: Facts, name: string, kind: "Deployment" | "DaemonSet"): Workloads.Verdict => {
  const refused = passVerdict(facts.outcome, name, kind)
  if (refused !== undefined) return refused
  const live = facts.workload(name)
  if (live === undefined) return { status: "Unknown", reason: "Reconciling", message: `${kind} ${name} not created yet` }
  return kind === "Deployment" ? Workloads.deployment(live) : Workloads.daemonSet(live)
}

const withNodes = (update: Update, facts: Facts): Update =>
  facts.gpuNodes === undefined ? update : { ...update, message: `${update.message}; ${facts.gpuNodes}` }

const withSkipped = (update: Update, facts: Facts): Update =>
  facts.skippedMonitors === undefined ? update : { ...update, message: `${update.message}; ${facts.skippedMonitors}` }

const gpuVerdict = (facts: Facts): Update => {
  const k8s = facts.agent.spec.features.k8sAgent
  const g = facts.generation
  if (k8s === undefined || !k8s.gpuMonitoring.enabled) return disabled("GpuMonitoringReady", "GPU monitoring", g)
  if (!k8s.nodeAgent.enabled) {
    return { type: "GpuMonitoringReady", status: "False", reason: "Unavailable", message: "gpuMonitoring needs nodeAgent.enabled: dcgm-exporter runs in the node agent pod", observedGeneration: g }
  }
  if (facts.agent.spec.features.openAgent?.enabled !== true) {
    return { type: "GpuMonitoringReady", status: "False", reason: "Unavailable", message: "GPU metrics are scraped by the OpenAgent: set openAgent.enabled", observedGeneration: g }
  }
  return fromVerdict("GpuMonitoringReady", workloadVerdict(facts, facts.gpuDaemonSet, "DaemonSet"), g)
}

const gpuUpdate = (facts: Facts): Update => {
  const verdict = gpuVerdict(facts)
  return verdict.reason === "Disabled" ? verdict : withNodes(verdict, facts)
}

const restartHint = "; restart them to instrument them"

/** The pods a PodsMissed message names: the first missed ones, and how many more. */
const missedPart = (counts: Sweep): string => {
  const more = counts.missedPods > counts.missed.length ? ` and ${counts.missedPods - counts.missed.length} more` : ""
  return `${counts.missed.join(", ")}${more}`
}

/** The named part of a PodsMissed condition message (it changes only when the missed pods do, not with the matched count). */
export const missedPodsOf = (message: string | undefined): string | undefined => {
  if (message === undefined || !message.endsWith(restartHint)) return undefined
  const start = message.indexOf("): ")
  return start < 0 ? undefined : message.slice(start + 3, message.length - restartHint.length)
}

const instrumentationUpdate = (facts: Facts): Update => {
  const g = facts.generation
  const instrumentation = facts.agent.spec.features.apm?.instrumentation
  if (instrumentation === undefined || !instrumentation.enabled) return disabled("InstrumentationReady", "APM instrumentation", g)
  if (!facts.webhookConfigured) {
    return { type: "InstrumentationReady", status: "Unknown", reason: "Reconciling", message: "MutatingWebhookConfiguration not installed yet", observedGeneration: g }
  }
  const counts = facts.counts
  if (counts !== undefined && counts.missedPods > 0) {
    const message = `${counts.missedPods} of ${counts.matchedPods} matching pods were not injected (created before the webhook or while it was unavailable): ${missedPart(counts)}${restartHint}`
    return { type: "InstrumentationReady", status: "False", reason: "PodsMissed", message, observedGeneration: g }
  }
  const message = counts === undefined ? "webhook configuration installed" : `webhook configuration installed; ${counts.injectedPods} of ${counts.matchedPods} matching pods injected`
  return { type: "InstrumentationReady", status: "True", reason: "Available", message, observedGeneration: g }
}

const componentUpdates = (facts: Facts): ReadonlyArray<Update> => {
  const g = facts.generation
  const k8s = facts.agent.spec.features.k8sAgent
  const master = k8s?.masterAgent.enabled === true
    ? fromVerdict("MasterAgentReady", workloadVerdict(facts, facts.names.master, "Deployment"), g)
    : disabled("MasterAgentReady", "the master agent", g)
  const node = k8s?.nodeAgent.enabled === true
    ? fromVerdict("NodeAgentReady", Workloads.all(facts.nodeDaemonSets.map((n) => workloadVerdict(facts, n, "DaemonSet"))), g)
    : disabled("NodeAgentReady", "the node agent", g)
  // the scrape configuration refused (over 1 MiB, say): the OpenAgent runs an old one
  const open = facts.agent.spec.features.openAgent?.enabled === true
    ? withSkipped(fromVerdict("OpenAgentReady", passVerdict(facts.outcome, facts.names.openAgentConfig, "ConfigMap") ?? workloadVerdict(facts, facts.names.openAgent, "Deployment"), g), facts)
    : disabled("OpenAgentReady", "the OpenAgent", g)
  const certificate: Update = facts.certificate.valid
    ? { type: "WebhookCertificateValid", status: "True", reason: "CertificateValid", message: facts.certificate.message, observedGeneration: g }
    : { type: "WebhookCertificateValid", status: "False", reason: "CertificateInvalid", message: facts.certificate.message, observedGeneration: g }
  return [master, node, open, gpuUpdate(facts), instrumentationUpdate(facts), certificate]
}

/** Failures of the pass override the workload verdict of the component they belong to. */
const failureUpdate = (outcome: Apply.Outcome, generation: number): Update | undefined => {
  const messages = [
    ...outcome.failures.map((f) => `${f.action} ${f.resource.kind} ${f.namespace === undefined ? "" : `${f.namespace}/`}${f.name}: ${Apply.reasonOf(f)}`),
    ...outcome.conflicts.map((c) => `conflict: ${c.message}`)
  ]
  if (messages.length === 0) return undefined
  const reason = outcome.failures.some((f) => f.action === "delete") && outcome.failures.every((f) => f.action === "delete") ? "PruneFailed" : "ApplyFailed"
  return { type: "Ready", status: "False", reason, message: messages.join("; "), observedGeneration: generation }
}

/**
 * The Go operator's `Available`, with its reasons: True (`Installed`) once every object
 * of the pass is applied, False (`InstallFailed`, the refused writes) otherwise. Unlike
 * there it does not flip to False at the start of every pass, and pods being ready is
 * `Ready`'s business.
 */
const availableUpdate = (failure: Update | undefined, generation: number): Update =>
  failure === undefined || failure.reason === "PruneFailed"
    ? { type: "Available", status: "True", reason: "Installed", message: "WhatapAgent installed successfully", observedGeneration: generation }
    : { type: "Available", status: "False", reason: "InstallFailed", message: failure.message, observedGeneration: generation }

/** The desired conditions, merged onto `current` (whose transition times are kept where the status holds). */
export const conditions = (
  current: ReadonlyArray<Conditions.Condition>,
  facts: Facts,
  now: string
): ReadonlyArray<Conditions.Condition> => {
  const clean = (update: Update): Update => ({ ...update, message: facts.redact(update.message) })
  const components = Conditions.merge(current, componentUpdates(facts).map(clean), now)
  const failed = failureUpdate(facts.outcome, facts.generation)
  const failure = failed === undefined ? undefined : clean(failed)
  const ready = failure ?? Conditions.ready(components, facts.generation)
  return Conditions.merge(components, [ready, availableUpdate(failure, facts.generation)], now)
}

/** A status for a CR that fails validation: nothing was applied, the findings say why. */
export const invalid = (
  current: ReadonlyArray<Conditions.Condition>,
  generation: number,
  message: string,
  now: string
): ReadonlyArray<Conditions.Condition> =>
  Conditions.merge(current, [
    { type: "Ready", status: "False", reason: "InvalidSpec", message, observedGeneration: generation },
    { type: "Available", status: "False", reason: "InvalidSpec", message, observedGeneration: generation }
  ], now)

/** The opt-in rollout restart's condition set (B3), or removed when the restart is off; it never moves `Ready`. */
export const withRollout = (
  conditions: ReadonlyArray<Conditions.Condition>,
  update: Update | undefined,
  now: string
): ReadonlyArray<Conditions.Condition> =>
  update === undefined ? Conditions.remove(conditions, "RolloutRestart") : Conditions.set(conditions, update, now)

/** Whether condition `type` says the same (status, reason, message) in both lists. */
export const sameCondition = (a: ReadonlyArray<Conditions.Condition>, b: ReadonlyArray<Conditions.Condition>, type: string): boolean => {
  const x = Conditions.find(a, type)
  const y = Conditions.find(b, type)
  return x !== undefined && y !== undefined && x.status === y.status && x.reason === y.reason && x.message === y.message
}

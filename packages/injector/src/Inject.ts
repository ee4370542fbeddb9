/**
 * The APM injection of the pod admission webhook (spec 5.2-5.8), as pure functions over
 * the raw JSON of the admitted pod: `mutate` returns the mutated pod, the RFC 6902 patch
 * from the input to it (only our own changes; empty when nothing changes), the outcome
 * (injected, or why not) and warnings for Events; `explain` says, for every target, why
 * it did or did not apply, and which patch would be applied (license values redacted).
 * Fields the mutation does not touch, unknown ones included, are kept as they are.
 *
 * Algorithm (spec 5.2): no WhatapAgent `whatap` -> unchanged; instrumentation absent or
 * disabled -> unchanged; no targets -> unchanged; annotation `whatap-apm-injected: "true"`
 * -> unchanged; else the first enabled target whose podSelector and namespaceSelector
 * match applies. Per language (java, python, nodejs; php, dotnet, golang and unknown
 * strings get the init container and mount only) see `internal/inject/languages/`.
 *
 * Deliberate differences from the Go operator (documented in the README):
 * - D5: JAVA_TOOL_OPTIONS set with `valueFrom` never yields an entry with both `value` and
 *   `valueFrom`: the source moves to WHATAP_ORIGINAL_JAVA_TOOL_OPTIONS and
 *   JAVA_TOOL_OPTIONS becomes `$(WHATAP_ORIGINAL_JAVA_TOOL_OPTIONS) -javaagent:...`
 *   (an `optional` source is left untouched), with a warning.
 * - Spec 10.2: an existing PYTHONPATH or NODE_OPTIONS is kept unchanged, as in Go (whose
 *   unit tests assert it), with a warning when it does not already load the agent; an
 *   existing NODE_PATH gets `/whatap-agent/node_modules` in front when NODE_OPTIONS ends up
 *   requiring the agent (Go kept it, and node could not find the module). The entry
 *   changed is the one that takes effect (the last of duplicates).
 * - Spec 10.6 / D8: a pod that already has a `whatap-agent-init` container or mounts
 *   `/whatap-agent` is not injected (the result would be rejected by the API server).
 * - D8: a pod a target matched but that is not injected gets `whatap-apm-injected:
 *   "false"` and `whatap-apm-reason: <Reason>`; pods no target matches get nothing.
 * - D6: system namespaces and the operator's own are excluded here too (defence in
 *   depth behind the webhook's namespaceSelector); a system namespace labelled
 *   `monitoring.whatap.com/apm-injection: enabled` opts back in.
 * - Spec 5.7: a credential target env defined with `valueFrom` is injected with that
 *   source instead of an empty value.
 * - In a namespace whose Pod Security `enforce` level is "restricted", the init
 *   container also gets `allowPrivilegeEscalation: false`, all capabilities dropped and
 *   a RuntimeDefault seccomp profile (unless the pod has one): the Go operator's was
 *   refused there, and with it the pod.
 * Otherwise the pod is the Go operator's: the first JAVA_TOOL_OPTIONS literal gets the
 *   option appended, even when it already has it.
 */
import { type Instrumentation, Naming, type WhatapAgent } from "@whatap-operator/core"
import { Result } from "effect"
import * as JsonPatch from "./JsonPatch.ts"
import type * as Credentials from "./internal/inject/Credentials.ts"
import * as Mutation from "./internal/inject/Mutation.ts"
import * as Names from "./internal/inject/Names.ts"
import * as Outcome from "./internal/inject/Outcome.ts"
import { annotationsOf, labelsOf, read, type Pod } from "./internal/inject/Pod.ts"
import * as Targets from "./internal/inject/Targets.ts"

export type { Credentials } from "./internal/inject/Credentials.ts"
export { annotated as annotatedReasons, Reason, reasons } from "./internal/inject/Outcome.ts"
export type { Outcome, TargetRef } from "./internal/inject/Outcome.ts"
export type { Namespace, Verdict } from "./internal/inject/Targets.ts"
export { describe as describeVerdict, firstMatching as firstMatchingTarget } from "./internal/inject/Targets.ts"
export { version as agentVersion } from "./internal/inject/InitContainer.ts"

export interface Context {
  /** The WhatapAgent named `whatap` (decoded), undefined when there is none. */
  readonly agent: WhatapAgent.WhatapAgent | undefined
  /** The pod's namespace object; undefined when it could not be read (targets then cannot match, as in Go). */
  readonly namespace: Targets.Namespace | undefined
  /** The operator's namespace, excluded like the system namespaces (D6). */
  readonly operatorNamespace: string
  /** The operator process' WHATAP_LICENSE/HOST/PORT (spec 5.7 fallback). */
  readonly credentials: Credentials.Credentials
}

export interface Mutated {
  /** The input object itself when nothing changes. */
  readonly pod: unknown
  readonly patch: ReadonlyArray<JsonPatch.Operation>
  readonly outcome: Outcome.Outcome
  /** Event texts (partial skips, env rewrites); names only, never values. */
  readonly warnings: ReadonlyArray<string>
}

export interface TargetExplanation {
  readonly index: number
  readonly name: string
  readonly language: string
  readonly verdict: Targets.Verdict
  /** The first target that matches (the one the webhook applies); a later `Matched` one is shadowed by it. */
  readonly selected: boolean
}

export interface Explanation {
  readonly outcome: Outcome.Outcome
  /** Every target of the CR in order (empty without a CR or targets). */
  readonly targets: ReadonlyArray<TargetExplanation>
  /** The patch `mutate` returns, with every license env value replaced by `redacted`. */
  readonly patch: ReadonlyArray<JsonPatch.Operation>
  readonly warnings: ReadonlyArray<string>
}

/** What stands in for a license value in an explanation. */
export const redacted = "<redacted>"

interface Decision {
  readonly pod: Pod | undefined
  readonly result: Pod | undefined
  readonly outcome: Outcome.Outcome
  readonly warnings: ReadonlyArray<string>
}

const skip = (pod: Pod | undefined, outcome: Outcome.Outcome): Decision => ({ pod, result: undefined, outcome, warnings: [] })

/** The operator's namespace always; a system namespace unless it carries the opt-in label (D6). */
export const isExcluded = (namespace: string, labels: Readonly<Record<string, string>>, operatorNamespace: string): boolean =>
  namespace === operatorNamespace ||
  (Naming.systemNamespaces.includes(namespace) &&
    !(Object.hasOwn(labels, Naming.systemNamespaceOptIn.label) && labels[Naming.systemNamespaceOptIn.label] === Naming.systemNamespaceOptIn.value))

/** A matched target that cannot be applied: the pod says so (D8). */
const refuse = (pod: Pod, reason: Outcome.Reason, message: string, target: Outcome.TargetRef): Decision => ({
  pod,
  result: Mutation.annotate(pod, { [Naming.apmAnnotations.injected]: "false", [Naming.apmAnnotations.reason]: reason }),
  outcome: Outcome.skipped(reason, `target ${JSON.stringify(target.name)} matches the pod, but ${message}`, target),
  warnings: []
})

/** `spec.os.name: windows`, read from the pod as sent (the decoded shape does not model `os`). */
const runsOnWindows = (pod: Pod): boolean => {
  const os: unknown = Reflect.get(pod.spec, "os")
  return typeof os === "object" && os !== null && Reflect.get(os, "name") === "windows"
}

const apply = (pod: Pod, context: Context, instrumentation: Instrumentation.InstrumentationSpec): Decision => {
  const namespaceName = context.namespace?.name ?? pod.metadata?.namespace ?? ""
  const selected = Targets.select(instrumentation.targets ?? [], labelsOf(pod), context.namespace)
  if (selected === undefined) return skip(pod, Outcome.skipped("NoTargetMatched", "no enabled target matches the pod"))
  const ref = { name: selected.target.name, index: selected.index }
  if (selected.verdict === "NamespaceUnknown") {
    return refuse(pod, "NamespaceUnknown", `namespace ${JSON.stringify(namespaceName)} could not be read, so no namespaceSelector can be evaluated`, ref)
  }
  if (isExcluded(namespaceName, context.namespace?.labels ?? {}, context.operatorNamespace)) {
    const why = namespaceName === context.operatorNamespace
      ? "is the operator's own, where the agent is never injected"
      : `is a system namespace, where the agent is injected only with the namespace label ${Naming.systemNamespaceOptIn.label}=${Naming.systemNamespaceOptIn.value}`
    return refuse(pod, "SystemNamespace", `namespace ${JSON.stringify(namespaceName)} ${why}`, ref)
  }
  if (runsOnWindows(pod)) {
    return refuse(pod, "WindowsPod", "the pod runs on Windows (spec.os.name: windows), and the agent's init container is a Linux image the API server would refuse there (its securityContext) or no node could run", ref)
  }
  const conflict = Mutation.conflict(pod)
  if (conflict !== undefined) return refuse(pod, conflict.reason, conflict.message, ref)
  const injected = Mutation.inject(pod, selected.target, selected.index, instrumentation, context.credentials, context.namespace?.labels ?? {})
  const outcome: Outcome.Outcome = { injected: true, target: ref, language: selected.target.language, version: injected.version, image: injected.image }
  return { pod, result: injected.pod, outcome, warnings: injected.warnings }
}

/** Spec 5.2 in order. */
const decide = (raw: unknown, context: Context): Decision => {
  const parsed = read(raw)
  if (Result.isFailure(parsed)) return skip(undefined, Outcome.skipped("InvalidPod", parsed.failure))
  const pod = parsed.success
  if (context.agent === undefined) return skip(pod, Outcome.skipped("NoAgent", `there is no WhatapAgent named ${JSON.stringify(Naming.agentName)}`))
  const instrumentation = context.agent.spec.features.apm?.instrumentation
  if (instrumentation === undefined || !instrumentation.enabled) {
    const why = instrumentation === undefined ? "is absent" : "has enabled: false"
    return skip(pod, Outcome.skipped("InstrumentationDisabled", `spec.features.apm.instrumentation ${why}`))
  }
  if ((instrumentation.targets ?? []).length === 0) return skip(pod, Outcome.skipped("NoTargets", "spec.features.apm.instrumentation.targets is empty"))
  if (annotationsOf(pod)[Naming.apmAnnotations.injected] === "true") {
    return skip(pod, Outcome.skipped("AlreadyInjected", `the pod already has the annotation ${Naming.apmAnnotations.injected}: "true"`))
  }
  return apply(pod, context, instrumentation)
}

const finish = (raw: unknown, decision: Decision): Mutated => {
  const patch = decision.result === undefined ? [] : JsonPatch.diff(raw, decision.result)
  return { pod: patch.length === 0 ? raw : decision.result, patch, outcome: decision.outcome, warnings: decision.warnings }
}

/** The webhook's mutation of one admitted pod (raw JSON of `request.object`). Never throws. */
export const mutate = (pod: unknown, context: Context): Mutated => finish(pod, decide(pod, context))

const isRecord = (u: unknown): u is { readonly [key: string]: unknown } => typeof u === "object" && u !== null && !Array.isArray(u)

const isLicenseEntry = (value: unknown): boolean =>
  isRecord(value) && typeof value["name"] === "string" && Names.licenseNames.has(value["name"])

/** Env entries sit at most this deep in a patch value (the pod itself as the value); deeper is left as is. */
const redactDepth = 8

/** License env entries in a patch value get `redacted` as their value. */
const redact = (value: unknown, depth = 0): unknown => {
  if (depth > redactDepth) return value
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1))
  if (!isRecord(value)) return value
  const out = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redact(v, depth + 1)]))
  return isLicenseEntry(value) && typeof value["value"] === "string" ? { ...out, value: redacted } : out
}

const envValue = /^(.*\/env\/\d+)\/value$/

/** A value set on its own (`.../env/N/value`) is redacted when entry N of the mutated pod is a license. */
const redactOperation = (pod: unknown) => (op: JsonPatch.Operation): JsonPatch.Operation => {
  if (op.op !== "add" && op.op !== "replace" && op.op !== "test") return op
  const entry = envValue.exec(op.path)?.[1]
  if (entry !== undefined && isLicenseEntry(JsonPatch.at(pod, entry))) return { ...op, value: redacted }
  return { ...op, value: redact(op.value) }
}

const targetsOf = (context: Context): ReadonlyArray<Instrumentation.TargetSpec> =>
  context.agent?.spec.features.apm?.instrumentation?.targets ?? []

/**
 * B1: every target's verdict (evaluated even when a gate such as AlreadyInjected or
 * InstrumentationDisabled decides the outcome), the outcome, and the patch `mutate`
 * would return, with license values redacted.
 */
export const explain = (pod: unknown, context: Context): Explanation => {
  const decision = decide(pod, context)
  const evaluated = decision.pod === undefined ? [] : Targets.evaluate(targetsOf(context), labelsOf(decision.pod), context.namespace)
  const selected = evaluated.find((e) => e.verdict._tag === "Matched")?.index
  const mutated = finish(pod, decision)
  return {
    outcome: decision.outcome,
    targets: evaluated.map((e) => ({ index: e.index, name: e.target.name, language: e.target.language, verdict: e.verdict, selected: e.index === selected })),
    patch: mutated.patch.map(redactOperation(mutated.pod)),
    warnings: mutated.warnings
  }
}

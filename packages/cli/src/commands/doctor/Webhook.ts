/**
 * Check 6: the pod webhook is reachable through the API server. A pod is created with
 * `dryRun=All` (nothing is stored; the webhook is `sideEffects: None`, so the API server
 * calls it), in a namespace the webhook's namespaceSelector covers, labelled so that the
 * first enabled target the pod can satisfy matches it, as the webhook's own
 * `Inject.mutate` confirms offline. The pod must come back injected: the webhook's
 * failurePolicy is Ignore, so a webhook the API server cannot call (TLS, network) lets
 * the pod through unchanged instead of failing the request. Without a target a pod can
 * satisfy, only the admission itself is checked.
 */
import { Naming, Selector, type WhatapAgent } from "@whatap-operator/core"
import { Inject } from "@whatap-operator/injector"
import { ApiResource, KubeClient, type KubeObject } from "@whatap-operator/kube"
import { Effect, Redacted, Result } from "effect"
import * as Check from "./Check.ts"

const title = "webhook reachable (dry-run pod create)"

type Json = Readonly<Record<string, unknown>>
type Labels = Readonly<Record<string, string>>
const isRecord = (u: unknown): u is Json => typeof u === "object" && u !== null && !Array.isArray(u)

/** At most this many namespaces are tried per target (a probe, not a survey). */
const maxNamespacesPerTarget = 50

export interface Probe {
  readonly namespace: string
  readonly labels: Labels
  /** The target the webhook should apply; undefined: only the admission is checked. */
  readonly target: string | undefined
}

interface PodSelector {
  readonly matchLabels?: Labels | undefined
  readonly matchExpressions?: ReadonlyArray<{ readonly key: string; readonly operator: string; readonly values?: ReadonlyArray<string> | undefined }> | undefined
}

/** Labels that satisfy a pod selector where it can be done simply: matchLabels, `In` (its first value) and `Exists`. */
export const labelsFor = (selector: PodSelector | undefined): Labels => {
  const out: Record<string, string> = { ...(selector?.matchLabels ?? {}) }
  for (const r of selector?.matchExpressions ?? []) {
    if (r.operator === "In" && r.values?.[0] !== undefined && out[r.key] === undefined) out[r.key] = r.values[0]
    if (r.operator === "Exists" && out[r.key] === undefined) out[r.key] = "whatapctl-doctor"
  }
  return out
}

/** Whether the webhook's namespaceSelector (absent: every namespace) takes a namespace with these labels. */
export const covers = (webhook: Json, labels: Labels): boolean => {
  const json = webhook["namespaceSelector"]
  if (json === undefined) return true
  const selector = Selector.fromLabelSelector(json)
  return Result.isSuccess(selector) && Selector.matches(Selector.compile(selector.success), labels)
}

const credentials: Inject.Credentials = { license: Redacted.make(""), host: "", port: "" }

const pod = (probe: Pick<Probe, "namespace" | "labels">) => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { generateName: "whatapctl-doctor-", namespace: probe.namespace, labels: probe.labels },
  spec: { containers: [{ name: "probe", image: "registry.k8s.io/pause:3.10" }] }
})

/** The probe: the first (target, namespace) the webhook covers where the offline mutation injects by that target. */
export const choose = (agent: WhatapAgent.WhatapAgent | undefined, webhook: Json, namespaces: ReadonlyMap<string, Labels>, operatorNamespace: string): Probe | undefined => {
  const covered = [...namespaces].filter(([, labels]) => covers(webhook, labels)).map(([name]) => name).sort()
  for (const target of agent?.spec.features.apm?.instrumentation?.targets ?? []) {
    if (!target.enabled) continue
    const names = target.namespaceSelector?.matchNames
    const candidates = (names === undefined ? covered : covered.filter((n) => names.includes(n))).slice(0, maxNamespacesPerTarget)
    const labels = labelsFor(target.podSelector)
    for (const namespace of candidates) {
      const context = { agent, namespace: { name: namespace, labels: namespaces.get(namespace) ?? {} }, operatorNamespace, credentials }
      const outcome = Inject.mutate(pod({ namespace, labels }), context).outcome
      if (outcome.injected && outcome.target.name === target.name) return { namespace, labels, target: target.name }
    }
  }
  const fallback = covered.includes("default") ? "default" : covered[0]
  return fallback === undefined ? undefined : { namespace: fallback, labels: {}, target: undefined }
}

const annotation = (object: KubeObject.KubeObject, key: string): string | undefined => object.metadata.annotations?.[key]

const describeProbe = (p: Probe): string =>
  `a pod in ${p.namespace}${Object.keys(p.labels).length === 0 ? "" : ` labelled ${Object.entries(p.labels).map(([k, v]) => `${k}=${v}`).join(",")}`}`

const notCalledFix = (namespace: string) =>
  `the API server could not call the webhook (failurePolicy Ignore hides why): see the certificate check below, the operator's log (kubectl -n ${namespace} logs -l ${Naming.labels.appName}=${Naming.operatorAppName}) and the API server's log for "failed calling webhook"`

/** The pod webhook of the configuration, or the outcome that says why there is none. */
const podWebhook: Effect.Effect<Result.Result<Json, Check.Outcome>, never, KubeClient> = Effect.gen(function*() {
  const kube = yield* KubeClient
  const config = yield* Effect.result(kube.get(ApiResource.MutatingWebhookConfiguration, Naming.webhook.configuration))
  if (config._tag === "Failure") {
    if (config.failure.reason !== "NotFound") return Result.fail(Check.callFailed(title, `read MutatingWebhookConfiguration ${Naming.webhook.configuration}`, config.failure))
    return Result.fail(Check.fail(title, `MutatingWebhookConfiguration ${Naming.webhook.configuration} does not exist`, "the operator creates it while it reconciles the WhatapAgent: see the operator check above"))
  }
  const webhooks = Array.isArray(config.success["webhooks"]) ? config.success["webhooks"].filter(isRecord) : []
  const webhook = webhooks.find((w) => w["name"] === Naming.webhook.podWebhook)
  return webhook === undefined
    ? Result.fail(Check.fail(title, `MutatingWebhookConfiguration ${Naming.webhook.configuration} has no webhook ${Naming.webhook.podWebhook}`, "the operator puts it back on its next reconcile: see the operator check above"))
    : Result.succeed(webhook)
})

/** What the API server answered to the dry-run create of the probe pod. */
const verdict = (probe: Probe, created: KubeObject.KubeObject, namespace: string): Check.Outcome => {
  if (probe.target === undefined) return Check.ok(title, `${describeProbe(probe)} was admitted (no enabled target a test pod can match, so injection was not checked)`)
  const injected = annotation(created, Naming.apmAnnotations.injected)
  if (injected === "true") return Check.ok(title, `${describeProbe(probe)} came back injected by target ${probe.target}`)
  const reason = annotation(created, Naming.apmAnnotations.reason)
  const how = injected === undefined ? "without injection" : `with ${Naming.apmAnnotations.injected}: ${injected}${reason === undefined ? "" : ` (${reason})`}`
  return Check.fail(title, `${describeProbe(probe)} came back ${how}, though target ${probe.target} matches it`, notCalledFix(namespace))
}

export const step: Check.Step = {
  title,
  skipIf: Check.needsApi,
  run: (facts) =>
    Effect.gen(function*() {
      const kube = yield* KubeClient
      const found = yield* podWebhook
      if (Result.isFailure(found)) return found.failure
      const webhook = found.success
      const namespaces = yield* Effect.result(kube.list(ApiResource.Namespace))
      if (namespaces._tag === "Failure") return Check.callFailed(title, "list namespaces", namespaces.failure)
      const labels = new Map(namespaces.success.items.map((n) => [n.metadata.name ?? "", n.metadata.labels ?? {}] as const))
      const probe = choose(facts.agent, webhook, labels, facts.namespace)
      if (probe === undefined) return Check.warn(title, "no namespace is covered by the webhook's namespaceSelector, so no pod can reach it")
      const created = yield* Effect.result(kube.create(ApiResource.Pod, pod(probe), { namespace: probe.namespace, dryRun: true, fieldManager: "whatapctl" }))
      if (created._tag === "Failure") return Check.fail(title, `the API server refused ${describeProbe(probe)}: ${created.failure.message}`, notCalledFix(facts.namespace))
      return verdict(probe, created.success, facts.namespace)
    })
}

/**
 * Differential test against the Go operator's pod webhook: fixtures/go-recorded.json holds
 * random pod admissions (recorder/cases.ts: agent, namespace, AdmissionReview) and the
 * HTTP status and AdmissionReview the Go operator's controller-runtime webhook answered
 * (recorder/record.sh, at the commit the fixture names). Ours answers each through
 * PodAdmission.handler, as the webhook server does; both patches are applied to the
 * admitted pod and the pods compared as the API server stores them.
 *
 * Go's patches carry round-trip noise the API server discards (`creationTimestamp: null`, `status: {}`,
 * `resources: {}`, an empty env value written without `value`): `stored` removes it from
 * both sides. Where the README documents a deliberate difference, the entry is checked
 * for that difference instead (`deliberate`): refusals with a reason (D6, D8 and the
 * conflicts), D5 (`JAVA_TOOL_OPTIONS` from `valueFrom`), `NODE_PATH`, a credential from
 * `valueFrom`, a custom config at the agent's own volume or path, and UPDATE reviews (the
 * Go handler mutates them, but its webhook is registered for CREATE only).
 */
import { assert, describe, it } from "@effect/vitest"
import { Decode } from "@whatap-operator/core"
import { Effect, Option, Redacted, Result } from "effect"
import { readFileSync } from "node:fs"
import { JsonPatch, PodAdmission } from "../../src/index.ts"

type Json = any

interface Entry {
  readonly input: { readonly agent: Json; readonly namespace: Json; readonly review: Json }
  readonly httpStatus: number
  readonly review: Json
}

const recorded: { readonly upstreamCommit: string; readonly entries: ReadonlyArray<Entry> } =
  JSON.parse(readFileSync(new URL("../fixtures/go-recorded.json", import.meta.url), "utf8"))

/** The operator's own credentials, as the recording's environment gave them to Go. */
const credentials = { license: Redacted.make("L"), host: "H", port: "6600" }

const ours = (input: Entry["input"]): Json => {
  const agent = input.agent === null ? undefined : Option.getOrUndefined(Decode.as("WhatapAgent", input.agent).value)
  const namespace = input.namespace?.metadata?.name
  const handler = PodAdmission.handler({
    context: (name) =>
      Effect.succeed({
        agent,
        namespace: name === namespace ? { name, labels: input.namespace.metadata.labels ?? {} } : undefined,
        operatorNamespace: "whatap-monitoring",
        credentials
      })
  })
  const bytes = Buffer.byteLength(JSON.stringify(input.review))
  return Effect.runSync(handler(input.review.request, { bytes }) as Effect.Effect<Json>)
}

const patchOf = (response: Json): ReadonlyArray<JsonPatch.Operation> =>
  typeof response?.patch === "string" ? JSON.parse(Buffer.from(response.patch, "base64").toString("utf8")) : []

const applied = (pod: unknown, ops: ReadonlyArray<JsonPatch.Operation>): Json => {
  const result = JsonPatch.apply(pod, ops)
  assert.isTrue(Result.isSuccess(result), "the patch applies to the pod")
  return Result.isSuccess(result) ? result.success : undefined
}

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === "object" && x !== null && !Array.isArray(x)
const noiseKeys = new Set(["resources", "limits", "requests", "status"])

/** A pod as the API server stores it: keys sorted, Go's round-trip noise removed. */
const stored = (x: unknown): unknown => {
  if (Array.isArray(x)) return x.map(stored)
  if (!isObject(x)) return x
  const out: Record<string, unknown> = {}
  for (const key of Object.keys(x).sort()) {
    const v = x[key]
    if (key === "creationTimestamp" && v === null) continue
    if (noiseKeys.has(key) && isObject(v) && Object.keys(v).length === 0) continue
    if (key === "value" && v === "" && typeof x["name"] === "string") continue
    out[key] = stored(v)
  }
  return out
}
const text = (pod: unknown): string => JSON.stringify(stored(pod))

const annotationsOf = (pod: Json): Record<string, string> => pod?.metadata?.annotations ?? {}
const containersOf = (pod: Json): ReadonlyArray<Json> => pod?.spec?.containers ?? []
const envNamed = (pod: Json, name: string): ReadonlyArray<Json> =>
  containersOf(pod).flatMap((c) => (c.env ?? []).filter((e: Json) => e.name === name))
const credentialNames = new Set([
  "WHATAP_LICENSE", "license", "WHATAP_HOST", "whatap.server.host", "whatap_server_host", "WHATAP_SERVER_HOST",
  "WHATAP_PORT", "whatap.server.port", "whatap_server_port", "WHATAP_SERVER_PORT"
])
const refusals = new Set(["SystemNamespace", "ConflictInitContainer", "ConflictMount", "NamespaceUnknown"])

const systemNamespaces = new Set(["kube-system", "kube-public", "kube-node-lease", "whatap-monitoring"])

/** Whether the pod and its namespace give `reason` for a refusal. */
const refusedFor = (reason: string, input: Entry["input"]): boolean => {
  const pod = input.review.request.object
  const namespace = pod?.metadata?.namespace
  switch (reason) {
    case "SystemNamespace": return systemNamespaces.has(namespace)
    case "NamespaceUnknown": return input.namespace === null || input.namespace.metadata.name !== namespace
    case "ConflictInitContainer": return (pod.spec.initContainers ?? []).some((c: Json) => c.name === "whatap-agent-init")
    case "ConflictMount": return containersOf(pod).some((c) => (c.volumeMounts ?? []).some((m: Json) => /^\/whatap-agent\/*$/.test(m.mountPath)))
    default: return false
  }
}

/**
 * The README's deliberate difference this entry shows, checked on our pod; undefined when
 * the pods must be equal.
 */
const deliberate = (input: Entry["input"], response: Json, goPod: Json, ourPod: Json): string | undefined => {
  const request = input.review.request
  if (request.operation !== "CREATE") {
    assert.isUndefined(response.patch, "an UPDATE is answered without a patch")
    return "UPDATE not mutated"
  }
  const reason = annotationsOf(ourPod)["whatap-apm-reason"]
  if (annotationsOf(ourPod)["whatap-apm-injected"] === "false" && reason !== undefined && refusals.has(reason)) {
    // refused for the reason the pod gives, and left as it came but for the two annotations
    assert.isTrue(refusedFor(reason, input), `${reason} for this pod`)
    const { "whatap-apm-injected": _i, "whatap-apm-reason": _r, ...rest } = annotationsOf(ourPod)
    const { "whatap-apm-injected": _bi, "whatap-apm-reason": _br, ...before } = annotationsOf(request.object)
    assert.strictEqual(text({ ...ourPod, metadata: { ...ourPod.metadata, annotations: rest } }), text({ ...request.object, metadata: { ...request.object.metadata, annotations: before } }))
    return reason
  }
  const goInjected = annotationsOf(goPod)["whatap-apm-injected"] === "true" && annotationsOf(request.object)["whatap-apm-injected"] !== "true"
  if (!goInjected) return undefined
  const language = annotationsOf(goPod)["whatap-apm-language"]
  const target = (input.agent?.spec?.features?.apm?.instrumentation?.targets ?? []).find((t: Json) => t.enabled && t.language === language)
  if (language === "java" && envNamed(request.object, "JAVA_TOOL_OPTIONS").some((e) => e.valueFrom !== undefined)) {
    assert.isAbove(envNamed(ourPod, "WHATAP_ORIGINAL_JAVA_TOOL_OPTIONS").length, 0, "D5: the source moves to WHATAP_ORIGINAL_JAVA_TOOL_OPTIONS")
    assert.isTrue(envNamed(ourPod, "JAVA_TOOL_OPTIONS").some((e) => String(e.value).startsWith("$(WHATAP_ORIGINAL_JAVA_TOOL_OPTIONS) ")))
    return "D5"
  }
  if (language === "nodejs" && envNamed(request.object, "NODE_PATH").length > 0) {
    const paths = envNamed(ourPod, "NODE_PATH").map((e) => String(e.value))
    assert.isTrue(paths.some((v) => v.startsWith("/whatap-agent/node_modules:")) && paths.every((v) => v.startsWith("/whatap-agent/node_modules")), JSON.stringify(paths))
    return "NODE_PATH"
  }
  const fromSource = (target?.envs ?? []).filter((e: Json) => credentialNames.has(e.name) && e.valueFrom !== undefined)
  if (fromSource.length > 0) {
    // the source is copied (Go wrote empty values)
    const sources = containersOf(ourPod).flatMap((c) => (c.env ?? []).map((e: Json) => JSON.stringify(e.valueFrom)))
    for (const e of fromSource) assert.include(sources, JSON.stringify(e.valueFrom), e.name)
    return "credential from valueFrom"
  }
  const config = target?.config
  if (
    config?.mode === "custom" && config.configMapRef !== undefined &&
    (config.volumeName === "whatap-agent-volume" || /^\/whatap-agent\/*$/.test(config.mountPath ?? ""))
  ) {
    assert.isFalse(JSON.stringify(ourPod.spec.volumes ?? []).includes(config.configMapRef.name), "the custom config is not copied")
    return "custom config at the agent's volume or path"
  }
  return undefined
}

/** D8: an injected pod loses a `whatap-apm-reason` left from an earlier refusal; Go kept it. */
const withoutStaleReason = (pod: Json): Json => {
  if (annotationsOf(pod)["whatap-apm-injected"] !== "true") return pod
  const { "whatap-apm-reason": _, ...annotations } = annotationsOf(pod)
  return { ...pod, metadata: { ...pod.metadata, annotations } }
}

describe("the pod webhook agrees with the Go operator (recorded corpus)", () => {
  const compared = recorded.entries.map((entry, i) => {
    const response = ours(entry.input)
    const object = entry.input.review.request.object
    const goPod = object === null ? null : applied(object, patchOf(entry.review.response))
    const ourPod = object === null ? null : applied(object, patchOf(response))
    return { i, entry, response, goPod, ourPod, why: deliberate(entry.input, response, goPod, ourPod) }
  })

  it("has a corpus worth the name", () => {
    assert.isAtLeast(recorded.entries.length, 200)
    const injected = compared.filter((c) => c.why === undefined && annotationsOf(c.goPod)["whatap-apm-injected"] === "true")
    assert.isAtLeast(injected.length, 60)
    for (const language of ["java", "nodejs", "python", "php", "dotnet", "golang"]) {
      assert.isTrue(injected.some((c) => annotationsOf(c.goPod)["whatap-apm-language"] === language), language)
    }
  })

  it("answers as the Go operator does: HTTP 200, allowed, status, warnings, a patch exactly when the pod changes", () => {
    const mismatches = compared.flatMap(({ i, entry, response, ourPod }) => {
      const { patch: _g, patchType: _gt, ...go } = entry.review.response
      const { patch: _o, patchType: _ot, ...mine } = response
      const problems: Array<string> = []
      if (entry.httpStatus !== 200) problems.push(`Go answered HTTP ${entry.httpStatus}`)
      if (text(go) !== text(mine)) problems.push(`response ${JSON.stringify(go)} vs ${JSON.stringify(mine)}`)
      const changes = text(ourPod) !== text(entry.input.review.request.object)
      if (changes !== (response.patchType === "JSONPatch")) problems.push(`patchType ${response.patchType} but the pod ${changes ? "changes" : "does not change"}`)
      return problems.length === 0 ? [] : [`case ${i}: ${problems.join("; ")}`]
    })
    assert.deepStrictEqual(mismatches.slice(0, 3), [])
  })

  it("leaves every pod as the Go operator does, except where the README says otherwise", () => {
    const mismatches = compared.flatMap(({ i, goPod, ourPod, why }) => {
      if (why !== undefined) return []
      assert.isUndefined(annotationsOf(ourPod)["whatap-apm-injected"] === "true" ? annotationsOf(ourPod)["whatap-apm-reason"] : undefined, `case ${i}: stale reason`)
      const go = text(withoutStaleReason(goPod))
      const mine = text(ourPod)
      return go === mine ? [] : [`case ${i}:\n--- Go\n${go}\n--- ours\n${mine}`]
    })
    assert.deepStrictEqual(mismatches.slice(0, 3), [])
  })

  it("differs only as documented where it differs, and each documented difference occurs", () => {
    const counts = new Map<string, number>()
    for (const { why } of compared) if (why !== undefined) counts.set(why, (counts.get(why) ?? 0) + 1)
    const expected = [
      "UPDATE not mutated", "D5", "NODE_PATH", "credential from valueFrom", "custom config at the agent's volume or path",
      "SystemNamespace", "ConflictInitContainer", "ConflictMount", "NamespaceUnknown"
    ]
    assert.deepStrictEqual([...counts.keys()].sort(), [...expected].sort())
  })
})

/**
 * HTTP-level cases for the recording against the Go operator's two admission webhooks
 * (record.sh): (a) AdmissionReviews of WhatapAgents for the validation path
 * (`/whatap-validation--v2alpha1-whatapagent`): every WhatapAgent of this repository's
 * deploy/samples and the Go checkout's examples/, and mutations of one (wrong types, unknown
 * fields, no spec, bad enums and selectors, duplicate targets, other names), as CREATE,
 * UPDATE (with oldObject), DELETE and CONNECT, v1 and v1beta1, dryRun or not; (b) requests
 * either webhook must answer without reading a review: bodies that are empty, not JSON, not
 * an AdmissionReview, fields of the wrong type, Content-Type variants, bodies around
 * controller-runtime's 7 MiB limit, odd kinds, subresources, no namespace.
 * Prints JSON on stdout: a list of `Case`. Usage: cases.ts <Go checkout> (for examples/).
 */
import { readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import YAML from "yaml"

export interface Case {
  readonly name: string
  readonly path: string
  readonly method: "POST" | "GET"
  /** null: no Content-Type header; a list: the header repeated. */
  readonly contentType: string | ReadonlyArray<string> | null
  /** The body as UTF-8 text, or base64 (`bodyBase64`) where it is no UTF-8. */
  readonly body: string
  readonly bodyBase64?: boolean
  /** Spaces appended to the body up to this many bytes in all. */
  readonly padTo?: number
  /** Sent with Transfer-Encoding: chunked (no Content-Length). */
  readonly chunked?: boolean
}

type Json = any

const agentPath = "/whatap-validation--v2alpha1-whatapagent"
const podPath = "/whatap-injection--v1-pod"
const limit = 7 * 1024 * 1024
const cases: Array<Case> = []
const add = (name: string, path: string, body: string, extra: Partial<Case> = {}) =>
  cases.push({ name, path, method: "POST", contentType: "application/json", body, ...extra })

const agentKind = { group: "monitoring.whatap.com", version: "v2alpha1", kind: "WhatapAgent" }
const agentResource = { group: "monitoring.whatap.com", version: "v2alpha1", resource: "whatapagents" }
const podKind = { group: "", version: "v1", kind: "Pod" }
const podResource = { group: "", version: "v1", resource: "pods" }
const user = { username: "kubernetes-admin", groups: ["system:masters", "system:authenticated"] }

const review = (request: Json, apiVersion = "admission.k8s.io/v1") => JSON.stringify({ apiVersion, kind: "AdmissionReview", request })
const agentRequest = (operation: string, object: Json, oldObject: Json = null, extra: Json = {}) => ({
  uid: `uid-${cases.length}`,
  kind: agentKind,
  resource: agentResource,
  requestKind: agentKind,
  requestResource: agentResource,
  name: object?.metadata?.name ?? oldObject?.metadata?.name ?? "whatap",
  operation,
  userInfo: user,
  object,
  oldObject,
  dryRun: false,
  options: operation === "CREATE" ? { kind: "CreateOptions", apiVersion: "meta.k8s.io/v1" } : operation === "UPDATE" ? { kind: "UpdateOptions", apiVersion: "meta.k8s.io/v1" } : null,
  ...extra
})

const docs = (file: string): Array<Json> => YAML.parseAllDocuments(readFileSync(file, "utf8")).map((d) => d.toJSON()).filter((d) => d?.kind === "WhatapAgent")
const here = new URL(".", import.meta.url).pathname
const samplesDir = join(here, "../../../../../deploy/samples")
const upstream = process.argv[2]
const samples: Array<[string, Json]> = []
for (const f of readdirSync(samplesDir).filter((f) => f.endsWith(".yaml")).sort()) docs(join(samplesDir, f)).forEach((d, i) => samples.push([`samples/${f}#${i}`, d]))
if (upstream !== undefined) {
  const dir = join(upstream, "examples")
  for (const f of readdirSync(dir).filter((f) => f.endsWith(".yaml")).sort()) {
    try {
      docs(join(dir, f)).forEach((d, i) => samples.push([`go-examples/${f}#${i}`, d]))
    } catch {
      // a file YAML cannot read is not a case
    }
  }
}

// (a) the validating webhook
for (const [name, doc] of samples) {
  add(`validate CREATE ${name}`, agentPath, review(agentRequest("CREATE", doc)))
  add(`validate UPDATE same spec ${name}`, agentPath, review(agentRequest("UPDATE", doc, doc)))
}
const clone = (v: Json): Json => structuredClone(v)
const basic: Json = clone(samples.find(([n]) => n.includes("whatap-agent-basic"))?.[1] ?? samples[0]![1])
const complete: Json = clone(samples.find(([n]) => n.includes("whatap-agent-complete"))?.[1] ?? basic)
const withSpec = (f: (spec: Json) => void, base: Json = basic) => { const o = clone(base); f(o.spec); return o }
const apmTargets = (targets: Array<Json>) => withSpec((s) => { s.features = { ...s.features, apm: { instrumentation: { enabled: true, targets } } } })
const javaTarget = (name: string, extra: Json = {}) => ({ name, enabled: true, language: "java", whatapApmVersions: { java: "latest" }, podSelector: { matchLabels: { app: name } }, ...extra })

const mutations: Array<[string, Json]> = [
  ["name prod", { ...clone(basic), metadata: { name: "prod" } }],
  ["no metadata.name", { ...clone(basic), metadata: {} }],
  ["no metadata", (() => { const o = clone(basic); delete o.metadata; return o })()],
  ["namespace set", { ...clone(basic), metadata: { name: "whatap", namespace: "default" } }],
  ["name Whatap_Prod", { ...clone(basic), metadata: { name: "Whatap_Prod" } }],
  ["no spec", (() => { const o = clone(basic); delete o.spec; return o })()],
  ["spec null", { ...clone(basic), spec: null }],
  ["spec {}", { ...clone(basic), spec: {} }],
  ["spec string", { ...clone(basic), spec: "x" }],
  ["spec array", { ...clone(basic), spec: [] }],
  ["license number", withSpec((s) => { s.license = 5 })],
  ["port number", withSpec((s) => { s.port = 6600 })],
  ["port http", withSpec((s) => { s.port = "http" })],
  ["features string", withSpec((s) => { s.features = "all" })],
  ["unknown spec field", withSpec((s) => { s.globalInterval = "30s" })],
  ["unknown top-level field", { ...clone(basic), extra: { a: 1 } }],
  ["apm language ruby", apmTargets([javaTarget("web", { language: "ruby" })])],
  ["apm enabled string", apmTargets([javaTarget("web", { enabled: "yes" })])],
  ["apm selector operator in", apmTargets([javaTarget("web", { podSelector: { matchExpressions: [{ key: "app", operator: "in", values: ["x"] }] } })])],
  ["apm selector In without values", apmTargets([javaTarget("web", { podSelector: { matchExpressions: [{ key: "app", operator: "In" }] } })])],
  ["apm selector bad key", apmTargets([javaTarget("web", { podSelector: { matchLabels: { "bad key": "x" } } })])],
  ["apm duplicate target names", apmTargets([javaTarget("web"), javaTarget("web")])],
  ["apm target without name", apmTargets([javaTarget("")])],
  ["apm custom config without ref", apmTargets([javaTarget("web", { config: { mode: "custom" } })])],
  ["apm targets object", withSpec((s) => { s.features = { apm: { instrumentation: { enabled: true, targets: { web: {} } } } } })],
  ["openagent duplicate targetName", withSpec((s) => { s.features = { openAgent: { enabled: true, targets: [{ targetName: "api", type: "StaticEndpoints", endpoints: [{ address: "a:1" }] }, { targetName: "api", type: "StaticEndpoints", endpoints: [{ address: "b:1" }] }] } } })],
  ["openagent bad type", withSpec((s) => { s.features = { openAgent: { enabled: true, targets: [{ targetName: "api", type: "Bogus" }] } } })],
  ["k8sAgent without gpuMonitoring", withSpec((s) => { s.features = { k8sAgent: { masterAgent: { enabled: true } } } })],
  ["resources cpu -1", withSpec((s) => { s.features = { k8sAgent: { gpuMonitoring: { enabled: false }, masterAgent: { enabled: true, resources: { requests: { cpu: "-1" } } } } } })],
  ["complete name prod", { ...clone(complete), metadata: { name: "prod" } }],
  ["wrong apiVersion in object", { ...clone(basic), apiVersion: "monitoring.whatap.com/v1" }],
  ["object kind Pod", { apiVersion: "v1", kind: "Pod", metadata: { name: "whatap" }, spec: { containers: [{ name: "a", image: "nginx" }] } }],
  ["object kind WhatapPodMonitor", { apiVersion: "monitoring.whatap.com/v2alpha1", kind: "WhatapPodMonitor", metadata: { name: "whatap", namespace: "default" }, spec: {} }],
  ["object without apiVersion/kind", (() => { const o = clone(basic); delete o.apiVersion; delete o.kind; return o })()],
  ["object {}", {}]
]
for (const [name, object] of mutations) add(`validate CREATE ${name}`, agentPath, review(agentRequest("CREATE", object)))
// objects that are not JSON objects
for (const [name, raw] of [["object string", "x"], ["object number", 5], ["object array", []], ["object true", true]] as const) {
  add(`validate CREATE ${name}`, agentPath, review(agentRequest("CREATE", raw)))
}
// operations, versions, dryRun
const prod = { ...clone(basic), metadata: { name: "prod" } }
for (const version of ["admission.k8s.io/v1", "admission.k8s.io/v1beta1"]) {
  const v = version.endsWith("beta1") ? "v1beta1" : "v1"
  for (const dryRun of [false, true]) {
    add(`validate ${v} dryRun=${dryRun} CREATE basic`, agentPath, review(agentRequest("CREATE", basic, null, { dryRun }), version))
    add(`validate ${v} dryRun=${dryRun} CREATE prod`, agentPath, review(agentRequest("CREATE", prod, null, { dryRun }), version))
    add(`validate ${v} dryRun=${dryRun} CREATE language ruby`, agentPath, review(agentRequest("CREATE", mutations[16]![1], null, { dryRun }), version))
  }
  add(`validate ${v} UPDATE basic->complete`, agentPath, review(agentRequest("UPDATE", complete, basic), version))
  add(`validate ${v} UPDATE basic->prod rename`, agentPath, review(agentRequest("UPDATE", prod, basic), version))
  add(`validate ${v} UPDATE prod unchanged`, agentPath, review(agentRequest("UPDATE", prod, prod), version))
  add(`validate ${v} UPDATE to language ruby`, agentPath, review(agentRequest("UPDATE", mutations[16]![1], basic), version))
  add(`validate ${v} UPDATE ruby unchanged spec`, agentPath, review(agentRequest("UPDATE", mutations[16]![1], mutations[16]![1]), version))
  add(`validate ${v} UPDATE without oldObject`, agentPath, review(agentRequest("UPDATE", basic, null), version))
  add(`validate ${v} UPDATE without object`, agentPath, review(agentRequest("UPDATE", null, basic), version))
  add(`validate ${v} UPDATE oldObject spec string`, agentPath, review(agentRequest("UPDATE", basic, { ...clone(basic), spec: "x" }), version))
  add(`validate ${v} UPDATE object spec string, old ok`, agentPath, review(agentRequest("UPDATE", { ...clone(basic), spec: "x" }, basic), version))
  add(`validate ${v} DELETE basic`, agentPath, review(agentRequest("DELETE", null, basic), version))
  add(`validate ${v} DELETE prod`, agentPath, review(agentRequest("DELETE", null, prod), version))
  add(`validate ${v} DELETE without oldObject`, agentPath, review(agentRequest("DELETE", null, null), version))
  add(`validate ${v} DELETE oldObject spec string`, agentPath, review(agentRequest("DELETE", null, { ...clone(basic), spec: "x" }), version))
  add(`validate ${v} CONNECT`, agentPath, review(agentRequest("CONNECT", null, null), version))
  add(`validate ${v} CONNECT with prod object`, agentPath, review(agentRequest("CONNECT", prod, null), version))
  add(`validate ${v} CREATE without object`, agentPath, review(agentRequest("CREATE", null), version))
  for (const op of ["PATCH", "", "create"]) add(`validate ${v} operation ${JSON.stringify(op)}`, agentPath, review(agentRequest(op, basic), version))
}
add("validate CREATE subResource status, prod", agentPath, review(agentRequest("CREATE", prod, null, { subResource: "status" })))
add("validate UPDATE subResource status, ruby", agentPath, review(agentRequest("UPDATE", mutations[16]![1], basic, { subResource: "status" })))
add("validate CREATE request.kind Pod, object WhatapAgent prod", agentPath, review(agentRequest("CREATE", prod, null, { kind: podKind })))
add("validate CREATE request.kind Deployment, object WhatapAgent ruby", agentPath, review(agentRequest("CREATE", mutations[16]![1], null, { kind: { group: "apps", version: "v1", kind: "Deployment" } })))
add("validate CREATE request.kind missing, object prod", agentPath, review((() => { const r = agentRequest("CREATE", prod); delete r.kind; return r })()))
add("validate CREATE request.kind WhatapPodMonitor, monitor object", agentPath, review(agentRequest("CREATE", mutations[32]![1], null, { kind: { ...agentKind, kind: "WhatapPodMonitor" } })))
add("validate CREATE huge name prod-like (long)", agentPath, review(agentRequest("CREATE", { ...clone(basic), metadata: { name: "x".repeat(300) } })))

// (b) malformed requests, to both paths
const podObject = (ns: string | undefined, extra: Json = {}) => ({
  apiVersion: "v1", kind: "Pod",
  metadata: { generateName: "demo-", ...(ns === undefined ? {} : { namespace: ns }), labels: { app: "demo" } },
  spec: { containers: [{ name: "app", image: "eclipse-temurin:17" }] },
  ...extra
})
const podRequest = (extra: Json = {}) => ({
  uid: `uid-${cases.length}`, kind: podKind, resource: podResource, requestKind: podKind, requestResource: podResource,
  namespace: "default", operation: "CREATE", userInfo: user, object: podObject("default"), oldObject: null, dryRun: false,
  options: { kind: "CreateOptions", apiVersion: "meta.k8s.io/v1" }, ...extra
})
const validFor = (path: string) => path === podPath ? review(podRequest()) : review(agentRequest("CREATE", basic))
const requestFor = (path: string, extra: Json = {}) => path === podPath ? podRequest(extra) : agentRequest("CREATE", basic, null, extra)

for (const path of [podPath, agentPath]) {
  const p = path === podPath ? "pod" : "validate"
  const m = (name: string, body: string, extra: Partial<Case> = {}) => add(`${p} malformed: ${name}`, path, body, extra)
  m("well-formed baseline", validFor(path))
  m("well-formed v1beta1", review(requestFor(path), "admission.k8s.io/v1beta1"))
  m("empty body", "")
  m("empty body, no Content-Type", "", { contentType: null })
  m("empty body, chunked", "", { chunked: true })
  m("whitespace body", "   \n")
  m("not JSON", "hello")
  m("truncated JSON", validFor(path).slice(0, 40))
  m("invalid UTF-8 in a string", Buffer.concat([Buffer.from(validFor(path).replace(/"kubernetes-admin"/, '"ad')), Buffer.from([0xff, 0xfe]), Buffer.from('"')]).toString("base64").replace(/$/, ""), { bodyBase64: true })
  m("JSON array", "[]")
  m("JSON number", "5")
  m("JSON null", "null")
  m("JSON string", '"AdmissionReview"')
  m("JSON true", "true")
  m("{}", "{}")
  m("no request", JSON.stringify({ apiVersion: "admission.k8s.io/v1", kind: "AdmissionReview" }))
  m("request null", JSON.stringify({ apiVersion: "admission.k8s.io/v1", kind: "AdmissionReview", request: null }))
  m("request {}", JSON.stringify({ apiVersion: "admission.k8s.io/v1", kind: "AdmissionReview", request: {} }))
  m("request array", JSON.stringify({ apiVersion: "admission.k8s.io/v1", kind: "AdmissionReview", request: [] }))
  m("request string", JSON.stringify({ apiVersion: "admission.k8s.io/v1", kind: "AdmissionReview", request: "x" }))
  m("only request (no apiVersion/kind)", JSON.stringify({ request: requestFor(path) }))
  m("apiVersion only", JSON.stringify({ apiVersion: "admission.k8s.io/v1", request: requestFor(path) }))
  m("kind only", JSON.stringify({ kind: "AdmissionReview", request: requestFor(path) }))
  m("apiVersion v2", review(requestFor(path), "admission.k8s.io/v2"))
  m("apiVersion v1 (core)", review(requestFor(path), "v1"))
  m("kind Pod apiVersion v1", JSON.stringify({ apiVersion: "v1", kind: "Pod", request: requestFor(path) }))
  m("kind AdmissionReviewX", JSON.stringify({ apiVersion: "admission.k8s.io/v1", kind: "AdmissionReviewX", request: requestFor(path) }))
  m("kind admissionreview (case)", JSON.stringify({ apiVersion: "admission.k8s.io/v1", kind: "admissionreview", request: requestFor(path) }))
  m("apiVersion number", JSON.stringify({ apiVersion: 5, kind: "AdmissionReview", request: requestFor(path) }))
  m("kind null", JSON.stringify({ apiVersion: "admission.k8s.io/v1", kind: null, request: requestFor(path) }))
  m("Request (capitalised key)", JSON.stringify({ apiVersion: "admission.k8s.io/v1", kind: "AdmissionReview", Request: requestFor(path) }))
  m("response instead of request", JSON.stringify({ apiVersion: "admission.k8s.io/v1", kind: "AdmissionReview", response: { uid: "x", allowed: true } }))
  m("extra top-level field", JSON.stringify({ apiVersion: "admission.k8s.io/v1", kind: "AdmissionReview", request: requestFor(path), extra: 1 }))
  const without = (key: string) => { const r = requestFor(path); delete r[key]; return review(r) }
  m("uid missing", without("uid"))
  m("uid number", review(requestFor(path, { uid: 5 })))
  m("uid null", review(requestFor(path, { uid: null })))
  m("uid object", review(requestFor(path, { uid: {} })))
  m("operation array", review(requestFor(path, { operation: [] })))
  m("operation number", review(requestFor(path, { operation: 1 })))
  m("operation missing", without("operation"))
  m("operation null", review(requestFor(path, { operation: null })))
  m("kind string", review(requestFor(path, { kind: "Pod" })))
  m("kind missing", without("kind"))
  m("kind.kind number", review(requestFor(path, { kind: { group: "", version: "v1", kind: 1 } })))
  m("resource missing", without("resource"))
  m("resource string", review(requestFor(path, { resource: "pods" })))
  m("userInfo missing", without("userInfo"))
  m("userInfo array", review(requestFor(path, { userInfo: [] })))
  m("userInfo.groups string", review(requestFor(path, { userInfo: { username: "a", groups: "x" } })))
  m("userInfo.extra values string", review(requestFor(path, { userInfo: { username: "a", extra: { k: "v" } } })))
  m("dryRun string", review(requestFor(path, { dryRun: "true" })))
  m("dryRun null", review(requestFor(path, { dryRun: null })))
  m("dryRun true", review(requestFor(path, { dryRun: true })))
  m("name number", review(requestFor(path, { name: 5 })))
  m("namespace number", review(requestFor(path, { namespace: 5 })))
  m("subResource number", review(requestFor(path, { subResource: 5 })))
  m("options number", review(requestFor(path, { options: 5 })))
  m("options string", review(requestFor(path, { options: "x" })))
  m("object string", review(requestFor(path, { object: "x" })))
  m("object number", review(requestFor(path, { object: 5 })))
  m("object array", review(requestFor(path, { object: [] })))
  m("object null", review(requestFor(path, { object: null })))
  m("object missing", without("object"))
  m("oldObject number", review(requestFor(path, { oldObject: 5 })))
  m("unknown request field", review(requestFor(path, { foo: { bar: 1 } })))
  m("requestKind string", review(requestFor(path, { requestKind: "x" })))
  m("requestSubResource number", review(requestFor(path, { requestSubResource: 1 })))
  m("duplicate request key (second partial)", `{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":${JSON.stringify(requestFor(path))},"request":{"uid":"second"}}`)
  m("duplicate uid key", review(requestFor(path)).replace('"uid":', '"uid":"first","uid":'))
  m("BOM before JSON", Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(validFor(path))]).toString("base64"), { bodyBase64: true })
  m("trailing garbage after JSON", validFor(path) + "x")
  m("two JSON documents", validFor(path) + validFor(path))
  m("dryRun 1e400", review(requestFor(path)).replace('"dryRun":false', '"dryRun":1e400'))
  m("deeply nested unknown field", review(requestFor(path, { deep: "@" })).replace('"@"', "[".repeat(5000) + "]".repeat(5000)))
  // Content-Type variants
  for (const ct of ["application/json; charset=utf-8", "application/json;charset=UTF-8", "text/plain", "Application/JSON", "application/json ", "application/yaml", "application/vnd.kubernetes.protobuf", "", "application/merge-patch+json"]) {
    m(`Content-Type ${JSON.stringify(ct)}`, validFor(path), { contentType: ct })
  }
  m("Content-Type missing", validFor(path), { contentType: null })
  m("Content-Type twice (json first)", validFor(path), { contentType: ["application/json", "text/plain"] })
  m("Content-Type twice (text first)", validFor(path), { contentType: ["text/plain", "application/json"] })
  m("Content-Type text/plain, empty body", "", { contentType: "text/plain" })
  m("Content-Type text/plain, not JSON", "hello", { contentType: "text/plain" })
  // sizes around controller-runtime's limit (7 MiB, read through an io.LimitedReader)
  for (const size of [limit - 1, limit, limit + 1, limit + 4096]) {
    m(`body padded to ${size} bytes`, validFor(path), { padTo: size })
    m(`body padded to ${size} bytes, chunked`, validFor(path), { padTo: size, chunked: true })
  }
  m(`body padded to ${limit + 1} bytes, text/plain`, validFor(path), { padTo: limit + 1, contentType: "text/plain" })
  m("chunked well-formed", validFor(path), { chunked: true })
  m("GET with a review", validFor(path), { method: "GET" })
  m("GET without a body", "", { method: "GET", contentType: null })
}
// pod-path requests that are AdmissionReviews but unusual
const pm = (name: string, request: Json, version?: string) => add(`pod unusual: ${name}`, podPath, review(request, version))
pm("request.kind Deployment", podRequest({ kind: { group: "apps", version: "v1", kind: "Deployment" } }))
pm("request.kind WhatapAgent, object pod", podRequest({ kind: agentKind }))
pm("object is a WhatapAgent", podRequest({ object: basic }))
pm("object is a Deployment", podRequest({ object: { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "d", namespace: "default" }, spec: {} } }))
pm("object without apiVersion/kind", podRequest({ object: (() => { const o: Json = podObject("default"); delete o.apiVersion; delete o.kind; return o })() }))
pm("subResource ephemeralcontainers", podRequest({ subResource: "ephemeralcontainers" }))
pm("subResource status UPDATE", podRequest({ subResource: "status", operation: "UPDATE", oldObject: podObject("default") }))
pm("namespace missing (pod has one)", (() => { const r = podRequest(); delete r.namespace; return r })())
pm("namespace missing everywhere", (() => { const r = podRequest({ object: podObject(undefined) }); delete r.namespace; return r })())
pm("request namespace other than pod's", podRequest({ namespace: "kube-system" }))
pm("namespace that does not exist", podRequest({ namespace: "nope", object: podObject("nope") }))
pm("DELETE", podRequest({ operation: "DELETE", object: null, oldObject: podObject("default") }))
pm("DELETE without oldObject", podRequest({ operation: "DELETE", object: null }))
pm("CONNECT", podRequest({ operation: "CONNECT", object: null }))
pm("operation PATCH", podRequest({ operation: "PATCH" }))
pm("operation empty", podRequest({ operation: "" }))
pm("UPDATE", podRequest({ operation: "UPDATE", oldObject: podObject("default") }))
pm("CREATE without object", podRequest({ object: null }))
pm("pod not matching", podRequest({ object: podObject("default", { metadata: { generateName: "x-", namespace: "default", labels: { app: "other" } } }) }))
pm("pod already injected", podRequest({ object: podObject("default", { metadata: { name: "p", namespace: "default", labels: { app: "demo" }, annotations: { "whatap-apm-injected": "true" } } }) }))
pm("pod spec string", podRequest({ object: { ...podObject("default"), spec: "x" } }))
pm("pod containers number", podRequest({ object: { ...podObject("default"), spec: { containers: 5 } } }))
pm("pod unknown field", podRequest({ object: { ...podObject("default"), bogus: 1 } }))
pm("dryRun true", podRequest({ dryRun: true }))
pm("v1beta1 not matching", podRequest({ object: podObject("default", { metadata: { generateName: "x-", namespace: "default", labels: { app: "other" } } }) }), "admission.k8s.io/v1beta1")
// unknown paths
add("unknown path", "/mutate", validFor(podPath))
add("pod path with trailing slash", `${podPath}/`, validFor(podPath))
add("pod path with query", `${podPath}?timeout=10s`, validFor(podPath))
add("validate path with query", `${agentPath}?timeout=10s`, validFor(agentPath))
add("monitors path (ours only)", "/whatap-validation--v2alpha1-monitors", validFor(agentPath))

process.stdout.write(JSON.stringify(cases) + "\n")

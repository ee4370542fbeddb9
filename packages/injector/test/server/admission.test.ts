/**
 * The AdmissionReview schema against a request as the API server writes it, and the
 * response helpers: what `allow` and `deny` put on the wire, and the warning bounds of
 * the API server's warning recorder (control characters, 256 runes each, 4096 in all).
 */
import { assert, describe, it } from "@effect/vitest"
import { Exit, Schema } from "effect"
import { Admission } from "../../src/index.ts"

/** A CREATE of a pod, as kube-apiserver 1.31 sends it (fields it omits when empty left out). */
const fromApiServer = {
  kind: "AdmissionReview",
  apiVersion: "admission.k8s.io/v1",
  request: {
    uid: "0df28fbd-5f5f-11e8-bc74-36e6bb280816",
    kind: { group: "", version: "v1", kind: "Pod" },
    resource: { group: "", version: "v1", resource: "pods" },
    requestKind: { group: "", version: "v1", kind: "Pod" },
    requestResource: { group: "", version: "v1", resource: "pods" },
    namespace: "shop",
    operation: "CREATE",
    userInfo: {
      username: "system:serviceaccount:kube-system:replicaset-controller",
      uid: "a7e0ab33-5f29-11e8-8a3c-36e6bb280816",
      groups: ["system:serviceaccounts", "system:serviceaccounts:kube-system", "system:authenticated"],
      extra: { "authentication.kubernetes.io/credential-id": ["JTI=1"] }
    },
    object: { kind: "Pod", apiVersion: "v1", metadata: { generateName: "web-", namespace: "shop" }, spec: { containers: [] } },
    oldObject: null,
    dryRun: false,
    options: { kind: "CreateOptions", apiVersion: "meta.k8s.io/v1" }
  }
}

const decode = Schema.decodeUnknownExit(Admission.AdmissionReviewRequest)

describe("AdmissionReview request", () => {
  it("decodes what the API server sends, objects as raw JSON", () => {
    const exit = decode(fromApiServer)
    assert.isTrue(Exit.isSuccess(exit))
    if (!Exit.isSuccess(exit)) return
    assert.strictEqual(exit.value.request.operation, "CREATE")
    assert.strictEqual(exit.value.request.name, undefined)
    assert.deepStrictEqual(exit.value.request.object, fromApiServer.request.object)
    assert.strictEqual(exit.value.request.oldObject, null)
  })

  it("refuses another version and fields of the wrong type; takes v1beta1, an empty uid and any operation (as Go's types do)", () => {
    const bad = (request: object, top: object = {}) => Exit.isFailure(decode({ ...fromApiServer, ...top, request: { ...fromApiServer.request, ...request } }))
    assert.isTrue(bad({ uid: 5 }))
    assert.isTrue(bad({ operation: 1 }))
    assert.isTrue(bad({ userInfo: { groups: "x" } }))
    assert.isTrue(bad({}, { apiVersion: "admission.k8s.io/v2" }))
    assert.isFalse(bad({}, { apiVersion: "admission.k8s.io/v1beta1" }))
    assert.isFalse(bad({ uid: "", operation: "PATCH" }))
    assert.isFalse(bad({ subResource: "status", name: "x", futureField: 1 }))
  })
})

describe("allow / deny", () => {
  it("allow without a patch carries no patch fields (a validating webhook may send none)", () => {
    assert.deepStrictEqual(Admission.allow("u"), { uid: "u", allowed: true, status: { metadata: {}, code: 200 } })
    assert.deepStrictEqual(Admission.allow("u", { patch: [], warnings: [], auditAnnotations: {} }), { uid: "u", allowed: true, status: { metadata: {}, code: 200 } })
  })

  it("allow with a patch sends it base64-encoded as a JSONPatch", () => {
    const patch = [{ op: "add" as const, path: "/metadata/annotations/a.io~1b", value: "ü" }]
    const response = Admission.allow("u", { patch, auditAnnotations: { injected: "true" } })
    assert.strictEqual(response.patchType, "JSONPatch")
    assert.deepStrictEqual(JSON.parse(Buffer.from(response.patch ?? "", "base64").toString("utf8")), patch)
    assert.deepStrictEqual(response.auditAnnotations, { injected: "true" })
  })

  it("deny names the reason kubectl prints for known codes", () => {
    assert.deepStrictEqual(Admission.deny("u", 422, "bad", ["w"]), {
      uid: "u",
      allowed: false,
      status: { status: "Failure", code: 422, reason: "Invalid", message: "bad" },
      warnings: ["w"]
    })
    assert.deepStrictEqual(Admission.deny("u", 418, "teapot").status, { status: "Failure", code: 418, message: "teapot" })
    assert.strictEqual(Admission.deny("u", 400, "x".repeat(10_000)).status?.message?.length, Admission.maxMessageLength)
  })

  it("responses encode to what the response schema accepts", () => {
    const responses = [Admission.allow("u", { patch: [{ op: "remove", path: "/a" }], warnings: ["w"] }), Admission.deny("u", 422, "m", [], { kind: "K", causes: [{ field: "f", message: "m" }] })]
    for (const response of responses) {
      assert.isTrue(Exit.isSuccess(Schema.decodeUnknownExit(Admission.AdmissionReviewResponse)(JSON.parse(JSON.stringify(Admission.review(response))))))
    }
  })
})

const runes = (s: string) => [...s].length

describe("boundWarnings", () => {
  it("replaces control characters (the API server drops such a warning) and drops empty and repeated ones", () => {
    assert.deepStrictEqual(Admission.boundWarnings(["a\nb\tc", "", "  ", "x", "x", "\u0000"]), ["a b c", "x"])
  })

  it("cuts each warning to 256 runes without splitting a character", () => {
    const [long] = Admission.boundWarnings(["😀".repeat(300)])
    assert.strictEqual(runes(long ?? ""), Admission.maxWarningRunes)
    assert.isTrue(long?.endsWith("😀..."))
  })

  it("keeps 4096 runes in all and says how many were left out", () => {
    const warnings = Array.from({ length: 20 }, (_, i) => `${i}`.padEnd(300, "."))
    const bounded = Admission.boundWarnings(warnings)
    assert.strictEqual(bounded.length, 16)
    assert.strictEqual(bounded.at(-1), "5 more warnings not shown")
    assert.isAtMost(bounded.reduce((n, w) => n + runes(w), 0), Admission.maxWarningsTotalRunes)
    assert.isTrue(bounded.slice(0, 15).every((w, i) => w.startsWith(`${i}.`)), "order kept")
  })

  it("keeps at most 32 lines", () => {
    const bounded = Admission.boundWarnings(Array.from({ length: 100 }, (_, i) => `w${i}`))
    assert.strictEqual(bounded.length, Admission.maxWarnings)
    assert.strictEqual(bounded.at(-1), "69 more warnings not shown")
    assert.deepStrictEqual(Admission.boundWarnings(Array.from({ length: 32 }, (_, i) => `w${i}`)).length, 32)
  })
})

/**
 * The pod webhook's handler (`PodAdmission.handler`) as the API server sees it: the
 * response carries the patch and no admission warnings (the Go defaulting webhook returns
 * none; the mutation's warnings go to `observe` for Events), the namespace whose labels
 * the selectors read is the pod's own `metadata.namespace` (as Go's `pod.Namespace`,
 * never `request.namespace`), dry runs are mutated but not observed, a CREATE without an
 * object is errored as controller-runtime errors it, and anything but CREATE of a pod is
 * allowed untouched.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Ref, Result } from "effect"
import { Admission, Inject, JsonPatch, PodAdmission } from "../../src/index.ts"
import { request } from "../server/support.ts"
import { at, container, context, namespace, pod, target, targets } from "./support.ts"

const podKind = { group: "", version: "v1", kind: "Pod" }
const podResource = { group: "", version: "v1", resource: "pods" }

const podRequest = (object: unknown, overrides: Partial<Admission.AdmissionRequest> = {}): Admission.AdmissionRequest =>
  request({ kind: podKind, resource: podResource, name: "", namespace: "apps", object, ...overrides })

const shopOnly = targets(target("java", { namespaceSelector: { matchNames: ["shop"] } }))

/** The handler with a context that knows the namespaces `apps` and `shop`, and what it asked and observed. */
const harness = (agent = targets(target("java"))) =>
  Effect.gen(function*() {
    const asked = yield* Ref.make<ReadonlyArray<string>>([])
    const observed = yield* Ref.make<ReadonlyArray<PodAdmission.Decided>>([])
    const raw = PodAdmission.handler({
      context: (ns) => Ref.update(asked, (all) => [...all, ns]).pipe(Effect.as<Inject.Context>({ ...context(agent, namespace(ns)) })),
      observe: (decided) => Ref.update(observed, (all) => [...all, decided])
    })
    // the body's size, as the server measures it
    const handler = (r: Admission.AdmissionRequest) => raw(r, { bytes: Buffer.byteLength(JSON.stringify({ request: r })) })
    return { handler, raw, asked, observed }
  })

const patchOf = (response: Admission.AdmissionResponse): ReadonlyArray<JsonPatch.Operation> =>
  response.patch === undefined ? [] : JSON.parse(Buffer.from(response.patch, "base64").toString("utf8")) as ReadonlyArray<JsonPatch.Operation>

describe("PodAdmission.handler", () => {
  it.effect("a mutation with warnings answers with the patch only; observe still gets the warnings", () =>
    Effect.gen(function*() {
      const { handler, observed } = yield* harness()
      const input = pod([container("a")], { spec: { volumes: [{ name: "whatap-agent-volume", emptyDir: {} }] } })
      const response = yield* handler(podRequest(input))
      assert.isTrue(response.allowed)
      assert.strictEqual(response.patchType, "JSONPatch")
      assert.isUndefined(response.warnings)
      assert.isAbove(patchOf(response).length, 0)
      const [decided] = yield* Ref.get(observed)
      assert.isAbove(decided?.mutated.warnings.length ?? 0, 0)
    }))

  it.effect("the selectors read the pod's metadata.namespace, not request.namespace", () =>
    Effect.gen(function*() {
      const { handler, asked } = yield* harness(shopOnly)
      const response = yield* handler(podRequest(pod([container("a")], { namespace: "shop" }), { namespace: "apps" }))
      assert.deepStrictEqual(yield* Ref.get(asked), ["shop"])
      const patched = Result.getOrThrow(JsonPatch.apply(pod([container("a")], { namespace: "shop" }), patchOf(response)))
      assert.strictEqual(at(patched, "metadata", "annotations", "whatap-apm-injected"), "true")
    }))

  it.effect("a pod without metadata.namespace (a review sent by hand) is in the namespace \"\", as Go's pod.Namespace: request.namespace is not read", () =>
    Effect.gen(function*() {
      const { handler, asked } = yield* harness(shopOnly)
      const input = { metadata: { generateName: "web-" }, spec: { containers: [container("a")] } }
      const response = yield* handler(podRequest(input, { namespace: "shop" }))
      assert.isUndefined(response.patch)
      const empty = yield* handler(podRequest({ ...input, metadata: { generateName: "web-", namespace: "" } }, { namespace: "shop" }))
      assert.isUndefined(empty.patch)
      assert.deepStrictEqual(yield* Ref.get(asked), ["", ""])
    }))

  it.effect("a CREATE without an object is errored with code 400, as controller-runtime's decoder answers it", () =>
    Effect.gen(function*() {
      const { handler, asked } = yield* harness()
      for (const object of [null, undefined]) {
        const response = yield* handler(podRequest(object))
        assert.deepStrictEqual(response, { uid: request().uid, allowed: false, status: { metadata: {}, message: "there is no content to decode", code: 400 } })
      }
      assert.deepStrictEqual(yield* Ref.get(asked), [])
    }))

  it.effect("a review sent without a kind is read as the pod it is routed for", () =>
    Effect.gen(function*() {
      const { handler } = yield* harness()
      const response = yield* handler(podRequest(pod([container("a")]), { kind: { group: "", version: "", kind: "" } }))
      assert.isDefined(response.patch)
    }))

  it.effect("a review above maxMutatedBytes is admitted untouched, reason PodTooLarge, without reading the context", () =>
    Effect.gen(function*() {
      const { raw, asked, observed } = yield* harness()
      const input = pod([container("a")])
      const small = yield* raw(podRequest(input), { bytes: PodAdmission.maxMutatedBytes })
      assert.isDefined(small.patch)
      const large = yield* raw(podRequest(input), { bytes: PodAdmission.maxMutatedBytes + 1 })
      assert.deepStrictEqual(large, { uid: request().uid, allowed: true, status: { metadata: {}, code: 200 } })
      assert.deepStrictEqual(yield* Ref.get(asked), ["apps"])
      const outcome = (yield* Ref.get(observed))[1]?.mutated.outcome
      assert.deepInclude(outcome, { injected: false, reason: "PodTooLarge" })
    }))

  it.effect("a review under maxMutatedBytes whose containers would need a patch above maxPatchBytes: untouched, PodTooLarge", () =>
    Effect.gen(function*() {
      const { handler, observed } = yield* harness()
      // a few dozen bytes per container in the review, about a kilobyte each in the patch
      const many = (n: number) => pod(Array.from({ length: n }, (_, i) => container(`c${i}`)))
      const fits = yield* handler(podRequest(many(1000)))
      assert.isDefined(fits.patch)
      const over = yield* handler(podRequest(many(2000)))
      assert.isUndefined(over.patch)
      const outcome = (yield* Ref.get(observed))[1]?.mutated.outcome
      assert.deepInclude(outcome, { injected: false, reason: "PodTooLarge" })
      assert.match(outcome !== undefined && !outcome.injected ? outcome.message : "", /the pod's 2000 containers would take a patch of about \d+ bytes, more than the 3145728/)
    }))

  it.effect("a target's envs count as the operations they become: a small pod whose patch would exceed maxPatchBytes is untouched", () =>
    Effect.gen(function*() {
      // 300 target envs into 400 containers that have an env list: one add operation each, about 9 MB
      const envs = Array.from({ length: 300 }, (_, i) => ({ name: `E${i}` }))
      const { handler, observed } = yield* harness(targets(target("java", { envs })))
      const input = pod(Array.from({ length: 400 }, (_, i) => container(`c${i}`, [{ name: "X", value: "1" }])))
      assert.isBelow(JSON.stringify(input).length, 40_000)
      const over = yield* handler(podRequest(input))
      assert.isUndefined(over.patch)
      const outcome = (yield* Ref.get(observed))[0]?.mutated.outcome
      assert.deepInclude(outcome, { injected: false, reason: "PodTooLarge" })
      // fewer containers fit, and their patch is under the limit
      const fits = yield* handler(podRequest(pod(Array.from({ length: 40 }, (_, i) => container(`c${i}`, [{ name: "X", value: "1" }])))))
      assert.isDefined(fits.patch)
      assert.isBelow(JSON.stringify(patchOf(fits)).length, PodAdmission.maxPatchBytes)
    }))

  it.effect("another target's long envs do not keep a pod from being injected: the estimate is the matching target's", () =>
    Effect.gen(function*() {
      // a target of 100,000-character envs for a namespace this pod is not in, and one without envs that matches it
      const big = target("java", { envs: [{ name: "BIG", value: "x".repeat(100_000) }], namespaceSelector: { matchNames: ["nowhere"] } })
      const { handler, observed } = yield* harness(targets(big, target("python")))
      const input = pod(Array.from({ length: 40 }, (_, i) => container(`c${i}`)))
      const response = yield* handler(podRequest(input))
      assert.isDefined(response.patch)
      assert.deepInclude((yield* Ref.get(observed))[0]?.mutated.outcome, { injected: true })
      // the same pod where the long target matches is still too large
      const { handler: bigOnly } = yield* harness(targets(target("java", { envs: [{ name: "BIG", value: "x".repeat(100_000) }] })))
      assert.isUndefined((yield* bigOnly(podRequest(input))).patch)
    }))

  it.effect("a dry run gets the same patch and is not observed", () =>
    Effect.gen(function*() {
      const { handler, observed } = yield* harness()
      const input = pod([container("a", [{ name: "A", value: "1" }])])
      const wet = yield* handler(podRequest(input))
      const dry = yield* handler(podRequest(input, { dryRun: true }))
      assert.strictEqual(dry.patch, wet.patch)
      assert.strictEqual((yield* Ref.get(observed)).length, 1)
    }))

  it.effect("UPDATE, DELETE, another kind or a subresource: allowed, no patch, no context read", () =>
    Effect.gen(function*() {
      const { handler, asked } = yield* harness()
      const input = pod([container("a")])
      for (const overrides of [
        { operation: "UPDATE" as const, oldObject: input },
        { operation: "DELETE" as const, object: null, oldObject: input },
        { kind: { group: "apps", version: "v1", kind: "Deployment" } },
        { subResource: "ephemeralcontainers" }
      ]) {
        const response = yield* handler(podRequest(input, overrides))
        assert.deepStrictEqual(response, { uid: request().uid, allowed: true, status: { metadata: {}, code: 200 } }, JSON.stringify(overrides))
      }
      assert.deepStrictEqual(yield* Ref.get(asked), [])
    }))
})

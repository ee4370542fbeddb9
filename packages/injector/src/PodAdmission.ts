/**
 * The pod webhook's handler (`/whatap-injection--v1-pod`): the request's pod and the
 * context it needs (the WhatapAgent `whatap`, the namespace's labels, the credentials) go
 * through `Inject.mutate`, the result comes back as a JSON patch. Only CREATE of a pod
 * is mutated (as the Go operator); everything else is allowed untouched. The context
 * comes from caches, never from an API call per request, and a pod is never refused: an
 * admission answer must not depend on the agent's configuration being right (failures
 * are reported, the pod is created).
 *
 * As in Go: the namespace whose labels the selectors read is the pod's own
 * `metadata.namespace`, which the API server fills in before admission (a review without
 * it, sent by hand, falls back to `request.namespace`, then ""), and the answer carries
 * no admission warnings (the Go defaulting webhook has none); the mutation's warnings go
 * to `observe`, which reports them as Events (D5, D8).
 */
import { Effect } from "effect"
import * as Admission from "./Admission.ts"
import * as Inject from "./Inject.ts"
import * as Outcome from "./internal/inject/Outcome.ts"

export interface Decided {
  readonly request: Admission.AdmissionRequest
  readonly mutated: Inject.Mutated
}

export interface Options<R> {
  /** The context of this request's namespace, from caches. */
  readonly context: (namespace: string) => Effect.Effect<Inject.Context, never, R>
  /** Told every decision (Events, metrics); never on dry runs. Failures here do not change the answer. */
  readonly observe?: ((decided: Decided) => Effect.Effect<void, never, R>) | undefined
}

const namespaceOf = (request: Admission.AdmissionRequest): string => {
  const pod = request.object
  const metadata = typeof pod === "object" && pod !== null ? Reflect.get(pod, "metadata") : undefined
  const namespace = typeof metadata === "object" && metadata !== null ? Reflect.get(metadata, "namespace") : undefined
  return typeof namespace === "string" && namespace !== "" ? namespace : request.namespace ?? ""
}

const isPodCreate = (request: Admission.AdmissionRequest): boolean =>
  request.operation === "CREATE" && request.kind.group === "" && request.kind.kind === "Pod" && (request.subResource ?? "") === ""

/**
 * Reviews above this size are admitted untouched (outcome `PodTooLarge`). A pod is a few
 * KiB; a mutation works on copies of it and its patch replaces each container's env, so
 * the memory an admission takes is tens of times its size: a 3 MiB pod of thousands of
 * containers took 230 MB, more than the operator's whole memory limit.
 */
export const maxMutatedBytes = 1024 * 1024

const tooLarge = (request: Admission.AdmissionRequest, bytes: number): Inject.Mutated => ({
  pod: request.object,
  patch: [],
  outcome: Outcome.skipped("PodTooLarge", `the AdmissionReview is ${bytes} bytes, more than the ${maxMutatedBytes} the webhook mutates`),
  warnings: []
})

/** The handler for the pod path. */
export const handler = <R>(options: Options<R>): Admission.Handler<R> => (request, received) =>
  Effect.gen(function*() {
    if (!isPodCreate(request)) return Admission.allow(request.uid)
    const mutated = received.bytes > maxMutatedBytes
      ? tooLarge(request, received.bytes)
      : Inject.mutate(request.object, yield* options.context(namespaceOf(request)))
    if (options.observe !== undefined && request.dryRun !== true) yield* options.observe({ request, mutated })
    return Admission.allow(request.uid, { patch: mutated.patch })
  })

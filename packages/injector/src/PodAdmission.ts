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
 * it, sent by hand, has no namespace to read, so no target applies: Go's lookup of the
 * namespace "" fails the same way); a review without an object is refused with code 400,
 * as controller-runtime's decoder refuses it; and the answer carries no admission warnings
 * (the Go defaulting webhook has none); the mutation's warnings go to `observe`, which
 * reports them as Events (D5, D8).
 */
import type { Instrumentation } from "@whatap-operator/core"
import { Effect, Result } from "effect"
import * as Admission from "./Admission.ts"
import * as Inject from "./Inject.ts"
import * as Outcome from "./internal/inject/Outcome.ts"
import * as Pod from "./internal/inject/Pod.ts"
import * as Targets from "./internal/inject/Targets.ts"

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
  return typeof namespace === "string" ? namespace : ""
}

/** A CREATE of a pod; a review sent by hand without a kind is read as the pod it is routed for, as Go reads it. */
const isPodCreate = (request: Admission.AdmissionRequest): boolean =>
  request.operation === "CREATE" && request.kind.group === "" && (request.kind.kind === "Pod" || request.kind.kind === "") &&
  (request.subResource ?? "") === ""

/**
 * Reviews above this size are admitted untouched (outcome `PodTooLarge`). A pod is a few
 * KiB; a mutation works on copies of it and its patch replaces each container's env, so
 * the memory an admission takes is tens of times its size: a 3 MiB pod of thousands of
 * containers took 230 MB, more than the operator's whole memory limit.
 */
export const maxMutatedBytes = 1024 * 1024

/**
 * The patch an answer may carry, estimated before mutating: the API server takes at most
 * 3 MiB in a request, so a pod that would grow beyond it could never be stored, and the
 * memory the mutation takes stays bounded. A review under `maxMutatedBytes` can still hold
 * tens of thousands of tiny containers, each of which gets the agent's env and mount.
 */
export const maxPatchBytes = 3 * 1024 * 1024

/** What the mutation writes into one container besides the target's envs (Java's env and mount, the largest, take about 900 bytes). */
const perContainerBytes = 2048

const skipped = (request: Admission.AdmissionRequest, message: string): Inject.Mutated => ({
  pod: request.object,
  patch: [],
  outcome: Outcome.skipped("PodTooLarge", message),
  warnings: []
})

const lengthAt = (spec: unknown, key: string): number => {
  const list = typeof spec === "object" && spec !== null ? Reflect.get(spec, key) : undefined
  return Array.isArray(list) ? list.length : 0
}

const containerCount = (pod: unknown): number => {
  const spec = typeof pod === "object" && pod !== null ? Reflect.get(pod, "spec") : undefined
  return lengthAt(spec, "containers") + lengthAt(spec, "initContainers")
}

/**
 * What one env entry of a target costs in the patch besides its JSON: a container that has
 * an env list gets each entry as an `add` operation of its own (`{"op":"add","path":
 * "/spec/containers/N/env/M","value":...}`).
 */
const perEnvOperationBytes = 64

/** A target's env list as patch operations: every container can receive it. */
const envBytes = ({ envs = [] }: Instrumentation.TargetSpec): number => JSON.stringify(envs).length + perEnvOperationBytes * envs.length

/** The largest env list of any target: a bound that needs no target matched. */
const largestEnvs = new WeakMap<object, number>()
const largestEnvBytes = (agent: Inject.Context["agent"]): number => {
  if (agent === undefined) return 0
  const known = largestEnvs.get(agent)
  if (known !== undefined) return known
  const bytes = (agent.spec.features.apm?.instrumentation?.targets ?? []).reduce((most, target) => Math.max(most, envBytes(target)), 0)
  largestEnvs.set(agent, bytes)
  return bytes
}

/** The env bytes of the target that would inject the pod; 0 when none would (or it is no pod, which is refused as such). */
const matchingEnvBytes = (raw: unknown, context: Inject.Context): number => {
  const pod = Pod.read(raw)
  if (Result.isFailure(pod)) return 0
  const selected = Targets.select(context.agent?.spec.features.apm?.instrumentation?.targets ?? [], Pod.labelsOf(pod.success), context.namespace)
  return selected === undefined ? 0 : envBytes(selected.target)
}

/**
 * Why the pod's containers are too many to mutate, or undefined. The largest env list of
 * any target bounds the estimate first; only when that bound is exceeded is the target
 * that matches the pod looked up, so one target's long envs do not keep another's pods
 * from being injected.
 */
const tooManyContainers = (request: Admission.AdmissionRequest, context: Inject.Context): string | undefined => {
  const containers = containerCount(request.object)
  const bound = containers * (perContainerBytes + largestEnvBytes(context.agent))
  if (bound <= maxPatchBytes) return undefined
  const estimate = containers * (perContainerBytes + matchingEnvBytes(request.object, context))
  return estimate > maxPatchBytes
    ? `the pod's ${containers} containers would take a patch of about ${estimate} bytes, more than the ${maxPatchBytes} the API server accepts in a request`
    : undefined
}

/**
 * The answer and what was decided: the mutation's, or the pod untouched when its patch,
 * as encoded for the answer, came out larger than the estimate allowed (the patch is
 * serialized once, for the answer, and measured there).
 */
const answer = (request: Admission.AdmissionRequest, mutated: Inject.Mutated) => {
  const response = Admission.allow(request.uid, { patch: mutated.patch })
  const bytes = response.patch === undefined ? 0 : Buffer.byteLength(response.patch, "base64")
  if (bytes <= maxPatchBytes) return { response, mutated }
  const message = `the pod's patch would be ${bytes} bytes, more than the ${maxPatchBytes} the API server accepts in a request`
  return { response: Admission.allow(request.uid), mutated: skipped(request, message) }
}

/** The handler for the pod path. */
export const handler = <R>(options: Options<R>): Admission.Handler<R> => (request, received) =>
  Effect.gen(function*() {
    if (!isPodCreate(request)) return Admission.allow(request.uid)
    if (Admission.isAbsent(request.object)) return Admission.errored(request.uid, 400, Admission.noObject)
    const mutated = received.bytes > maxMutatedBytes
      ? skipped(request, `the AdmissionReview is ${received.bytes} bytes, more than the ${maxMutatedBytes} the webhook mutates`)
      : yield* Effect.map(options.context(namespaceOf(request)), (context) => {
        const why = tooManyContainers(request, context)
        return why === undefined ? Inject.mutate(request.object, context) : skipped(request, why)
      })
    const decided = answer(request, mutated)
    if (options.observe !== undefined && request.dryRun !== true) yield* options.observe({ request, mutated: decided.mutated })
    return decided.response
  })

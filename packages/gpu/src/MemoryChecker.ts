/**
 * The dcgm-exporter memory checker loop (spec 6.6, ADR 0010): every 30 s, the first time
 * 30 s after the start, list the node-agent pods labelled `whatap-gpu=true` in the
 * operator namespace and their PodMetrics (`metrics.k8s.io`, one list call each, not a
 * cache: the Go operator listed directly too), and delete each pod whose `dcgm-exporter`
 * container is above `MemoryCheck.threshold` of its memory limit (`MemoryCheck.verdict`).
 * A failure skips the round and is logged (a missing metrics API once per new message),
 * never fatal: the checker runs beside the reconciler in the leader's term.
 */
import { Duration, Effect, Option, Ref } from "effect"
import { ApiResource, KubeClient, type KubeError } from "@whatap-operator/kube"
import * as MemoryCheck from "./MemoryCheck.ts"

export const interval = Duration.seconds(30)

export interface Round {
  readonly verdicts: ReadonlyArray<MemoryCheck.Verdict>
  /** Why the metrics could not be read this round (every pod is then `no-metrics`). */
  readonly metricsError?: string
}

const restart = Effect.fn("MemoryChecker.restart")(function*(pod: MemoryCheck.Pod, v: Extract<MemoryCheck.Verdict, { readonly _tag: "Restart" }>) {
  const kube = yield* KubeClient
  const namespace = pod.metadata.namespace ?? ""
  // The uid precondition: never delete a pod that replaced the one measured.
  const preconditions = pod.metadata.uid === undefined ? undefined : { uid: pod.metadata.uid }
  yield* kube.delete(ApiResource.Pod, pod.metadata.name, { namespace, preconditions }).pipe(
    Effect.andThen(Effect.logInfo(`Deleted Pod ${namespace}/${pod.metadata.name}: ${MemoryCheck.describe(v)}`)),
    Effect.catch((error: KubeError) =>
      error.reason === "NotFound" || error.reason === "Conflict"
        ? Effect.void
        : Effect.logWarning(`could not delete Pod ${namespace}/${pod.metadata.name}: ${error.message}`))
  )
})

/** One round over the pods of `namespace`. */
export const round = Effect.fn("MemoryChecker.round")(function*(namespace: string) {
  const kube = yield* KubeClient
  const listed = yield* kube.list(ApiResource.Pod, { namespace, labelSelector: MemoryCheck.labelSelector })
  const pods = listed.items.flatMap((item) => Option.toArray(MemoryCheck.decodePod(item)))
  const metrics = yield* kube.list(ApiResource.PodMetrics, { namespace, labelSelector: MemoryCheck.labelSelector }).pipe(
    Effect.map((list) => ({ items: list.items.flatMap((item) => Option.toArray(MemoryCheck.decodePodMetrics(item))), error: undefined })),
    Effect.catch((error: KubeError) => Effect.succeed({ items: [], error: `the metrics API (metrics.k8s.io) answered: ${error.message}` }))
  )
  const verdicts: Array<MemoryCheck.Verdict> = []
  for (const pod of pods) {
    const v = MemoryCheck.verdict(pod, metrics.items.find((m) => m.metadata.name === pod.metadata.name))
    verdicts.push(v)
    if (v._tag === "Restart") yield* restart(pod, v)
  }
  return metrics.error === undefined ? { verdicts } : { verdicts, metricsError: metrics.error }
})

/** Logs a metrics API problem when it is new, and its end. */
const reportMetrics = (last: Ref.Ref<string | undefined>, now: string | undefined) =>
  Effect.flatMap(Ref.getAndSet(last, now), (before) =>
    now === before ? Effect.void
      : now !== undefined ? Effect.logWarning(`GPU memory check: ${now}; is metrics-server installed?`)
      : Effect.logInfo("GPU memory check: the metrics API answers again"))

/** Runs until interrupted (the end of the leadership term). */
export const run = (namespace: string) =>
  Effect.gen(function*() {
    const last = yield* Ref.make<string | undefined>(undefined)
    yield* Effect.logInfo(`GPU memory check: every ${Duration.toSeconds(interval)}s, restarting node-agent pods whose ${MemoryCheck.container} uses more than ${MemoryCheck.threshold * 100}% of its memory limit`)
    const once = round(namespace).pipe(
      Effect.flatMap((r) => reportMetrics(last, r.metricsError)),
      Effect.catch((error: KubeError) => Effect.logWarning(`GPU memory check skipped a round: ${error.message}`))
    )
    return yield* Effect.forever(Effect.andThen(Effect.sleep(interval), once))
  }).pipe(Effect.annotateLogs({ component: "gpu-memory-check" }))

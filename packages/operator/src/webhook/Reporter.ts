/**
 * What the pod webhook tells about its decisions, off the admission path: the injections
 * metric at once (in memory), and the Events on the WhatapAgent (D8: a matched pod that
 * was not injected; D5: rewrites the user should know) through a bounded queue that one
 * background fiber drains. Recording an Event is an API call (or one per warning), and a
 * slow or throttling API server must not hold an admission past its time budget: with
 * `failurePolicy: Ignore` the pod would then start without its agent. When the queue is
 * full, decisions are dropped (the answer and the metric are not) and the log says so
 * once, then how many were dropped when Events are recorded again.
 */
import { Effect, Metric, Option, Queue, type Scope } from "effect"
import { Naming } from "@whatap-operator/core"
import type { PodAdmission } from "@whatap-operator/injector"
import type { KubeObject } from "@whatap-operator/kube"
import type { Shape as EventRecorder } from "../controller/Events.ts"
import * as Metrics from "../runtime/Metrics.ts"

/** Decisions waiting for their Events at most. */
export const defaultBacklog = 1024

export interface Options {
  /** The WhatapAgent the Events are about, from the watch cache. */
  readonly agent: (name: string) => Effect.Effect<Option.Option<KubeObject.KubeObject>>
  readonly recorder: Pick<EventRecorder, "record">
  readonly backlog?: number
}

const needsEvents = ({ mutated }: PodAdmission.Decided): boolean =>
  (!mutated.outcome.injected && mutated.outcome.target !== undefined) || mutated.warnings.length > 0

const record = (options: Options, decided: PodAdmission.Decided) =>
  Effect.gen(function*() {
    const agent = yield* options.agent(Naming.agentName)
    if (Option.isNone(agent)) return
    const { outcome, warnings } = decided.mutated
    const pod = `${decided.request.namespace ?? ""}/${decided.request.name ?? "(generated name)"}`
    if (!outcome.injected && outcome.target !== undefined) {
      const message = `Pod ${pod} matched target ${outcome.target.name} but was not injected: ${outcome.reason}: ${outcome.message}`
      yield* options.recorder.record(agent.value, "Warning", "InjectionSkipped", message)
    }
    for (const warning of warnings) yield* options.recorder.record(agent.value, "Warning", "InjectionAdjusted", `Pod ${pod}: ${warning}`)
  })

/** The webhook's `observe`, with its draining fiber in the enclosing scope. */
export const make = (options: Options): Effect.Effect<(decided: PodAdmission.Decided) => Effect.Effect<void>, never, Scope.Scope> =>
  Effect.gen(function*() {
    const queue = yield* Queue.dropping<PodAdmission.Decided>(options.backlog ?? defaultBacklog)
    yield* Queue.take(queue).pipe(Effect.flatMap((decided) => record(options, decided)), Effect.forever, Effect.forkScoped)
    let dropped = 0
    const enqueue = (decided: PodAdmission.Decided) =>
      Effect.gen(function*() {
        if (yield* Queue.offer(queue, decided)) {
          if (dropped > 0) yield* Effect.logWarning(`recording admission Events again; ${dropped} admissions' Events were dropped while the backlog was full`)
          dropped = 0
          return
        }
        if (dropped++ === 0) yield* Effect.logWarning(`admission Events are behind (${options.backlog ?? defaultBacklog} waiting); dropping new ones until they catch up`)
      })
    return (decided) =>
      Effect.gen(function*() {
        const result = decided.mutated.outcome.injected ? "injected" : decided.mutated.outcome.reason
        yield* Metric.update(Metric.withAttributes(Metrics.injectionsTotal, { result }), 1)
        if (needsEvents(decided)) yield* enqueue(decided)
      })
  })

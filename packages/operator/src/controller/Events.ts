/**
 * Kubernetes Events about a WhatapAgent, as `kubectl describe` shows them: Normal for
 * what the operator did (`Created DaemonSet whatap-monitoring/whatap-node-agent`), Warning
 * for what went wrong. Repeats of the same event (same object, type, reason and message)
 * within the aggregation window update one Event's `count` and `lastTimestamp` instead of
 * creating another, as client-go's event correlator does. Messages are redacted and
 * bounded; a failure to record an event is logged, never fatal.
 */
import { randomBytes } from "node:crypto"
import { Clock, Context, Effect, Layer } from "effect"
import { ApiResource, KubeClient, type KubeObject } from "@whatap-operator/kube"
import { Naming } from "@whatap-operator/core"
import { Redactor } from "../runtime/Redactor.ts"

export type EventType = "Normal" | "Warning"

export interface Shape {
  readonly record: (involved: KubeObject.KubeObject, type: EventType, reason: string, message: string) => Effect.Effect<void>
  /**
   * `record`, once per version of the object: nothing when this object, at this
   * resourceVersion, already had this event from this process, so that a pass over an
   * unchanged cluster writes nothing however often it runs. True when recorded now.
   */
  readonly recordOnce: (involved: KubeObject.KubeObject, type: EventType, reason: string, message: string) => Effect.Effect<boolean>
}

export class EventRecorder extends Context.Service<EventRecorder, Shape>()("@whatap-operator/operator/EventRecorder") {
  static readonly layer = (identity: string) => Layer.effect(EventRecorder, make(identity))
  /** Records nothing (render-only tools, tests that do not look at events). */
  static readonly layerNoop = Layer.succeed(EventRecorder, EventRecorder.of({ record: () => Effect.void, recordOnce: () => Effect.succeed(true) }))
}

/** Kubernetes caps an Event message at 1 KiB on the server side of kubectl's describe; keep it short. */
const maxMessage = 1024
const windowMillis = 10 * 60 * 1000
const maxRemembered = 4096

interface Seen {
  readonly namespace: string
  readonly name: string
  readonly count: number
  readonly lastMillis: number
}

/** Kubernetes keeps events of cluster-scoped objects in `default`. */
const eventNamespace = (involved: KubeObject.KubeObject): string => involved.metadata.namespace ?? "default"

const rfc3339 = (millis: number): string => new Date(millis).toISOString().replace(/\.\d{3}Z$/, "Z")

const bound = (message: string): string => (message.length <= maxMessage ? message : `${message.slice(0, maxMessage - 3)}...`)

const eventObject = (involved: KubeObject.KubeObject, type: EventType, reason: string, message: string, nowMillis: number, identity: string) => {
  const stamp = rfc3339(nowMillis)
  return {
    apiVersion: "v1",
    kind: "Event",
    metadata: {
      name: `${involved.metadata.name ?? "object"}.${randomBytes(8).toString("hex")}`,
      namespace: eventNamespace(involved)
    },
    involvedObject: {
      apiVersion: involved.apiVersion,
      kind: involved.kind,
      name: involved.metadata.name ?? "",
      ...(involved.metadata.namespace === undefined ? {} : { namespace: involved.metadata.namespace }),
      ...(involved.metadata.uid === undefined ? {} : { uid: involved.metadata.uid })
    },
    reason,
    message,
    type,
    source: { component: Naming.eventSource },
    reportingComponent: Naming.eventSource,
    reportingInstance: identity,
    firstTimestamp: stamp,
    lastTimestamp: stamp,
    count: 1
  }
}

export const make = (identity: string) =>
  Effect.gen(function*() {
    const kube = yield* KubeClient
    const redactor = yield* Redactor
    const seen = new Map<string, Seen>()
    const recorded = new Map<string, true>()
    const remember = <V>(map: Map<string, V>, key: string, value: V) => {
      map.delete(key)
      map.set(key, value)
      if (map.size > maxRemembered) {
        const oldest = map.keys().next()
        if (oldest.done !== true) map.delete(oldest.value)
      }
    }
    const record = Effect.fn("EventRecorder.record")(function*(
      involved: KubeObject.KubeObject, type: EventType, reason: string, text: string
    ) {
      const message = bound(redactor.redact(text))
      const now = yield* Clock.currentTimeMillis
      const key = JSON.stringify([involved.metadata.uid ?? involved.metadata.name, type, reason, message])
      const previous = seen.get(key)
      if (previous !== undefined && now - previous.lastMillis < windowMillis) {
        const count = previous.count + 1
        const patched = yield* kube.patch(ApiResource.Event, previous.name, {
          type: "merge",
          body: { count, lastTimestamp: rfc3339(now) }
        }, { namespace: previous.namespace }).pipe(Effect.as(true), Effect.catch(() => Effect.succeed(false)))
        if (patched) return remember(seen, key, { ...previous, count, lastMillis: now })
      }
      const event = eventObject(involved, type, reason, message, now, identity)
      yield* kube.create(ApiResource.Event, event, { namespace: event.metadata.namespace }).pipe(
        Effect.tap(() => Effect.sync(() => remember(seen, key, { namespace: event.metadata.namespace, name: event.metadata.name, count: 1, lastMillis: now }))),
        Effect.catch((error) => Effect.logWarning(`could not record event ${reason}: ${error.message}`))
      )
    })
    const recordOnce = (involved: KubeObject.KubeObject, type: EventType, reason: string, text: string): Effect.Effect<boolean> =>
      Effect.suspend(() => {
        const { uid, namespace, name, resourceVersion } = involved.metadata
        const key = JSON.stringify([uid ?? `${namespace ?? ""}/${name ?? ""}`, resourceVersion ?? "", type, reason, text])
        if (recorded.has(key)) return Effect.succeed(false)
        remember(recorded, key, true)
        return Effect.as(record(involved, type, reason, text), true)
      })
    return EventRecorder.of({ record, recordOnce })
  })

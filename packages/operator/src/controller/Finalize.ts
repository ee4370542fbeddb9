/**
 * Deletion of a WhatapAgent: delete every object the operator created for it (the objects
 * of every component, in every mode), then remove the finalizer. Owner references make the
 * garbage collector a second line of defence, so after a few failed attempts the finalizer
 * is released anyway with a Warning instead of keeping the CR stuck in Terminating.
 */
import { Effect, Option } from "effect"
import { Decode, Naming } from "@whatap-operator/core"
import type { KubeObject } from "@whatap-operator/kube"
import { OperatorConfig } from "../Config.ts"
import * as Render from "../render/Render.ts"
import * as Apply from "./Apply.ts"
import { Cluster } from "./Cluster.ts"
import { EventRecorder } from "./Events.ts"
import * as Finalizer from "./Finalizer.ts"
import * as Outcomes from "./Outcomes.ts"
import { ReconcileError } from "./ReconcileError.ts"

/** Cleanup attempts (per CR uid) before the finalizer is released to the garbage collector. */
const maxAttempts = 5

/** Everything any component could have created, also for a CR that no longer decodes. */
const managedFor = (raw: KubeObject.KubeObject, namespace: string): ReadonlyArray<Apply.Ref> => {
  const decoded = Decode.as("WhatapAgent", raw)
  const fallback = Decode.as("WhatapAgent", {
    apiVersion: raw.apiVersion, kind: raw.kind, metadata: raw.metadata, spec: { features: {} }
  })
  const agent = Option.orElse(decoded.value, () => fallback.value)
  if (Option.isNone(agent)) return []
  return Render.managed({
    agent: agent.value,
    namespace,
    monitors: { podMonitors: [], serviceMonitors: [], staticEndpoints: [] },
    // Any material: only its presence matters, it puts the webhook Secret on the list.
    webhook: { endpoint: { mode: "service" }, tls: { caCert: "", caKey: "", tlsCert: "", tlsKey: "" } }
  })
}

export const run = Effect.fn("Finalize.run")(function*(raw: KubeObject.KubeObject) {
  if (!Finalizer.has(raw)) return {}
  const config = yield* OperatorConfig
  const cluster = yield* Cluster
  const events = yield* EventRecorder
  const outcome = yield* Apply.cleanup(raw, managedFor(raw, config.namespace), cluster.lookup, cluster.recorder)
  yield* Outcomes.report(raw, outcome)
  const uid = raw.metadata.uid ?? raw.metadata.name ?? ""
  if (outcome.failures.length > 0) {
    const tried = yield* cluster.failedCleanup(uid)
    if (tried < maxAttempts) {
      return yield* new ReconcileError({ message: `cleanup of ${outcome.failures.length} objects failed (attempt ${tried} of ${maxAttempts})` })
    }
    yield* events.record(raw, "Warning", "CleanupIncomplete", `Releasing the finalizer after ${tried} attempts; owner references leave the remaining objects to the garbage collector`)
  }
  yield* cluster.cleanupDone(uid)
  const released = yield* Finalizer.remove(raw)
  if (Option.isNone(released)) {
    // someone removed the finalizer (or the CR) meanwhile: the cleanup above is done all the same
    yield* Effect.logInfo("WhatapAgent already gone when its finalizer was to be removed")
    return {}
  }
  yield* cluster.agentWritten(released.value)
  yield* Effect.logInfo(`Removed finalizer ${Naming.finalizer}`)
  return {}
})

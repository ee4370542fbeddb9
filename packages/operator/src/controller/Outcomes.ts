/**
 * What a pass did, told to the people and tools watching: a log line and a Normal Event
 * per object created, updated or deleted (`Created DaemonSet whatap-monitoring/whatap-node-agent`),
 * a Warning per failure or conflict when they change, and the write counter of the metrics.
 */
import { Effect, Metric } from "effect"
import type { KubeObject } from "@whatap-operator/kube"
import * as Metrics from "../runtime/Metrics.ts"
import * as Apply from "./Apply.ts"
import { EventRecorder } from "./Events.ts"
import type * as WebhookTls from "./WebhookTls.ts"

const verbs: Record<Apply.Action, string> = { created: "Created", updated: "Updated", deleted: "Deleted" }

export const report = Effect.fn("Outcomes.report")(function*(
  agent: KubeObject.KubeObject,
  outcome: Apply.Outcome,
  material?: WebhookTls.Material
) {
  const events = yield* EventRecorder
  if (material !== undefined && material.action !== "reused") {
    const until = material.notAfter.toISOString()
    const messages: Record<Exclude<WebhookTls.Action, "reused">, string> = {
      created: `Created a new webhook CA and serving certificate (valid until ${until})`,
      renewed: `Renewed the webhook serving certificate (valid until ${until})`,
      caRotationStarted: "Replacing the webhook CA: the new CA joins the caBundle; the current serving certificate stays until the configurations trust it",
      caRotated: `Switched the webhook serving certificate to the new CA (valid until ${until})`
    }
    const message = messages[material.action]
    yield* Effect.logInfo(message)
    yield* events.record(agent, "Normal", "CertificateIssued", message)
  }
  for (const change of outcome.changes) {
    const message = `${verbs[change.action]} ${Apply.describe(change)}${change.detail === undefined ? "" : ` (${change.detail})`}`
    yield* Effect.logInfo(message).pipe(Effect.annotateLogs({ kind: change.resource.kind, name: change.name, action: change.action }))
    yield* events.record(agent, "Normal", verbs[change.action], message)
    yield* Metric.update(Metric.withAttributes(Metrics.objectWritesTotal, { kind: change.resource.kind, action: change.action }), 1)
  }
})

/**
 * A Warning Event and a log line per failure or conflict, when `fresh` (the `Ready`
 * condition that lists them changed with this pass); the same problems again, as every
 * retry and requeue of a CR that stays in conflict meets them, are logged at debug level
 * only, so a lasting conflict is not an Event write every 30 seconds.
 */
export const reportProblems = Effect.fn("Outcomes.reportProblems")(function*(agent: KubeObject.KubeObject, outcome: Apply.Outcome, fresh: boolean) {
  const events = yield* EventRecorder
  for (const failure of outcome.failures) {
    const message = `Failed to ${failure.action} ${Apply.describe(failure)}: ${Apply.reasonOf(failure)}`
    yield* (fresh ? Effect.logError(message) : Effect.logDebug(message)).pipe(
      Effect.annotateLogs({ kind: failure.resource.kind, name: failure.name, reason: failure.error.reason })
    )
    if (fresh) yield* events.record(agent, "Warning", failure.action === "delete" ? "DeleteFailed" : "ApplyFailed", message)
  }
  for (const conflict of outcome.conflicts) {
    const message = `Not managing ${conflict.message}`
    yield* fresh ? Effect.logWarning(message) : Effect.logDebug(message)
    if (fresh) yield* events.record(agent, "Warning", "Conflict", message)
  }
})

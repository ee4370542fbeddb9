/**
 * The operator process: layers composed, nothing else. Every replica serves the admission
 * webhooks; standby replicas wait on the leader-election Lease; the leader builds the
 * caches, the cluster view and the controller in a scope of its own, so losing leadership
 * (an API server outage longer than the renew deadline) tears all of it down and the next
 * term, in the same process, starts from fresh caches; the optional GPU memory checker
 * lives in the term too (leader only, as in the Go operator). `/healthz`, `/readyz` and
 * `/metrics` are served throughout.
 */
import { Cause, Effect, Layer, Metric, Option, Redacted, Ref, Stream } from "effect"
import { MemoryChecker } from "@whatap-operator/gpu"
import { KubeClient } from "@whatap-operator/kube"
import { OperatorConfig } from "./Config.ts"
import { Caches } from "./controller/Caches.ts"
import { Cluster } from "./controller/Cluster.ts"
import * as Controller from "./controller/Controller.ts"
import { EventRecorder } from "./controller/Events.ts"
import { RolloutMemory } from "./controller/RolloutMemory.ts"
import * as JsonLogger from "./runtime/JsonLogger.ts"
import * as LeaderElection from "./runtime/LeaderElection.ts"
import * as Metrics from "./runtime/Metrics.ts"
import * as ProbeServer from "./runtime/ProbeServer.ts"
import * as Readiness from "./runtime/Readiness.ts"
import { Redactor } from "./runtime/Redactor.ts"
import * as Webhook from "./webhook/Webhook.ts"

/** Host undefined: every interface. */
export interface Listen {
  readonly host: string | undefined
  readonly port: number
}

export interface Options {
  readonly kubeconfig?: string | undefined
  readonly context?: string | undefined
  readonly config: OperatorConfig["Service"]
  /** host:port of /healthz, /readyz and /metrics; undefined: not served. */
  readonly probes?: Listen | undefined
  /** A second listener for /metrics only (the Go operator's --metrics-bind-address). */
  readonly metrics?: Listen | undefined
  /** Warnings about the settings (flags taken from the Go operator's Deployment that change nothing here), logged at start. */
  readonly notes?: ReadonlyArray<string> | undefined
}

/** One leadership term: caches, cluster view, controller and memory checker live exactly as long as it. */
const term = (current: Ref.Ref<Option.Option<Caches["Service"]>>) =>
  Effect.gen(function*() {
    const caches = yield* Caches
    const config = yield* OperatorConfig
    yield* Effect.acquireRelease(Ref.set(current, Option.some(caches)), () => Ref.set(current, Option.none()))
    if (config.gpuMemoryCheck) yield* Effect.forkScoped(MemoryChecker.run(config.namespace))
    yield* Controller.start
    return yield* Effect.never
  }).pipe(Effect.provide(Layer.mergeAll(Cluster.layer, RolloutMemory.layer).pipe(Layer.provideMerge(Caches.layer))), Effect.scoped)

const lead = (config: OperatorConfig["Service"], current: Ref.Ref<Option.Option<Caches["Service"]>>) =>
  Effect.gen(function*() {
    if (!config.leaderElection.enabled) {
      yield* Metric.update(Metrics.leader, 1)
      return yield* term(current)
    }
    const elector = yield* LeaderElection.make({ ...config.leaderElection, identity: config.identity })
    yield* Stream.runForEach(elector.changes, Readiness.publishLeadership).pipe(Effect.forkScoped)
    // A lost term ends in LeaderElectionLost: campaign again with everything rebuilt.
    return yield* elector.run(term(current)).pipe(
      Effect.catchTag("LeaderElectionLost", (lost) => Effect.logWarning(`leadership lost: ${lost.message}; campaigning again`)),
      Effect.forever
    )
  })

const serveProbes = (options: Options, current: Ref.Ref<Option.Option<Caches["Service"]>>, webhookServing: Ref.Ref<Webhook.Serving>) =>
  Effect.gen(function*() {
    const readiness = Readiness.check(current, webhookServing)
    if (options.probes !== undefined) {
      const listening = yield* ProbeServer.serve({ ...options.probes, readiness })
      yield* Effect.logInfo(`serving /healthz, /readyz and /metrics on ${options.probes.host ?? ""}:${listening.port}`)
    }
    if (options.metrics !== undefined) {
      const listening = yield* ProbeServer.serve({ ...options.metrics, readiness })
      yield* Effect.logInfo(`serving /metrics on ${options.metrics.host ?? ""}:${listening.port}`)
    }
  })

/**
 * Runs until `stop` completes (SIGTERM) or the operator fails: then the controller drains,
 * the Lease is released and the listeners close.
 */
export const run = (options: Options, stop: Effect.Effect<string> = Effect.never) =>
  Effect.gen(function*() {
    const current = yield* Ref.make(Option.none<Caches["Service"]>())
    const webhookServing = yield* Ref.make<Webhook.Serving>(options.config.webhookServer === undefined ? { serving: true, why: "" } : Webhook.notServedYet)
    yield* (yield* Redactor).register([Redacted.value(options.config.credentials.license)])
    const stopping = Effect.flatMap(stop, (why) => Effect.logInfo(`${why}: shutting down`))
    // The stop signal is watched from the first moment: a SIGTERM during start-up is a clean stop too.
    yield* Effect.raceFirst(
      Effect.gen(function*() {
        yield* serveProbes(options, current, webhookServing)
        yield* Effect.logInfo(`starting in namespace ${options.config.namespace} as ${options.config.identity}`)
        for (const note of options.notes ?? []) yield* Effect.logWarning(note)
        // side by side: a replica waiting for a usable webhook certificate still campaigns,
        // so that its reconcile can repair the Secret; a webhook failure (a taken port) ends both
        return yield* Effect.all([Effect.andThen(Webhook.serve(webhookServing), Effect.never), lead(options.config, current)], { concurrency: "unbounded", discard: true })
      }),
      stopping
    )
    yield* Effect.logInfo("stopped")
  }).pipe(
    Effect.scoped,
    Effect.provide(Layer.mergeAll(
      OperatorConfig.layer(options.config),
      EventRecorder.layer(options.config.identity)
    ).pipe(Layer.provideMerge(KubeClient.layer({ kubeconfig: options.kubeconfig, context: options.context, observe: Readiness.observeRequest })))),
    // A fatal error is logged as JSON through the redactor before the caller sees it.
    Effect.tapCause((cause) => (Cause.hasInterruptsOnly(cause) ? Effect.void : Effect.logError("operator failed", cause))),
    Effect.provide(JsonLogger.layerStdout),
    Effect.provide(Redactor.layer)
  )

/**
 * The admission webhooks every operator replica serves (not only the leader: the API
 * server may call any pod behind the Service): the pod mutation (APM injection) and the
 * validation of the four WhaTap kinds, on `webhookServer` (default :9443). The certificate
 * comes from the Secret `whatap-webhook-certificate` — created by whoever needs it first,
 * never overwritten by another replica (D2) — and is reloaded without a restart when the
 * leader renews or replaces it. The WhatapAgent `whatap` and the namespaces' labels come
 * from watch caches: no API call per admission.
 */
import { Effect, Metric, Option, Queue, Ref, Result, Schedule, Schema, Stream } from "effect"
import { Decode, Naming, type WhatapAgent } from "@whatap-operator/core"
import { AdmissionServer, type Inject, PodAdmission, Validating } from "@whatap-operator/injector"
import { ApiResource, Informer, KubeError, type KubeObject } from "@whatap-operator/kube"
import { OperatorConfig } from "../Config.ts"
import { EventRecorder } from "../controller/Events.ts"
import * as WebhookSecret from "../controller/WebhookSecret.ts"
import * as WebhookTls from "../controller/WebhookTls.ts"
import * as Metrics from "../runtime/Metrics.ts"
import * as Reporter from "./Reporter.ts"

const pairOf = (secret: KubeObject.KubeObject) => {
  const tls = WebhookTls.fromSecret(secret)
  return tls === undefined ? undefined : { cert: tls.tlsCert, key: tls.tlsKey }
}

const caches = Effect.gen(function*() {
  const config = yield* OperatorConfig
  return {
    secret: yield* Informer.make(ApiResource.Secret, { namespace: config.namespace, fieldSelector: `metadata.name=${Naming.webhook.secret}` }),
    agent: yield* Informer.make(ApiResource.WhatapAgent, { fieldSelector: `metadata.name=${Naming.agentName}`, stripManagedFields: true }),
    namespaces: yield* Informer.make(ApiResource.Namespace, { metadataOnly: true, stripManagedFields: true })
  }
})

type Caches = Effect.Success<typeof caches>

/**
 * Decoding the WhatapAgent costs 150-300 µs, more than the rest of an admission; the watch
 * cache hands out the same object until the CR changes, so each version is decoded once.
 */
const decodedOnce = () => {
  const memo = new WeakMap<KubeObject.KubeObject, Option.Option<WhatapAgent.WhatapAgent>>()
  return (raw: KubeObject.KubeObject): Option.Option<WhatapAgent.WhatapAgent> => {
    const known = memo.get(raw)
    if (known !== undefined) return known
    const decoded = Decode.as("WhatapAgent", raw).value
    memo.set(raw, decoded)
    return decoded
  }
}

/**
 * A replica that has just started answers from complete caches: a pod admitted before the
 * first list would otherwise find no WhatapAgent and go uninjected. Bounded, so an API
 * server that cannot be reached does not hold admissions past their budget; once both
 * caches have synced, admissions pass straight through (no timer per admission).
 */
const firstListed = (watched: Caches): Effect.Effect<void> => {
  let synced = false
  const wait = Effect.all([watched.agent.synced, watched.namespaces.synced], { discard: true }).pipe(
    Effect.tap(() => Effect.sync(() => void (synced = true))),
    Effect.timeout("2 seconds"),
    Effect.ignore
  )
  return Effect.suspend(() => (synced ? Effect.void : wait))
}

const contextFor = (watched: Caches, config: OperatorConfig["Service"]) => {
  const decode = decodedOnce()
  const settled = firstListed(watched)
  return (namespace: string): Effect.Effect<Inject.Context> => Effect.andThen(settled, context(watched, config, decode, namespace))
}

const context = (
  watched: Caches,
  config: OperatorConfig["Service"],
  decode: (raw: KubeObject.KubeObject) => Option.Option<WhatapAgent.WhatapAgent>,
  namespace: string
): Effect.Effect<Inject.Context> =>
  Effect.gen(function*() {
    const raw = yield* watched.agent.get(Naming.agentName)
    const agent = Option.flatMap(raw, decode)
    const ns = yield* watched.namespaces.get(namespace)
    return {
      agent: Option.getOrUndefined(agent),
      namespace: Option.match(ns, { onNone: () => undefined, onSome: (n) => ({ name: namespace, labels: n.metadata.labels ?? {} }) }),
      operatorNamespace: config.namespace,
      credentials: config.credentials
    }
  })

const onRequest = (event: AdmissionServer.RequestEvent) =>
  Effect.all([
    Metric.update(Metric.withAttributes(Metrics.admissionRequestsTotal, { path: event.path, outcome: event.outcome }), 1),
    Metric.update(Metrics.admissionDurationSeconds, event.durationMs / 1000)
  ], { discard: true })

/**
 * Worth waiting for, with the probes still served (not ready): an API server that cannot
 * be reached or is overloaded, and one that has just started and refuses requests until
 * its RBAC caches are filled (Forbidden, Unauthorized). A lasting RBAC mistake shows as a
 * warning per attempt and a replica that never becomes ready.
 */
const isUnreachable = (error: unknown): boolean =>
  error instanceof KubeError && ["Unavailable", "Timeout", "TooManyRequests", "Internal", "Forbidden", "Unauthorized"].includes(error.reason)

/** 0.5 s, doubling, at most 30 s between attempts, for as long as it takes. */
const untilReachable = Schedule.min([Schedule.exponential("500 millis"), Schedule.spaced("30 seconds")])

/** Why the webhooks could not be served (the Secret could not be created, the port is taken, ...). */
export class WebhookError extends Schema.TaggedError<WebhookError>()("WebhookError", { message: Schema.String }) {}

/** Whether this replica serves the admission webhooks and, while it does not, why (`/readyz` says it). */
export interface Serving {
  readonly serving: boolean
  readonly why: string
}

export const notServedYet: Serving = { serving: false, why: "not served yet (waiting for the API server and the certificate Secret)" }

/**
 * Serves the webhooks until the scope closes, setting `state` once the HTTPS listener is up.
 * A Secret without a usable certificate (keys missing, a PEM that does not parse, a key
 * that does not belong to the certificate) is no reason to stop: this replica stays unready,
 * says why, and starts serving when the Secret is repaired (by the leader's reconcile, which
 * this replica may itself be). A port that cannot be bound is fatal.
 */
export const serve = (state: Ref.Ref<Serving>) => Effect.gen(function*() {
  const config = yield* OperatorConfig
  const listen = config.webhookServer
  if (listen === undefined) return
  const stored = yield* WebhookSecret.obtain(config.namespace, config.webhook, config.webhookValidity).pipe(
    Effect.tapError((error) => isUnreachable(error) ? Effect.logWarning(`cannot read the webhook certificate yet (retrying): ${error.message}`) : Effect.void),
    Effect.retry({ schedule: untilReachable, while: isUnreachable })
  )
  const watched = yield* caches
  // every later version of the Secret, subscribed before the cache is read: none is missed
  const versions = yield* Queue.unbounded<KubeObject.KubeObject>()
  yield* (yield* watched.secret.subscribe).pipe(
    Stream.runForEach((change) => (change.type === "upsert" ? Queue.offer(versions, change.object) : Effect.void)),
    Effect.forkScoped
  )
  yield* watched.secret.synced
  const observe = yield* Reporter.make({ agent: watched.agent.get, recorder: yield* EventRecorder })
  const options = (tls: { readonly cert: string; readonly key: string }) => ({
    host: listen.host,
    port: listen.port,
    tls,
    routes: {
      [Naming.webhook.podPath]: PodAdmission.handler({ context: contextFor(watched, config), observe }),
      [Naming.webhook.agentPath]: Validating.handler,
      [Naming.webhook.monitorsPath]: Validating.handler
    },
    onRequest
  })
  const secretName = `Secret ${config.namespace}/${Naming.webhook.secret}`
  let secret = Option.getOrElse(yield* watched.secret.get(Naming.webhook.secret), () => stored)
  let reported = ""
  let started: { readonly server: AdmissionServer.Listening; readonly cert: string } | undefined
  while (started === undefined) {
    const pair = pairOf(secret)
    const result = pair === undefined ? undefined : yield* Effect.result(AdmissionServer.serve(options(pair)))
    if (pair !== undefined && result !== undefined && Result.isSuccess(result)) {
      started = { server: result.success, cert: pair.cert }
      break
    }
    if (result !== undefined && Result.isFailure(result) && result.failure.reason !== "Certificate") return yield* result.failure
    const problem = result !== undefined && Result.isFailure(result) ? result.failure.message : `it lacks one of ${WebhookTls.requiredKeys.join(", ")}`
    const why = `${secretName} holds no usable certificate (${problem}); waiting for it to be repaired`
    yield* Ref.set(state, { serving: false, why })
    if (why !== reported) yield* Effect.logError(`not serving the admission webhooks: ${why}`)
    reported = why
    secret = yield* Queue.take(versions)
  }
  const server = started.server
  yield* Ref.set(state, { serving: true, why: "" })
  yield* Effect.logInfo(`serving the admission webhooks on ${listen.host ?? ""}:${server.port}`)
  let served = started.cert
  const reload = (next: KubeObject.KubeObject) => {
    const pair = pairOf(next)
    if (pair === undefined || pair.cert === served) return Effect.void
    return server.reload(pair).pipe(
      Effect.tap(() => Effect.sync(() => void (served = pair.cert))),
      Effect.tap(() => Effect.logInfo("reloaded the webhook serving certificate")),
      Effect.catch((error) => Effect.logError(`cannot reload the webhook certificate: ${error.message}`))
    )
  }
  yield* Effect.forkScoped(Effect.forever(Effect.flatMap(Queue.take(versions), reload)))
}).pipe(Effect.mapError((error) => new WebhookError({ message: `cannot serve the admission webhooks: ${error.message}` })))

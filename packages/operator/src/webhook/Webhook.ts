/**
 * The admission webhooks every operator replica serves (not only the leader: the API
 * server may call any pod behind the Service): the pod mutation (APM injection) and the
 * validation of the four WhaTap kinds, on `webhookServer` (default :9443). The certificate
 * comes from the Secret `whatap-webhook-certificate` — created by whoever needs it first,
 * never overwritten by another replica (D2) — and is reloaded without a restart when the
 * leader renews or replaces it. The WhatapAgent `whatap` and the namespaces' labels come
 * from watch caches: no API call per admission.
 */
import { Effect, Metric, Option, Schedule, Schema, Stream } from "effect"
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

/** Serves the webhooks until the scope closes. */
export const serve = Effect.gen(function*() {
  const config = yield* OperatorConfig
  const listen = config.webhookServer
  if (listen === undefined) return
  const stored = yield* WebhookSecret.obtain(config.namespace, config.webhook, config.webhookValidity).pipe(
    Effect.tapError((error) => isUnreachable(error) ? Effect.logWarning(`cannot read the webhook certificate yet (retrying): ${error.message}`) : Effect.void),
    Effect.retry({ schedule: untilReachable, while: isUnreachable })
  )
  const pair = pairOf(stored)
  if (pair === undefined) return yield* Effect.logError(`Secret ${config.namespace}/${Naming.webhook.secret} has no usable certificate; not serving the webhooks`)
  const watched = yield* caches
  const observe = yield* Reporter.make({ agent: watched.agent.get, recorder: yield* EventRecorder })
  const server = yield* AdmissionServer.serve({
    host: listen.host,
    port: listen.port,
    tls: pair,
    routes: {
      [Naming.webhook.podPath]: PodAdmission.handler({
        context: contextFor(watched, config),
        observe
      }),
      [Naming.webhook.agentPath]: Validating.handler,
      [Naming.webhook.monitorsPath]: Validating.handler
    },
    onRequest
  })
  yield* Effect.logInfo(`serving the admission webhooks on ${listen.host ?? ""}:${server.port}`)
  let served = pair.cert
  const reload = (secret: KubeObject.KubeObject) => {
    const next = pairOf(secret)
    if (next === undefined || next.cert === served) return Effect.void
    return server.reload(next).pipe(
      Effect.tap(() => Effect.sync(() => void (served = next.cert))),
      Effect.tap(() => Effect.logInfo("reloaded the webhook serving certificate")),
      Effect.catch((error) => Effect.logError(`cannot reload the webhook certificate: ${error.message}`))
    )
  }
  yield* (yield* watched.secret.subscribe).pipe(Stream.runForEach((change) => change.type === "upsert" ? reload(change.object) : Effect.void), Effect.forkScoped)
}).pipe(Effect.mapError((error) => new WebhookError({ message: `cannot serve the admission webhooks: ${error.message}` })))

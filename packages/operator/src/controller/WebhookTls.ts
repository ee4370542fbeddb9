/**
 * The webhook's CA and serving certificate (D2): kept in the Secret
 * `whatap-webhook-certificate` and reused by every replica and every restart, instead of a
 * new CA per process start. A serving certificate close to expiry (or missing a name the
 * API server dials) is re-issued from the same CA, so the caBundle does not change; only a
 * missing, corrupt or expiring CA starts over.
 */
import { Clock, Duration, Effect, Option } from "effect"
import { Naming } from "@whatap-operator/core"
import { Certificates } from "@whatap-operator/injector"
import type { KubeObject } from "@whatap-operator/kube"
import type { WebhookEndpoint, WebhookTls } from "../render/Render.ts"
import { ReconcileError } from "./ReconcileError.ts"

/** Renew this long before notAfter: a month of room for a failing operator to be noticed. */
export const renewBefore = Duration.days(30)

export interface Material {
  readonly tls: WebhookTls
  /** What the reconcile did: reused, renewed the serving certificate, or created a new CA. */
  readonly action: "reused" | "renewed" | "created"
  readonly notAfter: Date
}

const decode = (value: unknown): string | undefined =>
  typeof value === "string" ? Buffer.from(value, "base64").toString("utf8") : undefined

/** The PEMs stored in the Secret, when all four are there. */
export const fromSecret = (secret: KubeObject.KubeObject): WebhookTls | undefined => {
  const data = secret["data"]
  if (typeof data !== "object" || data === null) return undefined
  const field = (key: string) => decode((data as Record<string, unknown>)[key])
  const keys = Naming.webhook.secretKeys
  const [caCert, caKey, tlsCert, tlsKey] = [field(keys.caCert), field(keys.caKey), field(keys.tlsCert), field(keys.tlsKey)]
  if (caCert === undefined || caKey === undefined || tlsCert === undefined || tlsKey === undefined) return undefined
  return { caCert, caKey, tlsCert, tlsKey }
}

/** The names the serving certificate must carry for this endpoint. */
export const requiredNames = (namespace: string, endpoint: WebhookEndpoint) => {
  const host = endpoint.mode === "url" ? new URL(endpoint.baseUrl).hostname.replace(/^\[|\]$/g, "") : undefined
  const names = Certificates.webhookNames(namespace)
  const isIp = host !== undefined && (/^[\d.]+$/.test(host) || host.includes(":"))
  return {
    commonName: names.commonName,
    dnsNames: host !== undefined && !isIp ? [...names.dnsNames, host] : names.dnsNames,
    ipAddresses: host !== undefined && isIp ? [host] : []
  }
}

const usable = (pem: string, until: number) =>
  Effect.map(Certificates.inspect(pem), (info) => info.notAfter.getTime() > until ? Option.some(info) : Option.none())

/** Whether the stored CA can stay, and whether its serving certificate can too. */
const assess = (tls: WebhookTls, namespace: string, endpoint: WebhookEndpoint) =>
  Effect.gen(function*() {
    const now = yield* Clock.currentTimeMillis
    const until = now + Duration.toMillis(renewBefore)
    const ca = yield* usable(tls.caCert, until)
    const caOk = Option.isSome(ca) && ca.value.isCa && (yield* Certificates.keyMatches(tls.caCert, tls.caKey))
    if (!caOk) return { ca: false, serving: Option.none<Date>() }
    const serving = yield* usable(tls.tlsCert, until)
    const wanted = requiredNames(namespace, endpoint)
    const servingOk = Option.isSome(serving) &&
      (yield* Certificates.verifies(tls.tlsCert, tls.caCert)) &&
      (yield* Certificates.keyMatches(tls.tlsCert, tls.tlsKey)) &&
      wanted.dnsNames.every((n) => serving.value.dnsNames.includes(n)) &&
      wanted.ipAddresses.every((ip) => serving.value.ipAddresses.includes(ip))
    return { ca: true, serving: servingOk && Option.isSome(serving) ? Option.some(serving.value.notAfter) : Option.none<Date>() }
  }).pipe(Effect.catch(() => Effect.succeed({ ca: false, serving: Option.none<Date>() })))

const issue = (ca: { readonly cert: string; readonly key: string }, namespace: string, endpoint: WebhookEndpoint) =>
  Effect.gen(function*() {
    const names = requiredNames(namespace, endpoint)
    const serving = yield* Certificates.issueServing(ca, names)
    const info = yield* Certificates.inspect(serving.cert)
    return { tls: { caCert: ca.cert, caKey: ca.key, tlsCert: serving.cert, tlsKey: serving.key }, notAfter: info.notAfter }
  })

/** Reuse what the Secret holds when it is sound; otherwise renew or start over. */
export const ensure = (
  secret: Option.Option<KubeObject.KubeObject>,
  namespace: string,
  endpoint: WebhookEndpoint
): Effect.Effect<Material, ReconcileError> =>
  ensureMaterial(secret, namespace, endpoint).pipe(
    Effect.mapError((error) => new ReconcileError({ message: `cannot prepare the webhook certificates: ${error.message}` }))
  )

const ensureMaterial = Effect.fn("WebhookTls.ensure")(function*(
  secret: Option.Option<KubeObject.KubeObject>,
  namespace: string,
  endpoint: WebhookEndpoint
) {
  const stored = Option.flatMap(secret, (s) => Option.fromNullishOr(fromSecret(s)))
  if (Option.isSome(stored)) {
    const verdict = yield* assess(stored.value, namespace, endpoint)
    if (verdict.ca && Option.isSome(verdict.serving)) {
      return { tls: stored.value, action: "reused", notAfter: verdict.serving.value } satisfies Material
    }
    if (verdict.ca) {
      const renewed = yield* issue({ cert: stored.value.caCert, key: stored.value.caKey }, namespace, endpoint)
      return { ...renewed, action: "renewed" } satisfies Material
    }
  }
  const ca = yield* Certificates.generateCa()
  const created = yield* issue(ca, namespace, endpoint)
  return { ...created, action: "created" } satisfies Material
})

/** Whether the live MutatingWebhookConfiguration trusts this CA (every webhook's caBundle). */
export const bundleMatches = (configuration: KubeObject.KubeObject | undefined, caCert: string): boolean => {
  const webhooks = configuration?.["webhooks"]
  if (!Array.isArray(webhooks) || webhooks.length === 0) return false
  const expected = Buffer.from(caCert).toString("base64")
  return webhooks.every((w) => typeof w === "object" && w !== null && (w as { clientConfig?: { caBundle?: unknown } }).clientConfig?.caBundle === expected)
}

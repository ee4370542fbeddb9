/**
 * The webhook's CA and serving certificate (D2), kept in the Secret
 * `whatap-webhook-certificate` and shared by every replica and every restart, instead of
 * a new CA per process start. `next` decides, pass after pass, what the Secret should
 * hold:
 * - a serving certificate close to expiry (or missing a name the API server dials) is
 *   re-issued from the same CA: the caBundle does not change;
 * - a CA close to expiry is replaced with an overlap window: a new CA joins the bundle
 *   while the old serving certificate keeps serving; once the webhook configurations
 *   trust the new CA, the serving certificate is re-issued from it; the old CA leaves the
 *   bundle when it expires. No admission call ever meets a certificate its caBundle does
 *   not trust.
 * A missing or corrupt Secret starts over (see `WebhookSecret` for who may create it).
 */
import { Clock, Duration, Effect, Option } from "effect"
import { Naming } from "@whatap-operator/core"
import { Certificates } from "@whatap-operator/injector"
import type { KubeObject } from "@whatap-operator/kube"
import type { WebhookEndpoint, WebhookTls } from "../render/Render.ts"
import { ReconcileError } from "./ReconcileError.ts"

export interface Validity {
  readonly ca: Duration.Duration
  readonly serving: Duration.Duration
}

export const defaultValidity: Validity = { ca: Duration.days(3650), serving: Duration.days(365) }

/** Renew a third of the way before the end, at most 30 days (serving) or 90 days (CA) early. */
const renewBefore = (validity: Duration.Duration, cap: Duration.Duration): number =>
  Math.min(Duration.toMillis(validity) / 3, Duration.toMillis(cap))

export type Action = "reused" | "renewed" | "created" | "caRotationStarted" | "caRotated"

export interface Material {
  readonly tls: WebhookTls
  readonly action: Action
  /** When the serving certificate expires. */
  readonly notAfter: Date
  /** A CA replacement waits for the configurations to trust the new CA: look again soon. */
  readonly pending: boolean
}

/**
 * When `next` will have something to do for this material: the serving certificate's or
 * the CA's renewal time, whichever comes first (the reconciler looks again then).
 */
export const dueAt = Effect.fn("WebhookTls.dueAt")(function*(tls: WebhookTls, validity: Validity) {
  const serving = yield* Certificates.inspect(tls.tlsCert)
  const ca = yield* Certificates.inspect(tls.caCert)
  return Math.min(
    serving.notAfter.getTime() - renewBefore(validity.serving, Duration.days(30)),
    ca.notAfter.getTime() - renewBefore(validity.ca, Duration.days(90))
  )
})

const decode = (value: unknown): string | undefined =>
  typeof value === "string" ? Buffer.from(value, "base64").toString("utf8") : undefined

/** The four Go-operator keys a usable Secret holds: CA certificate and key, serving certificate and key. */
export const requiredKeys: ReadonlyArray<string> = [Naming.webhook.secretKeys.caCert, Naming.webhook.secretKeys.caKey, Naming.webhook.secretKeys.tlsCert, Naming.webhook.secretKeys.tlsKey]

/** The PEMs stored in the Secret, when the four Go-operator keys are there. */
export const fromSecret = (secret: KubeObject.KubeObject): WebhookTls | undefined => {
  const data = secret["data"]
  if (typeof data !== "object" || data === null) return undefined
  const field = (key: string) => decode((data as Record<string, unknown>)[key])
  const keys = Naming.webhook.secretKeys
  const [caCert, caKey, tlsCert, tlsKey] = requiredKeys.map(field)
  if (caCert === undefined || caKey === undefined || tlsCert === undefined || tlsKey === undefined) return undefined
  return { caCert, caKey, tlsCert, tlsKey, caBundle: field(keys.caBundle) ?? caCert }
}

/** The CERTIFICATE blocks of a PEM bundle, in order. */
export const pemBlocks = (bundle: string): ReadonlyArray<string> =>
  [...bundle.matchAll(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----\n?/g)].map((m) => m[0].endsWith("\n") ? m[0] : `${m[0]}\n`)

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

interface Request {
  readonly namespace: string
  readonly endpoint: WebhookEndpoint
  readonly validity: Validity
  /** Whether the live webhook configurations trust this CA (every caBundle contains it). */
  readonly trusted: (caPem: string) => boolean
}

const issue = (ca: { readonly cert: string; readonly key: string }, request: Request) =>
  Effect.gen(function*() {
    const serving = yield* Certificates.issueServing(ca, { ...requiredNames(request.namespace, request.endpoint), validity: request.validity.serving })
    const info = yield* Certificates.inspect(serving.cert)
    return { pair: serving, notAfter: info.notAfter }
  })

/** A new CA and serving certificate. */
export const fresh = Effect.fn("WebhookTls.fresh")(function*(request: Request) {
  const ca = yield* Certificates.generateCa({ validity: request.validity.ca })
  const serving = yield* issue(ca, request)
  const tls: WebhookTls = { caCert: ca.cert, caKey: ca.key, tlsCert: serving.pair.cert, tlsKey: serving.pair.key, caBundle: ca.cert }
  return { tls, action: "created", notAfter: serving.notAfter, pending: false } satisfies Material
})

const unexpired = (pems: ReadonlyArray<string>, now: number) =>
  Effect.filter(pems, (pem) => Effect.map(Effect.option(Certificates.inspect(pem)), (info) => Option.isSome(info) && info.value.notAfter.getTime() > now))

/** Whether the serving certificate can stay: signed by `caPem`, its key, the names, far from expiry. */
const servingSound = (tls: WebhookTls, caPem: string, request: Request, now: number) =>
  Effect.gen(function*() {
    const info = yield* Certificates.inspect(tls.tlsCert)
    const wanted = requiredNames(request.namespace, request.endpoint)
    const sound = (yield* Certificates.verifies(tls.tlsCert, caPem)) && (yield* Certificates.keyMatches(tls.tlsCert, tls.tlsKey)) &&
      wanted.dnsNames.every((n) => info.dnsNames.includes(n)) && wanted.ipAddresses.every((ip) => info.ipAddresses.includes(ip)) &&
      info.notAfter.getTime() - now > renewBefore(request.validity.serving, Duration.days(30))
    return sound ? Option.some(info.notAfter) : Option.none()
  }).pipe(Effect.catch(() => Effect.succeed(Option.none<Date>())))

/** What the Secret should hold next, from what it holds now (see the module comment). */
export const next = Effect.fn("WebhookTls.next")(function*(stored: WebhookTls, request: Request) {
  const now = yield* Clock.currentTimeMillis
  const ca = yield* Certificates.inspect(stored.caCert)
  const caKeyOk = yield* Certificates.keyMatches(stored.caCert, stored.caKey)
  if (!ca.isCa || !caKeyOk || ca.notAfter.getTime() <= now) return yield* fresh(request)
  const bundle = yield* unexpired([...new Set([stored.caCert, ...pemBlocks(stored.caBundle ?? stored.caCert)])], now)
  const current = { ...stored, caBundle: bundle.join("") }
  if (ca.notAfter.getTime() - now < renewBefore(request.validity.ca, Duration.days(90))) {
    // Step 1 of a CA replacement: the new CA joins the bundle; the old serving certificate stays.
    const newCa = yield* Certificates.generateCa({ validity: request.validity.ca })
    const tls = { ...current, caCert: newCa.cert, caKey: newCa.key, caBundle: [newCa.cert, ...bundle].join("") }
    const served = yield* Effect.option(Certificates.inspect(stored.tlsCert))
    return { tls, action: "caRotationStarted", notAfter: Option.match(served, { onNone: () => new Date(now), onSome: (i) => i.notAfter }), pending: true } satisfies Material
  }
  const sound = yield* servingSound(current, current.caCert, request, now)
  if (Option.isSome(sound)) return { tls: current, action: "reused", notAfter: sound.value, pending: false } satisfies Material
  const signedByCurrent = yield* Certificates.verifies(stored.tlsCert, stored.caCert).pipe(Effect.orElseSucceed(() => false))
  if (!signedByCurrent && !request.trusted(stored.caCert)) {
    // Step 2 waits: the configurations do not trust the new CA yet; keep serving the old certificate.
    const served = yield* Certificates.inspect(stored.tlsCert).pipe(Effect.option)
    return { tls: current, action: "reused", notAfter: Option.match(served, { onNone: () => new Date(now), onSome: (i) => i.notAfter }), pending: true } satisfies Material
  }
  const renewed = yield* issue({ cert: current.caCert, key: current.caKey }, request)
  return {
    tls: { ...current, tlsCert: renewed.pair.cert, tlsKey: renewed.pair.key },
    action: signedByCurrent ? "renewed" : "caRotated",
    notAfter: renewed.notAfter,
    pending: false
  } satisfies Material
})

/** `next` for the stored Secret, or fresh material when it is missing or unreadable; failures become ReconcileError. */
export const ensure = (
  secret: Option.Option<KubeObject.KubeObject>,
  request: Request
): Effect.Effect<Material, ReconcileError> => {
  const stored = Option.flatMap(secret, (s) => Option.fromNullishOr(fromSecret(s)))
  const decided = Option.isSome(stored) ? next(stored.value, request).pipe(Effect.catch(() => fresh(request))) : fresh(request)
  return decided.pipe(Effect.mapError((error) => new ReconcileError({ message: `cannot prepare the webhook certificates: ${error.message}` })))
}

/** Whether a live webhook configuration trusts this CA (every webhook's caBundle contains it). */
export const bundleTrusts = (configuration: KubeObject.KubeObject | undefined, caPem: string): boolean => {
  const webhooks = configuration?.["webhooks"]
  if (!Array.isArray(webhooks) || webhooks.length === 0) return false
  const wanted = pemBlocks(caPem)[0]?.trim()
  return wanted !== undefined && webhooks.every((w) => {
    const bundle = decode((w as { clientConfig?: { caBundle?: unknown } } | null)?.clientConfig?.caBundle)
    return bundle !== undefined && pemBlocks(bundle).some((b) => b.trim() === wanted)
  })
}

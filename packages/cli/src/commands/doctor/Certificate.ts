/**
 * Check 7: the webhook's certificates agree (D2). The Secret `whatap-webhook-certificate`
 * holds the CA(s) and the serving certificate; every webhook of both configurations must
 * carry a `caBundle` with a CA that issued that serving certificate, or the API server
 * cannot call it (and, with failurePolicy Ignore, pods silently go uninjected). Where a
 * webhook is registered by a loopback URL (the operator outside the cluster), the
 * certificate that URL actually serves is fetched and checked against the webhook's own
 * caBundle too, as the API server would check it. Service-mode webhooks are never dialled
 * from here; the dry-run check reaches them through the API server.
 */
import type { X509Certificate } from "node:crypto"
import { Naming } from "@whatap-operator/core"
import { ApiResource, KubeClient } from "@whatap-operator/kube"
import { Clock, Effect, Result } from "effect"
import * as Check from "./Check.ts"
import * as Tls from "./Tls.ts"

const title = "served certificate against the caBundle"

type Json = Readonly<Record<string, unknown>>
const isRecord = (u: unknown): u is Json => typeof u === "object" && u !== null && !Array.isArray(u)
const decode = (u: unknown): string => (typeof u === "string" ? Buffer.from(u, "base64").toString("utf8") : "")

export interface Webhook {
  readonly configuration: string
  readonly name: string
  readonly caBundle: string
  readonly url: string | undefined
}

export const webhooksOf = (configuration: Json, kind: string): ReadonlyArray<Webhook> => {
  const name = isRecord(configuration["metadata"]) ? String(configuration["metadata"]["name"] ?? "") : ""
  const list = Array.isArray(configuration["webhooks"]) ? configuration["webhooks"].filter(isRecord) : []
  return list.map((w) => {
    const client = isRecord(w["clientConfig"]) ? w["clientConfig"] : {}
    return { configuration: `${kind} ${name}`, name: String(w["name"] ?? ""), caBundle: decode(client["caBundle"]), url: typeof client["url"] === "string" ? client["url"] : undefined }
  })
}

/** Why a webhook's caBundle does not let the API server trust `serving`; undefined when it does. */
export const bundleProblem = (w: Webhook, serving: X509Certificate): string | undefined => {
  const where = `${w.name} of ${w.configuration}`
  if (w.caBundle === "") return `${where} has no caBundle`
  const bundle = Tls.parseBundle(w.caBundle)
  if (Result.isFailure(bundle)) return `${where}: its caBundle does not parse: ${bundle.failure}`
  if (bundle.success.some((ca) => Tls.issuedBy(serving, ca))) return undefined
  return `${where}: its caBundle (${bundle.success.map(Tls.describe).join("; ")}) did not issue the serving certificate, which ${serving.issuer.replace(/\n/g, ", ")} issued`
}

/** The served certificate of each distinct loopback URL, checked against that webhook's caBundle. */
const servedProblems = (webhooks: ReadonlyArray<Webhook>, serving: X509Certificate) =>
  Effect.gen(function*() {
    const problems: Array<string> = []
    const notes: Array<string> = []
    const seen = new Set<string>()
    for (const w of webhooks) {
      const url = w.url === undefined ? null : URL.parse(w.url)
      if (url === null || w.caBundle === "") continue
      if (!Tls.isLoopback(url)) {
        notes.push(`${w.name}: ${url.host} is not a loopback address, so what it serves is not fetched from here`)
        continue
      }
      if (seen.has(`${url.host} ${w.caBundle}`)) continue
      seen.add(`${url.host} ${w.caBundle}`)
      const got = yield* Effect.result(Tls.served(url, w.caBundle))
      if (got._tag === "Failure") problems.push(`${w.name}: ${url.origin}: ${got.failure.message}`)
      else if (!got.success.authorized) problems.push(`${w.name}: ${url.origin} serves a certificate its caBundle does not accept: ${got.success.error ?? "unknown"}`)
      else if (got.success.certificate?.fingerprint256 !== serving.fingerprint256) notes.push(`${w.name}: ${url.origin} serves another certificate than the Secret's (a reload is pending)`)
      else notes.push(`${w.name}: ${url.origin} serves the Secret's certificate, which its caBundle accepts`)
    }
    return { problems, notes }
  })

const failureSummary = (bundles: number, urls: number): string =>
  bundles > 0
    ? `the caBundle of ${bundles === 1 ? "a webhook does" : `${bundles} webhooks do`} not trust the serving certificate of the webhook`
    : `the webhook URL does not serve a certificate its caBundle accepts${urls === 1 ? "" : ` (${urls} webhooks)`}`

const fix = (namespace: string) =>
  `the operator writes every caBundle from Secret ${namespace}/${Naming.webhook.secret} on each reconcile (it is back within seconds while the operator runs): ` +
  `if it stays wrong, another writer fights it (kubectl get mutatingwebhookconfiguration ${Naming.webhook.configuration} --show-managed-fields -o yaml names it); stop that writer and restart the operator`

const servingFix = (namespace: string) =>
  `the operator serves the certificate of Secret ${namespace}/${Naming.webhook.secret} and reloads it when it changes: ` +
  "a URL that does not answer the handshake has no running operator behind it (see the operator check above); restart the operator"

const readSecret = (namespace: string) =>
  Effect.gen(function*() {
    const kube = yield* KubeClient
    const got = yield* Effect.result(kube.get(ApiResource.Secret, Naming.webhook.secret, { namespace }))
    if (got._tag === "Failure") {
      if (got.failure.reason !== "NotFound") return Result.fail(Check.callFailed(title, `read Secret ${namespace}/${Naming.webhook.secret}`, got.failure))
      return Result.fail(Check.fail(title, `Secret ${namespace}/${Naming.webhook.secret} does not exist`, "the operator creates it when it starts: see the operator check above"))
    }
    const data = isRecord(got.success["data"]) ? got.success["data"] : {}
    const serving = Tls.parseBundle(decode(data[Naming.webhook.secretKeys.tlsCert]))
    const [first] = Result.isSuccess(serving) ? serving.success : []
    return first === undefined
      ? Result.fail(Check.fail(title, `Secret ${namespace}/${Naming.webhook.secret} has no readable ${Naming.webhook.secretKeys.tlsCert}`, `delete it and let the operator create a new one: kubectl -n ${namespace} delete secret ${Naming.webhook.secret}`))
      : Result.succeed(first)
  })

const configurations = Effect.gen(function*() {
  const kube = yield* KubeClient
  const read = (resource: ApiResource.ApiResource, name: string) =>
    kube.get(resource, name).pipe(Effect.map((o) => webhooksOf(o, resource.kind)), Effect.catchIf((e) => e.reason === "NotFound", () => Effect.succeed([])))
  const mutating = yield* read(ApiResource.MutatingWebhookConfiguration, Naming.webhook.configuration)
  const validating = yield* read(ApiResource.ValidatingWebhookConfiguration, Naming.webhook.validatingConfiguration)
  return [...mutating, ...validating]
})

export const step: Check.Step = {
  title,
  skipIf: Check.needsApi,
  run: (facts) =>
    Effect.gen(function*() {
      const secret = yield* readSecret(facts.namespace)
      if (Result.isFailure(secret)) return secret.failure
      const serving = secret.success
      const now = yield* Clock.currentTimeMillis
      if (serving.validToDate.getTime() <= now) return Check.fail(title, `the serving certificate expired on ${serving.validToDate.toISOString()}`, "restart the operator: it renews the certificate when it starts")
      const webhooks = yield* Effect.result(configurations)
      if (webhooks._tag === "Failure") return Check.callFailed(title, "read the webhook configurations", webhooks.failure)
      if (webhooks.success.length === 0) return Check.fail(title, "no webhook configuration to check", "the operator creates them: see the operator check above")
      const bundleProblems = webhooks.success.flatMap((w) => { const p = bundleProblem(w, serving); return p === undefined ? [] : [p] })
      const served = yield* servedProblems(webhooks.success, serving)
      const problems = [...bundleProblems, ...served.problems]
      if (problems.length > 0) {
        const how = bundleProblems.length > 0 ? fix(facts.namespace) : servingFix(facts.namespace)
        return Check.fail(title, failureSummary(bundleProblems.length, served.problems.length), how, [...problems, ...served.notes])
      }
      return Check.ok(title, `${webhooks.success.length} webhooks trust the CA that issued the serving certificate (${Tls.describe(serving)})`, served.notes)
    })
}

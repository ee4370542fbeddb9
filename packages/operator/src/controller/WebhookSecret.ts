/**
 * Who creates the webhook Secret: whoever needs it first (a replica starting its webhook
 * server, or the leader's reconcile), with a create that fails when the Secret already
 * exists — the first creator wins, the others read what it stored, and no replica ever
 * overwrites another's CA (D2). Later changes (renewal, CA replacement) are the leader's
 * alone, through the reconcile.
 */
import { Effect, Option } from "effect"
import { Naming } from "@whatap-operator/core"
import { ApiResource, KubeClient, type KubeObject } from "@whatap-operator/kube"
import type { WebhookEndpoint, WebhookTls } from "../render/Render.ts"
import * as WebhookPlumbing from "../render/WebhookPlumbing.ts"
import { ReconcileError } from "./ReconcileError.ts"
import * as Tls from "./WebhookTls.ts"

export const secretObject = (namespace: string, tls: WebhookTls): KubeObject.KubeObject => ({
  apiVersion: "v1",
  kind: "Secret",
  metadata: { name: Naming.webhook.secret, namespace },
  type: "Opaque",
  data: WebhookPlumbing.secretData(tls)
})

/** The stored Secret, created with fresh material when absent. */
export const obtain = Effect.fn("WebhookSecret.obtain")(function*(
  namespace: string,
  endpoint: WebhookEndpoint,
  validity: Tls.Validity
) {
  const kube = yield* KubeClient
  const read = kube.get(ApiResource.Secret, Naming.webhook.secret, { namespace })
  // only NotFound means "create it": an unreachable API server is an error, not an absent Secret
  const existing = yield* read.pipe(
    Effect.map(Option.some),
    Effect.catchTag("KubeError", (error) => (error.reason === "NotFound" ? Effect.succeed(Option.none()) : Effect.fail(error)))
  )
  if (existing._tag === "Some") return existing.value
  const material = yield* Tls.fresh({ namespace, endpoint, validity, trusted: () => false }).pipe(
    Effect.mapError((e) => new ReconcileError({ message: `cannot create the webhook certificates: ${e.message}` }))
  )
  return yield* kube.create(ApiResource.Secret, secretObject(namespace, material.tls), { namespace }).pipe(
    Effect.catchTag("KubeError", (error) => (error.reason === "AlreadyExists" ? read : Effect.fail(error)))
  )
})

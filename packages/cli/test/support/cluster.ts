/**
 * An in-process cluster for the live commands' unit tests: kube's memory API server
 * seeded with a healthy install (Established CRDs, the complete sample CR Ready, the
 * credentials Secret, a fresh Lease, the webhook plumbing the reconciler renders with
 * real certificates), plus what the memory server does not do itself: answering
 * SubjectAccessReviews and calling the pod webhook on a dry-run create (the webhook's
 * own `Inject.mutate`). Every part can be broken by a test.
 */
import { readFileSync } from "node:fs"
import { Crd, Decode, Naming, type WhatapAgent } from "@whatap-operator/core"
import { Certificates, Inject } from "@whatap-operator/injector"
import { ApiResource, KubeClient, type KubeObject, KubeMemory } from "@whatap-operator/kube"
import { Render } from "@whatap-operator/operator"
import { Context, Effect, Layer, Option, Redacted } from "effect"
import { parse } from "yaml"
import { Io } from "../../src/Io.ts"
import { repoRoot } from "./run.ts"

/** The world's clock: every timestamp of the seeded objects is this instant. */
export const now = Date.parse("2030-01-01T00:00:00Z")
export const namespace = Naming.defaultNamespace

export interface Faults {
  /** The API server answers dry-run pods without calling the webhook (failurePolicy Ignore after a failed call). */
  readonly webhookDown?: boolean
  /** Permissions (verb resource[/subresource]) the ServiceAccount lacks. */
  readonly denied?: ReadonlyArray<string>
}

const b64 = (text: string): string => Buffer.from(text, "utf8").toString("base64")

export const sampleAgent = (): Record<string, unknown> =>
  parse(readFileSync(`${repoRoot}deploy/samples/whatap-agent-complete.yaml`, "utf8")) as Record<string, unknown>

export const ready = (agent: Record<string, unknown>, generation = 1): KubeObject.KubeObject => ({
  ...(agent as unknown as KubeObject.KubeObject),
  metadata: { name: Naming.agentName, generation },
  status: { conditions: [{ type: "Ready", status: "True", reason: "Available", message: "all enabled components are ready", lastTransitionTime: new Date(now).toISOString(), observedGeneration: generation }] }
})

export const crds = (): ReadonlyArray<KubeObject.KubeObject> =>
  Crd.generateAll().map((crd) => ({ ...(crd as unknown as KubeObject.KubeObject), status: { conditions: [{ type: "Established", status: "True" }] } }))

const namespaceObject = (name: string, labels: Record<string, string> = {}): KubeObject.KubeObject =>
  ({ apiVersion: "v1", kind: "Namespace", metadata: { name, labels: { [Naming.labels.namespaceName]: name, ...labels } } })

export const lease = (renewTime: number, holder = "operator-a"): KubeObject.KubeObject => ({
  apiVersion: "coordination.k8s.io/v1", kind: "Lease",
  metadata: { name: Naming.leaderElectionLease, namespace },
  spec: { holderIdentity: holder, leaseDurationSeconds: 10, renewTime: new Date(renewTime).toISOString().replace("Z", "000Z") }
})

export const credentials: KubeObject.KubeObject = {
  apiVersion: "v1", kind: "Secret", metadata: { name: Naming.credentialsSecret, namespace },
  data: { WHATAP_LICENSE: b64("the-license-value-42"), WHATAP_HOST: b64("10.0.0.1"), WHATAP_PORT: b64("6600") }
}

/** A CA and the serving certificate it issued, as the operator keeps them. */
export const tls = (commonName = "whatap-webhook-ca") =>
  Effect.gen(function*() {
    const ca = yield* Certificates.generateCa({ commonName, now: new Date(now), keyAlgorithm: "ecdsa-p256" })
    const serving = yield* Certificates.issueServing(ca, { dnsNames: [`${Naming.webhook.service}.${namespace}.svc`], now: new Date(now), keyAlgorithm: "ecdsa-p256" })
    return { caCert: ca.cert, caKey: ca.key, tlsCert: serving.cert, tlsKey: serving.key } satisfies Render.WebhookTls
  })

/** The webhook plumbing (Service, Secret, both configurations) the reconciler renders for the agent. */
export const plumbing = (agent: WhatapAgent.WhatapAgent, certs: Render.WebhookTls): ReadonlyArray<KubeObject.KubeObject> =>
  Render.render({ agent, namespace, monitors: { podMonitors: [], serviceMonitors: [], staticEndpoints: [] }, webhook: { endpoint: { mode: "service" }, tls: certs } })
    .filter((d) => d.component === "webhook")
    .map((d) => d.object)

/** Everything a healthy install has. */
export const healthy = Effect.gen(function*() {
  const raw = ready(sampleAgent())
  const agent = Option.getOrThrow(Decode.as("WhatapAgent", raw).value)
  const certs = yield* tls()
  return [
    ...crds(),
    namespaceObject(namespace),
    namespaceObject("default"),
    namespaceObject("kube-system"),
    raw,
    credentials,
    lease(now),
    ...plumbing(agent, certs)
  ]
})

const permission = (review: KubeObject.KubeObject): string => {
  const spec = review["spec"] as { resourceAttributes: { verb: string; resource: string; subresource?: string } }
  const a = spec.resourceAttributes
  return `${a.verb} ${a.resource}${a.subresource === undefined ? "" : `/${a.subresource}`}`
}

/** What the API server does with a dry-run pod: admits it, through the webhook unless it is down. */
const admit = (base: KubeClient["Service"], pod: KubeObject.KubeObject, faults: Faults) =>
  Effect.gen(function*() {
    const created = { ...pod, metadata: { ...pod.metadata, name: `${pod.metadata.generateName ?? ""}x7k2q` } }
    if (faults.webhookDown === true) return created
    const stored = yield* base.get(ApiResource.WhatapAgent, Naming.agentName).pipe(Effect.option)
    const agent = Option.flatMap(stored, (o) => Decode.as("WhatapAgent", o).value)
    const ns = yield* base.get(ApiResource.Namespace, pod.metadata.namespace ?? "")
    const context: Inject.Context = {
      agent: Option.getOrUndefined(agent),
      namespace: { name: ns.metadata.name ?? "", labels: ns.metadata.labels ?? {} },
      operatorNamespace: namespace,
      credentials: { license: Redacted.make(""), host: "", port: "" }
    }
    return Inject.mutate(created, context).pod as KubeObject.KubeObject
  })

/** The memory API server with `objects`, SubjectAccessReviews and the pod webhook. */
export const layer = (objects: Effect.Effect<ReadonlyArray<KubeObject.KubeObject>, unknown>, faults: Faults = {}): Layer.Layer<KubeClient | KubeMemory> =>
  Layer.effectContext(Effect.gen(function*() {
    const base = yield* KubeClient
    const memory = yield* KubeMemory
    yield* memory.seed(yield* Effect.orDie(objects))
    const client = KubeClient.of({
      ...base,
      create: (resource, object, options) => {
        if (resource.plural === "subjectaccessreviews") return Effect.succeed({ ...object, status: { allowed: !(faults.denied ?? []).includes(permission(object)) } })
        if (resource.plural === "pods" && options?.dryRun === true) return admit(base, object, faults)
        return base.create(resource, object, options)
      }
    })
    return Context.make(KubeClient, client).pipe(Context.add(KubeMemory, memory))
  })).pipe(Layer.provide(KubeClient.layerMemory))

/** An Io that keeps what is written. */
export const recordingIo = () => {
  const out: Array<string> = []
  const err: Array<string> = []
  const layer = Layer.succeed(Io, Io.of({
    out: (text) => Effect.sync(() => void out.push(text)),
    err: (text) => Effect.sync(() => void err.push(text)),
    readFile: () => Effect.succeed(""),
    readStdin: Effect.succeed("")
  }))
  return { out, err, layer }
}

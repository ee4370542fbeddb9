/**
 * APM injection through the real kube-apiserver: the operator's webhook (served by the
 * operator process on loopback, registered by URL) mutates a bare pod and the pods a
 * Deployment's controller creates; system namespaces are untouched; with the webhook
 * frozen pods are still created and the miss shows in the status and an Event, by name; a system namespace opts in
 * with a label; certificate renewal and
 * a CA replacement under a pod-creation load fail no admission; a pod in a namespace that
 * enforces the "restricted" Pod Security level is still admitted once injected; two replicas serve
 * certificates of one CA; a warning-only resource is accepted and kubectl prints the
 * warning.
 */
import { execFile } from "node:child_process"
import { connect } from "node:tls"
import { X509Certificate } from "node:crypto"
import { join } from "node:path"
import { assert, type Vitest } from "@effect/vitest"
import { Duration, Effect, Schedule } from "effect"
import { Naming } from "@whatap-operator/core"
import { ApiResource, KubeClient, type KubeObject } from "@whatap-operator/kube"
import { ControlPlane } from "../../src/ControlPlane.ts"
import * as Cluster from "./Cluster.ts"
import { waitReady } from "./lifecycle.ts"
import type * as SuiteTypes from "./Suite.ts"
import { certificateFlags, condition, eventually, read, Suite } from "./Suite.ts"

type It = Vitest.MethodsNonLive<SuiteTypes.Services>

const shop = "e2e-shop"
const open = "e2e-open"

const targets = [
  { name: "shop-java", enabled: true, language: "java", whatapApmVersions: { java: "2.2.58" }, namespaceSelector: { matchNames: [shop] }, podSelector: { matchLabels: { app: "cart" } } },
  { name: "anywhere-python", enabled: true, language: "python", podSelector: { matchLabels: { app: "py" } } }
]

const pod = (name: string, namespace: string, labels: Record<string, string>): KubeObject.KubeObject => ({
  apiVersion: "v1", kind: "Pod", metadata: { name, namespace, labels },
  spec: { containers: [{ name: "app", image: "example.com/app:1", env: [{ name: "A", value: "1" }] }] }
} as KubeObject.KubeObject)

const annotation = (object: KubeObject.KubeObject, key: string) => object.metadata.annotations?.[key]

const injected = (object: KubeObject.KubeObject) => annotation(object, Naming.apmAnnotations.injected) === "true"

/** Drops the opt-in label from kube-public again. */
const dropOptIn = (kube: KubeClient["Service"]) =>
  kube.patch(ApiResource.Namespace, "kube-public", { type: "merge", body: { metadata: { labels: { [Naming.systemNamespaceOptIn.label]: null } } } })

const ensureNamespace = (name: string, labels: Record<string, string> = {}) =>
  Effect.flatMap(Effect.service(KubeClient), (kube) =>
    kube.create(ApiResource.Namespace, { apiVersion: "v1", kind: "Namespace", metadata: { name, labels } }).pipe(
      Effect.catchTag("KubeError", (e) => (e.reason === "AlreadyExists" ? Effect.void : Effect.fail(e))), Effect.asVoid))

/** Namespaces are cluster-scoped: the spec that last uses one deletes it. */
const deleteNamespace = (name: string) =>
  Effect.flatMap(Effect.service(KubeClient), (kube) => Effect.ignore(kube.delete(ApiResource.Namespace, name)))

const createPod = (object: KubeObject.KubeObject) =>
  Effect.flatMap(Effect.service(KubeClient), (kube) => kube.create(ApiResource.Pod, object, { namespace: object.metadata.namespace }))

const deletePod = (name: string, namespace: string) =>
  Effect.flatMap(Effect.service(KubeClient), (kube) => kube.delete(ApiResource.Pod, name, { namespace }).pipe(Effect.ignore))

/** The certificate a webhook server presents on 127.0.0.1:port. */
const servedCertificate = (port: number) =>
  Effect.callback<X509Certificate, Error>((resume) => {
    const socket = connect({ host: "127.0.0.1", port, rejectUnauthorized: false }, () => {
      const peer = socket.getPeerX509Certificate()
      socket.end()
      resume(peer === undefined ? Effect.fail(new Error("no certificate")) : Effect.succeed(peer))
    })
    socket.once("error", (error) => resume(Effect.fail(error)))
  })

const trustedCas = Effect.map(read(ApiResource.Secret, Naming.webhook.secret, Naming.defaultNamespace), (secret) => {
  const bundle = Buffer.from((secret["data"] as Record<string, string>)[Naming.webhook.secretKeys.caBundle] ?? "", "base64").toString("utf8")
  return [...bundle.matchAll(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g)].map((m) => new X509Certificate(m[0]))
})

const kubectl = (args: ReadonlyArray<string>, input: string) =>
  Effect.flatMap(Effect.service(ControlPlane), (plane) =>
    Effect.callback<{ code: number; stdout: string; stderr: string }>((resume) => {
      const child = execFile(join(plane.binDir, "kubectl"), ["--kubeconfig", plane.kubeconfigPath, ...args], (error, stdout, stderr) =>
        resume(Effect.succeed({ code: error === null ? 0 : typeof error.code === "number" ? error.code : 1, stdout, stderr })))
      child.stdin?.end(input)
    }))

export const webhookSpecs = (it: It) => {
  it.effect("a bare pod and a Deployment's pods are injected through the API server; system namespaces are not", () =>
    Effect.gen(function*() {
      const kube = yield* KubeClient
      yield* Effect.forEach([shop, open], (name) => ensureNamespace(name))
      yield* Cluster.mergePatchAgent({ spec: { features: { apm: { instrumentation: { enabled: true, targets } } } } })
      yield* waitReady
      const attempt: Effect.Effect<KubeObject.KubeObject, unknown, KubeClient> = Effect.flatMap(
        Effect.sync(() => `cart-${Date.now()}`),
        (name) => createPod(pod(name, shop, { app: "cart" }))
      )
      const bare = yield* eventually(Effect.filterOrFail(attempt, injected, (p) => new Error(`not injected: ${JSON.stringify(p.metadata.annotations)}`)), "30 seconds")
      const spec = bare["spec"] as { initContainers?: ReadonlyArray<{ name: string; image: string }>; containers: ReadonlyArray<{ env?: ReadonlyArray<{ name: string; value?: string }> }> }
      assert.deepStrictEqual(spec.initContainers?.map((c) => [c.name, c.image]), [["whatap-agent-init", "public.ecr.aws/whatap/apm-init-java:2.2.58"]])
      assert.deepStrictEqual(spec.containers[0]?.env?.slice(0, 3).map((e) => e.name), ["A", "JAVA_TOOL_OPTIONS", "WHATAP_JAVA_AGENT_PATH"])
      assert.strictEqual(annotation(bare, Naming.apmAnnotations.version), "2.2.58")
      // A Deployment: the controller-manager creates the pods, the API server calls the webhook for each.
      yield* kube.create(ApiResource.Deployment, {
        apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "py", namespace: open },
        spec: { replicas: 2, selector: { matchLabels: { app: "py" } }, template: { metadata: { labels: { app: "py" } }, spec: { containers: [{ name: "app", image: "example.com/py:1" }] } } }
      } as KubeObject.KubeObject, { namespace: open })
      const pods = yield* eventually(Effect.filterOrFail(
        Effect.map(kube.list(ApiResource.Pod, { namespace: open, labelSelector: "app=py" }), (l) => l.items),
        (items) => items.length === 2,
        (items) => new Error(`${items.length} pods`)
      ), "60 seconds")
      for (const p of pods) assert.strictEqual(annotation(p, Naming.apmAnnotations.language), "python", JSON.stringify(p.metadata.annotations))
      // kube-system is outside the webhook's namespaceSelector (D6): the same labels, no mutation.
      const system = yield* createPod(pod(`py-${Date.now()}`, "kube-system", { app: "py" }))
      assert.isUndefined(annotation(system, Naming.apmAnnotations.injected))
      yield* deletePod(system.metadata.name ?? "", "kube-system")
      yield* kube.delete(ApiResource.Deployment, "py", { namespace: open })
    }).pipe(Effect.ensuring(deleteNamespace(open))), 120_000)

  it.effect("a system namespace labelled monitoring.whatap.com/apm-injection=enabled opts back in; without the label it stays out", () =>
    Effect.gen(function*() {
      const kube = yield* KubeClient
      const system = "kube-public"
      yield* Cluster.mergePatchAgent({ spec: { features: { apm: { instrumentation: { enabled: true, targets } } } } })
      const label = (value: string | null) =>
        kube.patch(ApiResource.Namespace, system, { type: "merge", body: { metadata: { labels: { [Naming.systemNamespaceOptIn.label]: value } } } })
      const plain = yield* createPod(pod(`py-${Date.now()}`, system, { app: "py" }))
      assert.isUndefined(annotation(plain, Naming.apmAnnotations.injected))
      yield* deletePod(plain.metadata.name ?? "", system)
      yield* label(Naming.systemNamespaceOptIn.value)
      // the webhook reads namespace labels from its watch cache: retry until the label has arrived
      const opted = yield* eventually(Effect.filterOrFail(Effect.suspend(() => createPod(pod(`py-${Date.now()}`, system, { app: "py" }))), injected,
        (p) => new Error(`not injected: ${JSON.stringify(p.metadata.annotations)}`)), "30 seconds")
      assert.strictEqual(annotation(opted, Naming.apmAnnotations.language), "python")
      yield* deletePod(opted.metadata.name ?? "", system)
    }).pipe(Effect.ensuring(Effect.flatMap(Effect.service(KubeClient), (kube) =>
      Effect.ignore(dropOptIn(kube))))), 120_000)

  it.effect("in a namespace enforcing the restricted Pod Security level, an injected pod is admitted", () =>
    Effect.gen(function*() {
      const restricted = "e2e-restricted"
      yield* ensureNamespace(restricted, { "pod-security.kubernetes.io/enforce": "restricted" })
      yield* Cluster.mergePatchAgent({ spec: { features: { apm: { instrumentation: { enabled: true, targets } } } } })
      const fits = { runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] }, seccompProfile: { type: "RuntimeDefault" } }
      const compliant = (name: string, app: string, init?: unknown): KubeObject.KubeObject => {
        const base = pod(name, restricted, { app }) as unknown as { spec: { containers: Array<Record<string, unknown>> } }
        const spec = { ...base.spec, containers: base.spec.containers.map((c) => ({ ...c, securityContext: fits })), ...(init === undefined ? {} : { initContainers: [init] }) }
        return { ...base, spec } as unknown as KubeObject.KubeObject
      }
      // The control: the Go operator's init container (runAsNonRoot only) is refused here, so the level is enforced.
      const goInit = { name: "whatap-agent-init", image: "public.ecr.aws/whatap/apm-init-python:latest", securityContext: { runAsNonRoot: true } }
      const refused = yield* Effect.flip(createPod(compliant(`control-${Date.now()}`, "control", goInit)))
      const why = refused instanceof Error ? refused.message : JSON.stringify(refused)
      assert.match(why, /violates PodSecurity "restricted/, why)
      const made = yield* eventually(Effect.filterOrFail(Effect.suspend(() => createPod(compliant(`py-${Date.now()}`, "py"))), injected, (p) => new Error(`not injected: ${JSON.stringify(p.metadata.annotations)}`)), "30 seconds")
      const init = (made["spec"] as { initContainers?: ReadonlyArray<{ name: string; securityContext?: unknown }> }).initContainers
      assert.deepStrictEqual(init?.map((c) => [c.name, c.securityContext]), [["whatap-agent-init", { capabilities: { drop: ["ALL"] }, runAsNonRoot: true, allowPrivilegeEscalation: false, seccompProfile: { type: "RuntimeDefault" } }]])
    }).pipe(Effect.ensuring(deleteNamespace("e2e-restricted"))), 120_000)

  it.effect("with the webhook away pods are still created, and the miss shows in the status", () =>
    Effect.gen(function*() {
      const suite = yield* Suite
      yield* suite.primary.signal("SIGSTOP")
      const missed = yield* createPod(pod(`missed-${Date.now()}`, shop, { app: "cart" })).pipe(Effect.ensuring(suite.primary.signal("SIGCONT")))
      assert.isFalse(injected(missed))
      const agent = yield* eventually(Effect.filterOrFail(Cluster.agent, (a) => condition(a, "InstrumentationReady")?.reason === "PodsMissed", (a) => new Error(JSON.stringify(a["status"]))), "60 seconds")
      assert.isAtLeast(((agent["status"] as { instrumentation?: { missedPods?: number } }).instrumentation?.missedPods ?? 0), 1)
      // B4: the condition and a Warning Event name the pod
      const named = `${shop}/${missed.metadata.name ?? ""}`
      assert.include(String(condition(agent, "InstrumentationReady")?.message), named)
      const kube = yield* KubeClient
      yield* eventually(Effect.filterOrFail(
        Effect.map(kube.list(ApiResource.Event, { namespace: "default", fieldSelector: `involvedObject.name=${Naming.agentName},reason=PodsMissed` }), (l) => l.items.map((e) => String(e["message"]))),
        (messages) => messages.some((m) => m.includes(named)),
        (messages) => new Error(`no PodsMissed Event naming ${named}: ${JSON.stringify(messages)}`)
      ), "30 seconds")
      yield* deletePod(missed.metadata.name ?? "", shop)
      yield* eventually(Effect.filterOrFail(Cluster.agent, (a) => condition(a, "InstrumentationReady")?.status === "True", (a) => new Error(JSON.stringify(condition(a, "InstrumentationReady")))), "60 seconds")
    }), 120_000)

  it.effect("serving certificate renewals and a CA replacement under a pod-creation load fail no admission", () =>
    Effect.gen(function*() {
      const kube = yield* KubeClient
      // Events come back ordered by their (random) names: tell the new ones by name, not by position.
      const issued = Effect.map(kube.list(ApiResource.Event, { namespace: "default", fieldSelector: `involvedObject.name=${Naming.agentName},reason=CertificateIssued` }),
        (l) => l.items.map((e) => ({ name: e.metadata.name ?? "", message: String(e["message"]) })))
      const seen = Effect.map(issued, (events) => events.map((e) => e.message))
      const before = new Set((yield* issued).map((e) => e.name))
      let created = 0
      const failures: Array<string> = []
      const one = Effect.gen(function*() {
        const name = `load-${created++}`
        const made = yield* createPod(pod(name, shop, { app: "cart" }))
        if (!injected(made)) failures.push(name)
        yield* deletePod(name, shop)
      })
      // Until the log shows a CA replacement finished (renewals happen every 40 s on the way).
      yield* one.pipe(
        Effect.repeat(Schedule.spaced("250 millis").pipe(Schedule.while(() => true))),
        Effect.raceFirst(eventually(Effect.filterOrFail(seen, (messages) => messages.some((m) => m.startsWith("Switched")), () => new Error("no CA replacement yet")), "300 seconds")),
        Effect.timeout(Duration.seconds(320))
      )
      const messages = (yield* issued).filter((e) => !before.has(e.name)).map((e) => e.message)
      assert.isTrue(messages.some((m) => m.startsWith("Switched")), messages.join("\n"))
      assert.isAbove(created, 50)
      assert.deepStrictEqual(failures, [], `${failures.length} of ${created} pods were admitted without injection`)
    }).pipe(Effect.ensuring(deleteNamespace(shop))), 360_000)

  it.effect("two replicas serve certificates of the one CA in the Secret", () =>
    Effect.gen(function*() {
      const suite = yield* Suite
      const b = yield* suite.start("operator-webhook-b", { extraArgs: certificateFlags })
      yield* b.waitReady()
      const cas = yield* trustedCas
      for (const port of [suite.primary.webhookPort, b.webhookPort]) {
        const served = yield* servedCertificate(port)
        assert.isTrue(cas.some((ca) => served.checkIssued(ca) && served.verify(ca.publicKey)), `port ${port}: ${served.issuer}`)
      }
    }), 60_000)

  it.effect("a resource with only warnings is accepted and kubectl prints the warning", () =>
    Effect.gen(function*() {
      const other = { apiVersion: "monitoring.whatap.com/v2alpha1", kind: "WhatapAgent", metadata: { name: "not-whatap" }, spec: { features: {} } }
      const result = yield* kubectl(["apply", "--dry-run=server", "-f", "-"], JSON.stringify(other))
      assert.strictEqual(result.code, 0, result.stderr)
      assert.match(result.stderr, /Warning: .*whatap/)
    }), 60_000)
}

/**
 * A mutating admission webhook served by the test process over HTTPS, registered with
 * `url` + `caBundle` (as envtest does), is called by the API server on pod create and its
 * JSONPatch takes effect. This is the path the operator's injector takes in e2e tests.
 */
import { createServer, type Server } from "node:https"
import type { AddressInfo } from "node:net"
import { AdmissionregistrationV1Api, CoreV1Api, type V1MutatingWebhookConfiguration } from "@kubernetes/client-node"
import { afterAll, assert, describe, it } from "vitest"
import { eventually, suffix, type TargetSource, useNamespace, type WebhookTls } from "./Target.ts"

const MUTATED_LABEL = "e2e.whatap.io/mutated"

interface Review {
  readonly request?: { readonly uid?: string; readonly kind?: { readonly kind?: string } }
}

/** Answers every AdmissionReview with a patch that adds MUTATED_LABEL. */
const serve = (tls: WebhookTls, calls: Array<string>) =>
  new Promise<Server>((resolve) => {
    const server = createServer({ cert: tls.cert, key: tls.key }, (req, res) => {
      let body = ""
      req.setEncoding("utf8").on("data", (chunk: string) => (body += chunk))
      req.on("end", () => {
        const review: Review = JSON.parse(body)
        calls.push(review.request?.kind?.kind ?? "?")
        const patch = [{ op: "add", path: `/metadata/labels/${MUTATED_LABEL.replace("/", "~1")}`, value: "true" }]
        res.setHeader("content-type", "application/json")
        res.end(JSON.stringify({
          apiVersion: "admission.k8s.io/v1",
          kind: "AdmissionReview",
          response: {
            uid: review.request?.uid ?? "",
            allowed: true,
            patchType: "JSONPatch",
            patch: Buffer.from(JSON.stringify(patch)).toString("base64")
          }
        }))
      })
    })
    server.listen(0, tls.host, () => resolve(server))
  })

const configuration = (name: string, url: string, caBundle: string, namespace: string): V1MutatingWebhookConfiguration => ({
  metadata: { name },
  webhooks: [{
    name: "pods.e2e.whatap.io",
    clientConfig: { url, caBundle: Buffer.from(caBundle).toString("base64") },
    rules: [{ apiGroups: [""], apiVersions: ["v1"], operations: ["CREATE"], resources: ["pods"] }],
    // Only this spec's namespace, so a broken webhook cannot break the other specs.
    namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": namespace } },
    admissionReviewVersions: ["v1"],
    sideEffects: "None",
    failurePolicy: "Fail",
    timeoutSeconds: 5
  }]
})

export const webhookSpecs = (source: TargetSource) =>
  describe("mutating webhook", () => {
    const namespace = useNamespace(source, "webhook")
    const name = `e2e-${suffix()}`
    let server: Server | undefined

    afterAll(async () => {
      await source().kubeConfig.makeApiClient(AdmissionregistrationV1Api)
        .deleteMutatingWebhookConfiguration({ name })
        .catch(() => undefined)
      server?.close()
    })

    it("is called on pod create and its patch takes effect", async (ctx) => {
      const target = source()
      if (target.webhook === undefined) return ctx.skip("the API server cannot reach this process")
      const calls: Array<string> = []
      server = await serve(target.webhook, calls)
      const { port } = server.address() as AddressInfo
      await target.kubeConfig.makeApiClient(AdmissionregistrationV1Api).createMutatingWebhookConfiguration({
        body: configuration(name, `https://${target.webhook.host}:${port}/mutate`, target.webhook.caBundle, namespace())
      })
      const core = target.kubeConfig.makeApiClient(CoreV1Api)
      let attempt = 0
      // The API server picks up new webhook configurations asynchronously: retry the create.
      const pod = await eventually(async () => {
        const created = await core.createNamespacedPod({
          namespace: namespace(),
          body: {
            metadata: { name: `mutated-${attempt++}`, labels: { app: "webhook" } },
            spec: { containers: [{ name: "pause", image: "registry.k8s.io/pause:3.10" }] }
          }
        })
        assert.strictEqual(created.metadata?.labels?.[MUTATED_LABEL], "true")
        return created
      }, "30 seconds")
      assert.strictEqual(pod.metadata?.labels?.app, "webhook")
      assert.include(calls, "Pod")
    })
  })

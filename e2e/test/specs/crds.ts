/**
 * The generated CRDs against a real API server: they install and become Established, and the
 * server agrees with core's decoder on every sample and fixture. Accepted samples are stored
 * exactly as `Decode.resource` predicts (defaults filled, unknown fields pruned); the documents
 * the Go operator's CRDs reject are rejected here too, and the validator reports them as errors.
 */
import { join } from "node:path"
import { CustomObjectsApi, type KubernetesObject } from "@kubernetes/client-node"
import { Decode, Finding, Resource, Validate } from "@whatap-operator/core"
import { Effect, Option } from "effect"
import { afterAll, assert, beforeAll, describe, it } from "vitest"
import * as Manifests from "../../src/Manifests.ts"
import { suffix, type TargetSource, useNamespace } from "./Target.ts"

const fixturesDir = join(Manifests.repoRoot, "packages", "core", "test", "fixtures")

type Document = Manifests.Document

const documents = (dir: string, pattern: RegExp): ReadonlyArray<Document> =>
  Manifests.documentsIn(dir, (file) => pattern.test(file))

/** A unique name (cluster-scoped agents would otherwise overwrite each other) in `namespace`. */
const placed = (doc: Document, namespace: string): KubernetesObject => {
  const scoped = doc.object.kind !== "WhatapAgent"
  const metadata = { name: `${doc.object.metadata?.name ?? "x"}-${suffix()}`, ...(scoped ? { namespace } : {}) }
  return { ...doc.object, metadata }
}

const applyOne = (kubeConfig: Parameters<typeof Manifests.apply>[0], object: KubernetesObject) =>
  Effect.runPromise(Manifests.applyEach(kubeConfig, [object])).then((outcomes) => outcomes[0])

export const crdSpecs = (source: TargetSource) =>
  describe("CRDs", () => {
    const namespace = useNamespace(source, "crds")
    // WhatapAgents are cluster-scoped: deleting the namespace does not take them along.
    const agents: Array<string> = []
    const place = (doc: Document): KubernetesObject => {
      const object = placed(doc, namespace())
      if (object.kind === "WhatapAgent") agents.push(object.metadata?.name ?? "")
      return object
    }
    afterAll(async () => {
      const api = source().kubeConfig.makeApiClient(CustomObjectsApi)
      const { group, version } = Resource
      const plural = Resource.byKind.WhatapAgent.plural
      // Rejected documents were never stored: NotFound is expected for them.
      await Promise.all(agents.map((name) => api.deleteClusterCustomObject({ group, version, plural, name }).catch(() => undefined)))
    })

    beforeAll(async () => {
      const { kubeConfig } = source()
      const crds = await Effect.runPromise(Manifests.crds)
      await Effect.runPromise(Manifests.apply(kubeConfig, crds))
      await Effect.runPromise(Manifests.waitEstablished(kubeConfig, crds.map((o) => o.metadata?.name ?? "")))
    })

    it("installs all four generated CRDs with their schemas intact (defaults, enums, x-kubernetes-*)", async () => {
      const crds = await Effect.runPromise(Manifests.crds)
      const api = source().kubeConfig.makeApiClient(CustomObjectsApi)
      const installed = await Promise.all(crds.map((crd) =>
        api.getClusterCustomObject({
          group: "apiextensions.k8s.io",
          version: "v1",
          plural: "customresourcedefinitions",
          name: crd.metadata?.name ?? ""
        })
      ))
      assert.deepStrictEqual(installed.map((c: unknown) => Reflect.get(Object(Reflect.get(Object(c), "metadata")), "name")), [
        "whatapagents.monitoring.whatap.com",
        "whatappodmonitors.monitoring.whatap.com",
        "whatapservicemonitors.monitoring.whatap.com",
        "whatapstaticendpoints.monitoring.whatap.com"
      ])
      const versions = (c: unknown): unknown => Reflect.get(Object(Reflect.get(Object(c), "spec")), "versions")
      assert.deepStrictEqual(installed.map(versions), crds.map(versions))
    })

    const samples = documents(Manifests.samplesDir, /\.ya?ml$/)
    const rejected = documents(fixturesDir, /^rejected-.*\.ya?ml$/)
    // it.each over an empty list registers no test at all: a moved directory must fail.
    it("finds the samples and the rejected fixtures it checks", () => {
      assert.isAbove(samples.length, 0, `no samples in ${Manifests.samplesDir}`)
      assert.isAbove(rejected.length, 0, `no rejected-*.yaml in ${fixturesDir}`)
    })

    it.each(samples.map((d) => [`${d.file} (${d.object.kind})`, d] as const))(
      "stores sample %s exactly as the decoder predicts",
      async (_, doc) => {
        const object = place(doc)
        const outcome = await applyOne(source().kubeConfig, object)
        assert.isUndefined(outcome?.error, `the API server rejected ${doc.file}: ${outcome?.error}`)
        const decoded = Decode.resource(object)
        assert.deepStrictEqual(decoded.findings, [])
        const predicted = Option.getOrUndefined(Option.map(decoded.value, Decode.encode))
        assert.deepStrictEqual(Reflect.get(Object(outcome?.object), "spec"), Reflect.get(Object(predicted), "spec"))
      }
    )

    it.each(rejected.map((d) => [d.file, d] as const))(
      "rejects %s like the Go operator's CRD, and the validator reports an error",
      async (_, doc) => {
        const outcome = await applyOne(source().kubeConfig, place(doc))
        assert.isDefined(outcome?.error, `the API server accepted ${doc.file}`)
        assert.isTrue(Finding.hasErrors(Validate.resource(doc.object)), `the validator accepted ${doc.file}`)
      }
    )

    it("drops exactly the fields the decoder warns about on create; server-side apply rejects them", async () => {
      const [doc] = documents(fixturesDir, /^pruned-fields\.yaml$/)
      assert.isDefined(doc)
      if (doc === undefined) return
      const object = place(doc)
      const decoded = Decode.resource(object)
      assert.isTrue(decoded.findings.length > 0 && decoded.findings.every((f) => f.severity === "warning"))
      const applied = await applyOne(source().kubeConfig, object)
      assert.isDefined(applied?.error, "server-side apply accepted unknown fields")
      const api = source().kubeConfig.makeApiClient(CustomObjectsApi)
      const [group = "", version = ""] = (object.apiVersion ?? "").split("/")
      const created: unknown = await api.createClusterCustomObject({ group, version, plural: "whatapagents", body: object })
      assert.deepStrictEqual(Reflect.get(Object(created), "spec"), Reflect.get(Object(Option.getOrUndefined(decoded.value)), "spec"))
    })
  })

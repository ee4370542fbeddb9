/**
 * Core's decoder against the real kube-apiserver, differentially: hundreds of seeded
 * variants of the samples and the fixtures (wrong types, enum misses, pattern and format
 * violations, missing required fields, unknown fields, nulls, integer edges, duplicate
 * list-map keys) go to the API server as dry-run creates, and variants of a status as
 * dry-run status updates. The server must accept exactly the documents `Decode.resource`
 * finds no error in, and store what `Decode.encode` of the decoded value predicts. Every
 * disagreement is listed with its base document and mutations, which reproduce it.
 */
import { isDeepStrictEqual } from "node:util"
import { join } from "node:path"
import { layer } from "@effect/vitest"
import { Decode, Finding, Resource } from "@whatap-operator/core"
import { ApiResource, KubeClient, type KubeObject } from "@whatap-operator/kube"
import { Effect, Layer, Option } from "effect"
import { assert, beforeAll, describe } from "vitest"
import * as Manifests from "../../src/Manifests.ts"
import { kubeClientLayer, suffix, type TargetSource, useNamespace } from "./Target.ts"
import * as Variants from "./Variants.ts"

/** Change the seed to explore other variants; a disagreement names the seed it came from. */
const seed = 20260501
const variantsPerDocument = 25
const statusVariants = { WhatapAgent: 100, WhatapPodMonitor: 20 }
/** Requests in flight: enough to keep the API server busy, few enough for a 2-core machine. */
const inFlight = 8

const fixturesDir = join(Manifests.repoRoot, "packages", "core", "test", "fixtures")

interface Case {
  /** `file#document vN`, or `status:Kind vN`. */
  readonly id: string
  readonly mode: "create" | "status"
  readonly resource: ApiResource.ApiResource
  readonly object: KubeObject.KubeObject
  readonly mutations: ReadonlyArray<Variants.Mutation>
}

interface Verdict {
  readonly accepted: boolean
  readonly stored: unknown
  readonly message: string
}

const resources: { readonly [K in Resource.Kind]: ApiResource.ApiResource } = {
  WhatapAgent: ApiResource.WhatapAgent,
  WhatapPodMonitor: ApiResource.WhatapPodMonitor,
  WhatapServiceMonitor: ApiResource.WhatapServiceMonitor,
  WhatapStaticEndpoint: ApiResource.WhatapStaticEndpoint
}

interface Placed {
  readonly kind: Resource.Kind
  readonly object: KubeObject.KubeObject
}

/**
 * The document as a WhaTap object named `name`, sent to the endpoint of its kind whatever
 * its apiVersion says; undefined when no WhaTap endpoint can take it (an unknown kind).
 */
const placed = (doc: unknown, name: string, namespace: string): Placed | undefined => {
  if (!Variants.isRecord(doc)) return undefined
  const { apiVersion, kind } = doc
  if (typeof apiVersion !== "string" || !Resource.isKind(kind)) return undefined
  const scoped = Resource.byKind[kind].scope === "Namespaced"
  return { kind, object: { ...doc, apiVersion, kind, metadata: { name, ...(scoped ? { namespace } : {}) } } }
}

/** A mutated document keeps its identity (mutations stay under spec/status or add a top-level key). */
const asObject = (base: KubeObject.KubeObject, document: unknown): KubeObject.KubeObject =>
  Variants.isRecord(document) ? { ...document, apiVersion: base.apiVersion, kind: base.kind, metadata: base.metadata } : base

/** Every sample and fixture document, with the ones no endpoint can take listed apart. */
const baseDocuments = (namespace: string) => {
  const documents = [
    ...Manifests.documentsIn(Manifests.samplesDir, () => true),
    ...Manifests.documentsIn(fixturesDir, () => true)
  ]
  const named = documents.map((d, i) => {
    const nth = documents.slice(0, i).filter((o) => o.file === d.file).length
    return { id: `${d.file}#${nth}`, placed: placed(d.object, `e2e-diff-${i}`, namespace) }
  })
  return {
    usable: named.flatMap((d) => (d.placed === undefined ? [] : [{ id: d.id, ...d.placed }])),
    skipped: named.filter((d) => d.placed === undefined).map((d) => d.id)
  }
}

const createCases = (namespace: string, rnd: Variants.Random): ReadonlyArray<Case> =>
  baseDocuments(namespace).usable.flatMap((base) => {
    const root = Variants.schemaOf(base.kind)
    const resource = resources[base.kind]
    const original: Case = { id: `${base.id} v0`, mode: "create", resource, object: base.object, mutations: [] }
    return [original, ...Array.from({ length: variantsPerDocument }, (_, v): Case => {
      const variant = Variants.variant(base.object, root, "spec", rnd)
      return { id: `${base.id} v${v + 1}`, mode: "create", resource, object: asObject(base.object, variant.document), mutations: variant.mutations }
    })]
  })

/** A status the operator could have written: every field the WhatapAgent status has. */
const agentStatus = {
  observedGeneration: 1,
  conditions: [
    { type: "Ready", status: "True", reason: "Available", message: "All components are ready", lastTransitionTime: "2026-01-01T00:00:00Z", observedGeneration: 1 },
    { type: "GpuMonitoringReady", status: "False", reason: "Disabled", message: "", lastTransitionTime: "2026-01-01T00:00:00Z" }
  ],
  instrumentation: { matchedPods: 3, injectedPods: 2, missedPods: 1 }
}

const statusCases = (stored: Placed, status: unknown, count: number, rnd: Variants.Random): ReadonlyArray<Case> => {
  const root = Variants.schemaOf(stored.kind)
  const base: KubeObject.KubeObject = { ...stored.object, status }
  const resource = resources[stored.kind]
  const original: Case = { id: `status:${stored.kind} v0`, mode: "status", resource, object: base, mutations: [] }
  return [original, ...Array.from({ length: count }, (_, v): Case => {
    const variant = Variants.variant(base, root, "status", rnd)
    return { id: `status:${stored.kind} v${v + 1}`, mode: "status", resource, object: asObject(base, variant.document), mutations: variant.mutations }
  })]
}

/** What the API server does with the case, without storing anything. */
const send = (c: Case) =>
  Effect.gen(function*() {
    const kube = yield* KubeClient
    const write = c.mode === "create"
      ? kube.create(c.resource, c.object, { dryRun: true, namespace: c.object.metadata.namespace })
      : kube.update(c.resource, c.object, { dryRun: true, subresource: "status" })
    return yield* write.pipe(
      Effect.map((stored): Verdict => ({ accepted: true, stored, message: "" })),
      // Only a verdict on the document counts; anything else (a timeout, a 5xx) fails the spec.
      Effect.catchTag("KubeError", (e) =>
        e.reason === "Invalid" || e.reason === "BadRequest"
          ? Effect.succeed<Verdict>({ accepted: false, stored: undefined, message: e.message })
          : Effect.fail(e))
    )
  })

const at = (u: unknown, key: string): unknown => (Variants.isRecord(u) ? u[key] : undefined)

const show = (path: string, u: unknown): string =>
  /license/i.test(path) ? "<license>" : u === undefined ? "absent" : JSON.stringify(u).slice(0, 120)

/** The first path where `server` and `decoder` differ, with both values. */
const firstDifference = (server: unknown, decoder: unknown, path: string): string | undefined => {
  if (isDeepStrictEqual(server, decoder)) return undefined
  if (Variants.isRecord(server) && Variants.isRecord(decoder)) {
    const keys = [...new Set([...Object.keys(server), ...Object.keys(decoder)])].sort()
    for (const key of keys) {
      const difference = firstDifference(server[key], decoder[key], `${path}.${key}`)
      if (difference !== undefined) return difference
    }
  }
  if (Array.isArray(server) && Array.isArray(decoder) && server.length === decoder.length) {
    for (const [i, item] of server.entries()) {
      const difference = firstDifference(item, decoder[i], `${path}[${i}]`)
      if (difference !== undefined) return difference
    }
  }
  return `${path}: the server stores ${show(path, server)}, the decoder predicts ${show(path, decoder)}`
}

/** A disagreement between the server's verdict and the decoder's, or undefined. */
const judge = (c: Case, verdict: Verdict): string | undefined => {
  const decoded = Decode.resource(c.object)
  const errors = decoded.findings.filter((f) => f.severity === "error")
  const head = `${c.id} [${c.mutations.map(Variants.describeMutation).join("; ") || "unmutated"}]`
  if (verdict.accepted && errors.length > 0) {
    return `${head}: the API server accepts it; the decoder reports ${errors.map((f) => `${Finding.formatPath(f.path)}: ${f.message}`).join("; ")}`
  }
  if (!verdict.accepted) return errors.length === 0 ? `${head}: the decoder accepts it; the API server rejects it: ${verdict.message}` : undefined
  const area = c.mode === "create" ? "spec" : "status"
  // Without a spec the server stores none, and the decoder gives the Go zero value (what the
  // Go operator's reconciler reads): the one documented difference, with its own warning.
  const noSpec = area === "spec" && (at(c.object, "spec") === undefined || at(c.object, "spec") === null)
  if (noSpec) return at(verdict.stored, "spec") === undefined && decoded.findings.some((f) => f.message.startsWith("no spec")) ? undefined : `${head}: no spec, stored ${JSON.stringify(at(verdict.stored, "spec"))}`
  const predicted = Option.getOrUndefined(Option.map(decoded.value, Decode.encode))
  const difference = firstDifference(at(verdict.stored, area), at(predicted, area), area)
  return difference === undefined ? undefined : `${head}: ${difference}`
}

/** The counts of the run, printed with the result so a reader sees what was covered. */
const summary = (cases: ReadonlyArray<Case>, verdicts: ReadonlyArray<Verdict>, disagreements: ReadonlyArray<string>) => {
  const ops = new Map<string, number>()
  for (const m of cases.flatMap((c) => c.mutations)) ops.set(m.op, (ops.get(m.op) ?? 0) + 1)
  const accepted = verdicts.filter((v) => v.accepted).length
  const modes = (mode: Case["mode"]) => cases.filter((c) => c.mode === mode).length
  return [
    `[e2e] differential (seed ${seed}): ${cases.length} documents (${modes("create")} creates, ${modes("status")} status updates), ` +
    `${accepted} accepted, ${verdicts.length - accepted} rejected, ${disagreements.length} disagreements`,
    `[e2e] mutations: ${[...ops.entries()].sort().map(([op, n]) => `${op} ${n}`).join(", ")}`,
    ...disagreements.map((d) => `  ${d}`)
  ].join("\n")
}

/** A stored object made from a sample, whose status the status variants update (the caller removes it). */
const stored = (file: string, name: string, namespace: string) =>
  Effect.gen(function*() {
    const [doc] = Manifests.documentsIn(Manifests.samplesDir, (f) => f === file)
    const sample = placed(doc?.object, name, namespace)
    if (sample === undefined) return yield* Effect.die(`sample ${file} is not a WhaTap object`)
    const kube = yield* KubeClient
    const object = yield* kube.create(resources[sample.kind], sample.object, { namespace: sample.object.metadata.namespace })
    return { kind: sample.kind, object }
  })

const removeAgent = (name: string) =>
  Effect.flatMap(Effect.service(KubeClient), (kube) => Effect.ignore(kube.delete(ApiResource.WhatapAgent, name)))

export const differentialSpecs = (source: TargetSource) =>
  describe("decoder vs API server (differential)", () => {
    const namespace = useNamespace(source, "diff")

    beforeAll(async () => {
      const { kubeConfig } = source()
      const crds = await Effect.runPromise(Manifests.crds)
      await Effect.runPromise(Manifests.apply(kubeConfig, crds))
      await Effect.runPromise(Manifests.waitEstablished(kubeConfig, crds.map((o) => o.metadata?.name ?? "")))
    })

    layer(Layer.suspend(() => kubeClientLayer(source())), { excludeTestServices: true })((it) => {
      it.effect("the API server accepts exactly what the decoder accepts, and stores what it predicts", () => {
        const agentName = `e2e-diff-status-${suffix()}`
        return Effect.gen(function*() {
          const rnd = Variants.random(seed)
          const { skipped } = baseDocuments(namespace())
          const agent = yield* stored("whatap-agent-basic.yaml", agentName, namespace())
          const monitor = yield* stored("whatap-pod-monitor.yaml", "e2e-diff-status", namespace())
          const cases = [
            ...createCases(namespace(), rnd),
            ...statusCases(agent, agentStatus, statusVariants.WhatapAgent, rnd),
            ...statusCases(monitor, {}, statusVariants.WhatapPodMonitor, rnd)
          ]
          const verdicts = yield* Effect.forEach(cases, send, { concurrency: inFlight })
          const disagreements = cases.flatMap((c, i) => {
            const verdict = verdicts[i]
            const disagreement = verdict === undefined ? `${c.id}: no verdict` : judge(c, verdict)
            return disagreement === undefined ? [] : [disagreement]
          })
          const report = summary(cases, verdicts, disagreements)
          console.log(report)
          // The run must cover what it claims: the fixtures, every mutation, both verdicts.
          assert.isTrue(cases.some((c) => c.id.startsWith("invalid-types.yaml")), "invalid-types.yaml was not sent")
          // Only a document no WhaTap endpoint takes (an unknown kind) is left out; the
          // loader already drops documents without apiVersion or kind.
          assert.deepStrictEqual(skipped, ["invalid-identity.yaml#1"])
          assert.isAtLeast(cases.filter((c) => c.mode === "create" && c.mutations.length > 0).length, 500)
          const used = new Set(cases.flatMap((c) => c.mutations.map((m) => m.op)))
          assert.deepStrictEqual(Variants.operations.filter((op) => !used.has(op)), [])
          assert.isAbove(verdicts.filter((v) => v.accepted).length, 100)
          assert.isAbove(verdicts.filter((v) => !v.accepted).length, 100)
          assert.deepStrictEqual(disagreements, [], report)
        }).pipe(Effect.ensuring(removeAgent(agentName)))
      }, 120_000)
    })
  })

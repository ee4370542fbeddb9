/**
 * Admin-side helpers of the operator specs: the sample CR with a license the logs must
 * never show, applying and patching it, reading the objects the operator owns, counting
 * the operator's writes in the audit log.
 */
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { parseAllDocuments } from "yaml"
import { Effect } from "effect"
import { Naming } from "@whatap-operator/core"
import { ApiResource, KubeClient, type KubeObject } from "@whatap-operator/kube"
import * as Audit from "../../src/Audit.ts"
import { ControlPlane } from "../../src/ControlPlane.ts"
import * as Manifests from "../../src/Manifests.ts"
import * as Rbac from "./Rbac.ts"
import { namespace, operatorUser } from "./Suite.ts"

/** Never printed by the operator: the log, Event and status checks look for it. */
export const license = "e2e-LICENSE-9f3a7c1d5b"

const sample = (file: string): KubeObject.KubeObject => {
  const [object] = Manifests.loadFiles(Manifests.samplesDir, (f) => f === file)
  if (object === undefined) throw new Error(`sample ${file} not found`)
  return object as unknown as KubeObject.KubeObject
}

/** deploy/samples/whatap-agent-all-options.yaml with a literal license. */
export const allOptions = (): KubeObject.KubeObject => {
  const object = sample("whatap-agent-all-options.yaml")
  const spec = object["spec"] as Record<string, unknown>
  return { ...object, spec: { ...spec, license } }
}

export const apply = (object: KubeObject.KubeObject, resource: ApiResource.ApiResource, manager = "e2e") =>
  Effect.flatMap(Effect.service(KubeClient), (kube) =>
    kube.apply(resource, object, { force: true, fieldManager: manager, namespace: object.metadata.namespace }))

export const agent = Effect.flatMap(Effect.service(KubeClient), (kube) => kube.get(ApiResource.WhatapAgent, Naming.agentName))

export const mergePatchAgent = (body: unknown) =>
  Effect.flatMap(Effect.service(KubeClient), (kube) => kube.patch(ApiResource.WhatapAgent, Naming.agentName, { type: "merge", body }))

/** The objects of spec 4 the operator owns for the CR, as `Kind namespace/name`, sorted. */
export const owned = Effect.gen(function*() {
  const kube = yield* KubeClient
  const namespaced = [ApiResource.Deployment, ApiResource.DaemonSet, ApiResource.Service, ApiResource.ConfigMap, ApiResource.Secret, ApiResource.ServiceAccount]
  const cluster = [ApiResource.ClusterRole, ApiResource.ClusterRoleBinding, ApiResource.MutatingWebhookConfiguration, ApiResource.ValidatingWebhookConfiguration]
  const lists = yield* Effect.forEach([...namespaced, ...cluster], (resource) =>
    Effect.map(kube.list(resource, resource.namespaced ? { namespace } : {}), (list) => list.items))
  return lists.flat()
    .filter((o) => o.metadata.ownerReferences?.some((r) => r.kind === "WhatapAgent" && r.controller === true) === true)
    .map((o) => `${o.kind} ${o.metadata.namespace === undefined ? "" : `${o.metadata.namespace}/`}${o.metadata.name}`)
    .sort()
})

/**
 * The operator's writes (create/update/patch/delete) since `since`, as `verb resource/name`.
 * Lease renewals of leader election are not counted: they are the heartbeat, not a reconcile.
 */
export const operatorWrites = (since: Date) =>
  Effect.gen(function*() {
    const plane = yield* ControlPlane
    yield* Audit.flush(plane.auditLogPath, plane.kubeConfig)
    const events = yield* Audit.events(plane.auditLogPath, { since, user: operatorUser })
    return Audit.writes(events).filter((e) => e.objectRef?.resource !== "leases").map((e) =>
      `${e.verb} ${e.objectRef?.resource ?? ""}${e.objectRef?.subresource === undefined ? "" : `/${e.objectRef.subresource}`} ${e.objectRef?.namespace ?? ""}/${e.objectRef?.name ?? ""}`)
  })

export const repoFile = (...parts: ReadonlyArray<string>) => join(Manifests.repoRoot, ...parts)

/** The operator's RBAC rules as installed by the suite: deploy/operator/rbac.yaml and the rollout restart's. */
export const operatorRules = (): ReadonlyArray<Rbac.Rule> =>
  ["rbac.yaml", "rollout-restart-rbac.yaml"].flatMap((file) =>
    Rbac.rulesOf(parseAllDocuments(readFileSync(repoFile("deploy", "operator", file), "utf8")).map((d) => d.toJS())))

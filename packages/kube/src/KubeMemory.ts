/**
 * The test-side handle of `KubeClient.layerMemory`, the in-process API server: seed
 * objects, read every call the code under test made (`writes` is what an audit log would
 * count, so "a no-op pass makes zero writes" is one assertion), inject failures, look at
 * the whole store, and compact the watch history to force a relist.
 */
import { Context, type Effect } from "effect"
import type { ApiResource } from "./ApiResource.ts"
import type { Reason } from "./KubeError.ts"
import type { KubeObject } from "./KubeObject.ts"

export type Verb = "get" | "list" | "watch" | "create" | "update" | "patch" | "apply" | "delete"

export const writeVerbs: ReadonlyArray<Verb> = ["create", "update", "patch", "apply", "delete"]

/** One call of the client, as the API server's audit log would record it. */
export interface Call {
  readonly verb: Verb
  /** `deployments.apps`, `pods`: ApiResource.qualifiedName. */
  readonly resource: string
  readonly namespace?: string | undefined
  readonly name?: string | undefined
  readonly subresource?: string | undefined
  /** The field manager of a write. */
  readonly fieldManager?: string | undefined
  readonly dryRun?: boolean | undefined
}

/** Make matching calls fail before they reach the store. */
export interface Fault {
  /** Absent: any verb. */
  readonly verb?: Verb | undefined
  /** Absent: any resource. */
  readonly resource?: ApiResource | undefined
  /** Absent: any object. */
  readonly name?: string | undefined
  readonly reason: Reason
  /** How many matching calls fail (default 1). */
  readonly times?: number | undefined
  readonly message?: string | undefined
}

export interface Shape {
  /**
   * Stores objects as if created (uid, creationTimestamp, resourceVersion, generation
   * filled in when absent; managedFields kept as given). Not logged as calls; watchers see
   * ADDED. The resource comes from `ApiResource.forObject`; an unknown kind is a defect.
   */
  readonly seed: (objects: ReadonlyArray<KubeObject>) => Effect.Effect<void>
  /** Every call so far, reads included, in order. */
  readonly calls: Effect.Effect<ReadonlyArray<Call>>
  /** The calls that write (create, update, patch, apply, delete), failed ones included. */
  readonly writes: Effect.Effect<ReadonlyArray<Call>>
  /** Forgets the calls so far: what comes after is what a test counts. */
  readonly clearCalls: Effect.Effect<void>
  readonly failNext: (fault: Fault) => Effect.Effect<void>
  /** All stored objects (of one resource when given), ordered by resource, namespace, name. */
  readonly snapshot: (resource?: ApiResource) => Effect.Effect<ReadonlyArray<KubeObject>>
  /** The current resourceVersion of the store. */
  readonly resourceVersion: Effect.Effect<string>
  /** Drops the watch history, like an etcd compaction: a watch from an older version fails with Gone. */
  readonly compact: Effect.Effect<void>
}

export class KubeMemory extends Context.Service<KubeMemory, Shape>()("@whatap-operator/kube/KubeMemory") {}

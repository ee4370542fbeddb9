/**
 * The one port to the Kubernetes API server. Objects go in and come out as raw JSON
 * (`KubeObject`); `@kubernetes/client-node` is used by the live layer for kubeconfig and
 * authentication only. Two layers with the same semantics: `layer` (a real API server,
 * from a kubeconfig or the in-cluster config) and `layerMemory` (an in-process store for
 * unit tests: resourceVersions, 409 on a stale update, server-side apply with field
 * ownership, watches).
 */
import { Context, Effect, Layer, type Stream } from "effect"
import type { ApiResource } from "./ApiResource.ts"
import type { KubeError } from "./KubeError.ts"
import { KubeMemory } from "./KubeMemory.ts"
import type { KubeObject, ObjectList } from "./KubeObject.ts"
import * as Live from "./internal/live.ts"
import * as Memory from "./internal/memory.ts"

/** The field manager of every write the operator makes. */
export const fieldManager = "whatap-operator"

export interface ReadOptions {
  readonly namespace?: string | undefined
}

export interface ListOptions {
  /** Absent on a namespaced resource: all namespaces. */
  readonly namespace?: string | undefined
  readonly labelSelector?: string | undefined
  readonly fieldSelector?: string | undefined
  /** Items as PartialObjectMetadata (apiVersion, kind, metadata only). */
  readonly metadataOnly?: boolean | undefined
  /** Page size; the client follows `continue` until the list is complete. */
  readonly limit?: number | undefined
  /** `""` (default): a consistent read from etcd; `"0"`: any cached version. */
  readonly resourceVersion?: string | undefined
}

export interface WatchOptions extends Omit<ListOptions, "limit"> {
  /** Where the watch starts; the resourceVersion of the list it follows. */
  readonly resourceVersion: string
  /** Ask for BOOKMARK events (default true). */
  readonly allowWatchBookmarks?: boolean | undefined
  /** Server-side timeout of this watch call. */
  readonly timeoutSeconds?: number | undefined
}

export type WatchEvent =
  | { readonly type: "ADDED" | "MODIFIED" | "DELETED"; readonly object: KubeObject }
  | { readonly type: "BOOKMARK"; readonly resourceVersion: string }

export interface WriteOptions {
  readonly namespace?: string | undefined
  readonly subresource?: string | undefined
  readonly dryRun?: boolean | undefined
  readonly fieldManager?: string | undefined
}

export interface ApplyOptions extends WriteOptions {
  /** Take over fields another manager owns (the controller's own intent wins). */
  readonly force: boolean
}

export type JsonPatchOperation =
  | { readonly op: "add" | "replace" | "test"; readonly path: string; readonly value: unknown }
  | { readonly op: "remove"; readonly path: string }
  | { readonly op: "move" | "copy"; readonly from: string; readonly path: string }

export type Patch =
  | { readonly type: "merge"; readonly body: unknown }
  | { readonly type: "json"; readonly body: ReadonlyArray<JsonPatchOperation> }
  | { readonly type: "strategic"; readonly body: unknown }

export interface DeleteOptions {
  readonly namespace?: string | undefined
  readonly propagationPolicy?: "Foreground" | "Background" | "Orphan" | undefined
  readonly preconditions?: { readonly uid?: string; readonly resourceVersion?: string } | undefined
}

export interface Shape {
  /** Fails with reason NotFound when absent. */
  readonly get: (resource: ApiResource, name: string, options?: ReadOptions) => Effect.Effect<KubeObject, KubeError>
  readonly list: (resource: ApiResource, options?: ListOptions) => Effect.Effect<ObjectList, KubeError>
  /** POST; `object.metadata.namespace` is used when `options.namespace` is absent. */
  readonly create: (resource: ApiResource, object: KubeObject, options?: WriteOptions) => Effect.Effect<KubeObject, KubeError>
  /** PUT with the object's resourceVersion; reason Conflict when it is stale. */
  readonly update: (resource: ApiResource, object: KubeObject, options?: WriteOptions) => Effect.Effect<KubeObject, KubeError>
  /** Server-side apply (PATCH application/apply-patch+yaml) as `options.fieldManager` (default `fieldManager`). */
  readonly apply: (resource: ApiResource, object: KubeObject, options: ApplyOptions) => Effect.Effect<KubeObject, KubeError>
  readonly patch: (
    resource: ApiResource,
    name: string,
    patch: Patch,
    options?: WriteOptions
  ) => Effect.Effect<KubeObject, KubeError>
  /** Reason NotFound when already gone. */
  readonly delete: (resource: ApiResource, name: string, options?: DeleteOptions) => Effect.Effect<void, KubeError>
  /**
   * One watch call: the events until the server ends the call (its timeout) or the
   * connection breaks (a KubeError). Reason Gone when `resourceVersion` is too old.
   * Restarting, relisting and backoff are `Informer`'s job.
   */
  readonly watch: (resource: ApiResource, options: WatchOptions) => Stream.Stream<WatchEvent, KubeError>
}

export class KubeClient extends Context.Service<KubeClient, Shape>()("@whatap-operator/kube/KubeClient") {
  /** A real API server; `kubeconfig` absent: $KUBECONFIG, ~/.kube/config, then the in-cluster config. */
  static readonly layer = (options: Live.Options = {}) => Layer.effect(KubeClient, Live.make(options))
  /** An in-process API server for unit tests, with `KubeMemory` to seed objects, count writes and inject faults. */
  static readonly layerMemory: Layer.Layer<KubeClient | KubeMemory> = Layer.effectContext(
    Effect.map(Memory.make({ fieldManager }), ({ client, control }) =>
      Context.make(KubeClient, client).pipe(Context.add(KubeMemory, control)))
  )
}

/**
 * What this process wrote most recently, per object, until the informer cache has caught
 * up. A reconcile that runs between a write and its watch event would otherwise read the
 * stale cached object, conclude the write is still needed and make it again: a redundant
 * write that the "zero writes when nothing changed" contract forbids. An entry is dropped
 * as soon as the informer reports the same or a newer version of the object (`observe`),
 * including its deletion, and after a short TTL.
 */
import { Clock, Effect, Option } from "effect"
import type { ApiResource, KubeObject } from "@whatap-operator/kube"

const ttlMillis = 60_000

type Entry =
  | { readonly kind: "object"; readonly object: KubeObject.KubeObject; readonly atMillis: number }
  | { readonly kind: "deleted"; readonly resourceVersion: string | undefined; readonly atMillis: number }

export const keyOf = (resource: ApiResource.ApiResource, namespace: string | undefined, name: string): string =>
  `${resource.group}/${resource.plural}/${namespace ?? ""}/${name}`

/** Kubernetes resourceVersions are opaque; in practice etcd revisions. Unknown formats compare as "not newer". */
const revision = (rv: string | undefined): bigint | undefined => (rv !== undefined && /^\d+$/.test(rv) ? BigInt(rv) : undefined)

const newer = (a: string | undefined, b: string | undefined): boolean => {
  const x = revision(a)
  const y = revision(b)
  return x !== undefined && y !== undefined && x > y
}

export interface Written {
  readonly put: (resource: ApiResource.ApiResource, object: KubeObject.KubeObject) => Effect.Effect<void>
  readonly deleted: (resource: ApiResource.ApiResource, namespace: string | undefined, name: string, resourceVersion: string | undefined) => Effect.Effect<void>
  /** An informer change: the cache has caught up with every write up to this version. */
  readonly observe: (resource: ApiResource.ApiResource, object: KubeObject.KubeObject) => Effect.Effect<void>
  /** The fresher of the cached object and the last write. */
  readonly read: (
    resource: ApiResource.ApiResource,
    namespace: string | undefined,
    name: string,
    cached: Option.Option<KubeObject.KubeObject>
  ) => Effect.Effect<Option.Option<KubeObject.KubeObject>>
}

export const make = (): Written => {
  const entries = new Map<string, Entry>()
  const read: Written["read"] = (resource, namespace, name, cached) =>
    Effect.map(Clock.currentTimeMillis, (now) => {
      const key = keyOf(resource, namespace, name)
      const entry = entries.get(key)
      if (entry === undefined) return cached
      if (now - entry.atMillis > ttlMillis) {
        entries.delete(key)
        return cached
      }
      const cachedRv = Option.getOrUndefined(cached)?.metadata.resourceVersion
      if (entry.kind === "deleted") {
        // Gone from the cache, or recreated since (a newer version than the deleted one): the cache is right.
        if (Option.isNone(cached) || newer(cachedRv, entry.resourceVersion)) {
          entries.delete(key)
          return cached
        }
        return Option.none()
      }
      if (Option.isSome(cached) && !newer(entry.object.metadata.resourceVersion, cachedRv)) {
        entries.delete(key)
        return cached
      }
      return Option.some(entry.object)
    })
  return {
    put: (resource, object) =>
      Effect.map(Clock.currentTimeMillis, (now) => {
        entries.set(keyOf(resource, object.metadata.namespace, object.metadata.name ?? ""), { kind: "object", object, atMillis: now })
      }),
    observe: (resource, object) =>
      Effect.sync(() => {
        const key = keyOf(resource, resource.namespaced ? object.metadata.namespace : undefined, object.metadata.name ?? "")
        const entry = entries.get(key)
        if (entry === undefined) return
        const written = entry.kind === "object" ? entry.object.metadata.resourceVersion : entry.resourceVersion
        if (!newer(written, object.metadata.resourceVersion)) entries.delete(key)
      }),
    deleted: (resource, namespace, name, resourceVersion) =>
      Effect.map(Clock.currentTimeMillis, (now) => {
        entries.set(keyOf(resource, namespace, name), { kind: "deleted", resourceVersion, atMillis: now })
      }),
    read
  }
}

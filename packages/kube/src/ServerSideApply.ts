/**
 * Pure server-side-apply helpers: the reconciler asks `upToDate(desired, live, manager)`
 * before every apply and skips the PATCH when it is true, so a pass over unchanged
 * objects makes zero writes. True iff
 * 1. everything `desired` sets is in `live` with an equal value (live may hold more:
 *    defaults, other managers' fields; lists and maps merged as `MergeKeys` says;
 *    quantities by amount), and
 * 2. every field `manager` owns in live (its `Apply` entry of `metadata.managedFields`,
 *    main resource) is still set in `desired`; a field we applied before and no longer
 *    want is only removed by applying again.
 *
 * Identity and bookkeeping metadata of the intent (resourceVersion, uid, managedFields,
 * ...) is not compared; a `status` in the intent is compared like any other field.
 *
 * `fieldsOf` computes the field set an applied object claims (what the API server puts
 * into `managedFields`); `diff` tells which path made `upToDate` false, for logs (paths
 * only, never values: an intent may hold secret data).
 */
import { Option } from "effect"
import type { KubeObject, ManagedFieldsEntry } from "./KubeObject.ts"
import * as FieldSet from "./internal/ssa/fieldSet.ts"
import * as Owned from "./internal/ssa/owned.ts"
import * as Subset from "./internal/ssa/subset.ts"

export type FieldsV1 = FieldSet.FieldsV1
export type Difference = Subset.Difference

/** The managedFields entry of `manager`'s applies to the main resource, when there is one. */
export const managedEntry = (object: KubeObject, manager: string): ManagedFieldsEntry | undefined =>
  object.metadata.managedFields?.find((entry) =>
    entry.manager === manager && entry.operation === "Apply" && (entry.subresource ?? "") === ""
  )

/** The fields `manager` owns through server-side apply (main resource); `{}` when none. */
export const ownedFields = (object: KubeObject, manager: string): FieldsV1 =>
  FieldSet.decode(managedEntry(object, manager)?.fieldsV1)

/** The `fieldsV1` set an applied object claims, by structured-merge-diff's rules. */
export const fieldsOf = (object: KubeObject): FieldsV1 => FieldSet.fromSet(FieldSet.pathsOf(object))

const intentOf = (desired: KubeObject): KubeObject => ({
  ...desired,
  metadata: Object.fromEntries(
    Object.entries(desired.metadata).filter(([k]) => k === "name" || k === "namespace" || !FieldSet.unmanagedMetadata.includes(k))
  )
})

/**
 * The first reason an apply of `desired` is needed, or none. Without `manager` only
 * condition 1 (desired ⊆ live) is checked.
 */
export const diff = (desired: KubeObject, live: KubeObject, manager?: string): Option.Option<Difference> => {
  const intent = intentOf(desired)
  const differs = Subset.firstDifference(intent, live, Subset.root(desired.kind))
  if (differs !== undefined) return Option.some(differs)
  if (manager === undefined) return Option.none()
  const owned = ownedFields(live, manager)
  return Option.fromUndefinedOr(Owned.firstUnowned(owned, intent, Owned.root(desired.kind)))
}

/** True when applying `desired` as `manager` would change nothing: skip the write. */
export const upToDate = (desired: KubeObject, live: KubeObject, manager: string): boolean =>
  Option.isNone(diff(desired, live, manager))

/** `diff` as one line for a log message: `spec.replicas changed`. */
export const describe = (difference: Difference): string => `${difference.path} ${difference.reason}`

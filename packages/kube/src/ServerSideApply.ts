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

/**
 * The `managedFields` that hand the fields of `from`'s client-side writes (their `Update`
 * entries of the main resource) to `to`'s `Apply` entry, as client-go's `csaupgrade`
 * does when a controller moves to server-side apply; undefined when there is nothing to
 * hand over, or `to` has applied the object already (the hand-over happens once). Applying
 * as `to` afterwards removes what `from` wrote and `to` no longer wants, where otherwise
 * the two managers would share those fields and they would stay forever.
 *
 * @example
 * ```ts
 * import { ServerSideApply } from "@whatap-operator/kube"
 *
 * const live = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c", managedFields: [
 *   { manager: "manager", operation: "Update", apiVersion: "v1", time: "2026-01-01T00:00:00Z", fieldsType: "FieldsV1", fieldsV1: { "f:data": { "f:a": {} } } }
 * ] }, data: { a: "1" } }
 * ServerSideApply.takeOver(live, ["manager"], "whatap-operator")?.map((e) => `${e.manager} ${e.operation}`) // => ["whatap-operator Apply"]
 * ```
 */
export const takeOver = (
  object: KubeObject,
  from: ReadonlyArray<string>,
  to: string
): ReadonlyArray<ManagedFieldsEntry> | undefined => {
  const entries = object.metadata.managedFields ?? []
  const handed = (e: ManagedFieldsEntry) => from.includes(e.manager ?? "") && (e.operation ?? "Update") === "Update" && (e.subresource ?? "") === ""
  const moving = entries.filter(handed)
  if (moving.length === 0 || managedEntry(object, to) !== undefined) return undefined
  const fields = new Set<string>()
  for (const entry of moving) for (const path of FieldSet.toSet(FieldSet.decode(entry.fieldsV1))) fields.add(path)
  const latest = moving.map((e) => e.time ?? "").sort().at(-1) ?? ""
  const applied: ManagedFieldsEntry = {
    manager: to,
    operation: "Apply",
    apiVersion: object.apiVersion,
    ...(latest === "" ? {} : { time: latest }),
    fieldsType: "FieldsV1",
    fieldsV1: FieldSet.fromSet(fields)
  }
  return [...entries.filter((e) => !handed(e)), applied]
}

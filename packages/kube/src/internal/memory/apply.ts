/**
 * Server-side apply with field ownership, as structured-merge-diff does it, on one object:
 * 1. the applied configuration claims a field set (`fieldsOf`);
 * 2. fields this manager applied before, no longer applies, and nobody else owns are removed;
 * 3. the configuration is merged into the object (MergeKeys decides how);
 * 4. a field another manager owns whose value the merge changed is a conflict: refused
 *    (409) unless `force`, which moves the field to this manager;
 * 5. this manager's Apply entry becomes exactly the claimed set.
 * Quantities are compared by amount but stored as written (no canonical form).
 */
import { Result } from "effect"
import * as MergeKeys from "../../MergeKeys.ts"
import type { KubeObject } from "../../KubeObject.ts"
import * as FieldSet from "../ssa/fieldSet.ts"
import { equal, isRecord } from "../ssa/json.ts"
import * as P from "../ssa/path.ts"
import * as Quantity from "../ssa/quantity.ts"
import type { ApplyConflict } from "./errors.ts"
import * as Managed from "./managed.ts"
import { merge, removePaths, withoutNulls } from "./merge.ts"

export interface Applier {
  readonly manager: string
  readonly force: boolean
  /** `""` for the main resource, `"status"` for the status subresource. */
  readonly subresource: string
  readonly time: string
  /** Whether the kind has a status subresource (main-resource applies then leave status alone). */
  readonly statusSubresource: boolean
}

const managedMetadata = (metadata: unknown): Record<string, unknown> =>
  isRecord(metadata)
    ? Object.fromEntries(Object.entries(metadata).filter(([k]) => !FieldSet.unmanagedMetadata.includes(k)))
    : {}

/** The part of an applied object this apply may change: metadata intent, and status or everything but status. */
export const intentOf = (applied: KubeObject, applier: Applier): Record<string, unknown> => {
  const { apiVersion, kind, metadata, status, ...rest } = applied
  const body = applier.subresource === "status"
    ? { status }
    : { metadata: managedMetadata(metadata), ...rest, ...(applier.statusSubresource ? {} : { status }) }
  const clean = withoutNulls(body)
  return { apiVersion, kind, ...(isRecord(clean) ? clean : {}) }
}

const same = (kind: string, path: P.Path, a: unknown, b: unknown): boolean =>
  MergeKeys.isQuantity(kind, P.schemaPath(path)) ? Quantity.equal(a, b) : equal(a, b)

const conflictsOf = (
  kind: string,
  claimed: ReadonlySet<string>,
  others: ReadonlyArray<Managed.Entry>,
  before: unknown,
  after: unknown
): ReadonlyArray<ApplyConflict & { readonly encoded: string }> => {
  const parents = Managed.parentsIn(claimed)
  return [...claimed].filter((p) => !parents.has(p)).flatMap((encoded) => {
    const path = FieldSet.decodePath(encoded)
    if (same(kind, path, P.valueAt(kind, before, path), P.valueAt(kind, after, path))) return []
    return others.filter((o) => o.fields.has(encoded)).map((o) => ({
      manager: o.manager,
      apiVersion: o.apiVersion,
      path: P.formatServer(path),
      encoded
    }))
  })
}

export interface Applied {
  /** The merged object with its new managedFields (not yet checked as a KubeObject). */
  readonly object: Record<string, unknown>
}

/** Apply `applied` to the live object (`undefined`: it does not exist yet). */
export const apply = (
  live: KubeObject | undefined,
  applied: KubeObject,
  applier: Applier
): Result.Result<Applied, ReadonlyArray<ApplyConflict>> => {
  const kind = applied.kind
  const intent = intentOf(applied, applier)
  const claimed = FieldSet.pathsOf(intent)
  const entries = Managed.decode(live?.metadata.managedFields)
  const own = entries.find((e) => Managed.isEntryOf(e, applier.manager, "Apply", applier.subresource))
  const others = entries.filter((e) => e !== own)
  const ownedByOthers = Managed.prefixesOf(others.map((o) => o.fields))
  const dropped = [...(own?.fields ?? [])].filter((p) => !claimed.has(p) && !ownedByOthers.has(p))
  const keep = (p: string) => ownedByOthers.has(p) || claimed.has(p)
  const base = live === undefined ? {} : removePaths(kind, live, dropped, keep)
  const merged = merge(kind, [], base, intent)
  const conflicts = conflictsOf(kind, claimed, others, live, merged)
  if (conflicts.length > 0 && !applier.force) return Result.fail(conflicts)
  const taken = new Set(conflicts.map((c) => c.encoded))
  const mine: Managed.Entry = {
    manager: applier.manager,
    operation: "Apply",
    subresource: applier.subresource,
    apiVersion: applied.apiVersion,
    time: applier.time,
    fields: claimed
  }
  const next = [...others.map((o) => ({ ...o, fields: new Set([...o.fields].filter((p) => !taken.has(p))) })), mine]
  return Result.succeed({ object: withEntries(kind, isRecord(merged) ? merged : {}, next) })
}

const withEntries = (kind: string, object: Record<string, unknown>, entries: ReadonlyArray<Managed.Entry>): Record<string, unknown> => {
  const existing = entries.map((e) => ({
    ...e,
    fields: new Set([...e.fields].filter((p) => P.valueAt(kind, object, FieldSet.decodePath(p)) !== undefined))
  }))
  const metadata = isRecord(object.metadata) ? object.metadata : {}
  return { ...object, metadata: { ...metadata, managedFields: Managed.encode(existing) } }
}

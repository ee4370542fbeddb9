/**
 * Building stored objects: the edge check that turns computed JSON back into a
 * `KubeObject`, the metadata the server owns (uid, creationTimestamp, generation,
 * resourceVersion), and what a client may not set through the main resource.
 */
import { Option, Schema } from "effect"
import { type KubeObject, KubeObjectSchema, type ObjectMeta } from "../../KubeObject.ts"
import { canonical, isRecord, omit } from "../ssa/json.ts"

const decode = Schema.decodeUnknownOption(KubeObjectSchema)

/** Computed JSON as an object; none when it lost `apiVersion`, `kind` or `metadata` (a patch can do that). */
export const toObject = (u: unknown): Option.Option<KubeObject> => decode(u)

/** Seconds-precision RFC 3339, as the API server writes timestamps. */
export const timestamp = (millis: number): string => new Date(millis).toISOString().replace(/\.\d{3}Z$/, "Z")

/** Metadata only the server sets; a client's values are ignored. */
export const serverMetadata: ReadonlyArray<string> = [
  "uid", "resourceVersion", "generation", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "selfLink"
]

export const withMetadata = (object: KubeObject, metadata: ObjectMeta): KubeObject => ({ ...object, metadata })

/** Everything outside metadata and status: what `generation` counts. */
export const specOf = (object: KubeObject): string => canonical(omit(object, ["metadata", "status"]))

/** Whether two versions differ in anything but resourceVersion and managedFields timestamps. */
export const sameContent = (a: KubeObject, b: KubeObject): boolean => canonical(comparable(a)) === canonical(comparable(b))

const comparable = (object: KubeObject): unknown => ({
  ...object,
  metadata: {
    ...omit(object.metadata, ["resourceVersion"]),
    managedFields: (object.metadata.managedFields ?? []).map((e) => (isRecord(e) ? omit(e, ["time"]) : e))
  }
})

const alphabet = "bcdfghjklmnpqrstvwxz2456789"

/** The five-character suffix of a `generateName`, counted instead of random so runs repeat. */
export const nameSuffix = (n: number): string => {
  let out = ""
  let rest = n
  for (let i = 0; i < 5; i++) {
    out = `${alphabet[rest % alphabet.length] ?? "b"}${out}`
    rest = Math.floor(rest / alphabet.length)
  }
  return out
}

/** A uid per created object, counted so runs repeat; distinct from the uids of recorded fixtures. */
export const uid = (n: number): string => `aaaaaaaa-0000-4000-8000-${n.toString(16).padStart(12, "0")}`

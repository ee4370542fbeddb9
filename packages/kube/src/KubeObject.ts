/**
 * The untyped shape of every object that crosses the API boundary: `apiVersion`, `kind`,
 * `metadata` and whatever else the kind carries, as raw JSON. Typed models are not used
 * on purpose (client-node's models drop fields they do not know: ADR 0004); callers that
 * need a typed view decode the raw object with a Schema of their own.
 */
import { Schema } from "effect"

export interface OwnerReference {
  readonly apiVersion: string
  readonly kind: string
  readonly name: string
  readonly uid: string
  readonly controller?: boolean
  readonly blockOwnerDeletion?: boolean
}

/** One entry of `metadata.managedFields`; `fieldsV1` is the structured-merge-diff field set. */
export interface ManagedFieldsEntry {
  readonly manager?: string
  readonly operation?: string
  readonly apiVersion?: string
  readonly time?: string
  readonly fieldsType?: string
  readonly fieldsV1?: { readonly [key: string]: unknown }
  readonly subresource?: string
}

export interface ObjectMeta {
  readonly name?: string
  readonly generateName?: string
  readonly namespace?: string
  readonly uid?: string
  readonly resourceVersion?: string
  readonly generation?: number
  readonly creationTimestamp?: string
  readonly deletionTimestamp?: string
  readonly labels?: { readonly [key: string]: string }
  readonly annotations?: { readonly [key: string]: string }
  readonly ownerReferences?: ReadonlyArray<OwnerReference>
  readonly finalizers?: ReadonlyArray<string>
  readonly managedFields?: ReadonlyArray<ManagedFieldsEntry>
  readonly [key: string]: unknown
}

export interface KubeObject {
  readonly apiVersion: string
  readonly kind: string
  readonly metadata: ObjectMeta
  readonly [key: string]: unknown
}

export interface ObjectList {
  readonly items: ReadonlyArray<KubeObject>
  /** The list's resourceVersion: where a watch continues from. */
  readonly resourceVersion: string
  /** Set when the server paginated (`limit`); the client follows it before returning. */
  readonly continue?: string
}

const JsonRecord = Schema.Record(Schema.String, Schema.Unknown)

/**
 * The edge decoder for anything the API server returns as an object. Checks the keys every
 * object has and keeps the rest untouched; a body that fails is a protocol error, not a cast.
 */
export const KubeObjectSchema = Schema.StructWithRest(
  Schema.Struct({
    apiVersion: Schema.String,
    kind: Schema.String,
    metadata: Schema.StructWithRest(
      Schema.Struct({
        name: Schema.optionalKey(Schema.String),
        namespace: Schema.optionalKey(Schema.String),
        uid: Schema.optionalKey(Schema.String),
        resourceVersion: Schema.optionalKey(Schema.String)
      }),
      [JsonRecord]
    )
  }),
  [JsonRecord]
)

/** `namespace/name`, or `name` for cluster-scoped objects: the key of caches and work queues. */
export const key = (object: { readonly metadata: ObjectMeta }): string =>
  keyOf(object.metadata.namespace, object.metadata.name ?? "")

export const keyOf = (namespace: string | undefined, name: string): string =>
  namespace === undefined || namespace === "" ? name : `${namespace}/${name}`

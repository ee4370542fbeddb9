/**
 * Building blocks shared by the CRD model modules: CRD defaults, Kubernetes integer
 * formats, quantities and string maps. Each helper records what the OpenAPI generator
 * (`OpenApi.ts`) needs as annotations on the schema, so the Schema stays the single
 * source of truth for decoding and for the generated CRDs.
 */
import { Effect, Schema } from "effect"

/**
 * A field with a CRD default: optional in the input, always present after decoding
 * (the API server applies the same default before storing the object). The value is
 * also kept as the `default` annotation, which the CRD generator emits.
 */
export const defaulted =
  <S extends Schema.Top>(value: S["Encoded"] & S["Type"]) =>
  (schema: S): Schema.withDecodingDefaultKey<S["Rebuild"]> =>
    schema.annotate({ default: value }).pipe(Schema.withDecodingDefaultKey(Effect.succeed(value)))

/** A boolean with a CRD default (`enabled: false` on every component, for instance). */
export const boolDefault = (value: boolean, description?: string) =>
  (description === undefined ? Schema.Boolean : Schema.Boolean.annotate({ description })).pipe(defaulted(value))

/** Key annotation: list the field under `required` in the CRD although it has a default. */
export const requiredInCrd = "whatap/requiredInCrd"

/**
 * A boolean the Go CRD marks both required and defaulted (`enabled` of most blocks).
 * The API server applies the default before it checks `required`, so omitting it is
 * fine; the CRD still lists it as required, as upstream does.
 */
export const requiredBool = (value: boolean, description?: string) =>
  (description === undefined ? Schema.Boolean : Schema.Boolean.annotate({ description })).pipe(
    Schema.annotateKey({ [requiredInCrd]: true }),
    defaulted(value)
  )

/**
 * Server-side-apply markers of the upstream core types: a list replaced as a whole,
 * and an object replaced as a whole (`x-kubernetes-list-type/map-type: atomic`).
 */
export const atomicList = <S extends Schema.Top>(item: S) =>
  Schema.Array(item).annotate({ "x-kubernetes-list-type": "atomic" })
export const atomicObject = { "x-kubernetes-map-type": "atomic" } as const

/**
 * Struct annotation: the fields of a label selector (or requirement) in the order its
 * unknown-field warning lists them, e.g. `unknown field "matchLabel" is ignored (expected
 * one of matchLabels, matchExpressions)`: a typo there silently selects everything.
 */
export const selectorFields = "whatap/selectorFields"

/** A field description, emitted as `description` in the CRD (what `kubectl explain` shows). */
export const about = (description: string) => <S extends Schema.Top>(schema: S): S["Rebuild"] =>
  schema.annotate({ description })

/** An optional key: absent in the input means absent in the value. */
export const opt = <S extends Schema.Top>(schema: S): Schema.optionalKey<S> => Schema.optionalKey(schema)

/** Kubernetes `int32`: an integer within the signed 32-bit range. */
export const Int32 = Schema.Int.check(
  Schema.isBetween({ minimum: -2147483648, maximum: 2147483647 }, { expected: "a 32-bit integer" })
).annotate({ format: "int32" })

/** Kubernetes `int64`; JSON numbers beyond 2^53 cannot be represented anyway. */
export const Int64 = Schema.Int.annotate({ format: "int64" })

/** `map[string]string`: labels, annotations, node selectors. */
export const StringMap = Schema.Record(Schema.String, Schema.String)

/** The regular expression the API server uses for `resource.Quantity` strings. */
export const quantityPattern =
  /^(\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))))?$/

/**
 * `resource.Quantity` (`"500m"`, `"1Gi"`, `2`): int-or-string in the CRD. The pattern
 * only applies to the string form, as in the upstream CRD.
 */
export const Quantity = Schema.Union([
  Schema.Int,
  Schema.String.check(Schema.isPattern(quantityPattern, { expected: "a Kubernetes quantity such as 500m or 1Gi" }))
]).annotate({ "x-kubernetes-int-or-string": true, expected: "integer or quantity string" })
export type Quantity = typeof Quantity.Type

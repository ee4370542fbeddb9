/**
 * The typed view of a raw v1 Pod that the mutation reads: only the fields it needs, as
 * Schemas. The view is a *guard*, not a decoder: a raw object that passes `read` is used
 * as is, so every field the view does not name (and every unknown field) stays in the
 * object and in everything built from it with spreads. Nothing is copied or dropped.
 *
 * `null` is accepted wherever a field is optional (a YAML `env:` without items) and
 * means absent, as it does for the API server.
 */
import { Exit, Option, Result, Schema, SchemaIssue } from "effect"

const nullable = <S extends Schema.Top>(schema: S) => Schema.optionalKey(Schema.NullOr(schema))

const KeyRef = Schema.Struct({ key: Schema.String, name: nullable(Schema.String), optional: nullable(Schema.Boolean) })

export const EnvVarSource = Schema.Struct({
  configMapKeyRef: nullable(KeyRef),
  secretKeyRef: nullable(KeyRef),
  fieldRef: nullable(Schema.Struct({ fieldPath: Schema.String }))
})
export type EnvVarSource = typeof EnvVarSource.Type

export const EnvVar = Schema.Struct({
  name: Schema.String,
  value: nullable(Schema.String),
  valueFrom: nullable(EnvVarSource)
})
export type EnvVar = typeof EnvVar.Type

export const VolumeMount = Schema.Struct({ name: Schema.String, mountPath: Schema.String })
export type VolumeMount = typeof VolumeMount.Type

export const Container = Schema.Struct({
  name: Schema.String,
  env: nullable(Schema.Array(EnvVar)),
  volumeMounts: nullable(Schema.Array(VolumeMount))
})
export type Container = typeof Container.Type

export const Volume = Schema.Struct({ name: Schema.String })
export type Volume = typeof Volume.Type

export const LocalObjectReference = Schema.Struct({ name: nullable(Schema.String) })
export type LocalObjectReference = typeof LocalObjectReference.Type

const StringMap = Schema.Record(Schema.String, Schema.String)

export const Metadata = Schema.Struct({
  name: nullable(Schema.String),
  generateName: nullable(Schema.String),
  namespace: nullable(Schema.String),
  labels: nullable(StringMap),
  annotations: nullable(StringMap)
})
export type Metadata = typeof Metadata.Type

export const Spec = Schema.Struct({
  containers: Schema.Array(Container),
  initContainers: nullable(Schema.Array(Container)),
  volumes: nullable(Schema.Array(Volume)),
  imagePullSecrets: nullable(Schema.Array(LocalObjectReference))
})
export type Spec = typeof Spec.Type

export const Pod = Schema.Struct({ metadata: nullable(Metadata), spec: Spec })
export type Pod = typeof Pod.Type

const isPod = Schema.is(Pod)

/** The path of the first problem, without the offending value (it may be a credential). */
const firstPath = (issue: SchemaIssue.Issue, path: ReadonlyArray<PropertyKey>): ReadonlyArray<PropertyKey> => {
  switch (issue._tag) {
    case "Pointer":
      return firstPath(issue.issue, [...path, ...issue.path])
    case "Composite":
      return firstPath(issue.issues[0], path)
    case "Encoding":
      return firstPath(issue.issue, path)
    default:
      return path
  }
}

const describeProblem = (raw: unknown): string => {
  const error = Exit.findErrorOption(Schema.decodeUnknownExit(Pod)(raw, { errors: "first" }))
  const path = Option.match(error, { onNone: () => [], onSome: (e) => firstPath(e.issue, []) })
  const where = path.length === 0 ? "the object" : path.map(String).join(".")
  return `not a v1 Pod: ${where} is missing or has the wrong type`
}

/** The raw pod itself, typed, when it has the shape of a v1 Pod; else why not. */
export const read = (raw: unknown): Result.Result<Pod, string> =>
  isPod(raw) ? Result.succeed(raw) : Result.fail(describeProblem(raw))

export const containersOf = (pod: Pod): ReadonlyArray<Container> => pod.spec.containers
export const initContainersOf = (pod: Pod): ReadonlyArray<Container> => pod.spec.initContainers ?? []
export const volumesOf = (pod: Pod): ReadonlyArray<Volume> => pod.spec.volumes ?? []
export const labelsOf = (pod: Pod): Readonly<Record<string, string>> => pod.metadata?.labels ?? {}
export const annotationsOf = (pod: Pod): Readonly<Record<string, string>> => pod.metadata?.annotations ?? {}
export const envOf = (container: Container): ReadonlyArray<EnvVar> => container.env ?? []
export const mountsOf = (container: Container): ReadonlyArray<VolumeMount> => container.volumeMounts ?? []

/**
 * The pods of `whatapctl inject` and `whatapctl explain`: every document of the given
 * files (multi-document, `kind: List` expanded) and, in it, each Pod or pod template of a
 * workload, with the source position of its object for messages. Documents of other
 * kinds are kept, so that `inject` prints them unchanged next to the mutated ones (a
 * whole manifest can be piped through it, as through `istioctl kube-inject`).
 */
import * as Source from "../validate/Source.ts"

export type Path = Source.Path

/**
 * Where the pod is inside an object of each kind, and the apiVersion the API server serves
 * it as: the webhook mutates pods made from that template. An object of another apiVersion
 * (`apiVersion: v2` with `kind: Pod`) is not a pod the cluster would create, and is kept
 * as it is, like any other document (one without apiVersion is read as the kind's).
 */
const templates: ReadonlyMap<string, { readonly apiVersion: string; readonly path: Path }> = new Map([
  ["Pod", { apiVersion: "v1", path: [] }],
  ["Deployment", { apiVersion: "apps/v1", path: ["spec", "template"] }],
  ["StatefulSet", { apiVersion: "apps/v1", path: ["spec", "template"] }],
  ["DaemonSet", { apiVersion: "apps/v1", path: ["spec", "template"] }],
  ["ReplicaSet", { apiVersion: "apps/v1", path: ["spec", "template"] }],
  ["ReplicationController", { apiVersion: "v1", path: ["spec", "template"] }],
  ["Job", { apiVersion: "batch/v1", path: ["spec", "template"] }],
  ["CronJob", { apiVersion: "batch/v1", path: ["spec", "jobTemplate", "spec", "template"] }]
])

export interface Document {
  /** The file as printed in messages (`<stdin>` for `-`). */
  readonly file: string
  readonly value: unknown
}

export interface Unit {
  readonly file: string
  /** Index into `Parsed.documents`. */
  readonly document: number
  /** The Pod or workload inside its document (`["items", 2]` in a List). */
  readonly object: Path
  /** The pod inside the object: `[]` for a Pod, `["spec", "template"]` for a Deployment. */
  readonly template: Path
  readonly kind: string
  /** `metadata.name`, `generateName*`, or `(unnamed)`. */
  readonly name: string
  /** The object's own `metadata.namespace`. */
  readonly namespace: string | undefined
  /** The pod (or template) as raw JSON; undefined when the workload has no template. */
  readonly pod: unknown
  readonly position: Source.Position
  /** Positions inside this unit's document. */
  readonly locate: (path: Path) => Source.Position
}

export interface Parsed {
  readonly documents: ReadonlyArray<Document>
  readonly units: ReadonlyArray<Unit>
  /** `FILE:LINE:COL: error: invalid YAML: ...` lines. */
  readonly errors: ReadonlyArray<string>
}

type Json = { readonly [key: string]: unknown }
const isRecord = (u: unknown): u is Json => typeof u === "object" && u !== null && !Array.isArray(u)
const text = (u: unknown): string | undefined => (typeof u === "string" && u !== "" ? u : undefined)

export const displayName = (file: string): string => (file === "-" ? "<stdin>" : file)

/** The value at a path of keys and indices, undefined when any step is missing. */
export const valueAt = (value: unknown, path: Path): unknown =>
  path.reduce<unknown>((v, key) => (isRecord(v) && typeof key === "string" ? v[key] : Array.isArray(v) && typeof key === "number" ? v[key] : undefined), value)

const nameOf = (metadata: unknown): string => {
  if (!isRecord(metadata)) return "(unnamed)"
  const generated = text(metadata["generateName"])
  return text(metadata["name"]) ?? (generated === undefined ? "(unnamed)" : `${generated}*`)
}

const isList = (value: Json): boolean => {
  const kind = value["kind"]
  return typeof kind === "string" && kind.endsWith("List") && Array.isArray(value["items"])
}

interface Located {
  readonly file: string
  readonly document: number
  readonly locate: (path: Path) => Source.Position
}

/** The units of one document's value (recursing into Lists). */
const unitsOf = (value: unknown, object: Path, at: Located): ReadonlyArray<Unit> => {
  if (!isRecord(value)) return []
  const items = value["items"]
  if (isList(value) && Array.isArray(items)) return items.flatMap((item, i) => unitsOf(item, [...object, "items", i], at))
  const kind = value["kind"]
  const known = typeof kind === "string" ? templates.get(kind) : undefined
  const apiVersion = value["apiVersion"]
  if (typeof kind !== "string" || known === undefined || (apiVersion !== undefined && apiVersion !== known.apiVersion)) return []
  const template = known.path
  const metadata = value["metadata"]
  return [{
    file: at.file,
    document: at.document,
    object,
    template,
    kind,
    name: nameOf(metadata),
    namespace: isRecord(metadata) ? text(metadata["namespace"]) : undefined,
    pod: valueAt(value, template),
    position: at.locate(object),
    locate: at.locate
  }]
}

/** Every document of one file, appended to `documents`; its units and syntax errors. */
export const read = (file: string, input: string, offset: number): Parsed => {
  const shown = displayName(file)
  const documents: Array<Document> = []
  const units: Array<Unit> = []
  const errors: Array<string> = []
  for (const doc of Source.documents(input)) {
    if (doc._tag === "Invalid") {
      errors.push(...doc.errors.map((e) => `${shown}:${e.position.line}:${e.position.column}: error: invalid YAML: ${e.message}`))
    } else if (doc._tag === "Parsed") {
      units.push(...unitsOf(doc.value, [], { file: shown, document: offset + documents.length, locate: doc.locate }))
      documents.push({ file: shown, value: doc.value })
    }
  }
  return { documents, units, errors }
}

/** The files in order, documents numbered across all of them. */
export const readAll = (files: ReadonlyArray<{ readonly file: string; readonly text: string }>): Parsed =>
  files.reduce<Parsed>((acc, f) => {
    const next = read(f.file, f.text, acc.documents.length)
    return { documents: [...acc.documents, ...next.documents], units: [...acc.units, ...next.units], errors: [...acc.errors, ...next.errors] }
  }, { documents: [], units: [], errors: [] })

/** `pod shop/web-0`, `deployment shop/web`. */
export const label = (unit: Unit, namespace: string): string => `${unit.kind.toLowerCase()} ${namespace}/${unit.name}`

/** `FILE:LINE:COL` of the unit's object. */
export const where = (unit: Unit): string => `${unit.file}:${unit.position.line}:${unit.position.column}`

/**
 * Immutable edits of JSON objects by path for tests: `set`, `remove`, `get`, where a path
 * is field names and array indexes. A path that does not exist is a test bug: it throws.
 */
import { Schema } from "effect"
import { KubeObject } from "../src/index.ts"

export type Path = ReadonlyArray<string | number>

const decode = Schema.decodeUnknownSync(KubeObject.KubeObjectSchema)

const isRecord = (u: unknown): u is Record<string, unknown> => typeof u === "object" && u !== null && !Array.isArray(u)

export const get = (value: unknown, path: Path): unknown =>
  path.reduce<unknown>((node, step) => {
    if (typeof step === "number" && Array.isArray(node)) return node[step]
    if (typeof step === "string" && isRecord(node)) return node[step]
    throw new Error(`no ${String(step)} in ${JSON.stringify(node)}`)
  }, value)

const update = (value: unknown, path: Path, f: (old: unknown) => unknown): unknown => {
  const [step, ...rest] = path
  if (step === undefined) return f(value)
  if (typeof step === "number" && Array.isArray(value)) {
    return value.map((item, i) => (i === step ? update(item, rest, f) : item))
  }
  if (typeof step === "string" && isRecord(value)) return { ...value, [step]: update(value[step], rest, f) }
  throw new Error(`cannot step into ${String(step)}`)
}

/** `object` with the value at `path` replaced (created when the last step is a new field). */
export const set = (object: KubeObject.KubeObject, path: Path, value: unknown): KubeObject.KubeObject =>
  decode(update(object, path, () => value))

/** `object` with `f` applied to the value at `path`. */
export const modify = (object: KubeObject.KubeObject, path: Path, f: (old: unknown) => unknown): KubeObject.KubeObject =>
  decode(update(object, path, f))

/** `object` without the field or array element at `path`. */
export const remove = (object: KubeObject.KubeObject, path: Path): KubeObject.KubeObject => {
  const parent = path.slice(0, -1)
  const last = path[path.length - 1]
  return decode(update(object, parent, (node) => {
    if (typeof last === "number" && Array.isArray(node)) return node.filter((_, i) => i !== last)
    if (typeof last === "string" && isRecord(node)) return Object.fromEntries(Object.entries(node).filter(([k]) => k !== last))
    throw new Error(`cannot remove ${String(last)}`)
  }))
}

export const asArray = (u: unknown): ReadonlyArray<unknown> => (Array.isArray(u) ? u : [])

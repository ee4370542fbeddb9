/**
 * Field paths in the structured-merge-diff element syntax of `managedFields`: `f:<name>`
 * (a field), `k:<json>` (the list element with that key), `v:<json>` (the set element with
 * that value), `i:<n>` (the element at an index). Also the readable form used in messages,
 * `spec.containers[name=agent].image`, and navigation of a JSON object along a path.
 */
import { Option, Schema } from "effect"
import * as MergeKeys from "../../MergeKeys.ts"
import { canonical, equal, isRecord, type JsonRecord } from "./json.ts"

export type Step =
  | { readonly type: "field"; readonly name: string }
  | { readonly type: "key"; readonly key: JsonRecord }
  | { readonly type: "value"; readonly value: unknown }
  | { readonly type: "index"; readonly index: number }

/** A path as elements (`["f:spec", "f:ports", "k:{\"port\":443,\"protocol\":\"TCP\"}"]`). */
export type Path = ReadonlyArray<string>

export const field = (name: string): string => `f:${name}`
export const key = (fields: JsonRecord): string => `k:${canonical(fields)}`
export const value = (v: unknown): string => `v:${canonical(v)}`
export const index = (i: number): string => `i:${i}`

const decodeJson = Schema.decodeUnknownOption(Schema.fromJsonString(Schema.Unknown))

/** The step an element names; undefined for text that is not an element (or a key that is not JSON). */
export const parse = (element: string): Step | undefined => {
  const body = element.slice(2)
  switch (element.slice(0, 2)) {
    case "f:": return { type: "field", name: body }
    case "i:": return /^[0-9]+$/.test(body) ? { type: "index", index: Number(body) } : undefined
    case "v:": return Option.match(decodeJson(body), { onNone: () => undefined, onSome: (v) => ({ type: "value", value: v }) })
    case "k:": {
      const parsed = Option.getOrUndefined(decodeJson(body))
      return isRecord(parsed) ? { type: "key", key: parsed } : undefined
    }
    default: return undefined
  }
}

const show = (v: unknown): string => (typeof v === "string" ? v : canonical(v))

/** How a step reads in a message: `.image`, `[name=agent]`, `[containerPort=80,protocol=TCP]`, `[2]`. */
export const display = (step: Step): string => {
  switch (step.type) {
    case "field": return `.${step.name}`
    case "key": return `[${Object.entries(step.key).map(([k, v]) => `${k}=${show(v)}`).join(",")}]`
    case "value": return `[${show(step.value)}]`
    case "index": return `[${step.index}]`
  }
}

/** The readable form of a whole path, without the leading dot. */
export const format = (path: Path): string =>
  path.map((element) => {
    const step = parse(element)
    return step === undefined ? `[${element}]` : display(step)
  }).join("").replace(/^\./, "")

/** The API server's form in conflict messages: `.spec.containers[name="agent"].image`. */
export const formatServer = (path: Path): string =>
  path.map((element) => {
    const step = parse(element)
    if (step === undefined) return `[${element}]`
    if (step.type === "key") return `[${Object.entries(step.key).map(([k, v]) => `${k}=${canonical(v)}`).join(",")}]`
    if (step.type === "value") return `[${canonical(step.value)}]`
    return display(step)
  }).join("")

/** Field names with `[]` per list element: what `MergeKeys` patterns match. */
export const schemaPath = (path: Path): ReadonlyArray<string> =>
  path.map((element) => (element.startsWith("f:") ? element.slice(2) : "[]"))

/** Whether a list element has the key, the rule's defaults filling key fields it leaves out. */
export const hasKey = (
  item: unknown,
  key: JsonRecord,
  defaults: Readonly<Record<string, string>> | undefined
): boolean =>
  isRecord(item) && Object.entries(key).every(([name, v]) => equal(item[name] ?? defaults?.[name], v))

const defaultsAt = (kind: string, listPath: ReadonlyArray<string>): Readonly<Record<string, string>> | undefined => {
  const rule = MergeKeys.listRule(kind, listPath)
  return rule?.type === "map" ? rule.defaults : undefined
}

/** The position a step names in a list; -1 when absent. `listPath` is the list's schema path. */
export const indexIn = (kind: string, listPath: ReadonlyArray<string>, list: ReadonlyArray<unknown>, step: Step): number => {
  switch (step.type) {
    case "key": {
      const defaults = defaultsAt(kind, listPath)
      return list.findIndex((item) => hasKey(item, step.key, defaults))
    }
    case "value": return list.findIndex((item) => equal(item, step.value))
    case "index": return step.index < list.length ? step.index : -1
    case "field": return -1
  }
}

/** The value at `path` in `root`; undefined when any step is absent. */
export const valueAt = (kind: string, root: unknown, path: Path): unknown => {
  let current: unknown = root
  for (const [i, element] of path.entries()) {
    const step = parse(element)
    if (step === undefined) return undefined
    if (step.type === "field") {
      if (!isRecord(current)) return undefined
      current = current[step.name]
    } else {
      if (!Array.isArray(current)) return undefined
      const at = indexIn(kind, schemaPath(path.slice(0, i)), current, step)
      current = at < 0 ? undefined : current[at]
    }
  }
  return current
}

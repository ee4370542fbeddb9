/**
 * The three patch formats of `KubeClient.patch`, applied to plain JSON:
 * - merge: RFC 7386 (objects merged, null deletes, anything else replaces);
 * - json: RFC 6902 (add, remove, replace, move, copy, test; `-` appends; `~0`/`~1` escapes);
 * - strategic: a merge patch whose lists with a merge key (MergeKeys) are merged element
 *   by element; the `$patch`/`$retainKeys`/`$setElementOrder` directives are not
 *   supported and refused, so a test never passes on a silent approximation.
 * Failures are messages; the caller words them as the API server's 400/422.
 */
import { Result } from "effect"
import type { JsonPatchOperation } from "../../KubeClient.ts"
import * as MergeKeys from "../../MergeKeys.ts"
import { clone, equal, isRecord } from "../ssa/json.ts"
import * as P from "../ssa/path.ts"

export const mergePatch = (target: unknown, patch: unknown): unknown => {
  if (!isRecord(patch)) return clone(patch)
  const out: Record<string, unknown> = isRecord(target) ? { ...target } : {}
  for (const [name, value] of Object.entries(patch)) {
    if (value === null) delete out[name]
    else out[name] = mergePatch(out[name], value)
  }
  return out
}

const hasDirective = (patch: unknown): boolean =>
  Array.isArray(patch)
    ? patch.some(hasDirective)
    : isRecord(patch) && Object.entries(patch).some(([k, v]) => k.startsWith("$") || hasDirective(v))

const strategicIn = (kind: string, at: ReadonlyArray<string>, target: unknown, patch: unknown): unknown => {
  if (Array.isArray(patch)) {
    const rule = MergeKeys.listRule(kind, at)
    if (rule?.type !== "map" || !Array.isArray(target)) return clone(patch)
    const out: Array<unknown> = [...target]
    for (const item of patch) {
      const key = MergeKeys.keyOf(rule, item)
      const i = key === undefined ? -1 : out.findIndex((t) => P.hasKey(t, key, rule.defaults))
      if (i < 0) out.push(clone(item))
      else out[i] = strategicIn(kind, [...at, "[]"], out[i], item)
    }
    return out
  }
  if (!isRecord(patch)) return clone(patch)
  const out: Record<string, unknown> = isRecord(target) ? { ...target } : {}
  for (const [name, value] of Object.entries(patch)) {
    if (value === null) delete out[name]
    else out[name] = strategicIn(kind, [...at, name], out[name], value)
  }
  return out
}

export const strategicPatch = (kind: string, target: unknown, patch: unknown): Result.Result<unknown, string> =>
  hasDirective(patch)
    ? Result.fail("strategic merge patch directives ($patch, $retainKeys, ...) are not supported by the memory layer")
    : Result.succeed(strategicIn(kind, [], target, patch))

const tokens = (pointer: string): Result.Result<ReadonlyArray<string>, string> => {
  if (pointer === "") return Result.succeed([])
  if (!pointer.startsWith("/")) return Result.fail(`invalid JSON pointer "${pointer}"`)
  return Result.succeed(pointer.slice(1).split("/").map((t) => t.replaceAll("~1", "/").replaceAll("~0", "~")))
}

type Edit = (parent: unknown, last: string) => Result.Result<unknown, string>

/** Rebuilds `doc` with `edit` applied to the parent of the pointer's last token. */
const at = (doc: unknown, path: ReadonlyArray<string>, edit: Edit): Result.Result<unknown, string> => {
  const [head, ...rest] = path
  if (head === undefined) return Result.fail("the root cannot be edited in place")
  if (rest.length === 0) return edit(doc, head)
  if (Array.isArray(doc)) {
    const i = Number(head)
    if (!/^(0|[1-9][0-9]*)$/.test(head) || i >= doc.length) return Result.fail(`no element ${head}`)
    return Result.map(at(doc[i], rest, edit), (child) => doc.map((v, j) => (j === i ? child : v)))
  }
  if (isRecord(doc) && Object.hasOwn(doc, head)) {
    return Result.map(at(doc[head], rest, edit), (child) => ({ ...doc, [head]: child }))
  }
  return Result.fail(`path not found: ${head}`)
}

const get = (doc: unknown, path: ReadonlyArray<string>): Result.Result<unknown, string> => {
  let node = doc
  for (const t of path) {
    if (Array.isArray(node) && /^(0|[1-9][0-9]*)$/.test(t) && Number(t) < node.length) node = node[Number(t)]
    else if (isRecord(node) && Object.hasOwn(node, t)) node = node[t]
    else return Result.fail(`path not found: ${t}`)
  }
  return Result.succeed(node)
}

const add = (value: unknown): Edit => (parent, last) => {
  if (Array.isArray(parent)) {
    const i = last === "-" ? parent.length : Number(last)
    if (!/^(0|[1-9][0-9]*|-)$/.test(last) || i > parent.length) return Result.fail(`index ${last} out of range`)
    return Result.succeed([...parent.slice(0, i), clone(value), ...parent.slice(i)])
  }
  return isRecord(parent) ? Result.succeed({ ...parent, [last]: clone(value) }) : Result.fail(`cannot add ${last}`)
}

const removeEdit: Edit = (parent, last) => {
  if (Array.isArray(parent) && /^(0|[1-9][0-9]*)$/.test(last) && Number(last) < parent.length) {
    return Result.succeed(parent.filter((_, i) => i !== Number(last)))
  }
  if (isRecord(parent) && Object.hasOwn(parent, last)) {
    return Result.succeed(Object.fromEntries(Object.entries(parent).filter(([k]) => k !== last)))
  }
  return Result.fail(`path not found: ${last}`)
}

const replace = (value: unknown): Edit => (parent, last) =>
  Result.flatMap(removeEdit(parent, last), (without) => add(value)(without, last))

const setAt = (doc: unknown, path: ReadonlyArray<string>, edit: Edit): Result.Result<unknown, string> =>
  path.length === 0 ? Result.fail("the root cannot be replaced") : at(doc, path, edit)

const step = (doc: unknown, op: JsonPatchOperation): Result.Result<unknown, string> =>
  Result.flatMap(tokens(op.path), (path) => {
    switch (op.op) {
      case "add": return path.length === 0 ? Result.succeed(clone(op.value)) : setAt(doc, path, add(op.value))
      case "remove": return setAt(doc, path, removeEdit)
      case "replace": return path.length === 0 ? Result.succeed(clone(op.value)) : setAt(doc, path, replace(op.value))
      case "test":
        return Result.flatMap(get(doc, path), (v) => equal(v, op.value) ? Result.succeed(doc) : Result.fail(`test failed at ${op.path}`))
      case "move":
      case "copy":
        return Result.flatMap(tokens(op.from), (from) =>
          Result.flatMap(get(doc, from), (v) => {
            const source = op.op === "move" ? setAt(doc, from, removeEdit) : Result.succeed(doc)
            return Result.flatMap(source, (d) => setAt(d, path, add(v)))
          }))
    }
  })

/** RFC 6902: every operation in order; the first failure rejects the whole patch. */
export const jsonPatch = (doc: unknown, ops: ReadonlyArray<JsonPatchOperation>): Result.Result<unknown, string> =>
  ops.reduce<Result.Result<unknown, string>>((acc, op) => Result.flatMap(acc, (d) => step(d, op)), Result.succeed(doc))

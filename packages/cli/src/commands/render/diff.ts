/**
 * `whatapctl render --diff OLD NEW`: what changes in the cluster when the WhatapAgent (and
 * monitor CRs) of OLD is replaced by NEW, as a unified diff of the objects `render` prints
 * for each, for PR comments. Both sides are rendered by the reconciler's own code, then
 * compared object by object (by apiVersion, kind, namespace and name) in the reconciler's
 * order of NEW, objects only OLD has at the end; each object is named like `kubectl diff`
 * names its files (`apps.v1.Deployment.whatap-monitoring.whatap-master-agent`). The same
 * two inputs give the same bytes on every run. Exit 1 when they differ, 0 when not.
 */
import { Validate } from "@whatap-operator/core"
import { Effect } from "effect"
import type * as Args from "../../Args.ts"
import * as Exit from "../../Exit.ts"
import { Io } from "../../Io.ts"
import * as Meta from "../../Meta.ts"
import { printable } from "../../Printable.ts"
import * as Style from "../../Style.ts"
import * as UnifiedDiff from "../../UnifiedDiff.ts"
import { displayName } from "../inject/Input.ts"
import { readAll, renderValues, targetOf, usage, yamlOf } from "../render.ts"

type Json = Readonly<Record<string, unknown>>
const isRecord = (u: unknown): u is Json => typeof u === "object" && u !== null && !Array.isArray(u)
const text = (u: unknown): string => (typeof u === "string" ? u : "")

/** `apps.v1.Deployment.NS.NAME`, `v1.ConfigMap.NS.NAME`, `admissionregistration.k8s.io.v1.MutatingWebhookConfiguration.NAME`. */
export const nameOf = (object: unknown): string => {
  const o = isRecord(object) ? object : {}
  const metadata = isRecord(o["metadata"]) ? o["metadata"] : {}
  const apiVersion = text(o["apiVersion"])
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion]
  const namespace = text(metadata["namespace"])
  return [group ?? "", version ?? "", text(o["kind"]), namespace, text(metadata["name"])].filter((p) => p !== "").join(".")
}

export interface Summary {
  readonly changed: number
  readonly added: number
  readonly removed: number
  readonly unchanged: number
}

/** The whole diff of two renders, and what it counts. */
export const diff = (before: ReadonlyArray<unknown>, after: ReadonlyArray<unknown>): { readonly text: string; readonly summary: Summary } => {
  const old = new Map(before.map((o) => [nameOf(o), yamlOf(o)] as const))
  const current = new Map(after.map((o) => [nameOf(o), yamlOf(o)] as const))
  const parts: Array<string> = []
  let changed = 0
  let added = 0
  let unchanged = 0
  for (const [name, yaml] of current) {
    const previous = old.get(name)
    const part = UnifiedDiff.file(previous === undefined ? "/dev/null" : `a/${name}`, `b/${name}`, previous ?? "", yaml)
    if (previous === undefined) added++
    else if (part === "") unchanged++
    else changed++
    parts.push(part)
  }
  const gone = [...old].filter(([name]) => !current.has(name))
  for (const [name, yaml] of gone) parts.push(UnifiedDiff.file(`a/${name}`, "/dev/null", yaml, ""))
  return { text: parts.join(""), summary: { changed, added, removed: gone.length, unchanged } }
}

/** Colour for a terminal: headers bold, hunk lines cyan, removals red, additions green. */
export const colour = (diffText: string, palette: Style.Palette): string =>
  diffText.split("\n").map((line) => {
    if (line.startsWith("--- ") || line.startsWith("+++ ")) return palette.bold(line)
    if (line.startsWith("@@")) return palette.cyan(line)
    if (line.startsWith("-")) return palette.red(line)
    if (line.startsWith("+")) return palette.green(line)
    return line
  }).join("\n")

const count = (n: number, what: string): string => `${n} ${what}${n === 1 ? "" : "s"}`

/** The stderr line; the file names as every message prints them (a control character escaped, never raw). */
export const summaryLine = (oldFile: string, newFile: string, s: Summary): string => {
  const files = `${printable(oldFile)} -> ${printable(newFile)}`
  return s.changed + s.added + s.removed === 0
    ? `${Meta.name}: ${files}: no differences (${count(s.unchanged, "object")})\n`
    : `${Meta.name}: ${files}: ${count(s.changed, "object")} changed, ${s.added} added, ${s.removed} removed, ${s.unchanged} unchanged\n`
}

/**
 * Placeholders that keep a changed secret visible without showing it (as `kubectl diff`
 * masks a Secret's data): a value both sides hold is `[redacted]`, one only OLD holds
 * `[redacted, before]`, one only NEW holds `[redacted, after]`, so a new license is a
 * changed line and exit 1, not "no differences".
 */
export const changedSecrets = (before: ReadonlyArray<unknown>, after: ReadonlyArray<unknown>) => {
  // every value the redaction replaces, short ones included, by the same walk
  const replacedIn = (values: ReadonlyArray<unknown>): ReadonlySet<string> => {
    const found = new Set<string>()
    for (const v of values) Validate.withoutSecrets(v, (secret) => (found.add(secret), ""))
    return found
  }
  const old = replacedIn(before)
  const current = replacedIn(after)
  return {
    before: (secret: string): string => (current.has(secret) ? "[redacted]" : "[redacted, before]"),
    after: (secret: string): string => (old.has(secret) ? "[redacted]" : "[redacted, after]")
  }
}

export const run = (parsed: Args.Parsed) =>
  Effect.gen(function*() {
    const io = yield* Io
    if ((parsed.lists.get("filename") ?? []).length > 0) return yield* usage("--diff takes the two inputs as operands: render --diff OLD NEW")
    if (parsed.values.has("output")) return yield* usage("--diff prints a unified diff of the YAML; -o does not apply")
    const [oldFile, newFile, ...rest] = parsed.operands
    if (oldFile === undefined || newFile === undefined || rest.length > 0) {
      return yield* usage(`--diff needs exactly two files, OLD and NEW (got ${parsed.operands.length})`)
    }
    if (oldFile === "-" && newFile === "-") return yield* usage("--diff can read only one of OLD and NEW from stdin")
    const target = yield* targetOf(parsed)
    const settings = { ...target, showSecrets: parsed.switches.has("show-secrets"), gpuNodesLabelled: parsed.switches.has("gpu-nodes-labelled") }
    const oldValues = yield* readAll([oldFile])
    const newValues = yield* readAll([newFile])
    if (oldValues === undefined || newValues === undefined) return Exit.failed
    const secrets = changedSecrets(oldValues, newValues)
    const before = yield* renderValues(oldValues, { ...settings, placeholder: secrets.before }, displayName(oldFile))
    const after = yield* renderValues(newValues, { ...settings, placeholder: secrets.after }, displayName(newFile))
    const result = diff(before, after)
    yield* io.out(colour(result.text, yield* Style.palette))
    yield* io.err(summaryLine(displayName(oldFile), displayName(newFile), result.summary))
    return result.text === "" ? Exit.ok : Exit.failed
  })

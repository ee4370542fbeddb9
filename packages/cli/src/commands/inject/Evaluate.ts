/**
 * One pod (or pod template) through the webhook's own functions: `Inject.mutate` for the
 * patch and the outcome, `Inject.explain` for every target's verdict and the redacted
 * patch. The pod's namespace is `--namespace`, else the object's, else `default`; its
 * labels are `--namespace-labels` plus `kubernetes.io/metadata.name`, which the API
 * server puts on every namespace (and overrides, so it does here too).
 *
 * A pod in a system namespace or the operator's own (SystemNamespace) is shown
 * unchanged: the webhook's namespaceSelector (D6) keeps such pods away from the webhook,
 * so the annotations `Inject.mutate` would add as a second line of defence never reach
 * them. Other refusals (conflicts) are shown as the webhook records them (D8).
 */
import { Finding, Naming, Validate } from "@whatap-operator/core"
import { Inject, JsonPatch } from "@whatap-operator/injector"
import { Effect, Result } from "effect"
import type * as Args from "../../Args.ts"
import { Io } from "../../Io.ts"
import type * as Input from "./Input.ts"
import * as Redact from "./Redact.ts"
import * as SettingsLoader from "./Settings.ts"
import type { Settings } from "./Settings.ts"
import { printable } from "../../Printable.ts"

export interface Evaluated {
  readonly unit: Input.Unit
  readonly namespace: Inject.Namespace
  readonly outcome: Inject.Outcome
  readonly targets: ReadonlyArray<Inject.TargetExplanation>
  readonly warnings: ReadonlyArray<string>
  /** The namespaceSelector of the webhook excludes the namespace (the pod never reaches it). */
  readonly excluded: boolean
  /** The patch of the pod as printed: redacted unless `--show-secrets`, relative to the pod. */
  readonly patch: ReadonlyArray<JsonPatch.Operation>
  /** Whether redaction changed the patch (a license would otherwise be printed). */
  readonly redacted: boolean
  /** The license values hidden in what is printed of this pod (none with `--show-secrets`): the CLI's, the CR's, the pod's own. */
  readonly licenses: ReadonlySet<string>
}

export const namespaceOf = (unit: Input.Unit, settings: Settings): Inject.Namespace => {
  const name = settings.namespace ?? unit.namespace ?? "default"
  return { name, labels: { ...settings.namespaceLabels, [Naming.labels.namespaceName]: name } }
}

export const evaluate = (unit: Input.Unit, settings: Settings): Evaluated => {
  const namespace = namespaceOf(unit, settings)
  const context: Inject.Context = {
    agent: settings.agent.agent,
    namespace,
    operatorNamespace: settings.operatorNamespace,
    credentials: settings.credentials
  }
  const mutated = Inject.mutate(unit.pod, context)
  const explanation = Inject.explain(unit.pod, context)
  const excluded = !mutated.outcome.injected && mutated.outcome.reason === "SystemNamespace"
  const licenses = settings.showSecrets ? new Set<string>() : Redact.withLicensesOf(settings.licenses, unit.pod)
  const shown = settings.showSecrets ? mutated.patch : Redact.patch(explanation.patch, licenses)
  return {
    unit,
    namespace,
    outcome: mutated.outcome,
    targets: explanation.targets,
    warnings: mutated.warnings,
    excluded,
    patch: excluded ? [] : shown,
    redacted: !excluded && !JsonPatch.equal(shown, mutated.patch),
    licenses
  }
}

/** The unit's patch relative to its document (a Deployment's ops under `/spec/template`, a List item's under `/items/N`). */
export const documentPatch = (e: Evaluated): ReadonlyArray<JsonPatch.Operation> => {
  const prefix = JsonPatch.pointer([...e.unit.object, ...e.unit.template])
  return e.patch.map((op) => (op.op === "move" || op.op === "copy" ? { ...op, from: prefix + op.from, path: prefix + op.path } : { ...op, path: prefix + op.path }))
}

/**
 * The document with the patches of its units applied, known licenses (the flags', the
 * CR's and the document's own) redacted unless `--show-secrets`. A patch computed from this very input always applies; if one did
 * not, that would be a defect, and the document is then printed unchanged rather than
 * half patched.
 */
export const patchedDocument = (value: unknown, patch: ReadonlyArray<JsonPatch.Operation>, settings: Settings): unknown => {
  const applied = Result.getOrElse(JsonPatch.apply(value, patch), () => value)
  // license env entries by name at any length (a pod injected before, printed as it is),
  // then known license values wherever they are echoed
  return settings.showSecrets ? applied : Redact.values(Validate.withoutSecrets(applied, Redact.placeholder), Redact.withLicensesOf(settings.licenses, value))
}

type Json = { readonly [key: string]: unknown }
const isRecord = (u: unknown): u is Json => typeof u === "object" && u !== null && !Array.isArray(u)

const pathOfProblem = /^not a v1 Pod: (.+) is missing or has the wrong type$/

/** Keys of a dotted path resolved against the value, so a dotted key (`app.kubernetes.io/name`) stays one key. */
const resolvePath = (value: unknown, dotted: string): Input.Path => {
  const tokens = dotted.split(".")
  const path: Array<string | number> = []
  let node = value
  let i = 0
  while (i < tokens.length) {
    const step = resolveStep(node, tokens, i)
    if (step === undefined) return [...path, tokens.slice(i).join(".")]
    path.push(step.key)
    node = step.node
    i = step.next
  }
  return path
}

const resolveStep = (node: unknown, tokens: ReadonlyArray<string>, i: number) => {
  if (Array.isArray(node)) {
    const index = Number(tokens[i])
    return Number.isInteger(index) ? { key: index, node: node[index], next: i + 1 } : undefined
  }
  if (!isRecord(node)) return undefined
  for (let j = tokens.length; j > i; j--) {
    const key = tokens.slice(i, j).join(".")
    if (Object.hasOwn(node, key)) return { key, node: node[key], next: j }
  }
  return undefined
}

/**
 * An object whose own namespace is not `--namespace`: kubectl refuses to create it
 * (`the namespace from the provided object ... does not match`), so what the pod would
 * get in the flag's namespace is not what it would get anywhere.
 */
export const namespaceMismatchLines = (unit: Input.Unit, namespace: string | undefined): ReadonlyArray<string> => {
  if (namespace === undefined || unit.namespace === undefined || unit.namespace === namespace) return []
  const where = unit.locate([...unit.object, "metadata", "namespace"])
  return [
    `${unit.file}:${where.line}:${where.column}: error: metadata.namespace: the ${unit.kind}'s namespace ${JSON.stringify(unit.namespace)} does not match --namespace ${JSON.stringify(namespace)}; kubectl refuses to create it there (give --namespace ${unit.namespace}, or none)`
  ]
}

/** A pod that is no v1 Pod as a `FILE:LINE:COL: error: PATH: message` line, at the offending field; none for a valid one. */
export const invalidPodLines = (e: Evaluated): ReadonlyArray<string> => {
  if (e.outcome.injected || e.outcome.reason !== "InvalidPod") return []
  const base = [...e.unit.object, ...e.unit.template]
  const match = pathOfProblem.exec(e.outcome.message)
  const inner = match?.[1] === undefined || match[1] === "the object" ? [] : resolvePath(e.unit.pod, match[1])
  const where = e.unit.locate([...base, ...inner])
  const what = e.unit.template.length === 0 ? "Pod" : `pod template of a ${e.unit.kind}`
  const relative = [...e.unit.template, ...inner]
  const field = relative.length === 0 ? "" : `${Finding.formatPath(relative)}: `
  return [`${e.unit.file}:${where.line}:${where.column}: error: ${field}not a valid ${what}: ${match === null ? e.outcome.message : "missing or of the wrong type"}`]
}

/**
 * The flags and files of `inject`/`explain` loaded and every pod evaluated; invalid input
 * (a bad WhatapAgent, a pod that is not one) is written to stderr and gives `undefined`,
 * which the command turns into exit 1.
 */
export const prepare = (command: string, parsed: Args.Parsed) =>
  Effect.gen(function*() {
    const io = yield* Io
    const loaded = yield* SettingsLoader.load(command, parsed)
    if (loaded._tag === "Invalid") {
      yield* io.err(loaded.lines.map((l) => `${printable(l)}\n`).join(""))
      return undefined
    }
    const settings = loaded.settings
    const mismatched = settings.input.units.flatMap((unit) => namespaceMismatchLines(unit, settings.namespace))
    if (mismatched.length > 0) {
      yield* io.err(mismatched.map((l) => `${printable(l)}\n`).join(""))
      return undefined
    }
    const results = settings.input.units.map((unit) => evaluate(unit, settings))
    const invalid = results.flatMap(invalidPodLines)
    if (invalid.length > 0) {
      yield* io.err(invalid.map((l) => `${printable(l)}\n`).join(""))
      return undefined
    }
    return { settings, results }
  })

/**
 * `whatapctl version`: the CLI version, the CRD schema version and the default images
 * the operator deploys when a CR names none, and the APM init images the webhook puts
 * into pods (what a registry mirror needs).
 */
import { Images, Language } from "@whatap-operator/core"
import { Effect, Result } from "effect"
import * as Args from "../Args.ts"
import type { Handler } from "../Command.ts"
import * as Exit from "../Exit.ts"
import { Io } from "../Io.ts"
import * as Meta from "../Meta.ts"
import * as Structured from "../Structured.ts"

/** The APM init image of each language the webhook knows, at the version a target without `whatapApmVersions` gets. */
const apmInitImages = (): Readonly<Record<string, string>> =>
  Object.fromEntries(Language.languages.map((language) => [language, Images.apmInit(language, "latest")]))

const text = (): string => {
  const rows: ReadonlyArray<readonly [string, string]> = [
    ["kube agent", Meta.defaultImages.kubeAgent],
    ["open agent", Meta.defaultImages.openAgent],
    ["dcgm-exporter", Meta.defaultImages.dcgmExporter],
    ["dcgm host engine", Meta.defaultImages.dcgmHostEngine]
  ]
  return [
    `${Meta.name} ${Meta.version}`,
    `schema: ${Meta.schema}`,
    `node: ${process.version}`,
    "default images:",
    ...rows.map(([what, image]) => `  ${what.padEnd(17)} ${image}`),
    `  ${"apm init".padEnd(17)} ${Images.apmInit("<language>", "latest")} (${Language.languages.join(", ")})`,
    ""
  ].join("\n")
}

const json = (): string =>
  `${JSON.stringify({ version: Meta.version, schema: Meta.schema, node: process.version, images: Meta.defaultImages, apmInitImages: apmInitImages() }, null, 2)}\n`

export const run: Handler = (parsed) =>
  Effect.gen(function*() {
    const io = yield* Io
    if (parsed.operands.length > 0) return yield* new Exit.UsageError({ message: "version takes no arguments", command: "version" })
    const format = Args.choice(parsed, "output", Structured.formats, "text")
    if (Result.isFailure(format)) return yield* new Exit.UsageError({ message: format.failure, command: "version" })
    yield* io.out(format.success === "text" ? text() : yield* Structured.as(format.success, json()))
    return Exit.ok
  })

/**
 * `-o yaml` of the commands whose `-o json` is a report: the same value as YAML. The
 * YAML library is loaded only when YAML is asked for, so `-o json` and text output start
 * as quickly as before.
 */
import { Effect } from "effect"
import { escapeInQuotes } from "./Printable.ts"

export type Format = "text" | "json" | "yaml"

export const formats: ReadonlyArray<Format> = ["text", "json", "yaml"]

/** `json` (the command's `-o json` text) as asked: itself, or the same value as one YAML document. */
export const as = (format: "json" | "yaml", json: string): Effect.Effect<string> =>
  format === "json"
    ? Effect.succeed(escapeInQuotes(json))
    : Effect.map(Effect.promise(() => import("./StructuredYaml.ts")), (yaml) => yaml.fromJson(json))

/**
 * What a command is: its place in the command tree, its flags and help text, and a
 * lazily loaded handler, so that `whatapctl version` never evaluates the validator,
 * the YAML parser or the schema model (cold start matters for CI and kubectl plugins).
 */
import type { Effect } from "effect"
import type { FlagSpec, Parsed } from "./Args.ts"
import type { Code, UsageError } from "./Exit.ts"
import type { Io, IoError } from "./Io.ts"

export type Handler = (parsed: Parsed) => Effect.Effect<Code, UsageError | IoError, Io>

export interface Command {
  /** e.g. `["selector", "match"]` */
  readonly path: ReadonlyArray<string>
  readonly summary: string
  /** operands part of the usage line, e.g. `FILE...` */
  readonly operands: string
  readonly flags: ReadonlyArray<FlagSpec>
  /** extra help paragraphs (exit codes, notes) */
  readonly details: string
  /** Command lines shown under `Examples:` in the help (each without the leading `whatapctl`). */
  readonly examples: ReadonlyArray<string>
  readonly load: () => Promise<Handler>
}

export const outputFlag = (formats: ReadonlyArray<string>): FlagSpec => ({
  name: "output",
  alias: "o",
  takesValue: true,
  valueName: formats.join("|"),
  description: `output format (default ${formats[0] ?? "text"})`
})

/**
 * Exit codes of every command (PRODUCT.md §6) and the usage error that maps to 2.
 */
import { Data } from "effect"

export const ok = 0
/** The check ran and failed: invalid resource, no selector match. */
export const failed = 1
/** Usage or I/O error. */
export const usage = 2

/** one of the three constants above (a plain number: generators widen literal returns) */
export type Code = number

/** Wrong flags or operands; `command` names the help to point at. */
export class UsageError extends Data.TaggedError("UsageError")<{
  readonly message: string
  readonly command: string
}> {}

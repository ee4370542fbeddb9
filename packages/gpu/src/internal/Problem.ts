/**
 * What a reader found wrong with its input, before it is named after the command that
 * produced the input (NvidiaSmiError) or the node it came from (NodeLabelsError).
 */
import { Result } from "effect"

export type Reason = "Empty" | "Malformed" | "Missing" | "Invalid" | "TooLarge"

export interface Problem {
  readonly reason: Reason
  /** An element path, a label key, or `line N`. */
  readonly at: string
  readonly detail: string
}

export type Read<A> = Result.Result<A, Problem>

export const missing = (at: string, detail = "is missing"): Read<never> => Result.fail({ reason: "Missing", at, detail })

export const invalid = (at: string, detail: string): Read<never> => Result.fail({ reason: "Invalid", at, detail })

/** A JSON-quoted excerpt of a bad value: bounded, so a garbled input cannot flood a message. */
export const quote = (value: string): string => JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value)

/** `^\d+$` to a safe integer. */
export const integer = (at: string, text: string): Read<number> => {
  const value = Number(text)
  return /^\d+$/.test(text) && Number.isSafeInteger(value) ? Result.succeed(value) : invalid(at, `expected a whole number, got ${quote(text)}`)
}

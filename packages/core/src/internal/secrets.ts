/**
 * Secret values in untrusted input (the WhaTap license, `WHATAP_LICENSE` env values and
 * bearer `credentials`), and their redaction from finding messages. Both the decoder
 * and the validator echo input values ("expected string, got number 1234"), so both
 * redact: the license must never reach a CLI line, an admission warning or a status.
 */
import { excerpt } from "../SchemaFindings.ts"
import { isRecord, items, pairs } from "./validate/json.ts"

const secretKeys = new Set(["license", "credentials"])
const secretEnvNames = new Set(["WHATAP_LICENSE", "license"])
const maxDepth = 64
/** Very short values would blank out ordinary words; no real license is that short. */
const minLength = 3

/** Strings as written; numbers as the decoder prints them (`license: 12345` is still a license). */
const asText = (value: unknown): string | undefined =>
  typeof value === "string" ? value : typeof value === "number" ? String(value) : undefined

const envSecrets = (envs: unknown, found: Array<string>): void => {
  for (const env of items(envs)) {
    if (!isRecord(env) || typeof env["name"] !== "string" || !secretEnvNames.has(env["name"])) continue
    const value = asText(env["value"])
    if (value !== undefined) found.push(value)
  }
}

/** Every secret value present in `input` (bounded depth: hostile nesting cannot overflow). */
export const values = (input: unknown): ReadonlyArray<string> => {
  const found: Array<string> = []
  const visit = (node: unknown, depth: number): void => {
    if (depth > maxDepth) return
    if (Array.isArray(node)) for (const item of node) visit(item, depth + 1)
    for (const [key, value] of pairs(node)) {
      const text = secretKeys.has(key) ? asText(value) : undefined
      if (text !== undefined) found.push(text)
      if (key === "envs" || key === "env") envSecrets(value, found)
      visit(value, depth + 1)
    }
  }
  visit(input, 0)
  return [...new Set(found.filter((s) => s.length >= minLength))]
}

/** The spellings of a value that a message can contain: raw, JSON-escaped, cut short by `describe`. */
const spellings = (value: string): ReadonlyArray<string> =>
  [...new Set([value, JSON.stringify(value).slice(1, -1), JSON.stringify(excerpt(value)).slice(1, -1)])]

/** `findings` with every spelling of every secret value replaced by `<redacted>`. */
export const redact = <F extends { readonly message: string }>(
  findings: ReadonlyArray<F>,
  secrets: ReadonlyArray<string>
): ReadonlyArray<F> =>
  secrets.length === 0 ? findings : findings.map((finding) => {
    let message = finding.message
    for (const value of secrets) {
      for (const spelling of spellings(value)) message = message.replaceAll(spelling, "<redacted>")
    }
    return message === finding.message ? finding : { ...finding, message }
  })

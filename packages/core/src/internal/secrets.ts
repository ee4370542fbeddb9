/**
 * Secret values in untrusted input (the WhaTap license, `WHATAP_LICENSE` env values and
 * Secret keys, bearer `credentials`), and their redaction from finding messages. Both the decoder
 * and the validator echo input values ("expected string, got number 1234"), so both
 * redact: the license must never reach a CLI line, an admission warning or a status.
 *
 * Bounds: the input may share subtrees (YAML aliases) or even contain itself, so the
 * scan visits each object once, without recursion: time linear in the distinct values,
 * whatever the nesting or the fan-out (`x: &a [*a, *a]` is 2^64 paths, 1 object).
 * Redaction is linear in the message length and the secrets' length together (one
 * Aho-Corasick pass), however many distinct license values a hostile input carries; the
 * automaton holds each secret's first 256 characters only, so a license of megabytes
 * costs no more memory than a short one (8 MB: 0.45 s and 96 MiB for `render`, against
 * 24 s and 1.95 GB with every character in the automaton).
 */
import { excerpt } from "../SchemaFindings.ts"
import { isRecord, items, type JsonRecord, pairs, putOwn } from "./validate/json.ts"

/** `WHATAP_LICENSE`: the key of the license in the `whatap-credentials` Secret (`stringData` or `data`). */
const secretKeys = new Set(["license", "credentials", "WHATAP_LICENSE"])
const secretEnvNames = new Set(["WHATAP_LICENSE", "license"])
/** Very short values would blank out ordinary words; no real license is that short. */
const minLength = 3

/** Strings as written; numbers as the decoder prints them (`license: 12345` is still a license). */
const asText = (value: unknown): string | undefined =>
  typeof value === "string" ? value : typeof value === "number" ? String(value) : undefined

/** The keys of env lists: an entry of one is a secret when its name is. */
const envKeys = new Set(["envs", "env"])

const isSecretEnv = (env: unknown): env is JsonRecord =>
  isRecord(env) && typeof env["name"] === "string" && secretEnvNames.has(env["name"])

const envSecrets = (envs: unknown, found: Array<string>): void => {
  for (const env of items(envs)) {
    if (!isSecretEnv(env)) continue
    const value = asText(env["value"])
    if (value !== undefined) found.push(value)
  }
}

/** Every secret value present in `input` (each object visited once: shared and cyclic values are safe). */
export const values = (input: unknown): ReadonlyArray<string> => {
  const found: Array<string> = []
  const seen = new Set<object>()
  const pending: Array<unknown> = [input]
  for (let node = pending.pop(); pending.length > 0 || node !== undefined; node = pending.pop()) {
    if (typeof node !== "object" || node === null || seen.has(node)) continue
    seen.add(node)
    if (Array.isArray(node)) {
      for (const item of node) pending.push(item)
      continue
    }
    // for-in over own keys, not Object.entries: a 95,000-key map took 90-190 ms that way, 40 this way
    const record = node as JsonRecord
    for (const key in record) {
      if (!Object.hasOwn(record, key)) continue
      const value = record[key]
      const text = secretKeys.has(key) ? asText(value) : undefined
      if (text !== undefined) found.push(text)
      if (envKeys.has(key)) envSecrets(value, found)
      pending.push(value)
    }
  }
  return [...new Set(found.filter((s) => s.length >= minLength))]
}

/**
 * A copy of `input` with every secret value (those `values` finds, where it finds them:
 * `license`, `credentials` and `WHATAP_LICENSE` keys, the `value` of an env entry named `WHATAP_LICENSE` or
 * `license`) replaced by `placeholder` (or what it gives for the value); everything else as
 * it is. Objects shared in the input are shared in the copy, a cycle stays a cycle; no recursion.
 */
export const replaced = (input: unknown, placeholder: string | ((secret: string) => string)): unknown => {
  const stand = typeof placeholder === "string" ? () => placeholder : placeholder
  if (typeof input !== "object" || input === null) return input
  const copies = new Map<object, Array<unknown> | Record<string, unknown>>()
  const envLists = new Set<object>()
  const envEntries = new Set<object>()
  const pending: Array<object> = []
  const copyOf = (node: object): Array<unknown> | Record<string, unknown> => {
    const known = copies.get(node)
    if (known !== undefined) return known
    const made: Array<unknown> | Record<string, unknown> = Array.isArray(node) ? [] : {}
    copies.set(node, made)
    pending.push(node)
    return made
  }
  const child = (value: unknown): unknown => (typeof value === "object" && value !== null ? copyOf(value) : value)
  const root = copyOf(input)
  for (let node = pending.pop(); node !== undefined; node = pending.pop()) {
    const copy = copies.get(node)
    if (Array.isArray(node) && Array.isArray(copy)) {
      for (const item of node) {
        if (envLists.has(node) && isRecord(item)) envEntries.add(item)
        copy.push(child(item))
      }
      continue
    }
    if (copy === undefined || Array.isArray(copy)) continue
    const secretEnv = envEntries.has(node) && isSecretEnv(node)
    for (const [key, value] of pairs(node)) {
      const text = secretKeys.has(key) || (secretEnv && key === "value") ? asText(value) : undefined
      if (envKeys.has(key) && Array.isArray(value)) envLists.add(value)
      putOwn(copy, key, text !== undefined ? stand(text) : child(value))
    }
  }
  return root
}

/** The spellings of a value that a message can contain: raw, JSON-escaped, cut short by `describe`. */
const spellings = (value: string): ReadonlyArray<string> =>
  [...new Set([value, JSON.stringify(value).slice(1, -1), JSON.stringify(excerpt(value)).slice(1, -1)])]

/**
 * Patterns are matched on their first `prefixLength` characters: the automaton costs
 * memory per character of every pattern, and a hostile license of megabytes would
 * otherwise cost gigabytes. A longer pattern's match is extended to where the text stops
 * following it (checked against at most `longPerPrefix` patterns sharing that prefix),
 * and its first `prefixLength` characters are cut even when the text stops sooner.
 */
const prefixLength = 256
const longPerPrefix = 8

interface Automaton {
  readonly next: Array<Map<string, number>>
  readonly fail: Array<number>
  /** length of the longest pattern ending at each state (following failure links), 0 for none */
  readonly out: Array<number>
  /** at the state that ends a pattern's prefix: the longer patterns with that prefix, longest first */
  readonly long: Map<number, Array<string>>
}

/** Aho-Corasick over UTF-16 code units: built in time linear in the patterns' total length (each cut at `prefixLength`). */
const automaton = (patterns: ReadonlyArray<string>): Automaton => {
  const next: Array<Map<string, number>> = [new Map()]
  const out: Array<number> = [0]
  const long = new Map<number, Array<string>>()
  for (const pattern of patterns) {
    const prefix = pattern.slice(0, prefixLength)
    let state = 0
    for (let i = 0; i < prefix.length; i++) {
      const c = prefix.charAt(i)
      let to = next[state]?.get(c)
      if (to === undefined) {
        to = next.push(new Map()) - 1
        out.push(0)
        next[state]?.set(c, to)
      }
      state = to
    }
    out[state] = Math.max(out[state] ?? 0, prefix.length)
    if (pattern.length > prefix.length) {
      const longer = long.get(state) ?? []
      longer.push(pattern)
      long.set(state, longer.sort((a, b) => b.length - a.length).slice(0, longPerPrefix))
    }
  }
  const fail: Array<number> = next.map(() => 0)
  const queue: Array<number> = [...(next[0]?.values() ?? [])]
  for (let head = 0; head < queue.length; head++) {
    const state = queue[head] ?? 0
    for (const [c, to] of next[state] ?? []) {
      let f = fail[state] ?? 0
      while (f > 0 && !next[f]?.has(c)) f = fail[f] ?? 0
      const target = next[f]?.get(c)
      fail[to] = target !== undefined && target !== to ? target : 0
      out[to] = Math.max(out[to] ?? 0, out[fail[to] ?? 0] ?? 0)
      queue.push(to)
    }
  }
  return { next, fail, out, long }
}

/** How far `message` from `start` follows `pattern` (its common prefix length). */
const follows = (message: string, start: number, pattern: string): number => {
  let n = 0
  while (n < pattern.length && start + n < message.length && message.charCodeAt(start + n) === pattern.charCodeAt(n)) n++
  return n
}

/** The end of the cut for a match at `start` of `length`: further where a longer pattern goes on. */
const cutEnd = (message: string, start: number, length: number, longer: ReadonlyArray<string> | undefined): number => {
  let end = start + length
  if (longer === undefined || length < prefixLength) return end
  for (const pattern of longer) end = Math.max(end, start + follows(message, start, pattern))
  return end
}

/** `message` with every occurrence of every pattern (overlapping ones merged) replaced. */
const replaceAll = (message: string, a: Automaton, by: string): string => {
  const cuts: Array<[number, number]> = []
  let state = 0
  for (let i = 0; i < message.length; i++) {
    const c = message.charAt(i)
    while (state > 0 && !a.next[state]?.has(c)) state = a.fail[state] ?? 0
    state = a.next[state]?.get(c) ?? 0
    const length = a.out[state] ?? 0
    if (length === 0) continue
    let start = i + 1 - length
    const last = cuts[cuts.length - 1]
    // a match inside the last cut adds nothing (a long pattern's is not followed again: work stays linear)
    if (last !== undefined && start >= last[0] && i + 1 <= last[1]) continue
    let end = cutEnd(message, start, length, a.long.get(state))
    // a longer match may start before earlier ones: it swallows every cut it overlaps
    for (let prev = cuts[cuts.length - 1]; prev !== undefined && start <= prev[1]; prev = cuts[cuts.length - 1]) {
      start = Math.min(start, prev[0])
      end = Math.max(end, prev[1])
      cuts.pop()
    }
    cuts.push([start, end])
  }
  if (cuts.length === 0) return message
  let result = ""
  let from = 0
  for (const [start, end] of cuts) {
    result += `${message.slice(from, start)}${by}`
    from = end
  }
  return result + message.slice(from)
}

/** `redact` with the secrets of `input`, looked for only when there is a finding to redact. */
export const redactFrom = <F extends { readonly message: string }>(findings: ReadonlyArray<F>, input: unknown): ReadonlyArray<F> =>
  findings.length === 0 ? findings : redact(findings, values(input))

/** A function replacing every spelling of every secret value in a text by `<redacted>` (the automaton built once). */
export const redactor = (secrets: ReadonlyArray<string>): ((text: string) => string) => {
  if (secrets.length === 0) return (text) => text
  const a = automaton(secrets.flatMap(spellings))
  return (text) => replaceAll(text, a, "<redacted>")
}

/** `findings` with every spelling of every secret value replaced by `<redacted>`. */
export const redact = <F extends { readonly message: string }>(
  findings: ReadonlyArray<F>,
  secrets: ReadonlyArray<string>
): ReadonlyArray<F> => {
  if (secrets.length === 0 || findings.length === 0) return findings
  const replace = redactor(secrets)
  return findings.map((finding) => {
    const message = replace(finding.message)
    return message === finding.message ? finding : { ...finding, message }
  })
}

/**
 * The secret values of an admitted object (the WhaTap license, `WHATAP_LICENSE` env
 * values, bearer `credentials`) and their removal from any text the webhook answers with.
 * Core's validator redacts its messages, but a field path is made of the object's own
 * keys, and a name is the object's own: a license pasted as a key or a name would reach a
 * `Warning:` line or a denial. The rules are core's (`internal/secrets.ts`, not exported).
 */
const secretKeys = new Set(["license", "credentials"])
const secretEnvNames = new Set(["WHATAP_LICENSE", "license"])
const maxDepth = 64
/** Shorter values would blank out ordinary words; no license is that short. */
const minLength = 3

const isRecord = (u: unknown): u is Readonly<Record<string, unknown>> => typeof u === "object" && u !== null && !Array.isArray(u)

const asText = (value: unknown): string | undefined =>
  typeof value === "string" ? value : typeof value === "number" ? String(value) : undefined

const envSecrets = (envs: unknown): ReadonlyArray<string> =>
  (Array.isArray(envs) ? envs : []).flatMap((env: unknown) =>
    isRecord(env) && typeof env["name"] === "string" && secretEnvNames.has(env["name"]) ? asText(env["value"]) ?? [] : [])

/** Every secret value in the given documents (bounded depth: hostile nesting cannot overflow). */
export const values = (...documents: ReadonlyArray<unknown>): ReadonlyArray<string> => {
  const found: Array<string> = []
  const visit = (node: unknown, depth: number): void => {
    if (depth > maxDepth) return
    if (Array.isArray(node)) for (const item of node) visit(item, depth + 1)
    if (!isRecord(node)) return
    for (const [key, value] of Object.entries(node)) {
      const text = secretKeys.has(key) ? asText(value) : undefined
      if (text !== undefined) found.push(text)
      if (key === "envs" || key === "env") found.push(...envSecrets(value))
      visit(value, depth + 1)
    }
  }
  for (const document of documents) visit(document, 0)
  return [...new Set(found.filter((s) => s.length >= minLength))].sort((a, b) => b.length - a.length)
}

/** `text` with every secret value, raw or JSON-escaped (as in a quoted path segment), replaced. */
export const redact = (text: string, secrets: ReadonlyArray<string>): string =>
  secrets.reduce(
    (out, secret) => out.replaceAll(secret, "<redacted>").replaceAll(JSON.stringify(secret).slice(1, -1), "<redacted>"),
    text
  )

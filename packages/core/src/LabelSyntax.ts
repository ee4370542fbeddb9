/**
 * Kubernetes label key and value syntax, with the rules and the wording of
 * apimachinery's `IsLabelKey` (a.k.a. `IsQualifiedName`) and `IsValidLabelValue`.
 * Each check returns every problem as a human sentence (empty array = valid), so
 * callers can show users the same text `kubectl apply` would.
 *
 * Lengths are counted in UTF-8 bytes like Go does; any non-ASCII character already
 * fails the character rules, so the difference only shows in the length message.
 */
import { byteLength } from "./internal/Utf8.ts"

/** A label key's name part (and a whole value, minus the emptiness) must match this. */
const nameFormat = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]"
const valueFormat = `(${nameFormat})?`
const dnsLabelFormat = "[a-z0-9]([-a-z0-9]*[a-z0-9])?"
const subdomainFormat = `${dnsLabelFormat}(\\.${dnsLabelFormat})*`

const nameRegExp = new RegExp(`^${nameFormat}$`)
const dnsLabelRegExp = new RegExp(`^${dnsLabelFormat}$`)
const valueRegExp = new RegExp(`^${valueFormat}$`)
const subdomainRegExp = new RegExp(`^${subdomainFormat}$`)

export const nameMaxLength = 63
export const valueMaxLength = 63
export const prefixMaxLength = 253
export const dnsLabelMaxLength = 63

const nameMessage =
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character"
const valueMessage =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character"
const dnsLabelMessage =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character"
const subdomainMessage =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character"

/** apimachinery's `RegexError`, double space included, so messages read identically. */
const regexError = (message: string, format: string, examples: ReadonlyArray<string>): string =>
  `${message} (e.g. ${examples.map((e) => `'${e}', `).join(" or ")}regex used for validation is '${format}')`

/**
 * What a valid text's checks return: one shared empty list, frozen since these checks are
 * public (a regex below passes only ASCII, so a passing text's length is its byte length).
 */
const noErrors: ReadonlyArray<string> = Object.freeze([])

const maxLengthError = (max: number): string => `must be no more than ${max} characters`
const emptyError = "must be non-empty"

/**
 * Problems with a DNS-1123 subdomain (a label key prefix), in apimachinery's words.
 *
 * @example
 * ```ts
 * import { LabelSyntax } from "@whatap-operator/core"
 *
 * LabelSyntax.subdomainErrors("example.com") // => []
 * LabelSyntax.subdomainErrors("Example.com").length // => 1
 * ```
 */
export const subdomainErrors = (text: string): ReadonlyArray<string> => {
  if (text.length <= prefixMaxLength && subdomainRegExp.test(text)) return noErrors
  const errors: Array<string> = []
  if (byteLength(text) > prefixMaxLength) errors.push(maxLengthError(prefixMaxLength))
  if (!subdomainRegExp.test(text)) errors.push(regexError(subdomainMessage, subdomainFormat, ["example.com"]))
  return errors
}

/**
 * Problems with a DNS-1123 label (a namespace name), in apimachinery's words.
 *
 * @example
 * ```ts
 * import { LabelSyntax } from "@whatap-operator/core"
 *
 * LabelSyntax.dnsLabelErrors("whatap-monitoring") // => []
 * LabelSyntax.dnsLabelErrors("a".repeat(64)) // => ["must be no more than 63 characters"]
 * ```
 */
export const dnsLabelErrors = (text: string): ReadonlyArray<string> => {
  if (text.length <= dnsLabelMaxLength && dnsLabelRegExp.test(text)) return noErrors
  const errors: Array<string> = []
  if (byteLength(text) > dnsLabelMaxLength) errors.push(maxLengthError(dnsLabelMaxLength))
  if (!dnsLabelRegExp.test(text)) errors.push(regexError(dnsLabelMessage, dnsLabelFormat, ["my-name", "123-abc"]))
  return errors
}

const nameErrors = (name: string): ReadonlyArray<string> => {
  if (name.length <= nameMaxLength && nameRegExp.test(name)) return noErrors
  const errors: Array<string> = []
  if (name.length === 0) errors.push(`name part ${emptyError}`)
  else if (byteLength(name) > nameMaxLength) errors.push(`name part ${maxLengthError(nameMaxLength)}`)
  if (!nameRegExp.test(name)) {
    errors.push(`name part ${regexError(nameMessage, nameFormat, ["MyName", "my.name", "123-abc"])}`)
  }
  return errors
}

/**
 * Problems with a label key: `[prefix/]name`, prefix a DNS subdomain of at most 253
 * characters, name at most 63 characters of `[A-Za-z0-9._-]` starting and ending
 * alphanumeric. More than one `/` is one problem on its own, as in apimachinery.
 *
 * @example
 * ```ts
 * import { LabelSyntax } from "@whatap-operator/core"
 *
 * LabelSyntax.labelKeyErrors("app.kubernetes.io/name") // => []
 * LabelSyntax.labelKeyErrors("a/b/c").length // => 1
 * ```
 */
export const labelKeyErrors = (key: string): ReadonlyArray<string> => {
  if (key.length <= nameMaxLength && nameRegExp.test(key)) return noErrors
  const parts = key.split("/")
  if (parts.length > 2) {
    return [
      `a valid label key ${regexError(nameMessage, nameFormat, ["MyName", "my.name", "123-abc"])}` +
      " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"
    ]
  }
  const [first = "", second] = parts
  if (second === undefined) return nameErrors(first)
  const prefixErrors = first.length === 0
    ? [`prefix part ${emptyError}`]
    : subdomainErrors(first).map((message) => `prefix part ${message}`)
  return [...prefixErrors, ...nameErrors(second)]
}

/**
 * Problems with a label value: empty, or at most 63 characters shaped like a key name.
 *
 * @example
 * ```ts
 * import { LabelSyntax } from "@whatap-operator/core"
 *
 * LabelSyntax.labelValueErrors("") // => []
 * LabelSyntax.labelValueErrors("v".repeat(64)) // => ["must be no more than 63 characters"]
 * ```
 */
export const labelValueErrors = (value: string): ReadonlyArray<string> => {
  if (value.length <= valueMaxLength && valueRegExp.test(value)) return noErrors
  const errors: Array<string> = []
  if (byteLength(value) > valueMaxLength) errors.push(maxLengthError(valueMaxLength))
  if (!valueRegExp.test(value)) errors.push(regexError(valueMessage, valueFormat, ["MyValue", "my_value", "12345"]))
  return errors
}

/**
 * Whether `key` is a valid label key (`labelKeyErrors` says why not).
 *
 * @example
 * ```ts
 * import { LabelSyntax } from "@whatap-operator/core"
 *
 * LabelSyntax.isLabelKey("example.com/tier") // => true
 * LabelSyntax.isLabelKey("-tier") // => false
 * ```
 */
export const isLabelKey = (key: string): boolean => labelKeyErrors(key).length === 0

/**
 * Whether `value` is a valid label value (`labelValueErrors` says why not).
 *
 * @example
 * ```ts
 * import { LabelSyntax } from "@whatap-operator/core"
 *
 * LabelSyntax.isLabelValue("") // => true
 * LabelSyntax.isLabelValue("a b") // => false
 * ```
 */
export const isLabelValue = (value: string): boolean => labelValueErrors(value).length === 0

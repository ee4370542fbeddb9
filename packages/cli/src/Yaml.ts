/**
 * YAML as whatapctl prints it (`render`, `inject`, `crds`, `schema`, `-o yaml`): read back
 * by kubectl, the API server and Helm, which read YAML with go-yaml v2 (through
 * sigs.k8s.io/yaml), a YAML 1.1 reader. The `yaml` package writes YAML 1.2 and leaves
 * strings such as `yes`, `off`, `y`, `0X1F` or `2024-01-02` unquoted; go-yaml v2 reads them
 * as a boolean, a number or a timestamp, so `nodeSelector: {gpu: "yes"}` would reach the
 * cluster as `gpu: true` (refused, or a different value). Every string that go-yaml v2 or
 * a YAML 1.1 reader would not read as that string is double-quoted, keys included; so is
 * one holding a character a terminal acts on (C1 controls, bidirectional overrides; NEL
 * is also a line break to YAML 1.1), written as a `\uXXXX` escape.
 */
import { Document, visit } from "yaml"
import { escapeInQuotes, hasRawInQuotes } from "./Printable.ts"

/** go-yaml v2's table of plain scalars with a fixed meaning (resolve.go), and YAML 1.1's. */
const fixed: ReadonlySet<string> = new Set([
  "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO",
  "true", "True", "TRUE", "false", "False", "FALSE", "on", "On", "ON", "off", "Off", "OFF",
  "", "~", "null", "Null", "NULL",
  ".nan", ".NaN", ".NAN", ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF",
  "<<"
])

/** go-yaml v2, on a scalar starting with a digit or a sign, with `_` removed: `strconv.ParseInt(s, 0, 64)` or its float pattern. */
const goInt = /^[-+]?(?:0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|[0-9]+)$/
const goFloat = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/
/** go-yaml v2, on a scalar starting with `.`: `strconv.ParseFloat`. */
const goDotFloat = /^\.[0-9]+(?:[eE][-+]?[0-9]+)?$/
/**
 * YAML 1.1's integers and floats (binary, octal, decimal, hexadecimal, base 60) as the `yaml`
 * package's 1.1 schema reads them (its float patterns take `e3` and `.` too), and
 * timestamps (any `YYYY-` start, to be safe).
 */
const yaml11 = [
  /^[-+]?0b[01_]+$/,
  /^[-+]?0[0-7_]+$/,
  /^[-+]?[0-9][0-9_]*$/,
  /^[-+]?0x[0-9a-fA-F_]+$/,
  /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/,
  /^[-+]?(?:[0-9][0-9_]*)?(?:\.[0-9_]*)?[eE][-+]?[0-9]+$/,
  /^[-+]?(?:[0-9][0-9_]*)?\.[0-9_]*$/,
  /^[0-9]{4}-/
]

const isDigitOrSign = (c: string | undefined): boolean => c === "+" || c === "-" || (c !== undefined && c >= "0" && c <= "9")

/** Whether a plain (unquoted) scalar of this text would be read as something other than this string. */
export const readsAsNonString = (text: string): boolean => {
  if (fixed.has(text) || yaml11.some((pattern) => pattern.test(text))) return true
  const first = text[0]
  if (first === ".") return goDotFloat.test(text)
  if (!isDigitOrSign(first)) return false
  const plain = text.replaceAll("_", "")
  return goInt.test(plain) || goFloat.test(plain)
}

/** `value` as YAML, one line per scalar (no folding), shared objects written out in full. */
export const stringify = (value: unknown): string => {
  const doc = new Document(value, { aliasDuplicateObjects: false })
  visit(doc, {
    Scalar: (_key, node) => {
      if (typeof node.value === "string" && (readsAsNonString(node.value) || hasRawInQuotes(node.value))) node.type = "QUOTE_DOUBLE"
    }
  })
  return escapeInQuotes(doc.toString({ lineWidth: 0 }))
}

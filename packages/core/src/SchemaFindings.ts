/**
 * Converts an Effect `SchemaIssue` tree into flat findings with JSON paths and short
 * messages in the style of the Kubernetes API server (`expected boolean, got string
 * "yes"`, `must be one of: a, b`, `missing required field "x"`), each tagged with its
 * validator rule. Unknown keys become warnings: the API server prunes them rather than
 * rejecting the object; in a label selector the warning lists the fields it could have
 * been, since a typo there silently selects everything.
 */
import { SchemaAST, SchemaIssue } from "effect"
import * as Finding from "./Finding.ts"
import { selectorFields } from "./internal/Field.ts"
import { error, type Issue, warning } from "./internal/validate/issue.ts"

const formatDefault = SchemaIssue.makeFormatterDefault()

export const fromIssue = (issue: SchemaIssue.Issue): ReadonlyArray<Issue> => {
  const out: Array<Issue> = []
  collect(issue, [], out)
  return out
}

const unexpectedKey = (issue: SchemaIssue.UnexpectedKey, path: Finding.Path): Issue => {
  const fields = issue.ast.annotations?.[selectorFields]
  const key = quote(last(path))
  if (Array.isArray(fields)) {
    return warning("selector", path, `unknown field ${key} is ignored (expected one of ${fields.join(", ")})`)
  }
  return warning("unknown-field", path, `unknown field ${key}; the API server drops it on create and update, and server-side apply rejects it`)
}

const collect = (issue: SchemaIssue.Issue, path: Finding.Path, out: Array<Issue>): void => {
  switch (issue._tag) {
    case "Pointer":
      return collect(issue.issue, [...path, ...issue.path.map(segment)], out)
    case "Composite":
      return issue.issues.forEach((child) => collect(child, path, out))
    case "Encoding":
      return collect(issue.issue, path, out)
    case "MissingKey":
      out.push(error("schema", path, issue.annotations?.messageMissingKey ?? `missing required field ${quote(last(path))}`))
      return
    case "UnexpectedKey":
      out.push(unexpectedKey(issue, path))
      return
    case "InvalidType":
      out.push(error("schema", path, `expected ${typeName(issue.ast)}, got ${describe(issue.input)}`))
      return
    case "Filter":
      // A filter that states its own issues (a message and a path inside the value) is told as such.
      if (typeof issue.filter.annotations?.expected !== "string" && hasMessage(issue.issue)) return collect(issue.issue, path, out)
      out.push(error("schema", path, `expected ${expected(issue.filter)}, got ${describe(issue.input)}${beyondSafe(issue.input)}`))
      return
    case "InvalidValue":
      out.push(error("schema", path, typeof issue.annotations?.message === "string" ? issue.annotations.message : firstLine(formatDefault(issue))))
      return
    case "AnyOf":
      return anyOf(issue, path, out)
    default:
      out.push(error("schema", path, firstLine(formatDefault(issue))))
  }
}

/** Whether an issue carries a message of its own (a makeFilter that returned `{ path, issue: "..." }`). */
const hasMessage = (issue: SchemaIssue.Issue): boolean => {
  switch (issue._tag) {
    case "InvalidValue": return typeof issue.annotations?.message === "string"
    case "Pointer": return hasMessage(issue.issue)
    case "Composite": return issue.issues.length > 0 && issue.issues.every(hasMessage)
    default: return false
  }
}

const segment = (key: PropertyKey): string | number =>
  typeof key === "number" ? key : typeof key === "string" ? key : String(key)

const last = (path: Finding.Path): string => String(path[path.length - 1] ?? "")

const quote = (s: string): string => JSON.stringify(s)

const firstLine = (s: string): string => s.split("\n")[0] ?? s

const expected = (filter: SchemaAST.Filter<unknown>): string => {
  const text = filter.annotations?.expected
  return typeof text === "string" ? text : "a valid value"
}

/**
 * Enums report their members; other unions (int-or-string) report the one branch that
 * got past the type test (a quantity string failing its pattern), or both types.
 */
const anyOf = (issue: SchemaIssue.AnyOf, path: Finding.Path, out: Array<Issue>): void => {
  const literals = issue.ast.types.flatMap((t) => (t._tag === "Literal" ? [t.literal] : []))
  if (literals.length > 0 && literals.length === issue.ast.types.length) {
    out.push(error("schema", path, `must be one of: ${literals.map(String).join(", ")}`))
    return
  }
  const label = issue.ast.annotations?.expected
  // Only a string can fail the quantity pattern; any other input gets the union's label.
  if (typeof label === "string" && typeof issue.input !== "string") {
    out.push(error("schema", path, `expected ${label}, got ${describe(issue.input)}`))
    return
  }
  const specific = issue.issues.filter((child) => child._tag !== "InvalidType")
  if (specific.length > 0) return specific.forEach((child) => collect(child, path, out))
  out.push(error("schema", path, `expected ${typeName(issue.ast)}, got ${describe(issue.input)}`))
}

/** The expected JSON type of an AST node, in OpenAPI words. */
export const typeName = (ast: SchemaAST.AST): string => {
  switch (ast._tag) {
    case "String":
      return "string"
    case "Boolean":
      return "boolean"
    case "Number":
      return isInteger(ast) ? "integer" : "number"
    case "Objects":
      return ast.indexSignatures.length > 0 ? "map" : "object"
    case "Arrays":
      return "array"
    case "Literal":
      return JSON.stringify(ast.literal)
    case "Union":
      return [...new Set(ast.types.map(typeName))].join(" or ")
    default:
      return ast._tag.toLowerCase()
  }
}

const isInteger = (ast: SchemaAST.AST): boolean =>
  (ast.checks ?? []).some((check) => check._tag === "Filter" && check.annotations?.expected === "an integer")

/**
 * Why an integer is "not an integer": beyond 2^53 a JSON number is not read exactly (the
 * digits shown are already changed), although the API server's int64 takes it.
 */
const beyondSafe = (input: unknown): string =>
  typeof input === "number" && Number.isInteger(input) && !Number.isSafeInteger(input)
    ? ` (an integer beyond ±${Number.MAX_SAFE_INTEGER} is not read exactly here, although the API server's int64 takes it: use a smaller value)`
    : ""

/** A long string cut to 60 characters, as `describe` shows it. */
export const excerpt = (s: string): string => (s.length > 60 ? `${s.slice(0, 57)}...` : s)

/** `string "yes"`, `number 3`, `array`, `object`, `null`: the actual input, short. */
export const describe = (input: unknown): string => {
  if (input === null) return "null"
  if (Array.isArray(input)) return "array"
  switch (typeof input) {
    case "string":
      return `string ${JSON.stringify(excerpt(input))}`
    case "number":
    case "boolean":
    case "bigint":
      return `${typeof input} ${String(input)}`
    case "undefined":
      return "nothing"
    default:
      return typeof input
  }
}

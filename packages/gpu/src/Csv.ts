/**
 * The dcgm-exporter metrics CSV (`whatap-gpu.csv` in the ConfigMap `dcgm-exporter-csv`)
 * as typed data: groups of `(field, type, help)` rows, the default list, user additions
 * checked against the DCGM field table, and a deterministic rendering in the exporter's
 * format (`FIELD, type, help` lines, `#` comment lines).
 *
 * The default list is the manifests/Helm variant of spec 6.3 (MIG label fields for
 * MIG-aware attribution, `DCGM_FI_DEV_WEIGHTED_GPU_UTIL` of the WhaTap exporter build),
 * with `DCGM_FI_DEV_PSTATE` once instead of twice. This module is its single source.
 */
import { Effect, Schema } from "effect"
import * as DcgmField from "./DcgmField.ts"
import { defaultGroups } from "./internal/csvDefaults.ts"
import { quote } from "./internal/Problem.ts"

/** The Prometheus types dcgm-exporter accepts that this operator renders. */
export const MetricType = Schema.Literals(["label", "gauge", "counter"])
export type MetricType = typeof MetricType.Type

export const Metric = Schema.Struct({
  field: Schema.String,
  type: MetricType,
  help: Schema.String
})
export type Metric = typeof Metric.Type

export const Group = Schema.Struct({
  title: Schema.String,
  metrics: Schema.Array(Metric)
})
export type Group = typeof Group.Type

/** The default field list, in file order. */
export const defaults: ReadonlyArray<Group> = defaultGroups

/** Every field of `groups`, in file order. */
export const fields = (groups: ReadonlyArray<Group>): ReadonlyArray<string> =>
  groups.flatMap((group) => group.metrics.map((metric) => metric.field))

/** The file: a `# title` line per group, then its `FIELD, type, help` lines; groups apart by a blank line. */
export const render = (groups: ReadonlyArray<Group>): string =>
  groups
    .filter((group) => group.metrics.length > 0)
    .map((group) => [`# ${group.title}`, ...group.metrics.map((m) => `${m.field}, ${m.type}, ${m.help}`)].join("\n"))
    .join("\n\n") + "\n"

/** `groups` without the named fields; a group left empty is dropped. */
export const without = (groups: ReadonlyArray<Group>, removed: ReadonlyArray<string>): ReadonlyArray<Group> =>
  groups
    .map((group) => ({ title: group.title, metrics: group.metrics.filter((m) => !removed.includes(m.field)) }))
    .filter((group) => group.metrics.length > 0)

export const IssueReason = Schema.Literals(["UnknownField", "InvalidType", "InvalidHelp", "Duplicate", "TooMany"])
export type IssueReason = typeof IssueReason.Type

export const Issue = Schema.Struct({
  /** Position of the addition (0-based); -1 for the list as a whole. */
  index: Schema.Int,
  field: Schema.String,
  reason: IssueReason,
  message: Schema.String
})
export type Issue = typeof Issue.Type

export class CsvError extends Schema.TaggedError<CsvError>()("CsvError", {
  issues: Schema.Array(Issue),
  message: Schema.String
}) {}

/** The title of the group that user additions are rendered under. */
export const additionsTitle = "Additional fields"

/**
 * Bound on additions: DCGM has about a thousand fields, and every one is a watch in the
 * host engine; a longer list is a mistake, not a configuration.
 */
export const maxAdditions = 256

/**
 * Help text becomes one CSV cell: a comma would split it, a line break end the record, and
 * a double quote stop the exporter (Go's encoding/csv: `bare " in non-quoted field`).
 */
const helpProblem = (help: string): string | undefined =>
  help.trim() === "" ? "help text is empty"
    : /[,\r\n"]/.test(help) ? "help text must not contain a comma, a double quote or a line break (the exporter reads exactly 3 plain cells per line)"
    : help.length > 200 ? "help text is longer than 200 characters"
    : undefined

const unknownField = (field: string): string => {
  const suggestion = DcgmField.nearest(field)
  return `unknown DCGM field ${quote(field)}` +
    (suggestion._tag === "Some" ? ` (did you mean ${suggestion.value}?)` : "; dcgm-exporter would refuse to start")
}

/** The issues of addition `index` against the fields already listed before it. */
const issuesOf = (metric: Metric, index: number, listed: ReadonlyArray<string>): ReadonlyArray<Issue> => {
  const issue = (reason: IssueReason, message: string): Issue => ({ index, field: metric.field, reason, message })
  const known = DcgmField.lookup(metric.field)
  if (known._tag === "None") return [issue("UnknownField", unknownField(metric.field))]
  const out: Array<Issue> = []
  const twin = listed.find((other) => {
    const field = DcgmField.lookup(other)
    return field._tag === "Some" && DcgmField.sameField(field.value, known.value)
  })
  if (twin !== undefined) {
    out.push(issue("Duplicate", twin === metric.field
      ? `${metric.field} is already listed`
      : `${metric.field} is the same DCGM field (${known.value.id}) as ${twin}, already listed`))
  }
  const help = helpProblem(metric.help)
  if (help !== undefined) out.push(issue("InvalidHelp", `${metric.field}: ${help}`))
  return out
}

const decodeAdditions = Schema.decodeUnknownEffect(Schema.Array(Metric))

/**
 * `base` plus the user's additions under "Additional fields", or a `CsvError` listing
 * every problem: an unknown field (with the nearest known name), a type other than
 * label/gauge/counter, help text that would break the CSV, a field (or another name of
 * the same DCGM field) listed twice.
 */
export const withAdditions = Effect.fn("Csv.withAdditions")(function*(base: ReadonlyArray<Group>, additions: unknown) {
  const decoded = yield* decodeAdditions(additions, { errors: "all" }).pipe(
    Effect.mapError((error) => fail([{ index: -1, field: "", reason: "InvalidType", message: error.message }]))
  )
  if (decoded.length > maxAdditions) {
    return yield* fail([{ index: -1, field: "", reason: "TooMany", message: `${decoded.length} additions; at most ${maxAdditions}` }])
  }
  const issues = decoded.flatMap((metric, index) =>
    issuesOf(metric, index, [...fields(base), ...decoded.slice(0, index).map((m) => m.field)]))
  if (issues.length > 0) return yield* fail(issues)
  return decoded.length === 0 ? base : [...base, { title: additionsTitle, metrics: decoded }]
})

const fail = (issues: ReadonlyArray<Issue>): CsvError =>
  new CsvError({ issues, message: issues.map((i) => (i.index >= 0 ? `additions[${i.index}]: ${i.message}` : i.message)).join("\n") })

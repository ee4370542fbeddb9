/**
 * The DCGM field names a dcgm-exporter metrics CSV may list: exactly the names the
 * exporter resolves (`dcgm.GetFieldID` over go-dcgm's current and legacy tables, then its
 * own `DCGM_EXP_*` counters) plus `DCGM_FI_DEV_WEIGHTED_GPU_UTIL`, a field of the WhaTap
 * exporter build (spec 6.2). A name outside this table makes dcgm-exporter exit at start
 * ("could not find DCGM field"), so Csv rejects it before it reaches a ConfigMap.
 *
 * Sources: NVIDIA/go-dcgm pkg/dcgm/const_fields.go (the generated tables in
 * internal/dcgm, see scripts/dcgm-fields.ts for the revision); NVIDIA/dcgm-exporter
 * internal/pkg/counters/{const.go,exporter_counters.go} and counter_config.go
 * (`ExtractCounters`) at d5e5f510a1b6b393f39a43293ccd9dc985defc79.
 */
import { Option } from "effect"
import * as Current from "./internal/dcgm/current.ts"
import * as Legacy from "./internal/dcgm/legacy.ts"

/** Where a name comes from: DCGM itself (current or legacy name), the exporter, WhaTap. */
export type Source = "dcgm" | "dcgm-legacy" | "dcgm-exporter" | "whatap"

export interface Field {
  readonly name: string
  /** The DCGM field id; for exporter and WhaTap fields, their own code (9001-9004, 9003). */
  readonly id: number
  readonly source: Source
}

/** dcgm-exporter's `ExporterCounter` values: `iota + 9000` from 9001. */
const exporterFields: ReadonlyArray<readonly [string, number]> = [
  ["DCGM_EXP_XID_ERRORS_COUNT", 9001],
  ["DCGM_EXP_CLOCK_EVENTS_COUNT", 9002],
  ["DCGM_EXP_GPU_HEALTH_STATUS", 9003],
  ["DCGM_EXP_P2P_STATUS", 9004]
]

/** Spec 6.2: code 9003 in the WhaTap exporter build (KAZAA-537). */
const whatapFields: ReadonlyArray<readonly [string, number]> = [["DCGM_FI_DEV_WEIGHTED_GPU_UTIL", 9003]]

const tagged = (source: Source, entries: ReadonlyArray<readonly [string, number]>): ReadonlyArray<Field> =>
  entries.map(([name, id]) => ({ name, id, source }))

/** Current names first: where a legacy table repeats a name, the current entry wins. */
const table: ReadonlyMap<string, Field> = new Map(
  [
    ...tagged("whatap", whatapFields),
    ...tagged("dcgm-exporter", exporterFields),
    ...tagged("dcgm-legacy", Legacy.entries),
    ...tagged("dcgm", Current.entries)
  ].map((field) => [field.name, field])
)

/** Every known name, sorted. */
export const names: ReadonlyArray<string> = [...table.keys()].sort()

export const lookup = (name: string): Option.Option<Field> => Option.fromUndefinedOr(table.get(name))

export const isKnown = (name: string): boolean => table.has(name)

/**
 * Whether two names collect the same DCGM field (a legacy alias and its current name,
 * `DCGM_FI_DEV_NAME` and `DCGM_FI_DEV_GPU_NAME`): listed twice, the series is exported
 * twice. Exporter and WhaTap codes are their own number space.
 */
export const sameField = (a: Field, b: Field): boolean =>
  a.name === b.name || (isDcgm(a) && isDcgm(b) && a.id === b.id)

const isDcgm = (field: Field): boolean => field.source === "dcgm" || field.source === "dcgm-legacy"

/** Levenshtein distance, stopping early once every path exceeds `limit`. */
const distance = (a: string, b: string, limit: number): number => {
  if (Math.abs(a.length - b.length) > limit) return limit + 1
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const row = [i]
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      row.push(Math.min((previous[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost))
    }
    if (Math.min(...row) > limit) return limit + 1
    previous = row
  }
  return previous[b.length] ?? limit + 1
}

/** At most this many edits (case aside) for a "did you mean" suggestion. */
const suggestionLimit = 3

/** The known name closest to `name` (upper-cased; ties: the first in sort order), if close enough. */
export const nearest = (name: string): Option.Option<string> => {
  const wanted = name.toUpperCase()
  let best: { readonly name: string; readonly distance: number } | undefined
  for (const candidate of names) {
    const d = distance(wanted, candidate.toUpperCase(), best?.distance ?? suggestionLimit)
    if (d <= suggestionLimit && (best === undefined || d < best.distance)) best = { name: candidate, distance: d }
  }
  return Option.fromUndefinedOr(best?.name)
}

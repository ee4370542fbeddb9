/**
 * Prometheus text exposition (format 0.0.4) of the process' Effect metrics: counters,
 * gauges and histograms, grouped by metric name with one HELP/TYPE header each, series
 * sorted by their labels so scrapes are stable. Checked by the real `promtool check
 * metrics` in the e2e suite.
 */
import { Effect, Metric } from "effect"

export const contentType = "text/plain; version=0.0.4; charset=utf-8"

const escapeLabel = (value: string): string => value.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, "\\\"")
const escapeHelp = (value: string): string => value.replace(/\\/g, "\\\\").replace(/\n/g, "\\n")

const labels = (attributes: Readonly<Record<string, string>> | undefined, extra: ReadonlyArray<[string, string]> = []): string => {
  const pairs = [...Object.entries(attributes ?? {}).sort(([a], [b]) => a.localeCompare(b)), ...extra]
  return pairs.length === 0 ? "" : `{${pairs.map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(",")}}`
}

const number = (value: number | bigint): string => {
  if (typeof value === "bigint") return value.toString()
  if (Number.isNaN(value)) return "NaN"
  if (value === Infinity) return "+Inf"
  if (value === -Infinity) return "-Inf"
  return String(value)
}

const series = (snapshot: Metric.Metric.Snapshot): ReadonlyArray<string> => {
  const id = snapshot.id
  switch (snapshot.type) {
    case "Counter":
      return [`${id}${labels(snapshot.attributes)} ${number(snapshot.state.count)}`]
    case "Gauge":
      return [`${id}${labels(snapshot.attributes)} ${number(snapshot.state.value)}`]
    case "Histogram": {
      const { buckets, count, sum } = snapshot.state
      return [
        ...buckets.map(([le, n]) => `${id}_bucket${labels(snapshot.attributes, [["le", number(le)]])} ${n}`),
        `${id}_bucket${labels(snapshot.attributes, [["le", "+Inf"]])} ${count}`,
        `${id}_sum${labels(snapshot.attributes)} ${number(sum)}`,
        `${id}_count${labels(snapshot.attributes)} ${count}`
      ]
    }
    default:
      // Frequencies and summaries are not used by the operator; skip rather than misreport.
      return []
  }
}

const typeName = (type: Metric.Metric.Snapshot["type"]): string | undefined =>
  type === "Counter" ? "counter" : type === "Gauge" ? "gauge" : type === "Histogram" ? "histogram" : undefined

/** The exposition text for `snapshots` (exported for tests). */
export const render = (snapshots: ReadonlyArray<Metric.Metric.Snapshot>): string => {
  const byName = new Map<string, Array<Metric.Metric.Snapshot>>()
  for (const s of snapshots) {
    if (typeName(s.type) === undefined) continue
    byName.set(s.id, [...(byName.get(s.id) ?? []), s])
  }
  const blocks = [...byName.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([name, group]) => {
    const first = group[0]
    const help = group.find((s) => s.description !== undefined)?.description ?? name
    // Series sorted by labels; a histogram's own lines keep their bucket order (le ascending).
    const lines = [...group].sort((a, b) => labels(a.attributes).localeCompare(labels(b.attributes))).flatMap(series)
    return [`# HELP ${name} ${escapeHelp(help)}`, `# TYPE ${name} ${first === undefined ? "untyped" : typeName(first.type)}`, ...lines]
  })
  return blocks.map((b) => `${b.join("\n")}\n`).join("")
}

/** The current exposition of the registry in scope. */
export const scrape: Effect.Effect<string> = Effect.map(Metric.snapshot, render)

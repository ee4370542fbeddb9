/**
 * `whatapctl doctor`'s output: one block per check as it completes (status, title,
 * summary, the details indented under it, then `fix:`), a summary line on stderr, or
 * with `-o json` one document with every check at the end. Text control characters
 * from the cluster (a Status message, a CR field) are escaped, never written raw.
 */
import { printable } from "../../Printable.ts"
import * as Style from "../../Style.ts"
import type * as Check from "./Check.ts"

const labels: Readonly<Record<Check.Status, string>> = { ok: "ok", warn: "warn", fail: "FAIL", skip: "skip" }

const paint = (status: Check.Status, palette: Style.Palette): ((text: string) => string) =>
  status === "ok" ? palette.green : status === "warn" ? palette.yellow : status === "fail" ? palette.red : palette.dim

/** The block of the `index`th check (from 1). */
export const block = (index: number, result: Check.Result, palette: Style.Palette): string => {
  const head = `${String(index).padStart(2)} ${paint(result.status, palette)(labels[result.status].padEnd(4))}  ${palette.bold(result.title)}: ${printable(result.summary)}`
  const details = result.details.map((d) => `          ${printable(d)}`)
  const fix = result.fix === undefined || result.status === "ok" || result.status === "skip" ? [] : [`          ${palette.bold("fix:")} ${printable(result.fix)}`]
  return [head, ...details, ...fix].map((l) => `${l}\n`).join("")
}

export const header = (namespace: string, serviceAccount: string): string =>
  `whatapctl doctor: operator namespace ${namespace}, ServiceAccount ${serviceAccount}\n`

const count = (results: ReadonlyArray<Check.Result>, status: Check.Status): number => results.filter((r) => r.status === status).length

export const summary = (results: ReadonlyArray<Check.Result>): string => {
  const parts = [`${count(results, "ok")} ok`, `${count(results, "fail")} failed`]
  if (count(results, "warn") > 0) parts.push(`${count(results, "warn")} warning${count(results, "warn") === 1 ? "" : "s"}`)
  if (count(results, "skip") > 0) parts.push(`${count(results, "skip")} skipped`)
  return `whatapctl: ${results.length} checks: ${parts.join(", ")}\n`
}

export const json = (namespace: string, serviceAccount: string, results: ReadonlyArray<Check.Result>): string =>
  `${JSON.stringify({
    namespace,
    serviceAccount,
    ok: results.every((r) => r.status !== "fail"),
    checks: results.map((r, i) => ({ index: i + 1, title: r.title, status: r.status, summary: r.summary, details: r.details, ...(r.fix === undefined ? {} : { fix: r.fix }) }))
  }, null, 2)}\n`

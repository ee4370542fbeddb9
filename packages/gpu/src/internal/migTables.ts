/**
 * The box-drawn tables of `nvidia-smi mig -lgip` and `nvidia-smi mig -lgi`. Each data
 * row is matched whole; a line that is neither a border, a header nor a row is an error
 * with its line number, as is a profile whose second line (CE, JPEG, OFA) is missing.
 * nvidia-smi prints a one-line message instead of a table when there is nothing to list
 * ("No MIG-supported devices found.", "No GPU instances found"): that is an empty list.
 * Any other message in place of a table ("Failed to display GPU instances: Insufficient
 * Permissions") is an error that quotes it. Numbers must be safe integers.
 */
import { Result } from "effect"
import type * as Mig from "../Mig.ts"
import { integer, invalid, missing, quote, type Read } from "./Problem.ts"

/** At most this many table lines: 8 GPUs x 7 profiles x 3 lines is about 170. */
const maxLines = 10_000

const border = /^(\+-+\+|\|=+\|)$/

/** `|   0  MIG 1g.10gb         19     7/7        9.75       No     16     1     0   |` */
const profileRow = /^\|\s*(\d+)\s+MIG\s+(\S+)\s+(\d+)\s+(\d+)\/(\d+)\s+(\d+(?:\.\d+)?)\s+(Yes|No)\s+(\d+)\s+(\d+)\s+(\d+)\s*\|$/
/** `|                                                               1     1     0   |` */
const profileRowTail = /^\|\s+(\d+)\s+(\d+)\s+(\d+)\s*\|$/
/** `|   0  MIG 3g.40gb          9        1          0:4     |` */
const instanceRow = /^\|\s*(\d+)\s+MIG\s+(\S+)\s+(\d+)\s+(\d+)\s+(\d+):(\d+)\s*\|$/

interface Line {
  readonly number: number
  readonly text: string
}

/** Whether `text` has more than `maxLines` lines, blank ones included (counted without splitting it). */
const tooLong = (text: string): boolean => {
  let count = 1
  for (let at = text.indexOf("\n"); at >= 0; at = text.indexOf("\n", at + 1)) if (++count > maxLines) return true
  return false
}

/** Non-empty lines with their 1-based numbers, trailing spaces removed. */
const lines = (text: string): ReadonlyArray<Line> =>
  text.split(/\r?\n/).map((line, i) => ({ number: i + 1, text: line.trim() })).filter((line) => line.text !== "")

/** Each table's title and the command that prints it. */
const commandOf: Readonly<Record<string, string>> = {
  "GPU instance profiles:": "nvidia-smi mig -lgip",
  "GPU instances:": "nvidia-smi mig -lgi",
  "Compute instances:": "nvidia-smi mig -lci"
}

const isHeader = (line: string, title: string): boolean =>
  line.startsWith("|") && (line.includes(title) || /^\|\s*(GPU\s+Name|Free\/Total|ID\s+ID)/.test(line))

/** The table lines after the title, or the empty list for nvidia-smi's "No ... found" message. */
const tableLines = (text: string, title: string): Read<ReadonlyArray<Line> | undefined> => {
  if (tooLong(text)) return Result.fail({ reason: "TooLarge", at: "line 1", detail: `more than ${maxLines} lines` })
  const all = lines(text)
  const first = all[0]
  const hasTable = all.some((line) => line.text.startsWith("|") && line.text.includes(title))
  if (first !== undefined && !hasTable && /^No .* found/i.test(first.text)) return Result.succeed(undefined)
  // a message of nvidia-smi's own ("Failed to display GPU instances: ..."), before, after or
  // instead of a table (a GPU it could not list): the list would be incomplete
  const said = all.find((line) => /^[A-Za-z][^\s|+]*(?:\s+\S+){2,}/.test(line.text) && !/^No .* found/i.test(line.text))
  if (said !== undefined) {
    return Result.fail({ reason: "Malformed", at: `line ${said.number}`, detail: `nvidia-smi printed ${quote(said.text)} ${hasTable ? "with" : "instead of"} the "${title}" table` })
  }
  if (!hasTable) {
    const other = Object.entries(commandOf).find(([t]) => t !== title && all.some((line) => line.text.startsWith("|") && line.text.includes(t)))
    const hint = other === undefined ? "is this the right command's output?" : `this is the output of ${other[1]}, not of ${commandOf[title] ?? "the command"}`
    return Result.fail({ reason: "Malformed", at: "line 1", detail: `no "${title}" table (${hint})` })
  }
  const last = all[all.length - 1]
  if (last === undefined || !border.test(last.text)) {
    return missing(`line ${last?.number ?? 1}`, "the table's closing border is missing (truncated output?)")
  }
  // what comes before the table (a "No ... found" line of another GPU) is not part of it
  const start = all.findIndex((line) => line.text.startsWith("+") || line.text.startsWith("|"))
  const rows = all.slice(Math.max(0, start)).filter((line) => !border.test(line.text) && !isHeader(line.text, title))
  return rows.length === 0 ? missing(`line ${last.number}`, "the table has no rows") : Result.succeed(rows)
}

const profile = (row: RegExpExecArray, tail: RegExpExecArray): Mig.GpuInstanceProfile => ({
  gpu: Number(row[1]),
  name: row[2] ?? "",
  id: Number(row[3]),
  instancesFree: Number(row[4]),
  instancesTotal: Number(row[5]),
  memoryGiB: Number(row[6]),
  p2p: row[7] === "Yes",
  multiprocessors: Number(row[8]),
  decoders: Number(row[9]),
  encoders: Number(row[10]),
  copyEngines: Number(tail[1]),
  jpegEngines: Number(tail[2]),
  ofaEngines: Number(tail[3])
})

const notARow = (line: Line, what: string): Read<never> =>
  invalid(`line ${line.number}`, `not a ${what} row: ${quote(line.text)}`)

/** Every whole number of a matched row is a safe integer (`integer`'s rule; the pattern only checks digits). */
const safe = (...groups: ReadonlyArray<RegExpExecArray>): boolean =>
  groups.every((g) => g.slice(1).every((part) => part === undefined || !/^\d+$/.test(part) || Result.isSuccess(integer("", part))))

export const gpuInstanceProfiles = (text: string): Read<ReadonlyArray<Mig.GpuInstanceProfile>> =>
  Result.flatMap(tableLines(text, "GPU instance profiles:"), (rows) => {
    if (rows === undefined) return Result.succeed([])
    const out: Array<Mig.GpuInstanceProfile> = []
    for (let i = 0; i < rows.length; i += 2) {
      const line = rows[i]
      const row = line === undefined ? null : profileRow.exec(line.text)
      if (line === undefined || row === null) return line === undefined ? Result.succeed(out) : notARow(line, "GPU instance profile")
      const next = rows[i + 1]
      const tail = next === undefined ? null : profileRowTail.exec(next.text)
      if (next === undefined || (tail === null && profileRow.test(next.text))) {
        return missing(`line ${line.number}`, `the second line (CE, JPEG, OFA) of profile ${row[2]} is missing`)
      }
      if (tail === null) return notARow(next, "GPU instance profile's second")
      if (!safe(row, tail)) return invalid(`line ${line.number}`, `a number out of range in ${quote(line.text)}`)
      out.push(profile(row, tail))
    }
    return Result.succeed(out)
  })

export const gpuInstances = (text: string): Read<ReadonlyArray<Mig.GpuInstance>> =>
  Result.flatMap(tableLines(text, "GPU instances:"), (rows) => {
    if (rows === undefined) return Result.succeed([])
    const out: Array<Mig.GpuInstance> = []
    for (const line of rows) {
      const row = instanceRow.exec(line.text)
      if (row === null) return notARow(line, "GPU instance")
      if (!safe(row)) return invalid(`line ${line.number}`, `a number out of range in ${quote(line.text)}`)
      out.push({
        gpu: Number(row[1]),
        profile: row[2] ?? "",
        profileId: Number(row[3]),
        id: Number(row[4]),
        placementStart: Number(row[5]),
        placementSize: Number(row[6])
      })
    }
    return Result.succeed(out)
  })

/**
 * Line diffs in the unified format (`diff -u`, `git diff`): the shortest edit script by
 * Myers' O(ND) algorithm, cut into hunks with three lines of context. Pure and
 * deterministic (ties always resolve the same way: deletions before insertions), so the
 * same two texts give the same bytes on every run, which is what a PR comment needs.
 *
 * Bound: the edit distance searched is at most `maxDistance` lines (the search keeps
 * about D^2 numbers: 16 MB at the bound). Beyond it the middle part is shown as removed
 * and then added: still a correct diff, only not the shortest. Rendered objects never
 * come near it.
 */

export type Edit =
  | { readonly op: "keep"; readonly line: string }
  | { readonly op: "remove"; readonly line: string }
  | { readonly op: "add"; readonly line: string }

export const maxDistance = 2000

/** Lines of a text; a final newline ends the last line instead of starting an empty one. */
export const lines = (text: string): ReadonlyArray<string> => (text === "" ? [] : text.replace(/\n$/, "").split("\n"))

/** V of one round of the search: the furthest x per diagonal k, for k in [-(d+1), d+1]. */
interface Round {
  readonly d: number
  readonly xs: Int32Array
}

const at = (round: Round, k: number): number => round.xs[k + round.d + 1] ?? 0

/** Whether the path to diagonal k comes down from k+1 (an insertion) rather than across from k-1. */
const isDown = (v: (k: number) => number, k: number, d: number): boolean => k === -d || (k !== d && v(k - 1) < v(k + 1))

/** Myers' forward search; the rounds it went through, or undefined past `maxDistance`. */
const search = (a: ReadonlyArray<string>, b: ReadonlyArray<string>): ReadonlyArray<Round> | undefined => {
  const n = a.length
  const m = b.length
  const limit = Math.min(n + m, maxDistance)
  const offset = limit + 1
  const v = new Int32Array(2 * offset + 1)
  const get = (k: number): number => v[offset + k] ?? 0
  const rounds: Array<Round> = []
  for (let d = 0; d <= limit; d++) {
    rounds.push({ d, xs: v.slice(offset - d - 1, offset + d + 2) })
    for (let k = -d; k <= d; k += 2) {
      let x = isDown(get, k, d) ? get(k + 1) : get(k - 1) + 1
      let y = x - k
      while (x < n && y < m && a[x] === b[y]) {
        x++
        y++
      }
      v[offset + k] = x
      if (x >= n && y >= m) return rounds
    }
  }
  return undefined
}

/** Walks the rounds back from (n, m) to (0, 0), collecting the edits in order. */
const backtrack = (a: ReadonlyArray<string>, b: ReadonlyArray<string>, rounds: ReadonlyArray<Round>): ReadonlyArray<Edit> => {
  const out: Array<Edit> = []
  let x = a.length
  let y = b.length
  for (let d = rounds.length - 1; d >= 0; d--) {
    const round = rounds[d] ?? { d, xs: new Int32Array(0) }
    const k = x - y
    const down = isDown((j) => at(round, j), k, d)
    const prevK = down ? k + 1 : k - 1
    const prevX = at(round, prevK)
    const prevY = prevX - prevK
    while (x > prevX && y > prevY) {
      x--
      y--
      out.push({ op: "keep", line: a[x] ?? "" })
    }
    if (d === 0) continue
    if (down) {
      y--
      out.push({ op: "add", line: b[y] ?? "" })
    } else {
      x--
      out.push({ op: "remove", line: a[x] ?? "" })
    }
  }
  return out.reverse()
}

/** The edit script from `a` to `b`. */
export const edits = (a: ReadonlyArray<string>, b: ReadonlyArray<string>): ReadonlyArray<Edit> => {
  let start = 0
  while (start < a.length && start < b.length && a[start] === b[start]) start++
  let end = 0
  while (end < a.length - start && end < b.length - start && a[a.length - 1 - end] === b[b.length - 1 - end]) end++
  const midA = a.slice(start, a.length - end)
  const midB = b.slice(start, b.length - end)
  const trace = search(midA, midB)
  const middle: ReadonlyArray<Edit> = trace === undefined
    ? [...midA.map((line): Edit => ({ op: "remove", line })), ...midB.map((line): Edit => ({ op: "add", line }))]
    : backtrack(midA, midB, trace)
  const keep = (line: string): Edit => ({ op: "keep", line })
  return [...a.slice(0, start).map(keep), ...middle, ...a.slice(a.length - end).map(keep)]
}

const range = (start: number, count: number): string =>
  count === 1 ? `${start}` : `${count === 0 ? start - 1 : start},${count}`

interface Span {
  readonly from: number
  readonly to: number
}

/** Index ranges of `script` that form hunks: the changes plus `context` lines around, merged when close. */
const spans = (script: ReadonlyArray<Edit>, context: number): ReadonlyArray<Span> => {
  const out: Array<Span> = []
  script.forEach((e, i) => {
    if (e.op === "keep") return
    const from = Math.max(0, i - context)
    const to = Math.min(script.length, i + context + 1)
    const last = out[out.length - 1]
    if (last !== undefined && from <= last.to) out[out.length - 1] = { from: last.from, to: Math.max(last.to, to) }
    else out.push({ from, to })
  })
  return out
}

/** The hunks (`@@ -a,b +c,d @@` and their lines) of two texts; empty when they are equal. */
export const hunks = (a: ReadonlyArray<string>, b: ReadonlyArray<string>, context = 3): ReadonlyArray<string> => {
  const script = edits(a, b)
  const out: Array<string> = []
  for (const span of spans(script, context)) {
    const before = script.slice(0, span.from)
    const startA = before.filter((e) => e.op !== "add").length + 1
    const startB = before.filter((e) => e.op !== "remove").length + 1
    const body = script.slice(span.from, span.to)
    const countA = body.filter((e) => e.op !== "add").length
    const countB = body.filter((e) => e.op !== "remove").length
    out.push(`@@ -${range(startA, countA)} +${range(startB, countB)} @@`)
    for (const e of body) out.push(`${e.op === "keep" ? " " : e.op === "remove" ? "-" : "+"}${e.line}`)
  }
  return out
}

/**
 * A whole file diff: `--- OLD` / `+++ NEW` headers and the hunks, each line ending in a
 * newline; empty when the texts are equal. `/dev/null` names the missing side.
 */
export const file = (oldName: string, newName: string, oldText: string, newText: string): string => {
  const body = hunks(lines(oldText), lines(newText))
  return body.length === 0 ? "" : [`--- ${oldName}`, `+++ ${newName}`, ...body].map((l) => `${l}\n`).join("")
}

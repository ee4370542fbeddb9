/**
 * The bound on aliases, checked on the parser's events before anything is built. An
 * alias shares its anchor's value, so building is cheap, but every reader after that
 * (the validator, the secret scan, the JSON the API server would get) walks the
 * expanded tree: `x: &a [*a, *a]` refers to itself (a cycle: infinite), and one large
 * anchor referenced 999 times is a thousand copies. So a document is read only when
 * it has no alias inside its own anchor and its expanded size stays within
 * `expansionFactor` times the nodes written (or `minBudget`): reading time and memory
 * then stay linear in the input. kubectl's YAML reader refuses both as well
 * ("anchor 'a' value contains itself", "document contains excessive aliasing").
 */
import { EVENT_ID, type Event } from "js-yaml"
import { nodeStart } from "./Locate.ts"

/** Expanded nodes allowed per node written. */
export const expansionFactor = 10
/** Expansion allowed to any document, however small. */
export const minBudget = 100_000

export type Verdict =
  | { readonly _tag: "Ok" }
  | { readonly _tag: "Cycle"; readonly offset: number }
  | { readonly _tag: "Expansion"; readonly expanded: number; readonly written: number; readonly budget: number }

interface Anchor {
  size: number
  open: boolean
}

/** The verdict of a document without an alias: nothing can expand or cycle. */
export const ok: Verdict = { _tag: "Ok" }

/**
 * The verdict for one document's events, `from` (its first node) up to `to` (exclusive).
 * The reader asks only about documents with an alias (most have none: `ok`).
 */
export const check = (events: ReadonlyArray<Event>, from: number, to: number, source: string): Verdict => {
  const frames: Array<{ size: number; anchor: Anchor | undefined }> = []
  const anchors = new Map<string, Anchor>()
  let written = 0
  let expanded = 0
  const add = (n: number): void => {
    const top = frames[frames.length - 1]
    if (top === undefined) expanded += n
    else top.size += n
  }
  for (let i = from; i < to; i++) {
    const e = events[i]
    if (e === undefined) break
    if (e.type === EVENT_ID.SCALAR) {
      written++
      add(1)
      if (e.anchorStart >= 0) anchors.set(source.slice(e.anchorStart, e.anchorEnd), { size: 1, open: false })
    } else if (e.type === EVENT_ID.MAPPING || e.type === EVENT_ID.SEQUENCE) {
      written++
      const anchor = e.anchorStart >= 0 ? { size: 0, open: true } : undefined
      if (anchor !== undefined) anchors.set(source.slice(e.anchorStart, e.anchorEnd), anchor)
      frames.push({ size: 1, anchor })
    } else if (e.type === EVENT_ID.ALIAS) {
      written++
      // an undefined alias is the parser's to report (with its position)
      const anchor = anchors.get(source.slice(e.anchorStart, e.anchorEnd))
      if (anchor?.open === true) return { _tag: "Cycle", offset: nodeStart(e) }
      add(anchor?.size ?? 1)
    } else if (e.type === EVENT_ID.POP) {
      const frame = frames.pop()
      if (frame === undefined) break
      if (frame.anchor !== undefined) Object.assign(frame.anchor, { size: frame.size, open: false })
      add(frame.size)
    }
  }
  const budget = Math.max(minBudget, expansionFactor * written)
  // without an alias `expanded` is `written`, always within the budget
  return expanded > budget ? { _tag: "Expansion", expanded, written, budget } : ok
}

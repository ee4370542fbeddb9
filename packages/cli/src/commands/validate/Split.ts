/**
 * Cuts a stream of text into pieces of whole YAML documents as the text arrives, so that
 * each document can be parsed, validated and reported while the rest is still being
 * read: memory stays that of one document, whatever the number of documents in a file.
 *
 * A cut is made before a `---` line and after a `...` line: YAML 1.2 (9.1.4, "forbidden"
 * lines) makes such a line at column 0 a document marker wherever it appears, even
 * inside a block or quoted scalar, so cutting there never changes what is read. A piece
 * without content (comments, `%` directives) stays with the document that follows it.
 * The reader (Reader.ts) still accepts several documents in one piece, so the cuts
 * are an optimisation, never a matter of correctness.
 *
 * A document over `maxDocumentChars` is not kept at all: it is skipped to its end (its
 * lines still counted) and reported, so one hostile document cannot exhaust memory.
 */

/** Nearly three times the API server's 3 MiB request limit: room for a large `kind: List`. */
export const maxDocumentChars = 8 * 1024 * 1024

export interface Piece {
  readonly text: string
  /** 1-based line of the piece's first character */
  readonly line: number
  /** offsets (in `text`) of characters that replaced invalid input */
  readonly invalid: ReadonlyArray<number>
  /** set when the document was too large to keep: its length in characters, `text` is empty */
  readonly oversized?: number
}

export interface Splitter {
  readonly push: (text: string, invalid: ReadonlyArray<number>) => ReadonlyArray<Piece>
  readonly end: () => ReadonlyArray<Piece>
  /** the line of the oversized document being skipped now, if any */
  readonly skipping: () => number | undefined
}

const isBlank = (c: string | undefined): boolean => c === " " || c === "\t" || c === "\r" || c === "\n"

/** A line that is not blank, a comment, a directive or a `...` marker: the piece holds a document. */
const content = /^(?![ \t]*(?:#|\r?$)|%|\.\.\.(?:[ \t\r]|$))[^\n]/m

const countLines = (text: string, from: number, to: number): number => {
  let n = 0
  for (let i = text.indexOf("\n", from); i >= 0 && i < to; i = text.indexOf("\n", i + 1)) n++
  return n
}

type Marker = { readonly at: number; readonly cut: number } | { readonly wait: number } | undefined

/**
 * The first marker line after a "\n" at `from` or later (a marker at offset 0 never makes
 * a cut: nothing stands before it): where its line starts and where to cut for it. `wait`
 * when the text ends before the marker can be told from text such as `----`.
 */
const nextMarker = (buf: string, from: number, final: boolean): Marker => {
  // one search for both markers: its cost is the distance to the next one, not the rest of the text
  const markerLine = /\n(?:---|\.\.\.)/g
  markerLine.lastIndex = from
  for (let found = markerLine.exec(buf); found !== null; found = markerLine.exec(buf)) {
    const nl = found.index
    const after = buf[nl + 4]
    if (after === undefined) return final ? { at: nl + 1, cut: nl + 1 } : { wait: nl }
    if (!isBlank(after)) {
      markerLine.lastIndex = nl + 1
      continue
    }
    if (buf[nl + 1] === "-") return { at: nl + 1, cut: nl + 1 }
    const eol = buf.indexOf("\n", nl + 4)
    return eol >= 0 ? { at: nl + 1, cut: eol + 1 } : final ? { at: nl + 1, cut: buf.length } : { wait: nl }
  }
  return undefined
}

interface State {
  readonly maxChars: number
  /** the text not yet cut; it starts at a line start (while skipping, anywhere) */
  buf: string
  /** offset of `buf` in the input, and the line it starts on */
  start: number
  line: number
  /** where the next marker search in `buf` begins */
  scanned: number
  /** `buf` holds no document before this offset (only comments, directives, `...`) */
  clean: number
  /** offsets of invalid characters not yet given to a piece, ascending, from `head` on */
  invalid: Array<number>
  head: number
  /** the oversized document being skipped */
  skipped: { line: number; chars: number } | undefined
}

const advance = (s: State, cut: number): void => {
  s.line += countLines(s.buf, 0, cut)
  s.start += cut
  s.buf = s.buf.slice(cut)
  s.scanned = 0
  s.clean = 0
}

/** The invalid offsets before `cut` (local to `buf`), removed from the state. */
const invalidBefore = (s: State, cut: number): Array<number> => {
  const local: Array<number> = []
  for (; s.head < s.invalid.length && (s.invalid[s.head] ?? 0) < s.start + cut; s.head++) local.push((s.invalid[s.head] ?? 0) - s.start)
  if (s.head > 4096 || s.head === s.invalid.length) {
    s.invalid = s.invalid.slice(s.head)
    s.head = 0
  }
  return local
}

const piece = (s: State, cut: number): Piece => {
  const local = invalidBefore(s, cut)
  const made: Piece = s.skipped === undefined
    ? { text: s.buf.slice(0, cut), line: s.line, invalid: local }
    : { text: "", line: s.skipped.line, invalid: [], oversized: s.skipped.chars + cut }
  advance(s, cut)
  s.skipped = undefined
  return made
}

/** Drops what an oversized document has read so far, but what may begin a marker. */
const drop = (s: State): void => {
  const keep = Math.max(s.buf.lastIndexOf("\n"), s.buf.length - 4, 0)
  s.skipped ??= { line: s.line, chars: 0 }
  s.skipped.chars += keep
  invalidBefore(s, keep)
  advance(s, keep)
}

const cuts = (s: State, final: boolean): Array<Piece> => {
  const out: Array<Piece> = []
  for (;;) {
    const marker = nextMarker(s.buf, s.scanned, final)
    if (marker === undefined || "wait" in marker) {
      s.scanned = marker === undefined ? Math.max(0, s.buf.length - 4) : marker.wait
      break
    }
    // only the text since the last marker is searched for content: lines of `...` stay linear
    if (s.skipped !== undefined || content.test(s.buf.slice(s.clean, marker.cut))) out.push(piece(s, marker.cut))
    else {
      s.scanned = marker.at
      s.clean = marker.cut
    }
  }
  if (s.skipped !== undefined || s.buf.length > s.maxChars) drop(s)
  return out
}

export const splitter = (maxChars: number = maxDocumentChars): Splitter => {
  const s: State = { maxChars, buf: "", start: 0, line: 1, scanned: 0, clean: 0, invalid: [], head: 0, skipped: undefined }
  return {
    push: (text, bad) => {
      for (const offset of bad) s.invalid.push(offset)
      s.buf += text
      return cuts(s, false)
    },
    end: () => {
      const out = cuts(s, true)
      if (s.buf.length > 0 || s.skipped !== undefined) out.push(piece(s, s.buf.length))
      return out
    },
    skipping: () => s.skipped?.line
  }
}

/**
 * Text operations on the `.d.ts` files tsc emits, for the API report (`api-report.ts`):
 * comments out, whitespace canonical, top-level statements apart, the declared name of
 * a statement, and a pretty printer for canonical text. tsc's declaration output is
 * regular (one top-level statement starts at column 0, nested lines are indented), so
 * a scanner that only respects string literals is enough; no TypeScript API is needed,
 * which TS 7 does not offer.
 */

const quotes = new Set(["\"", "'", "`"])

/** The end (exclusive) of the string literal or comment that starts at `start`, else `start + 1`. */
const pieceEnd = (text: string, start: number): number => {
  const quote = text[start] ?? ""
  const close = text.startsWith("/*", start) ? text.indexOf("*/", start + 2) : text.startsWith("//", start) ? text.indexOf("\n", start) : -2
  if (close !== -2) return close === -1 ? text.length : text[close] === "*" ? close + 2 : close
  if (!quotes.has(quote)) return start + 1
  let i = start + 1
  while (i < text.length && text[i] !== quote) i += text[i] === "\\" ? 2 : 1
  return i + 1
}

/** Calls `visit` with every piece of `text`: string literals and comments whole, other characters one by one. */
const scan = (text: string, visit: (piece: string, index: number) => void): void => {
  for (let i = 0; i < text.length;) {
    const end = Math.max(pieceEnd(text, i), i + 1)
    visit(text.slice(i, end), i)
    i = end
  }
}

const isComment = (piece: string): boolean => piece.startsWith("/*") || piece.startsWith("//")
const isString = (piece: string): boolean => quotes.has(piece[0] ?? "")

const identifier = /(?<![\w$.])[A-Za-z_$][\w$]*(?![\w$])(?!\??:)/g

/**
 * `text` with each identifier that `replace` maps replaced, outside string literals.
 * Member names (`a.b`'s `b`) and property keys (`readonly key:`, `key?:`) are not
 * references, so they are left alone.
 */
export const replaceReferences = (text: string, replace: (name: string) => string | undefined): string => {
  let out = ""
  let code = ""
  const flush = (): void => {
    out += code.replace(identifier, (name) => replace(name) ?? name)
    code = ""
  }
  scan(text, (piece) => {
    if (isString(piece)) {
      flush()
      out += piece
    } else code += piece
  })
  flush()
  return out
}

/** Without `/* *\/` and `//` comments (string literals kept intact). */
export const stripComments = (text: string): string => {
  let out = ""
  scan(text, (piece) => {
    if (!isComment(piece)) out += piece
  })
  return out
}

/** Runs of whitespace outside string literals become one space; trimmed. */
export const canonical = (text: string): string => {
  let out = ""
  scan(text, (piece) => {
    if (/^\s$/.test(piece)) {
      if (!out.endsWith(" ")) out += " "
    } else out += piece
  })
  return out.trim()
}

/** Top-level statements (canonical), split where a line starts at column 0 and does not close a bracket. */
export const statements = (dts: string): ReadonlyArray<string> => {
  const out: Array<string> = []
  let current: Array<string> = []
  for (const line of stripComments(dts).split("\n")) {
    if (/^[^\s})\]>]/.test(line) && current.length > 0) {
      out.push(canonical(current.join("\n")))
      current = []
    }
    if (line.trim() !== "") current.push(line)
  }
  if (current.length > 0) out.push(canonical(current.join("\n")))
  return out.filter((s) => s !== "")
}

/** The name a statement declares (`const`, `function`, `class`, `interface`, `type`), if any. */
export const declaredName = (statement: string): string | undefined =>
  /^(?:export )?(?:declare )?(?:const|let|function|class|interface|type|enum|namespace) ([\w$]+)/.exec(statement)?.[1]

/** The type of `export declare const X: T;`, if the statement is one. */
export const constType = (statement: string): string | undefined =>
  /^export declare const [\w$]+: (.*);$/.exec(statement)?.[1]

const indent = (depth: number): string => "    ".repeat(Math.max(0, depth))

/**
 * Canonical text printed one member per line: `{ a; b; }` becomes a block, `{ }`
 * becomes `{}`; everything else stays on its line.
 */
export const pretty = (text: string): string => {
  let out = ""
  let depth = 0
  scan(text, (piece, i) => {
    const next = text[i + 1]
    const rest = text.slice(i + 1, i + 3)
    if (piece === "{" && rest === " }") out += "{"
    else if (piece === "{" && next === " ") out += `{\n${indent(++depth)}`
    else if (piece === ";" && rest === " }") out += `;\n${indent(--depth)}`
    else if (piece === ";" && next === " " && depth > 0) out += `;\n${indent(depth)}`
    else if (piece === " " && (out.endsWith("\n" + indent(depth)) || out.endsWith("{"))) return
    else out += piece
  })
  return out
}

/**
 * Tokeniser for the selector string form, with apimachinery's lexical rules:
 * whitespace is exactly space, tab, CR and LF; `= ! ( ) , > <` are special symbols
 * (`!=` and `==` are single tokens); every other run of characters is an identifier,
 * and the identifiers `in` and `notin` are keywords. Keys and values are therefore
 * lexed liberally and rejected later by the label syntax rules, which yields better
 * messages than a strict lexer would.
 *
 * One deliberate difference: Go's lexer treats a NUL byte as the end of the input and
 * silently ignores the rest; here NUL is an ordinary character, so it fails validation.
 */

export type TokenKind =
  | "End" | "Identifier" | "In" | "NotIn" | "OpenPar" | "ClosePar" | "Comma"
  | "Not" | "Equals" | "DoubleEquals" | "NotEquals" | "Gt" | "Lt"

export interface Token {
  readonly kind: TokenKind
  readonly text: string
  /** 0-based offset of the token's first character. */
  readonly position: number
}

const symbols: Record<string, TokenKind> = {
  "(": "OpenPar", ")": "ClosePar", ",": "Comma", "!": "Not", "=": "Equals", ">": "Gt", "<": "Lt",
  "!=": "NotEquals", "==": "DoubleEquals"
}

const isWhitespace = (ch: string): boolean => ch === " " || ch === "\t" || ch === "\r" || ch === "\n"
const isSpecial = (ch: string): boolean => "=!(),><".includes(ch)

const identifier = (text: string, position: number): Token => ({
  kind: text === "in" ? "In" : text === "notin" ? "NotIn" : "Identifier",
  text,
  position
})

/** Longest match among the symbols; every single special character is itself a symbol. */
const symbol = (input: string, at: number): Token => {
  const two = input.slice(at, at + 2)
  const pair = symbols[two]
  if (two.length === 2 && pair !== undefined) return { kind: pair, text: two, position: at }
  const one = input.charAt(at)
  return { kind: symbols[one] ?? "End", text: one, position: at }
}

/** The whole token list, always ending with one `End` token. */
export const tokenize = (input: string): ReadonlyArray<Token> => {
  const tokens: Array<Token> = []
  let at = 0
  for (;;) {
    while (at < input.length && isWhitespace(input.charAt(at))) at++
    if (at >= input.length) break
    if (isSpecial(input.charAt(at))) {
      const token = symbol(input, at)
      tokens.push(token)
      at += token.text.length
      continue
    }
    const start = at
    while (at < input.length && !isWhitespace(input.charAt(at)) && !isSpecial(input.charAt(at))) at++
    tokens.push(identifier(input.slice(start, at), start))
  }
  tokens.push({ kind: "End", text: "", position: input.length })
  return tokens
}

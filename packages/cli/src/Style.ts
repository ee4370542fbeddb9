/**
 * Colour for people reading a terminal, and for nobody else: ANSI colours only when
 * stdout is a TTY and `NO_COLOR` (https://no-color.org) is unset or empty. CI logs, PR
 * comments and files get plain text, byte-identical to what tests see. A `Palette` is
 * a set of functions so that callers never branch on whether colour is on.
 */
import { Config, Effect } from "effect"
import { Io } from "./Io.ts"

export interface Palette {
  readonly red: (text: string) => string
  readonly green: (text: string) => string
  readonly yellow: (text: string) => string
  readonly cyan: (text: string) => string
  readonly bold: (text: string) => string
  readonly dim: (text: string) => string
}

const plainText = (text: string): string => text

export const plain: Palette = { red: plainText, green: plainText, yellow: plainText, cyan: plainText, bold: plainText, dim: plainText }

/** SGR on, the text, SGR off; an empty text stays empty (no stray escape codes). */
const sgr = (on: number, off: number) => (text: string): string => (text === "" ? "" : `\u001b[${on}m${text}\u001b[${off}m`)

export const ansi: Palette = {
  red: sgr(31, 39),
  green: sgr(32, 39),
  yellow: sgr(33, 39),
  cyan: sgr(36, 39),
  bold: sgr(1, 22),
  dim: sgr(2, 22)
}

/** Whether colour is wanted: a terminal on stdout and no (non-empty) `NO_COLOR`. */
export const decide = (stdoutIsTty: boolean, noColor: string | undefined): boolean =>
  stdoutIsTty && (noColor === undefined || noColor === "")

const noColorValue: Effect.Effect<string> = Effect.gen(function*() {
  return yield* Config.String("NO_COLOR").pipe(Config.withDefault(""))
}).pipe(Effect.orElseSucceed(() => ""))

/** The palette for this process' stdout. */
export const palette: Effect.Effect<Palette, never, Io> = Effect.gen(function*() {
  const io = yield* Io
  const noColor = yield* noColorValue
  return decide(io.stdoutIsTty === true, noColor) ? ansi : plain
})

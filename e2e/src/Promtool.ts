/**
 * `promtool check metrics`, Prometheus' own linter, on a metrics exposition (what an
 * operator serves on /metrics). The real tool, built from its Go module (`Tools.promtool`),
 * so a spec checks against the parser and rules Prometheus itself applies, not a copy.
 *
 * Exit codes (promtool's `checkMetrics`): 0 clean, 1 the text does not parse, 3 it parses
 * but breaks a naming or typing rule (a counter without `_total`, ...).
 */
import { Effect } from "effect"
import * as Exec from "./Exec.ts"
import * as Tools from "./Tools.ts"

export interface Findings {
  /** promtool's exit code; 0 means no finding. */
  readonly exitCode: number
  /** What promtool printed, one finding per line, in its order. */
  readonly findings: ReadonlyArray<string>
}

/** 0 = clean; anything else means `findings` says what is wrong. */
export const isClean = (findings: Findings): boolean => findings.exitCode === 0

const lines = (text: string): ReadonlyArray<string> =>
  text.split("\n").map((line) => line.trimEnd()).filter((line) => line !== "")

/** Runs `promtool check metrics` with `exposition` on stdin (builds promtool on first use). */
export const checkMetrics = Effect.fn("Promtool.checkMetrics")(function*(exposition: string) {
  const promtool = yield* Tools.promtool
  const result = yield* Exec.result(promtool, ["check", "metrics"], { input: exposition })
  const findings: Findings = {
    // A signal (null code) is reported as 128 + nothing known: never 0.
    exitCode: result.code ?? 128,
    findings: [...lines(result.stdout), ...lines(result.stderr)]
  }
  return findings
})

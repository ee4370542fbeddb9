/**
 * Help text for the whole tool and for each command; printed to stdout for `--help`
 * (exit 0) and pointed at from stderr on usage errors.
 */
import type { Command } from "./Command.ts"
import * as Meta from "./Meta.ts"

const flagLine = (f: Command["flags"][number]): string => {
  const names = `${f.alias === undefined ? "    " : `-${f.alias}, `}--${f.name}${f.takesValue ? ` ${f.valueName ?? "VALUE"}` : ""}`
  return `  ${names.padEnd(34)} ${f.description}`
}

export const command = (c: Command): string => {
  const lines = [
    `${c.summary}`,
    "",
    `Usage: ${Meta.name} ${c.path.join(" ")}${c.flags.length > 0 ? " [flags]" : ""}${c.operands === "" ? "" : ` ${c.operands}`}`,
    "",
    "Flags:",
    ...c.flags.map(flagLine),
    flagLine({ name: "help", alias: "h", takesValue: false, description: "show this help" })
  ]
  const examples = c.examples.length === 0 ? "" : `\nExamples:\n${c.examples.map((e) => `  ${Meta.name} ${e}\n`).join("")}`
  return `${lines.join("\n")}\n${c.details === "" ? "" : `\n${c.details}\n`}${examples}`
}

/** One line per command, its path padded to the longest. */
const listing = (commands: ReadonlyArray<Command>): ReadonlyArray<string> => {
  const width = Math.max(...commands.map((c) => c.path.join(" ").length))
  return commands.map((c) => `  ${c.path.join(" ").padEnd(width)}  ${c.summary}`)
}

export const root = (commands: ReadonlyArray<Command>): string =>
  [
    `${Meta.name}: validate, render and diagnose the WhaTap operator and its resources (also usable as kubectl whatap)`,
    "",
    `Usage: ${Meta.name} COMMAND [flags]`,
    "",
    "Commands:",
    ...listing(commands),
    "",
    "Exit codes: 0 ok, 1 the check failed, 2 usage or I/O error.",
    `Run '${Meta.name} COMMAND --help' for the flags of a command.`,
    ""
  ].join("\n")

/** `whatapctl GROUP --help` (or `help GROUP`) for a command group: its subcommands. */
export const group = (name: string, members: ReadonlyArray<Command>): string =>
  [
    `Usage: ${Meta.name} ${name} SUBCOMMAND [flags]`,
    "",
    "Subcommands:",
    ...listing(members),
    "",
    `Run '${Meta.name} ${name} SUBCOMMAND --help' for the flags of a subcommand.`,
    ""
  ].join("\n")

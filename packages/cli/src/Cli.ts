/**
 * The command tree and the dispatcher: finds the command for argv, parses its flags,
 * runs the lazily loaded handler and turns every failure into an exit code with a
 * message on stderr. Nothing here throws; a defect is reported as an internal error.
 */
import { Cause, Effect, Result } from "effect"
import * as Args from "./Args.ts"
import { type Command, outputFlag } from "./Command.ts"
import * as Exit from "./Exit.ts"
import * as Help from "./Help.ts"
import { Io, type IoError } from "./Io.ts"
import * as Meta from "./Meta.ts"

export const commands: ReadonlyArray<Command> = [
  {
    path: ["validate"],
    summary: "Validate WhaTap resources in YAML files (multi-document; - reads stdin)",
    operands: "FILE...",
    flags: [
      outputFlag(["text", "json", "sarif", "junit"]),
      { name: "strict", takesValue: false, description: "fail (exit 1) on warnings too" }
    ],
    details: "Text output: FILE:LINE:COL: error|warning: PATH: message (summary on stderr).\n" +
      "Documents that are not WhaTap resources are skipped. Exit 1 when any error is found.",
    load: () => import("./commands/validate.ts").then((m) => m.run)
  },
  {
    path: ["selector", "match"],
    summary: "Check whether a label selector matches a set of labels",
    operands: "",
    flags: [
      { name: "selector", alias: "s", takesValue: true, valueName: "S", description: "selector: string form (app in (a,b),!legacy) or a JSON LabelSelector" },
      { name: "labels", alias: "l", takesValue: true, valueName: "k=v,...", description: "the labels to test (default: none)" },
      { name: "explain", takesValue: false, description: "print why each requirement did or did not match" },
      outputFlag(["text", "json"])
    ],
    details: "Exit 0 on a match, 1 on no match, 2 on an invalid selector or labels.",
    load: () => import("./commands/selector/match.ts").then((m) => m.run)
  },
  {
    path: ["crds"],
    summary: "Print the CustomResourceDefinitions of the four WhaTap kinds as YAML",
    operands: "",
    flags: [],
    details: "",
    load: () => import("./commands/crds.ts").then((m) => m.run)
  },
  {
    path: ["version"],
    summary: "Print the CLI version, the schema version and the default images",
    operands: "",
    flags: [outputFlag(["text", "json"])],
    details: "",
    load: () => import("./commands/version.ts").then((m) => m.run)
  }
]

const find = (argv: ReadonlyArray<string>): Command | undefined =>
  commands.find((c) => c.path.every((segment, i) => argv[i] === segment))

const usageError = (message: string, command: string) => new Exit.UsageError({ message, command })

const dispatch = (argv: ReadonlyArray<string>): Effect.Effect<Exit.Code, Exit.UsageError | IoError, Io> =>
  Effect.gen(function*() {
    const io = yield* Io
    const first = argv[0]
    if (first === undefined) return yield* usageError("no command given", "")
    if (first === "help" || first === "--help" || first === "-h") {
      const topic = find(argv.slice(1))
      yield* io.out(topic === undefined ? Help.root(commands) : Help.command(topic))
      return Exit.ok
    }
    const command = first === "--version" ? find(["version"]) : find(argv)
    if (command === undefined) {
      const group = commands.find((c) => c.path.length > 1 && c.path[0] === first)
      return yield* usageError(
        group === undefined ? `unknown command ${JSON.stringify(first)}` : `${first} needs a subcommand: ${commands.filter((c) => c.path[0] === first).map((c) => c.path.join(" ")).join(", ")}`,
        ""
      )
    }
    const rest = first === "--version" ? argv.slice(1) : argv.slice(command.path.length)
    const parsed = Args.parse(rest, command.flags)
    if (Result.isFailure(parsed)) return yield* usageError(parsed.failure, command.path.join(" "))
    if (parsed.success.switches.has("help")) {
      yield* io.out(Help.command(command))
      return Exit.ok
    }
    const handler = yield* Effect.promise(command.load)
    return yield* handler(parsed.success)
  })

/** One line for a defect: a user gets the message to report, never a stack trace. */
const defectMessage = (cause: Cause.Cause<unknown>): string => {
  const error = Cause.squash(cause)
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error)
  return message.split("\n")[0] ?? ""
}

/** Runs argv to an exit code; every message is already written when it completes. */
export const run = (argv: ReadonlyArray<string>): Effect.Effect<Exit.Code, never, Io> =>
  Effect.gen(function*() {
    const io = yield* Io
    return yield* dispatch(argv).pipe(
      Effect.catchTag("UsageError", (e) =>
        io.err(`${Meta.name}: ${e.message}\nRun '${Meta.name} ${e.command === "" ? "" : `${e.command} `}--help' for usage.\n`).pipe(Effect.as(Exit.usage))),
      Effect.catchTag("IoError", (e) => io.err(`${Meta.name}: ${e.message}\n`).pipe(Effect.as(Exit.usage))),
      Effect.catchCause((cause) =>
        io.err(`${Meta.name}: internal error: ${defectMessage(cause)}\n`).pipe(Effect.as(Exit.usage)))
    )
  })

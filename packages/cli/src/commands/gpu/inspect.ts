/**
 * `whatapctl gpu inspect`: what the NVIDIA driver of this machine reports (each GPU, its
 * memory, MIG mode and MIG devices) and the gpuMonitoring settings the planner
 * recommends for it. Reads `nvidia-smi -q -x` from a file, or runs nvidia-smi (and,
 * when a GPU is in MIG mode, `nvidia-smi mig -lgi` for the profile names).
 */
import { Gpu, NvidiaSmi, NvidiaSmiCommand, type NvidiaSmiCommandError, Planner } from "@whatap-operator/gpu"
import { Effect, Result } from "effect"
import * as Args from "../../Args.ts"
import type { Handler } from "../../Command.ts"
import * as Exit from "../../Exit.ts"
import { Io, type IoError } from "../../Io.ts"
import * as Meta from "../../Meta.ts"
import { readText } from "../validate/Encoding.ts"
import * as Text from "./Text.ts"
import * as Structured from "../../Structured.ts"
import { printable } from "../../Printable.ts"

const command = "gpu inspect"

const usage = (message: string) => new Exit.UsageError({ message, command })

/** The file a reading came from in its error (`<stdin>` for `-`); nvidia-smi's own output as it is. */
const inFile = (file: string | undefined) => <A, E, R>(read: Effect.Effect<A, E, R>) =>
  file === undefined ? read : Effect.mapError(read, (e) =>
    e instanceof NvidiaSmi.NvidiaSmiError
      ? new NvidiaSmi.NvidiaSmiError({ input: e.input, reason: e.reason, at: e.at, message: `${file === "-" ? "<stdin>" : file}: ${e.message}` })
      : e)

/** Output of one nvidia-smi invocation: from its file when given, else by running it. */
const output = (
  file: string | undefined,
  args: ReadonlyArray<string>
): Effect.Effect<string, IoError | NvidiaSmiCommandError, Io | NvidiaSmiCommand> =>
  file === undefined
    ? Effect.gen(function*() {
      const smi = yield* NvidiaSmiCommand
      return yield* smi.run(args)
    })
    : readText(file, NvidiaSmi.maxDocumentChars)

/**
 * Profile names come from `-lgi`; without them the report still stands, so a failure to
 * run it is a warning. A file given for it is read like any input (a bad one is an
 * error). nvidia-smi runs only when the XML came from it too: a saved document may be
 * another machine's.
 */
const withProfiles = (inventory: Gpu.Inventory, xmlFile: string | undefined, lgiFile: string | undefined) =>
  Effect.gen(function*() {
    const io = yield* Io
    if (lgiFile === undefined && (xmlFile !== undefined || Gpu.migLayout(inventory) === "off")) return inventory
    const text = yield* output(lgiFile, ["mig", "-lgi"]).pipe(
      Effect.catchTag("NvidiaSmiCommandError", (e) => Effect.as(io.err(`${Meta.name}: warning: ${printable(e.message)}; MIG profiles are not shown\n`), undefined))
    )
    if (text === undefined) return inventory
    return Gpu.withProfiles(inventory, yield* inFile(lgiFile)(NvidiaSmi.parseGpuInstances(text)))
  })

const json = (inventory: Gpu.Inventory, plan: Planner.Plan): string =>
  `${JSON.stringify({ ...inventory, plan, status: Planner.status({ inventory }, plan) }, null, 2)}\n`

const report = (xmlFile: string | undefined, lgiFile: string | undefined, format: Structured.Format) =>
  Effect.gen(function*() {
    const io = yield* Io
    const inventory = yield* withProfiles(yield* inFile(xmlFile)(NvidiaSmi.parseXml(yield* output(xmlFile, ["-q", "-x"]))), xmlFile, lgiFile)
    const plan = Planner.plan({ inventory })
    yield* io.out(format === "text" ? Text.render(inventory, plan) : yield* Structured.as(format, json(inventory, plan)))
    return Exit.ok
  })

export const run: Handler = (parsed) =>
  Effect.gen(function*() {
    const io = yield* Io
    if (parsed.operands.length > 0) return yield* usage(`unexpected argument ${JSON.stringify(parsed.operands[0])}`)
    const format = Args.choice(parsed, "output", Structured.formats, "text")
    if (Result.isFailure(format)) return yield* usage(format.failure)
    const xmlFile = parsed.values.get("nvidia-smi-xml")
    const lgiFile = parsed.values.get("mig-lgi")
    if (xmlFile === "-" && lgiFile === "-") return yield* usage("only one of --nvidia-smi-xml and --mig-lgi can read stdin")
    return yield* report(xmlFile, lgiFile, format.success).pipe(
      Effect.provide(NvidiaSmiCommand.layer),
      // unreadable nvidia-smi output: the check ran and found the input invalid
      Effect.catchTag("NvidiaSmiError", (e) => Effect.as(io.err(`${Meta.name}: ${printable(e.message)}\n`), Exit.failed)),
      // no nvidia-smi, no driver, a hang: this machine cannot answer, like an unreadable file
      Effect.catchTag("NvidiaSmiCommandError", (e) =>
        Effect.as(io.err(`${Meta.name}: ${printable(e.message)}${e.reason === "NotFound" ? "\n(give a saved `nvidia-smi -q -x` output with --nvidia-smi-xml FILE)" : ""}\n`), Exit.usage))
    )
  })

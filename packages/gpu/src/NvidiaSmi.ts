/**
 * Readers of nvidia-smi output: `nvidia-smi -q -x` (XML, DTD nvsmi_device_v12/v13) to an
 * `Inventory`, and the `nvidia-smi mig -lgip` / `-lgi` tables to MIG profiles and GPU
 * instances. Every reader is total: input that is truncated, garbled or missing a field
 * it needs fails with an `NvidiaSmiError` that names the input, the place (an element
 * path such as `nvidia_smi_log/gpu[0]/uuid`, or a line number) and what was wrong.
 */
import { Effect, Result, Schema } from "effect"
import type * as Gpu from "./Gpu.ts"
import { gpuInstanceProfiles, gpuInstances } from "./internal/migTables.ts"
import * as Xml from "./internal/Xml.ts"
import { type Problem, quote } from "./internal/Problem.ts"
import { readInventory } from "./internal/smiXml.ts"

export const Input = Schema.Literals(["nvidia-smi -q -x", "nvidia-smi mig -lgip", "nvidia-smi mig -lgi"])
export type Input = typeof Input.Type

export const Reason = Schema.Literals([
  "Empty", // no output at all
  "Malformed", // not well-formed XML, or not the table the command prints
  "Missing", // a required element, or a table line, is absent (often: truncated output)
  "Invalid", // present but not a value of the expected form
  "TooLarge" // over the reader's size bound
])
export type Reason = typeof Reason.Type

export class NvidiaSmiError extends Schema.TaggedError<NvidiaSmiError>()("NvidiaSmiError", {
  input: Input,
  reason: Reason,
  /** Where: an element path (`nvidia_smi_log/gpu[1]/fb_memory_usage/total`) or `line N`. */
  at: Schema.String,
  message: Schema.String
}) {}

const error = (input: Input, problem: Problem): NvidiaSmiError =>
  new NvidiaSmiError({ input, ...problem, message: `${input}: ${problem.at}: ${problem.detail}` })

const fromResult = <A>(input: Input, result: Result.Result<A, Problem>): Effect.Effect<A, NvidiaSmiError> =>
  Result.isFailure(result) ? Effect.fail(error(input, result.failure)) : Effect.succeed(result.success)

/** The longest `nvidia-smi -q -x` document read (about 27 KiB per GPU; see Xml.maxChars). */
export const maxDocumentChars: number = Xml.maxChars

const nonEmpty = (text: string): Result.Result<string, Problem> =>
  text.trim() === "" ? Result.fail({ reason: "Empty", at: "line 1", detail: "the output is empty" }) : Result.succeed(text)

const xmlInventory = (text: string): Result.Result<Gpu.Inventory, Problem> =>
  Result.flatMap(nonEmpty(text), (body) => {
    if (body.length > Xml.maxChars) {
      return Result.fail({ reason: "TooLarge", at: "line 1", detail: `the document is larger than ${Xml.maxChars} characters` })
    }
    const root = Xml.parse(body)
    if (Result.isFailure(root)) {
      const { line, column, message } = root.failure
      const early = /^(unclosed tag|unexpected end)/.test(message) ? " (the document ends early: truncated output?)" : ""
      // nvidia-smi's own message ("Unable to determine the device handle for GPU...: Unknown Error")
      const first = body.trimStart().split("\n", 1)[0]?.trim() ?? ""
      const text = /NVSMI LOG/.test(body.slice(0, 4096)) ? "; that is the text of nvidia-smi -q: give the XML of nvidia-smi -q -x" : ""
      const said = /^text data outside of root node/.test(message) && !first.startsWith("<") ? ` (it printed ${quote(first)}${text})` : ""
      return Result.fail({ reason: "Malformed", at: `line ${line}:${column}`, detail: `not well-formed XML: ${message}${early}${said}` })
    }
    return readInventory(root.success)
  })

/** `nvidia-smi -q -x` to the node's GPU inventory. */
export const parseXml = Effect.fn("NvidiaSmi.parseXml")(function*(text: string) {
  return yield* fromResult("nvidia-smi -q -x", xmlInventory(text))
})

/** `nvidia-smi mig -lgip` to the GPU-instance profiles of every GPU (empty: no MIG-capable GPU). */
export const parseGpuInstanceProfiles = Effect.fn("NvidiaSmi.parseGpuInstanceProfiles")(function*(text: string) {
  return yield* fromResult("nvidia-smi mig -lgip", Result.flatMap(nonEmpty(text), gpuInstanceProfiles))
})

/** `nvidia-smi mig -lgi` to the GPU instances of every GPU (empty: none created, or MIG off). */
export const parseGpuInstances = Effect.fn("NvidiaSmi.parseGpuInstances")(function*(text: string) {
  return yield* fromResult("nvidia-smi mig -lgi", Result.flatMap(nonEmpty(text), gpuInstances))
})

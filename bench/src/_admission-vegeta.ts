/**
 * vegeta (built from its Go module by `Tools.vegeta`) as the admission benchmark drives it:
 * `attack` writes a results file, `report` gives vegeta's own text report and its JSON
 * twin (latencies in nanoseconds, for the figures the benchmark extracts), and `verify`
 * reads every response back (`vegeta encode`) to check its status and the JSON patch it
 * carries. Each command runs to its end; interruption kills it.
 */
import { spawn, type ChildProcess } from "node:child_process"
import { createInterface } from "node:readline"
import { Effect, Schema } from "effect"

export class VegetaError extends Schema.TaggedError<VegetaError>()("VegetaError", { message: Schema.String }) {}

export interface Attack {
  readonly name: string
  /** vegeta's http-format targets file. */
  readonly targets: string
  /** Requests per second; 0 is vegeta's unlimited rate, with exactly `workers` in flight. */
  readonly rate: number
  readonly workers?: number
  readonly seconds: number
  readonly rootCerts: string
  readonly output: string
}

/** Runs the child to its end; `onStdout` gets its stdout line by line (else it is ignored). */
const run = (vegeta: string, args: ReadonlyArray<string>, onStdout?: (line: string) => void) =>
  Effect.callback<string, VegetaError>((resume) => {
    const child: ChildProcess = spawn(vegeta, args, { stdio: ["ignore", onStdout === undefined ? "ignore" : "pipe", "pipe"] })
    let stderr = ""
    child.stderr?.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk))
    const lines = child.stdout === null ? undefined : createInterface({ input: child.stdout })
    if (lines !== undefined && onStdout !== undefined) lines.on("line", onStdout)
    child.on("error", (error) => resume(Effect.fail(new VegetaError({ message: `cannot run ${vegeta}: ${error.message}` }))))
    child.on("close", (code, signal) =>
      resume(code === 0 ? Effect.succeed(stderr) : Effect.fail(new VegetaError({ message: `vegeta ${args[0] ?? ""} exited with ${code ?? signal}: ${stderr.trim()}` }))))
    return Effect.sync(() => void child.kill("SIGKILL"))
  })

export const attackArgs = (a: Attack): ReadonlyArray<string> => [
  "attack",
  `-name=${a.name}`,
  `-targets=${a.targets}`,
  "-format=http",
  `-rate=${a.rate === 0 ? "0" : `${a.rate}/s`}`,
  ...(a.workers === undefined ? [] : [`-workers=${a.workers}`, `-max-workers=${a.workers}`]),
  `-duration=${a.seconds}s`,
  "-http2=false",
  "-keepalive=true",
  "-timeout=10s",
  `-root-certs=${a.rootCerts}`,
  `-output=${a.output}`
]

export const attack = (vegeta: string, a: Attack) => Effect.asVoid(run(vegeta, attackArgs(a)))

/** The fields of `vegeta report -type=json` the benchmark uses; durations in nanoseconds. */
const ReportJson = Schema.Struct({
  latencies: Schema.Struct({ "50th": Schema.Number, "90th": Schema.Number, "99th": Schema.Number, mean: Schema.Number, max: Schema.Number }),
  requests: Schema.Number,
  rate: Schema.Number,
  throughput: Schema.Number,
  success: Schema.Number,
  status_codes: Schema.Record(Schema.String, Schema.Number),
  errors: Schema.NullOr(Schema.Array(Schema.String))
})
export type ReportJson = typeof ReportJson.Type

export interface Report {
  /** vegeta's own text report, as it prints it. */
  readonly text: string
  readonly json: ReportJson
}

const collect = (vegeta: string, args: ReadonlyArray<string>) =>
  Effect.suspend(() => {
    const lines: Array<string> = []
    return Effect.map(run(vegeta, args, (line) => void lines.push(line)), () => lines.join("\n"))
  })

export const report = Effect.fn("Vegeta.report")(function*(vegeta: string, results: string) {
  const text = yield* collect(vegeta, ["report", "-type=text", results])
  const raw = yield* collect(vegeta, ["report", "-type=json", results])
  const json = yield* Schema.decodeUnknownEffect(Schema.fromJsonString(ReportJson))(raw).pipe(
    Effect.mapError((error) => new VegetaError({ message: `vegeta's JSON report is not what was expected: ${error.message}` }))
  )
  return { text: text.trimEnd(), json } satisfies Report
})

/** What one response was: its status and, for a 200, the length of its patch (0: no patch) or why it is not an answer. */
const Encoded = Schema.Struct({ code: Schema.Number, body: Schema.String, error: Schema.String })
const AnswerBody = Schema.Struct({
  response: Schema.Struct({ uid: Schema.String, allowed: Schema.Boolean, patch: Schema.optional(Schema.String) })
})
const decodeEncoded = Schema.decodeUnknownOption(Schema.fromJsonString(Encoded))
const decodeAnswer = Schema.decodeUnknownOption(Schema.fromJsonString(AnswerBody))
const decodePatch = Schema.decodeUnknownOption(Schema.fromJsonString(Schema.Array(Schema.Unknown)))

const classify = (base64: string): string => {
  const answer = decodeAnswer(Buffer.from(base64, "base64").toString("utf8"))
  if (answer._tag === "None") return "not an AdmissionReview answer"
  if (!answer.value.response.allowed) return "denied"
  const patch = answer.value.response.patch
  if (patch === undefined) return "no patch"
  const operations = decodePatch(Buffer.from(patch, "base64").toString("utf8"))
  return operations._tag === "None" ? "unreadable patch" : `${operations.value.length}-operation patch`
}

/** How many responses were of each kind (`200 no patch`, `200 17-operation patch`, `0 <transport error>`, ...). */
export const verify = Effect.fn("Vegeta.verify")(function*(vegeta: string, results: string) {
  const counts = new Map<string, number>()
  // Equal bodies get equal verdicts, and every answer to the same request is the same text.
  const verdicts = new Map<string, string>()
  const verdictOf = (body: string): string => {
    const known = verdicts.get(body)
    if (known !== undefined) return known
    const verdict = classify(body)
    verdicts.set(body, verdict)
    return verdict
  }
  const tally = (line: string) => {
    const result = decodeEncoded(line)
    const key = result._tag === "None"
      ? "unreadable result"
      : result.value.code === 200
      ? `200 ${verdictOf(result.value.body)}`
      : `${result.value.code} ${result.value.error}`
    counts.set(key, (counts.get(key) ?? 0) + 1)
  }
  yield* run(vegeta, ["encode", "-to=json", results], tally)
  return counts
})

/** The counts on one line, kinds in alphabetical order. */
export const describeCounts = (counts: ReadonlyMap<string, number>): string =>
  [...counts].sort(([a], [b]) => a.localeCompare(b)).map(([key, n]) => `${key}: ${n}`).join(", ")

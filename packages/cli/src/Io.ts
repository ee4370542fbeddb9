/**
 * The CLI's only contact with the process: stdout, stderr, files and stdin. Commands
 * stay pure Effects over this service, which keeps them testable in-process and keeps
 * Node built-ins out of everything but this module and `main.ts`.
 */
import { createReadStream, fstatSync, statSync } from "node:fs"
import { readFile } from "node:fs/promises"
import { text } from "node:stream/consumers"
import { setFlagsFromString } from "node:v8"
import { Context, Data, Effect, Layer, Result, Stream } from "effect"
import * as Exit from "./Exit.ts"
import * as Meta from "./Meta.ts"

/** An unreadable input: exit code 2, message on stderr. */
export class IoError extends Data.TaggedError("IoError")<{ readonly message: string }> {}

export interface Shape {
  readonly out: (text: string) => Effect.Effect<void>
  readonly err: (text: string) => Effect.Effect<void>
  readonly readFile: (path: string) => Effect.Effect<string, IoError>
  readonly readStdin: Effect.Effect<string, IoError>
  /**
   * A file's bytes as they are read (1 MiB at a time), so nothing holds a whole input;
   * a layer without them (an in-memory test layer) is read whole through `readFile`.
   */
  readonly readChunks?: (path: string) => Stream.Stream<Uint8Array, IoError>
  readonly stdinChunks?: Stream.Stream<Uint8Array, IoError>
  /** Whether stdout is a terminal (colour is only for people, never for a pipe or a file). */
  readonly stdoutIsTty?: boolean
}

export class Io extends Context.Service<Io, Shape>()("@whatap-operator/cli/Io") {}

const reasons: Readonly<Record<string, string>> = {
  ENOENT: "no such file or directory",
  EISDIR: "is a directory",
  EACCES: "permission denied",
  ENOTDIR: "not a directory"
}

const describe = (path: string, cause: unknown): IoError => {
  const code = typeof cause === "object" && cause !== null && "code" in cause ? String(cause.code) : ""
  const reason = reasons[code] ?? (cause instanceof Error ? cause.message : String(cause))
  return new IoError({ message: `cannot read ${path}: ${reason}` })
}

/** How much of a file one read returns; a shorter chunk means the input is slower than the reader (a pipe, a terminal). */
export const chunkBytes = 1 << 20

/**
 * stdin redirected from a directory (`< dir`) reads as empty in Node; it is an error,
 * like the same directory given as a file.
 */
const stdinReadable: Effect.Effect<void, IoError> = Effect.try({
  try: () => fstatSync(0).isDirectory(),
  catch: (cause) => describe("stdin", cause)
}).pipe(Effect.flatMap((directory) => directory ? Effect.fail(new IoError({ message: `cannot read stdin: ${reasons["EISDIR"]}` })) : Effect.void))

const utf8 = (read: Effect.Effect<string, IoError>): Stream.Stream<Uint8Array, IoError> =>
  Stream.fromEffect(Effect.map(read, (text) => new TextEncoder().encode(text)))

/** The bytes of `path` (`-`: stdin) from whichever readers the layer has. */
export const chunks = (io: Shape, path: string): Stream.Stream<Uint8Array, IoError> =>
  path === "-" ? io.stdinChunks ?? utf8(io.readStdin) : io.readChunks?.(path) ?? utf8(io.readFile(path))

/** Set when stdout's reader has gone (see `endOnOutputError`): later output is dropped. */
let stdoutGone = false

export const layerNode: Layer.Layer<Io> = Layer.succeed(Io, Io.of({
  out: (chunk) =>
    Effect.sync(() => {
      if (!stdoutGone) process.stdout.write(chunk)
    }),
  err: (chunk) => Effect.sync(() => void process.stderr.write(chunk)),
  readFile: (path) => Effect.tryPromise({ try: () => readFile(path, "utf8"), catch: (cause) => describe(path, cause) }),
  readStdin: Effect.andThen(stdinReadable, Effect.tryPromise({ try: () => text(process.stdin), catch: (cause) => describe("stdin", cause) })),
  readChunks: (path) =>
    Stream.suspend(() => Stream.fromAsyncIterable(createReadStream(path, { highWaterMark: chunkBytes }), (cause) => describe(path, cause))),
  stdinChunks: Stream.unwrap(Effect.as(stdinReadable, Stream.fromAsyncIterable(process.stdin, (cause) => describe("stdin", cause)))),
  stdoutIsTty: process.stdout.isTTY === true
}))

/**
 * Every command but `run` is a short process that may stream large inputs. Two V8
 * settings keep its memory flat and its start quick: the small-heap mode (unless the
 * inputs are known to be small: `smallInputs`), and no TurboFan
 * (the interpreter, Sparkplug and Maglev still run). TurboFan's compile zones were the
 * unstable part of the peak: `validate` of 15,000 documents 114-137 MiB with it, 102-106
 * without; 150,000 documents 119-133 MiB with it, 106 without. Without it a short input
 * is faster (1,500 documents 0.23 s -> 0.18 s: nothing is compiled twice) and a long one
 * slower (15,000: 0.74 s -> 0.76 s; 150,000: 4.9 s -> 6.6 s). `run`, the long-lived
 * operator, keeps V8's defaults (`--jit` chooses). Call it before any command module loads.
 */
export const tuneV8 = (argv: ReadonlyArray<string>): void => {
  if (argv[0] === "run") return
  if (!smallInputs(argv, sizeOf)) setFlagsFromString("--optimize-for-size")
  setFlagsFromString("--no-turbofan")
}

/**
 * Up to this much input, `validate` keeps V8's default heap: its peak stays under 100 MiB
 * either way (1,500 documents, 0.7 MiB: about 80 MiB), and the small-heap mode's frequent
 * scavenges and its early full collection cost about 30 ms of a 0.45 s run. Past it the
 * small heap keeps the peak flat (15,000 documents: about 95 MiB against 120 without).
 */
export const smallInputBytes = 2 * 1024 * 1024

/** A path's size when it is a regular file, `"other"` for anything else, `undefined` when it cannot be read. */
export type SizeOf = (path: string) => number | "other" | undefined

const sizeOf: SizeOf = (path) =>
  Result.getOrUndefined(Result.try(() => {
    const stat = statSync(path, { throwIfNoEntry: false })
    return stat === undefined ? undefined : stat.isFile() ? stat.size : "other"
  }))

/**
 * Whether `validate`'s inputs are known before reading them to be small: no stdin, no
 * directory, pipe or device, and the regular files named hold `smallInputBytes` or less
 * together. Words that name nothing (option values, a missing file the command will
 * report) are not inputs. Decided before anything is read: the mode set once the heap has
 * grown does not reliably shape it (ADR 0012). A wrong guess costs time or memory, never a
 * finding.
 */
export const smallInputs = (argv: ReadonlyArray<string>, size: SizeOf): boolean => {
  if (argv[0] !== "validate") return false
  let total = 0
  for (const word of argv.slice(1)) {
    if (word === "-") return false
    if (word.startsWith("-")) continue
    const bytes = size(word)
    if (bytes === "other") return false
    if (bytes !== undefined) total += bytes
    if (total > smallInputBytes) return false
  }
  return true
}

/** The V8 tiers `whatapctl run --jit` offers. */
export const jitModes = ["optimizing", "baseline"] as const
export type JitMode = typeof jitModes[number]

/**
 * `baseline` turns V8's optimizing compilers (Maglev, TurboFan) off for the rest of the
 * process: code runs in the interpreter and the baseline compiler (Sparkplug) only. The
 * operator is mostly idle and waits on I/O, so it loses little at rest (admission p50
 * about 0.25 ms more; a third of the webhook's saturation throughput) and keeps no
 * optimized code, no compiler zones and fewer code pages resident: about 15 MiB less.
 * Node refuses these flags in NODE_OPTIONS; set here, before the operator's modules run,
 * they apply to everything compiled after.
 */
export const setJit = (mode: JitMode): void => {
  if (mode === "optimizing") return
  setFlagsFromString("--no-maglev")
  setFlagsFromString("--no-opt")
}

/**
 * A reader that stops early (`whatapctl validate big.yaml | head`) closes the pipe; Node
 * then raises EPIPE on stdout, which would otherwise end in an unhandled-error stack
 * trace. The output is no longer wanted, but the exit code still is (`set -o pipefail` in
 * CI): the command runs to its end with its output dropped, and exits with what it found.
 * Any other write failure (a full disk: ENOSPC) is an I/O error: one line, exit 2. A
 * closed stderr (`2>&-`, a reader gone) is no error at all.
 */
export const endOnOutputError = (): void => {
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") {
      stdoutGone = true
      return
    }
    process.stderr.write(`${Meta.name}: cannot write output: ${error.message}\n`)
    process.exit(Exit.usage)
  })
  // stderr carries only messages and summaries: without a reader the command still
  // runs to its end, so the exit code says what it found
  process.stderr.on("error", () => undefined)
}

/**
 * The CLI's only contact with the process: stdout, stderr, files and stdin. Commands
 * stay pure Effects over this service, which keeps them testable in-process and keeps
 * Node built-ins out of everything but this module and `main.ts`.
 */
import { readFile } from "node:fs/promises"
import { text } from "node:stream/consumers"
import { Context, Data, Effect, Layer } from "effect"
import * as Exit from "./Exit.ts"
import * as Meta from "./Meta.ts"

/** An unreadable input: exit code 2, message on stderr. */
export class IoError extends Data.TaggedError("IoError")<{ readonly message: string }> {}

export interface Shape {
  readonly out: (text: string) => Effect.Effect<void>
  readonly err: (text: string) => Effect.Effect<void>
  readonly readFile: (path: string) => Effect.Effect<string, IoError>
  readonly readStdin: Effect.Effect<string, IoError>
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

export const layerNode: Layer.Layer<Io> = Layer.succeed(Io, Io.of({
  out: (chunk) => Effect.sync(() => void process.stdout.write(chunk)),
  err: (chunk) => Effect.sync(() => void process.stderr.write(chunk)),
  readFile: (path) => Effect.tryPromise({ try: () => readFile(path, "utf8"), catch: (cause) => describe(path, cause) }),
  readStdin: Effect.tryPromise({ try: () => text(process.stdin), catch: (cause) => describe("stdin", cause) })
}))

/**
 * A reader that stops early (`whatapctl crds | head`) closes the pipe; Node then raises
 * EPIPE on stdout, which would otherwise end in an unhandled-error stack trace. The
 * output is no longer wanted, so the process ends quietly with the code it has. Any
 * other write failure (a full disk: ENOSPC) is an I/O error: one line, exit 2.
 */
export const endOnStdoutError = (): void => {
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit(typeof process.exitCode === "number" ? process.exitCode : 0)
    process.stderr.write(`${Meta.name}: cannot write output: ${error.message}\n`)
    process.exit(Exit.usage)
  })
}

/**
 * Runs `nvidia-smi` (found on PATH) and returns its standard output, so the readers in
 * NvidiaSmi stay pure. Failures are tagged: the binary is not installed (a CPU-only
 * machine, a container without the driver's utilities), it exited non-zero (no driver
 * loaded: "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA
 * driver"), or it did not finish in time. Interrupting the effect kills the process.
 */
import { execFile } from "node:child_process"
import { Context, Effect, Layer, Schema } from "effect"

export const Reason = Schema.Literals(["NotFound", "Failed", "Timeout"])
export type Reason = typeof Reason.Type

export class NvidiaSmiCommandError extends Schema.TaggedError<NvidiaSmiCommandError>()("NvidiaSmiCommandError", {
  reason: Reason,
  /** The command line, e.g. `nvidia-smi -q -x`. */
  command: Schema.String,
  message: Schema.String
}) {}

export interface Shape {
  readonly run: (args: ReadonlyArray<string>) => Effect.Effect<string, NvidiaSmiCommandError>
}

export class NvidiaSmiCommand extends Context.Service<NvidiaSmiCommand, Shape>()("@whatap-operator/gpu/NvidiaSmiCommand") {
  /** The real binary, `nvidia-smi` on PATH. */
  static readonly layer: Layer.Layer<NvidiaSmiCommand> = Layer.sync(NvidiaSmiCommand, () => NvidiaSmiCommand.of({ run: (args) => run(defaults, args) }))

  /** Another binary or time limit (tests: a script standing in for nvidia-smi). */
  static readonly layerWith = (options: Partial<Options>): Layer.Layer<NvidiaSmiCommand> =>
    Layer.sync(NvidiaSmiCommand, () => NvidiaSmiCommand.of({ run: (args) => run({ ...defaults, ...options }, args) }))

  /** Canned output per command line (`-q -x`, `mig -lgi`); a line not listed is NotFound. */
  static readonly layerTest = (outputs: Readonly<Record<string, string>>): Layer.Layer<NvidiaSmiCommand> =>
    Layer.succeed(NvidiaSmiCommand, NvidiaSmiCommand.of({
      run: (args) => {
        const output = outputs[args.join(" ")]
        return output === undefined ? Effect.fail(notFound(commandLine(args))) : Effect.succeed(output)
      }
    }))
}

const binary = "nvidia-smi"

export interface Options {
  /** A name looked up on PATH, or a path. */
  readonly binary: string
  /** nvidia-smi answers in well under a second; a wedged driver can make it hang for minutes. */
  readonly timeoutMs: number
}

const defaults: Options = { binary, timeoutMs: 30_000 }

/** 8 GPUs with MIG and process lists stay under 1 MiB; the reader's own bound is 16 MiB. */
const maxBuffer = 16 * 1024 * 1024

const commandLine = (args: ReadonlyArray<string>): string => [binary, ...args].join(" ")

const notFound = (command: string): NvidiaSmiCommandError =>
  new NvidiaSmiCommandError({ reason: "NotFound", command, message: `${binary} was not found on PATH: is the NVIDIA driver installed on this machine?` })

interface ExecError {
  readonly code?: unknown
  readonly killed?: boolean
  readonly message: string
}

const describe = (command: string, options: Options, error: ExecError, stderr: string): NvidiaSmiCommandError => {
  if (error.code === "ENOENT") return notFound(command)
  if (error.killed === true) {
    return new NvidiaSmiCommandError({ reason: "Timeout", command, message: `${command} did not finish within ${options.timeoutMs / 1000}s` })
  }
  // nvidia-smi explains itself on stdout or stderr in one line; keep the first, bounded.
  const said = stderr.trim().split("\n")[0]?.slice(0, 300) ?? ""
  const code = typeof error.code === "number" ? `exit status ${error.code}` : error.message.split("\n")[0] ?? ""
  return new NvidiaSmiCommandError({ reason: "Failed", command, message: `${command} failed (${code})${said === "" ? "" : `: ${said}`}` })
}

const run = (options: Options, args: ReadonlyArray<string>): Effect.Effect<string, NvidiaSmiCommandError> =>
  Effect.callback<string, NvidiaSmiCommandError>((resume, signal) => {
    const settings = { encoding: "utf8", maxBuffer, timeout: options.timeoutMs, signal, windowsHide: true } as const
    execFile(options.binary, [...args], settings, (error, stdout, stderr) => {
      resume(error === null ? Effect.succeed(stdout) : Effect.fail(describe(commandLine(args), options, error, stderr === "" ? stdout : stderr)))
    })
  })

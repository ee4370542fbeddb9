/**
 * Structured logs: one JSON object per line on stdout (`time`, `level`, `msg`, then the
 * log annotations such as `controller`, `agent`, `kind`, `name`), the format log
 * pipelines expect from a Kubernetes controller. Every string goes through the Redactor,
 * so a license that reached a message (an API error echoing a field) never leaves the
 * process.
 */
import { Cause, Effect, Layer, Logger, References } from "effect"
import { Redactor } from "./Redactor.ts"

export interface Line {
  readonly time: string
  readonly level: string
  readonly msg: string
  readonly [key: string]: unknown
}

const text = (message: unknown): string => {
  const parts = Array.isArray(message) ? message : [message]
  return parts.map((p) => (typeof p === "string" ? p : JSON.stringify(p) ?? String(p))).join(" ")
}

const scrub = (value: unknown, redact: (s: string) => string): unknown => {
  if (typeof value === "string") return redact(value)
  if (Array.isArray(value)) return value.map((v) => scrub(v, redact))
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrub(v, redact)]))
  }
  return value
}

/** The line for one log call; exported for tests. */
export const format = (
  options: Logger.Options<unknown>,
  annotations: Readonly<Record<string, unknown>>,
  redact: (s: string) => string
): string => {
  const line: Record<string, unknown> = {
    time: options.date.toISOString(),
    level: options.logLevel.toLowerCase(),
    msg: redact(text(options.message)),
    ...(scrub(annotations, redact) as Record<string, unknown>)
  }
  if (options.cause.reasons.length > 0) Object.assign(line, describeCause(options.cause, redact))
  return JSON.stringify(line)
}

/**
 * An expected failure is its tag and message (a log reader wants the reason, not a stack);
 * a defect (a bug) keeps its stack trace, in a field of its own.
 */
const describeCause = (cause: Cause.Cause<unknown>, redact: (s: string) => string): Record<string, string> => {
  const failure = Cause.findErrorOption(cause)
  if (failure._tag === "Some") {
    const error = failure.value
    const tag = typeof error === "object" && error !== null && "_tag" in error ? `${String(error._tag)}: ` : ""
    const message = error instanceof Error ? error.message : typeof error === "object" && error !== null && "message" in error ? String(error.message) : String(error)
    return { error: redact(`${tag}${message}`) }
  }
  return { error: "defect", stack: redact(Cause.pretty(cause)) }
}

/** A logger writing through `write` (stdout in production, an array in tests). */
export const make = (write: (line: string) => void) =>
  Effect.map(Effect.service(Redactor), (redactor) =>
    Logger.make((options) => {
      const annotations = options.fiber.getRef(References.CurrentLogAnnotations)
      write(format(options, annotations, redactor.redact))
    }))

/** Replaces the default loggers with the JSON logger on stdout. */
export const layer = (write: (line: string) => void) => Logger.layer([make(write)])

export const layerStdout: Layer.Layer<never, never, Redactor> = layer((line) => void process.stdout.write(`${line}\n`))

/**
 * `whatapctl validate FILE...`: checks every YAML document of every input (`-` is
 * stdin) and prints findings in the chosen format. Exit 1 when any error (or, with
 * `--strict`, any warning) is found; exit 2 when an input cannot be read, after the
 * readable inputs were still reported.
 *
 * Inputs stream: bytes are decoded (Encoding.ts), cut into documents (Split.ts), read
 * (Reader.ts), validated (Check.ts) and written (Output.ts) one document at a time, so
 * memory stays that of the largest document however many documents a file holds, and
 * findings appear while the rest is still being read.
 */
import { Effect, Result, Stream } from "effect"
import * as Args from "../Args.ts"
import type { Handler } from "../Command.ts"
import * as Exit from "../Exit.ts"
import { chunkBytes, chunks, Io, type IoError } from "../Io.ts"
import { checkDoc } from "./validate/Check.ts"
import * as Encoding from "./validate/Encoding.ts"
import { type Format, formats, type Writer, writer } from "./validate/Output.ts"
import * as Reader from "./validate/Reader.ts"
import { maxDocumentChars, type Piece, splitter } from "./validate/Split.ts"
import { summary as summarize, type Summary } from "./validate/Text.ts"
import { printableLines } from "../Printable.ts"

const stdinName = "<stdin>"

/** Output is handed to stdout in blocks of about this many characters, not per line. */
const flushAt = 1 << 16

interface Sink {
  readonly writer: Writer
  readonly summary: Summary
  /** buffers `text`, writing when enough has gathered (or when `force`) */
  readonly emit: (text: string, force?: boolean) => Effect.Effect<void>
}

const sink = (format: Format, out: (text: string) => Effect.Effect<void>): Sink => {
  let pending = ""
  return {
    writer: writer(format),
    summary: summarize(),
    emit: (text, force = false) =>
      Effect.suspend(() => {
        pending += text
        if (pending.length < flushAt && !(force && pending.length > 0)) return Effect.void
        const chunk = pending
        pending = ""
        return out(chunk)
      })
  }
}

/** One input, from its byte stream to its findings written. */
const checkInput = (name: string, bytes: Stream.Stream<Uint8Array, IoError>, s: Sink, err: (text: string) => Effect.Effect<void>) =>
  Effect.suspend(() => {
    const decoder = Encoding.decoder()
    const split = splitter()
    let started = false
    const start = (): string => {
      if (started) return ""
      started = true
      return s.writer.file(name)
    }
    const handle = (pieces: ReadonlyArray<Piece>): string => {
      let out = start()
      for (const piece of pieces) {
        for (const doc of Reader.read(piece)) {
          const outcome = checkDoc(doc)
          s.summary.add(name, outcome)
          out += s.writer.document(name, outcome)
        }
      }
      return out
    }
    // the line of the oversized document last announced: skipping one can take long (an
    // endless input such as /dev/zero never ends), so stderr says what is going on
    let announced: number | undefined
    const announce = (): Effect.Effect<void> => {
      const line = split.skipping()
      if (line === undefined || line === announced) return Effect.void
      announced = line
      return Effect.andThen(s.emit("", true), err(`whatapctl: ${printableLines(name)}:${line}: a document over ${Reader.mib(maxDocumentChars)}; reading on to its end to report it as one finding\n`))
    }
    return Stream.runForEach(bytes, (chunk) => {
      const decoded = decoder.push(chunk)
      // a chunk shorter than a full read: the input comes slower than it is read, so what
      // was found so far is written now rather than when 64 KiB of output have gathered
      return Effect.andThen(s.emit(handle(split.push(decoded.text, decoded.invalid)), chunk.byteLength < chunkBytes), announce())
    }).pipe(Effect.andThen(Effect.suspend(() => {
      const last = decoder.end()
      return s.emit(handle([...split.push(last.text, last.invalid), ...split.end()]))
    })))
  })

/** stdin can be read once; naming it twice checks the same bytes twice. */
const stdinOnce = (stdin: Stream.Stream<Uint8Array, IoError>, times: number) => {
  if (times < 2) return stdin
  const kept: Array<Uint8Array> = []
  let read = false
  return Stream.suspend(() => {
    if (read) return Stream.fromIterable(kept)
    read = true
    return Stream.tap(stdin, (chunk) => Effect.sync(() => void kept.push(chunk)))
  })
}

export const run: Handler = (parsed) =>
  Effect.gen(function*() {
    const io = yield* Io
    const format = Args.choice(parsed, "output", formats, "text")
    if (Result.isFailure(format)) return yield* new Exit.UsageError({ message: format.failure, command: "validate" })
    if (parsed.operands.length === 0) {
      return yield* new Exit.UsageError({ message: "no files given (use - for stdin)", command: "validate" })
    }
    const s = sink(format.success, io.out)
    const stdin = stdinOnce(chunks(io, "-"), parsed.operands.filter((o) => o === "-").length)
    let unreadable = false
    for (const operand of parsed.operands) {
      const name = operand === "-" ? stdinName : operand
      const done = yield* Effect.result(checkInput(name, operand === "-" ? stdin : chunks(io, operand), s, io.err))
      if (Result.isFailure(done)) {
        unreadable = true
        yield* s.emit("", true)
        yield* io.err(`whatapctl: ${printableLines(done.failure.message)}\n`)
      }
    }
    yield* s.emit(s.writer.end(), true)
    if (format.success === "text") yield* io.err(s.summary.text())
    const failing = s.summary.errors() > 0 || (parsed.switches.has("strict") && s.summary.warnings() > 0)
    return unreadable ? Exit.usage : failing ? Exit.failed : Exit.ok
  })

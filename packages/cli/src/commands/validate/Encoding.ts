/**
 * Bytes to text, chunk by chunk, as YAML 1.2 (5.2) reads a stream: the encoding comes
 * from a byte order mark or, without one, from the pattern of zero bytes at the start
 * (PowerShell's `>` writes UTF-16LE with a BOM; `Out-File -Encoding utf32` UTF-32LE).
 * UTF-8 is checked, not trusted: an invalid byte becomes U+FFFD in the text and its
 * offset is reported, so the document that holds it can be refused as kubectl refuses
 * it, instead of silently validating a different value. Work and memory are linear in
 * the input; a chunk is never held longer than it takes to decode it.
 */
import { Effect, Result, Stream } from "effect"
import { chunks, Io, IoError } from "../../Io.ts"

export type Name = "UTF-8" | "UTF-16LE" | "UTF-16BE" | "UTF-32LE" | "UTF-32BE"

export interface Decoded {
  readonly text: string
  /** offsets in `text` of characters that stand for invalid input (U+FFFD) */
  readonly invalid: ReadonlyArray<number>
}

export interface Decoder {
  readonly push: (bytes: Uint8Array) => Decoded
  readonly end: () => Decoded
  /** the encoding detected, once at least four bytes (or the end) were seen */
  readonly encoding: () => Name | undefined
}

const none: Decoded = { text: "", invalid: [] }

/** YAML 1.2 5.2: BOMs first, then the zero-byte patterns of an ASCII first character. */
export const detect = (b: Uint8Array): { readonly name: Name; readonly bom: number } => {
  const [b0, b1, b2, b3] = [b[0], b[1], b[2], b[3]]
  if (b0 === 0 && b1 === 0 && b2 === 0xFE && b3 === 0xFF) return { name: "UTF-32BE", bom: 4 }
  if (b0 === 0 && b1 === 0 && b2 === 0 && b3 !== undefined) return { name: "UTF-32BE", bom: 0 }
  if (b0 === 0xFF && b1 === 0xFE && b2 === 0 && b3 === 0) return { name: "UTF-32LE", bom: 4 }
  if (b0 !== undefined && b0 !== 0 && b1 === 0 && b2 === 0 && b3 === 0) return { name: "UTF-32LE", bom: 0 }
  if (b0 === 0xFE && b1 === 0xFF) return { name: "UTF-16BE", bom: 2 }
  if (b0 === 0 && b1 !== undefined) return { name: "UTF-16BE", bom: 0 }
  if (b0 === 0xFF && b1 === 0xFE) return { name: "UTF-16LE", bom: 2 }
  if (b0 !== undefined && b0 !== 0 && b1 === 0) return { name: "UTF-16LE", bom: 0 }
  if (b0 === 0xEF && b1 === 0xBB && b2 === 0xBF) return { name: "UTF-8", bom: 3 }
  return { name: "UTF-8", bom: 0 }
}

/** Length of the sequence a UTF-8 lead byte starts (0: not a lead byte). */
const sequenceLength = (lead: number): number =>
  lead < 0x80 ? 1 : lead >= 0xC2 && lead <= 0xDF ? 2 : lead >= 0xE0 && lead <= 0xEF ? 3 : lead >= 0xF0 && lead <= 0xF4 ? 4 : 0

/** Bytes at the end of `b` that start a sequence the next chunk completes. */
const incompleteTail = (b: Uint8Array): number => {
  for (let back = 1; back <= Math.min(3, b.length); back++) {
    const byte = b[b.length - back] ?? 0
    if ((byte & 0xC0) !== 0x80) return sequenceLength(byte) > back ? back : 0
  }
  return 0
}

const isContinuation = (b: number | undefined): boolean => b !== undefined && (b & 0xC0) === 0x80

/** Length of the valid sequence at `i`, or 0 (Unicode's "maximal subpart" rules, simplified to one byte). */
const validAt = (b: Uint8Array, i: number): number => {
  const lead = b[i] ?? 0
  const n = sequenceLength(lead)
  if (n <= 1) return n
  const second = b[i + 1]
  if (second === undefined || !isContinuation(second)) return 0
  // overlong 3/4-byte forms, surrogates and code points above U+10FFFF
  if ((lead === 0xE0 && second < 0xA0) || (lead === 0xED && second > 0x9F)) return 0
  if ((lead === 0xF0 && second < 0x90) || (lead === 0xF4 && second > 0x8F)) return 0
  for (let k = 2; k < n; k++) if (!isContinuation(b[i + k])) return 0
  return n
}

/** The slow path, for chunks that failed the fast check: valid runs decoded, each bad byte one U+FFFD. */
const decodeLoosely = (b: Uint8Array, utf8: { readonly decode: (b: Uint8Array) => string }, at: number): Decoded => {
  const parts: Array<string> = []
  const invalid: Array<number> = []
  let length = 0
  let run = 0
  for (let i = 0; i < b.length;) {
    const n = validAt(b, i)
    if (n > 0) {
      i += n
      continue
    }
    const part = utf8.decode(b.subarray(run, i))
    parts.push(part, "\uFFFD")
    length += part.length
    invalid.push(at + length)
    length += 1
    i += 1
    run = i
  }
  parts.push(utf8.decode(b.subarray(run)))
  return { text: parts.join(""), invalid }
}

const concat = (a: Uint8Array, b: Uint8Array): Uint8Array => {
  if (a.length === 0) return b
  const out = new Uint8Array(a.length + b.length)
  out.set(a)
  out.set(b, a.length)
  return out
}

interface Stage {
  readonly push: (bytes: Uint8Array, at: number) => Decoded
  readonly end: (at: number) => Decoded
}

const utf8Stage = (): Stage => {
  const strict = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true })
  const loose = new TextDecoder("utf-8", { ignoreBOM: true })
  let carry: Uint8Array = new Uint8Array(0)
  const decode = (bytes: Uint8Array, at: number): Decoded => {
    // TextDecoder's fatal mode throws on invalid input; that is the (rare) slow path
    const fast = Result.try(() => strict.decode(bytes))
    return Result.isFailure(fast) ? decodeLoosely(bytes, loose, at) : { text: fast.success, invalid: [] }
  }
  return {
    push: (chunk, at) => {
      const bytes = concat(carry, chunk)
      const keep = incompleteTail(bytes)
      carry = bytes.slice(bytes.length - keep)
      return decode(bytes.subarray(0, bytes.length - keep), at)
    },
    end: (at) => (carry.length === 0 ? none : decode(carry, at))
  }
}

const isHigh = (unit: number): boolean => unit >= 0xD800 && unit <= 0xDBFF
const isLow = (unit: number): boolean => unit >= 0xDC00 && unit <= 0xDFFF

/** Code units to text, in slices (an argument list per slice, not per input). */
const fromUnits = (units: Uint16Array): string => {
  const parts: Array<string> = []
  for (let i = 0; i < units.length; i += 8192) parts.push(String.fromCharCode(...units.subarray(i, i + 8192)))
  return parts.join("")
}

/**
 * UTF-16 checked like UTF-8: a surrogate without its pair (or an odd last byte) becomes
 * U+FFFD and its offset is reported, instead of silently changing the value. A high
 * surrogate at the end of a chunk waits for the next one.
 */
const utf16Stage = (name: "UTF-16LE" | "UTF-16BE"): Stage => {
  const little = name === "UTF-16LE"
  let carry: Uint8Array = new Uint8Array(0)
  const decode = (bytes: Uint8Array, at: number, final: boolean): Decoded => {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    let count = Math.floor(bytes.length / 2)
    if (!final && count > 0 && isHigh(view.getUint16((count - 1) * 2, little))) count--
    carry = bytes.slice(count * 2)
    const units = new Uint16Array(count)
    const invalid: Array<number> = []
    for (let i = 0; i < count; i++) {
      const unit = view.getUint16(i * 2, little)
      const next = i + 1 < count ? view.getUint16((i + 1) * 2, little) : 0
      if (isHigh(unit) && isLow(next)) {
        units[i] = unit
        units[++i] = next
      } else if (isHigh(unit) || isLow(unit)) {
        units[i] = 0xFFFD
        invalid.push(at + i)
      } else {
        units[i] = unit
      }
    }
    const text = fromUnits(units)
    if (!final || carry.length === 0) return { text, invalid }
    // an odd byte left at the end
    carry = new Uint8Array(0)
    return { text: `${text}\uFFFD`, invalid: [...invalid, at + count] }
  }
  return {
    push: (chunk, at) => decode(concat(carry, chunk), at, false),
    end: (at) => (carry.length === 0 ? none : decode(carry, at, true))
  }
}

const utf32Stage = (name: "UTF-32LE" | "UTF-32BE"): Stage => {
  let carry: Uint8Array = new Uint8Array(0)
  const units = (bytes: Uint8Array, at: number): Decoded => {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    const parts: Array<string> = []
    const invalid: Array<number> = []
    let length = 0
    for (let i = 0; i + 4 <= bytes.length; i += 4) {
      const cp = view.getUint32(i, name === "UTF-32LE")
      const ok = cp <= 0x10FFFF && (cp < 0xD800 || cp > 0xDFFF)
      if (!ok) invalid.push(at + length)
      const char = ok ? String.fromCodePoint(cp) : "\uFFFD"
      parts.push(char)
      length += char.length
    }
    return { text: parts.join(""), invalid }
  }
  return {
    push: (chunk, at) => {
      const bytes = concat(carry, chunk)
      const whole = bytes.length - (bytes.length % 4)
      carry = bytes.slice(whole)
      return units(bytes.subarray(0, whole), at)
    },
    end: (at) => (carry.length === 0 ? none : { text: "\uFFFD", invalid: [at] })
  }
}

const stageFor = (name: Name): Stage =>
  name === "UTF-8" ? utf8Stage() : name === "UTF-16LE" || name === "UTF-16BE" ? utf16Stage(name) : utf32Stage(name)

/** A decoder for one input; offsets in `invalid` count from the start of that input's text. */
export const decoder = (): Decoder => {
  let head: Uint8Array = new Uint8Array(0)
  let stage: Stage | undefined
  let name: Name | undefined
  let at = 0
  const emit = (d: Decoded): Decoded => {
    at += d.text.length
    return d
  }
  const start = (bytes: Uint8Array): Decoded => {
    const found = detect(bytes)
    name = found.name
    stage = stageFor(found.name)
    return emit(stage.push(bytes.subarray(found.bom), at))
  }
  return {
    push: (chunk) => {
      if (stage !== undefined) return emit(stage.push(chunk, at))
      head = concat(head, chunk)
      return head.length < 4 ? none : start(head)
    },
    end: () => {
      const last = stage === undefined ? start(head) : none
      const rest = stage === undefined ? none : emit(stage.end(at))
      return last.text === "" ? rest : { text: last.text + rest.text, invalid: [...last.invalid, ...rest.invalid] }
    },
    encoding: () => name
  }
}

/** What to do about invalid input, for every reader's message. */
export const saveAsUnicode = "save the file as UTF-8 (or UTF-16/UTF-32 with a byte order mark)"

const lineAndColumn = (text: string, offset: number): { readonly line: number; readonly column: number } => {
  let line = 1
  let start = 0
  for (let i = text.indexOf("\n"); i >= 0 && i < offset; i = text.indexOf("\n", i + 1)) {
    line++
    start = i + 1
  }
  return { line, column: offset - start + 1 }
}

/** What a command that reads its inputs whole reads from one input, at most (`validate` streams any size). */
export const maxInputChars = 64 * 1024 * 1024

const mibText = (chars: number): string => `${Math.round(chars / (1024 * 1024))} MiB`

/**
 * A whole input as text (`-`: stdin), for the commands that read their inputs whole
 * (`render`, `inject`, `explain`, `plan --agent`, `gpu inspect`): decoded as `validate`
 * decodes it (a BOM's UTF-16 or UTF-32 included), and refused (exit 2) where its UTF-8 is
 * invalid, instead of being read as another value with U+FFFD in it, or where it is longer
 * than `maxChars`, counted in characters and in bytes alike (reading stops there: an
 * endless input such as /dev/zero ends too, whatever encoding its bytes look like; UTF-32
 * holds four bytes per character).
 */
export const readText = (path: string, maxChars: number = maxInputChars): Effect.Effect<string, IoError, Io> =>
  Effect.gen(function*() {
    const io = yield* Io
    const d = decoder()
    const parts: Array<string> = []
    let length = 0
    let bytes = 0
    let invalid: number | undefined
    // the decoder's offsets already count from the start of the input
    const take = (decoded: Decoded): void => {
      invalid ??= decoded.invalid[0]
      parts.push(decoded.text)
      length += decoded.text.length
    }
    const name = path === "-" ? "stdin" : path
    const tooLong = new IoError({ message: `cannot read ${name}: it is longer than ${mibText(maxChars)}, more than this command reads from one input` })
    // the first invalid byte ends the reading: what follows cannot change the answer
    const badEncoding = (offset: number, at = lineAndColumn(parts.join(""), offset)): IoError =>
      new IoError({ message: `cannot read ${name}: invalid ${d.encoding() ?? "UTF-8"} at line ${at.line}, column ${at.column}: ${saveAsUnicode}` })
    yield* Stream.runForEach(chunks(io, path), (chunk) => {
      bytes += chunk.byteLength
      if (bytes > maxChars) return Effect.fail(tooLong)
      take(d.push(chunk))
      if (invalid !== undefined) return Effect.fail(badEncoding(invalid))
      return length > maxChars ? Effect.fail(tooLong) : Effect.void
    })
    take(d.end())
    if (invalid !== undefined) return yield* badEncoding(invalid)
    if (length > maxChars) return yield* Effect.fail(tooLong)
    return parts.join("")
  })

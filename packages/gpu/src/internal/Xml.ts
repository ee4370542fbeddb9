/**
 * A strict XML reader for `nvidia-smi -q -x`: saxes (ADR 0009) checks well-formedness,
 * this module builds a small element tree (name, attributes, text, children, line). The
 * first problem ends the read with its line and column, so a truncated or garbled
 * document is an error, never half a tree. Entities other than XML's five predefined
 * ones are not defined, so nothing expands, and the DOCTYPE's external DTD is never read.
 */
import { Result } from "effect"
import { SaxesParser } from "saxes"

export interface Element {
  readonly name: string
  readonly attributes: Readonly<Record<string, string>>
  readonly children: ReadonlyArray<Element>
  /** The element's own character data, untrimmed. */
  readonly text: string
  /** Line of the start tag (1-based). */
  readonly line: number
}

export interface Failure {
  readonly line: number
  readonly column: number
  readonly message: string
}

/**
 * Bounds of one document. nvidia-smi writes about 27 KiB per GPU (a supported-clocks
 * table of ~230 elements dominates) and nests 7 deep, so 16 MiB and depth 32 leave a wide
 * margin while keeping a runaway input from holding the process.
 */
export const maxChars = 16 * 1024 * 1024
export const maxDepth = 32
/** About 400 per GPU: 16 MiB of real output is some 240,000; tiny elements could make millions. */
export const maxElements = 300_000

const chunkChars = 1024

interface Open {
  readonly name: string
  readonly attributes: Readonly<Record<string, string>>
  readonly children: Array<Element>
  text: string
  readonly line: number
}

/** saxes prefixes messages with `line:column: `; the Failure carries those apart. */
const stripPosition = (message: string): string => message.replace(/^\d+:\d+: /, "").replace(/\.$/, "")

const read = (text: string): Result.Result<Element, Failure> => {
  const parser = new SaxesParser({ position: true, xmlns: false })
  const stack: Array<Open> = []
  let root: Element | undefined
  let failure: Failure | undefined
  let elements = 0
  const fail = (message: string): void => {
    failure ??= { line: parser.line, column: parser.column, message }
  }
  parser.on("error", (error) => fail(stripPosition(error.message)))
  parser.on("opentag", (tag) => {
    if (failure !== undefined) return
    if (stack.length >= maxDepth) return fail(`elements nested deeper than ${maxDepth}`)
    if (++elements > maxElements) return fail(`more than ${maxElements} elements`)
    stack.push({ name: tag.name, attributes: { ...tag.attributes }, children: [], text: "", line: parser.line })
  })
  const addText = (chunk: string): void => {
    const top = stack[stack.length - 1]
    if (top !== undefined && failure === undefined) top.text += chunk
  }
  parser.on("text", addText)
  // nvidia-smi writes no CDATA, but a well-formed document may carry text that way
  parser.on("cdata", addText)
  parser.on("closetag", () => {
    const done = stack.pop()
    if (done === undefined || failure !== undefined) return
    const element: Element = { ...done, children: done.children }
    const parent = stack[stack.length - 1]
    if (parent === undefined) root = element
    else parent.children.push(element)
  })
  // Written in chunks so that reading stops soon after the first error: saxes would go on
  // reporting every later consequence of it, each an Error with a stack trace.
  for (let at = 0; at < text.length && failure === undefined; at += chunkChars) parser.write(text.slice(at, at + chunkChars))
  if (failure === undefined) parser.close()
  if (failure !== undefined) return Result.fail(failure)
  return root === undefined ? Result.fail({ line: 1, column: 0, message: "document must contain a root element" }) : Result.succeed(root)
}

/** The document's root element, or where and why it is not well-formed XML. */
export const parse = (text: string): Result.Result<Element, Failure> => {
  if (text.length > maxChars) return Result.fail({ line: 1, column: 0, message: `document is larger than ${maxChars} characters` })
  // saxes reports every well-formedness error through the handler; a throw would be a
  // parser bug, reported like any other unreadable document rather than as a crash.
  return Result.try({
    try: () => read(text),
    catch: (cause) => ({ line: 1, column: 0, message: `unreadable XML: ${cause instanceof Error ? cause.message : String(cause)}` })
  }).pipe(Result.flatMap((result) => result))
}

/** The first child named `name`. */
export const child = (element: Element, name: string): Element | undefined => element.children.find((c) => c.name === name)

/** Every child named `name`, in document order. */
export const children = (element: Element, name: string): ReadonlyArray<Element> => element.children.filter((c) => c.name === name)

/** The element's text, trimmed (nvidia-smi indents with tabs and line breaks). */
export const text = (element: Element): string => element.text.trim()

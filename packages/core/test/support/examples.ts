/**
 * Test helper: the public functions of the package and the `@example` blocks of their
 * documentation, read from the source. A function is found through `index.ts` and the
 * module's own declarations or re-exports (`export { parse } from "./internal/..."`),
 * so an example lives next to the code it shows, wherever that is.
 */
import { readFileSync } from "node:fs"
import { dirname, join } from "node:path"
import { Schema } from "effect"
import * as Core from "../../src/index.ts"

const src = join(import.meta.dirname, "..", "..", "src")

export interface PublicFunction {
  /** `Namespace.name`, as a user of the package writes it. */
  readonly id: string
  /** The source file that declares it. */
  readonly file: string
  readonly examples: ReadonlyArray<string>
}

const isClass = (value: Function): boolean => /^class\b/.test(Function.prototype.toString.call(value))

/** Every exported function of every namespace (Schemas and error classes are values, not functions here). */
export const publicFunctionIds = (): ReadonlyArray<readonly [string, string]> =>
  Object.entries(Core).flatMap(([namespace, module]) =>
    Object.entries(module as Record<string, unknown>)
      .filter(([, value]) => typeof value === "function" && !Schema.isSchema(value) && !isClass(value))
      .map(([name]) => [namespace, name] as const))
    .sort(([a, an], [b, bn]) => (a + "." + an < b + "." + bn ? -1 : 1))

const namespaceFile = (namespace: string): string => {
  const index = readFileSync(join(src, "index.ts"), "utf8")
  const match = new RegExp(`export \\* as ${namespace} from "(\\./[^"]+)"`).exec(index)
  if (match?.[1] === undefined) throw new Error(`index.ts does not export ${namespace}`)
  return join(src, match[1])
}

const escape = (name: string): string => name.replace(/\$/g, "\\$")

/** The file declaring `name`, following `export { name } from` re-exports from `file`. */
const declaringFile = (file: string, name: string, depth = 0): string | undefined => {
  const text = readFileSync(file, "utf8")
  if (new RegExp(`^export (?:const|function|class) ${escape(name)}\\b`, "m").test(text)) return file
  for (const match of text.matchAll(/^export \{([^}]*)\} from "(\.[^"]+)"/gm)) {
    const names = (match[1] ?? "").split(",").map((n) => n.trim().replace(/^type /, ""))
    if (names.includes(name) && match[2] !== undefined && depth < 8) return declaringFile(join(dirname(file), match[2]), name, depth + 1)
  }
  return undefined
}

/** The `/** ... *\/` comment right above the declaration of `name`, without its ` * ` margins. */
const docComment = (text: string, name: string): string => {
  const declaration = new RegExp(`^export (?:const|function|class) ${escape(name)}\\b`, "m").exec(text)
  if (declaration === null) return ""
  const before = text.slice(0, declaration.index).trimEnd()
  if (!before.endsWith("*/")) return ""
  const comment = before.slice(before.lastIndexOf("/**"))
  return comment.split("\n").map((line) => line.replace(/^\s*\/?\*+\/?( ?)/, "")).join("\n")
}

/** The fenced `ts` blocks after `@example` tags. */
export const examplesOf = (comment: string): ReadonlyArray<string> =>
  comment.split("@example").slice(1).flatMap((part) => {
    const block = /^\s*```ts\n([\s\S]*?)```/.exec(part)
    return block?.[1] === undefined ? [] : [block[1]]
  })

export const publicFunctions = (): ReadonlyArray<PublicFunction> =>
  publicFunctionIds().map(([namespace, name]) => {
    const file = declaringFile(namespaceFile(namespace), name)
    const examples = file === undefined ? [] : examplesOf(docComment(readFileSync(file, "utf8"), name))
    return { id: `${namespace}.${name}`, file: file ?? "(not found)", examples }
  })

/**
 * Just enough of the Dockerfile and .dockerignore grammars to check the image recipe
 * without a container engine: instructions with their continuation lines joined, split into
 * build stages, image references taken apart, and .dockerignore rules applied the way the
 * engine applies them (last matching rule wins; a rule that matches a directory matches
 * everything under it; `**` spans directories, `*` and `?` stay within one name).
 */

export interface Instruction {
  readonly name: string
  /** The arguments, continuation lines joined, leading flags (`--from=build`) included. */
  readonly args: string
}

export interface Stage {
  readonly image: string
  readonly alias: string | undefined
  readonly instructions: ReadonlyArray<Instruction>
}

/** Instructions in order: comments and parser directives dropped, `\` continuations joined. */
export const instructions = (text: string): ReadonlyArray<Instruction> => {
  const logical = text.replace(/\\\r?\n/g, " ").split(/\r?\n/)
  return logical.flatMap((line) => {
    const trimmed = line.trim()
    if (trimmed === "" || trimmed.startsWith("#")) return []
    const match = /^(\S+)\s*(.*)$/.exec(trimmed)
    return match === null ? [] : [{ name: (match[1] ?? "").toUpperCase(), args: (match[2] ?? "").replace(/\s+/g, " ") }]
  })
}

/** The stages of a multi-stage Dockerfile (instructions before the first FROM are dropped). */
export const stages = (text: string): ReadonlyArray<Stage> => {
  const result: Array<{ image: string; alias: string | undefined; instructions: Array<Instruction> }> = []
  for (const instruction of instructions(text)) {
    if (instruction.name === "FROM") {
      const words = instruction.args.split(" ").filter((word) => !word.startsWith("--"))
      const alias = words[1]?.toUpperCase() === "AS" ? words[2] : undefined
      result.push({ image: words[0] ?? "", alias, instructions: [] })
    } else {
      result.at(-1)?.instructions.push(instruction)
    }
  }
  return result
}

export interface ImageRef {
  readonly name: string
  readonly tag: string | undefined
  readonly digest: string | undefined
}

export const imageRef = (ref: string): ImageRef => {
  const [named = "", digest] = ref.split("@")
  const slash = named.lastIndexOf("/")
  const colon = named.lastIndexOf(":")
  const hasTag = colon > slash
  return { name: hasTag ? named.slice(0, colon) : named, tag: hasTag ? named.slice(colon + 1) : undefined, digest }
}

/** Leading `--flag=value` options of COPY/ADD/RUN, and the words after them. */
export const flagsAndWords = (args: string): { flags: ReadonlyMap<string, string>; words: ReadonlyArray<string> } => {
  const all = args.startsWith("[") ? [] : args.split(" ")
  const flags = new Map<string, string>()
  let i = 0
  for (; i < all.length && (all[i] ?? "").startsWith("--"); i++) {
    const [key = "", value = ""] = (all[i] ?? "").slice(2).split("=", 2)
    flags.set(key, value)
  }
  return { flags, words: args.startsWith("[") ? JSON.parse(args) : all.slice(i) }
}

const escapeRegex = (text: string): string => text.replace(/[.+^${}()|[\]\\]/g, "\\$&")

/** A .dockerignore pattern as a regex over slash-separated, cleaned relative paths. */
export const patternRegex = (pattern: string): RegExp => {
  const cleaned = pattern.replace(/^\/+/, "").replace(/\/+$/, "")
  const source = cleaned.split("/").map((part) =>
    part === "**" ? "(?:.*)" : escapeRegex(part).replace(/\*/g, "[^/]*").replace(/\?/g, "[^/]")
  ).join("/").replace(/\(\?:\.\*\)\//g, "(?:.*/)?")
  return new RegExp(`^${source}$`)
}

export interface Rule {
  readonly exclude: boolean
  readonly regex: RegExp
}

export const rules = (dockerignore: string): ReadonlyArray<Rule> =>
  dockerignore.split(/\r?\n/).map((line) => line.trim()).filter((line) => line !== "" && !line.startsWith("#")).map((line) =>
    line.startsWith("!") ? { exclude: false, regex: patternRegex(line.slice(1)) } : { exclude: true, regex: patternRegex(line) }
  )

/** Whether the engine leaves `path` (relative to the context root) out of the build context. */
export const excluded = (ruleList: ReadonlyArray<Rule>, path: string): boolean => {
  const parts = path.split("/")
  const selfAndParents = parts.map((_, i) => parts.slice(0, i + 1).join("/"))
  return ruleList.reduce((out, rule) => (selfAndParents.some((p) => rule.regex.test(p)) ? rule.exclude : out), false)
}

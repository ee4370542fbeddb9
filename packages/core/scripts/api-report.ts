/**
 * The API report: the public surface of `@whatap-operator/core` as one committed file,
 * `packages/core/api-report.d.ts`, so that every change to the surface shows in review
 * (ADR 0008). `test/api-report.test.ts` fails when the file is stale; rewrite it with
 *   npm run api-report -w @whatap-operator/core
 *
 * It is made from the `.d.ts` that tsc emits for `src/`: every module that `index.ts`
 * exports as a namespace, whole; from modules under `internal/`, only the declarations
 * that public ones re-export or refer to (and what those refer to in turn). Comments
 * and `import` lines are left out (neither is surface), whitespace is canonical and
 * names are spelled one way (`api-scope.ts`). tsc writes a Schema's whole type out
 * wherever it is used, so a type equal to an exported constant's is shown as
 * `typeof Namespace.name`: a change to one Schema shows once.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import {
  forwarded, internalReferences, isImportLike, type Load, type Module, type Naming, namingOf, origin, qualifyLocals, reference, spell
} from "./api-scope.ts"
import { constType, declaredName, pretty, statements } from "./dts-text.ts"
import { compile, coreRoot } from "./package-build.ts"

export const reportPath = join(coreRoot, "api-report.d.ts")

const readModule = (dir: string, path: string, namespace: string | undefined): Module =>
  ({ path, namespace, statements: statements(readFileSync(join(dir, `${path}.d.ts`), "utf8")) })

/** Modules by path, each read once; public ones with their namespace. */
const loader = (dir: string, namespaces: ReadonlyMap<string, string>): Load => {
  const cache = new Map<string, Module>()
  return (path) => {
    const cached = cache.get(path)
    if (cached !== undefined) return cached
    const module = readModule(dir, path, namespaces.get(path))
    cache.set(path, module)
    return module
  }
}

/** Whether `text` refers to `name` (a member `a.name` or a property key `name:` does not). */
const mentions = (text: string, name: string): boolean =>
  new RegExp(`(?<![\\w$.])${name.replace(/\$/g, "\\$")}(?![\\w$])(?!\\??:)`).test(text)

/** A module's statements in the report: a public one's all but imports; an internal one's needed names and the local helpers they use. */
const shownStatements = (module: Module, needed: ReadonlySet<string>): ReadonlyArray<string> => {
  if (module.namespace !== undefined) return module.statements.filter((s) => !s.startsWith("import "))
  const chosen = new Set(module.statements.filter((s) => needed.has(declaredName(s) ?? "")))
  for (let grew = true; grew;) {
    grew = false
    for (const s of module.statements) {
      const name = declaredName(s)
      if (name !== undefined && !chosen.has(s) && [...chosen].some((c) => mentions(c, name))) {
        chosen.add(s)
        grew = true
      }
    }
  }
  return module.statements.filter((s) => chosen.has(s))
}

type Section = readonly [Module, ReadonlyArray<string>]

/** Public modules whole, plus the internal declarations they need, grown until nothing new is needed. */
const sections = (publics: ReadonlyArray<Module>, naming: Naming): ReadonlyArray<Section> => {
  const internals = new Map<string, readonly [Module, Set<string>]>()
  const need = ([path, name]: readonly [string, string]): boolean => {
    if (naming.namespaces.has(path)) return false
    const entry = internals.get(path) ?? [naming.load(path), new Set<string>()] as const
    internals.set(path, entry)
    return !entry[1].has(name) && entry[1].add(name) !== undefined
  }
  for (const module of publics) for (const [, path, name] of forwarded(module)) need(origin(naming.load, path, name))
  const current = (): ReadonlyArray<Section> => [
    ...publics.map((m): Section => [m, shownStatements(m, new Set()).map((s) => spell(naming, m, s))]),
    ...[...internals.values()].map(([m, needed]): Section => [m, shownStatements(m, needed).map((s) => spell(naming, m, s))])
  ]
  for (let grew = true; grew;) {
    grew = false
    for (const [, shown] of current()) for (const used of shown.flatMap(internalReferences)) grew = need(used) || grew
  }
  return current()
}

const minimumTypeLength = 60

/** Replaces every whole occurrence of `type` in `text` with `name`. */
const substitute = (text: string, type: string, name: string): string => {
  let out = ""
  let from = 0
  for (let at = text.indexOf(type); at !== -1; at = text.indexOf(type, at + type.length)) {
    const before = text[at - 1] ?? " "
    const after = text[at + type.length] ?? " "
    if (at < from || /[\w$.]/.test(before) || (/[\w$]$/.test(type) && /[\w$]/.test(after))) continue
    out += text.slice(from, at) + name
    from = at + type.length
  }
  return out + text.slice(from)
}

interface Owner {
  readonly module: string
  readonly statement: string
  /** The type as the owner's module writes it, and as every other module does. */
  readonly local: string
  readonly qualified: string
  readonly name: string
}

const owners = (naming: Naming, all: ReadonlyArray<Section>): ReadonlyArray<Owner> => {
  const byType = new Map<string, Array<Owner>>()
  for (const [module, shown] of all) {
    for (const statement of shown) {
      const local = constType(statement)
      const name = declaredName(statement)
      if (local === undefined || name === undefined || local.length < minimumTypeLength) continue
      const qualified = qualifyLocals(naming, module, local)
      const owner = { module: module.path, statement, local, qualified, name: reference(naming, module.path, name) }
      byType.set(qualified, [...(byType.get(qualified) ?? []), owner])
    }
  }
  return [...byType.values()].flatMap((list) => (list.length === 1 ? list : []))
    .sort((a, b) => b.qualified.length - a.qualified.length || (a.name < b.name ? -1 : 1))
}

/** Each type that exactly one exported constant has, written elsewhere as `typeof` that constant; longest first. */
const deduplicate = (naming: Naming, all: ReadonlyArray<Section>): ReadonlyArray<Section> => {
  const unique = owners(naming, all)
  return all.map(([module, shown]): Section => [module, shown.map((statement) =>
    isImportLike(statement) ? statement : unique.reduce((text, owner) =>
      owner.statement === statement
        ? text
        : substitute(text, owner.module === module.path ? owner.local : owner.qualified, `typeof ${owner.name}`), statement))])
}

const header = [
  "// @ts-nocheck",
  "// API report of @whatap-operator/core, generated by scripts/api-report.ts from the declarations",
  "// tsc emits: the public surface, comments left out, a repeated Schema type shown as `typeof`.",
  "// Do not edit. After a deliberate change to the surface: npm run api-report -w @whatap-operator/core",
  ""
]

/** The report text from the declarations tsc wrote to `dir`. */
export const fromDeclarations = (dir: string): string => {
  const index = readModule(dir, "index", undefined)
  const namespaces = new Map(index.statements.flatMap((s) => {
    const match = /^export \* as ([\w$]+) from "\.\/([^"]+)\.ts";$/.exec(s)
    return match?.[1] === undefined || match[2] === undefined ? [] : [[match[2], match[1]] as const]
  }))
  const load = loader(dir, namespaces)
  const publics = [...namespaces.keys()].map(load)
  const naming = namingOf(load, publics)
  const ordered = [...sections(publics, naming)].sort(([a], [b]) =>
    Number(a.namespace === undefined) - Number(b.namespace === undefined) || (a.path < b.path ? -1 : 1))
  const body = [[index, index.statements] as const, ...deduplicate(naming, ordered).filter(([, shown]) => shown.length > 0)]
    .flatMap(([module, shown]) => [`// module: ${module.path}`, ...shown.map((s) => (isImportLike(s) ? s : pretty(s))), ""])
  return [...header, ...body].join("\n")
}

/** The current report, from a fresh tsc emit into a temporary directory. */
export const render = (): string => {
  const dir = mkdtempSync(join(tmpdir(), "core-api-"))
  try {
    compile(dir)
    return fromDeclarations(dir)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

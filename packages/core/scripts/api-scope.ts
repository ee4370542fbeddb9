/**
 * Names in the API report (`api-report.ts`) are spelled one way wherever they appear:
 * a declaration of a public module as `Namespace.name` (how a user of the package
 * writes it), an internal declaration that a public module re-exports by that name,
 * any other internal one as `import("./internal/path").name`. tsc writes the same type
 * as a local name in one file, through an import or a re-export in another and as
 * `import("./X.ts").name` in a third; spelled one way, equal types read equal, so the
 * report can show a repeated Schema type once.
 */
import { posix } from "node:path"
import { declaredName, replaceReferences } from "./dts-text.ts"

export interface Module {
  /** Path under `src/` without extension: `Selector`, `internal/selector/Model`. */
  readonly path: string
  readonly statements: ReadonlyArray<string>
  /** The namespace `index.ts` exports it as; absent for internal modules. */
  readonly namespace: string | undefined
}

export type Load = (path: string) => Module

/** A declaration: the module path and the name it is declared with there. */
export type Origin = readonly [path: string, name: string]

export interface Naming {
  readonly load: Load
  /** Module path -> the namespace `index.ts` exports it as. */
  readonly namespaces: ReadonlyMap<string, string>
  /** `path#name` of a declaration -> `Namespace.name` of the first public module that re-exports it. */
  readonly reexported: ReadonlyMap<string, string>
}

export const resolve = (from: string, specifier: string): string =>
  posix.join(posix.dirname(from), specifier.replace(/\.(?:ts|js)$/, ""))

export const isImportLike = (statement: string): boolean => /^(?:import |export (?:type )?\{)/.test(statement)

const namedList = (list: string): ReadonlyArray<readonly [string, string]> =>
  list.split(",").map((item) => item.trim().replace(/^type /, "")).filter((item) => item !== "")
    .map((item) => {
      const [name = "", alias] = item.split(" as ")
      return [name, alias ?? name] as const
    })

/** Local name -> [module, imported name] (`undefined` name for `import * as`), from relative imports. */
const bindings = (module: Module): ReadonlyMap<string, readonly [string, string | undefined]> => {
  const out = new Map<string, readonly [string, string | undefined]>()
  for (const s of module.statements) {
    const star = /^import (?:type )?\* as ([\w$]+) from "(\.[^"]+)";$/.exec(s)
    if (star?.[1] !== undefined && star[2] !== undefined) out.set(star[1], [resolve(module.path, star[2]), undefined])
    const named = /^import (?:type )?\{([^}]*)\} from "(\.[^"]+)";$/.exec(s)
    if (named?.[1] === undefined || named[2] === undefined) continue
    for (const [name, local] of namedList(named[1])) out.set(local, [resolve(module.path, named[2]), name])
  }
  return out
}

/** What a module exports without declaring it: [exported name, module, name there]. */
export const forwarded = (module: Module): ReadonlyArray<readonly [string, string, string]> => {
  const scope = bindings(module)
  return module.statements.flatMap((s) => {
    const match = /^export (?:type )?\{([^}]*)\}(?: from "(\.[^"]+)")?;$/.exec(s)
    if (match?.[1] === undefined) return []
    const from = match[2]
    return namedList(match[1]).flatMap(([name, exported]) => {
      if (from !== undefined) return [[exported, resolve(module.path, from), name] as const]
      const binding = scope.get(name)
      return binding?.[1] === undefined ? [] : [[exported, binding[0], binding[1]] as const]
    })
  })
}

/** Where `name` of module `path` is declared, following imports and re-exports. */
export const origin = (load: Load, path: string, name: string, depth = 0): Origin => {
  const module = load(path)
  if (depth > 16 || module.statements.some((s) => declaredName(s) === name)) return [path, name]
  const next = forwarded(module).find(([exported]) => exported === name) ?? bindings(module).get(name)
  const [nextPath, nextName] = next === undefined ? [] : next.length === 3 ? [next[1], next[2]] : next
  return nextPath === undefined || nextName === undefined ? [path, name] : origin(load, nextPath, nextName, depth + 1)
}

export const namingOf = (load: Load, publics: ReadonlyArray<Module>): Naming => {
  const reexported = new Map<string, string>()
  for (const module of publics) {
    for (const [exported, path, name] of forwarded(module)) {
      const key = origin(load, path, name).join("#")
      if (!reexported.has(key)) reexported.set(key, `${module.namespace}.${exported}`)
    }
  }
  const namespaces = new Map(publics.flatMap((m) => (m.namespace === undefined ? [] : [[m.path, m.namespace] as const])))
  return { load, namespaces, reexported }
}

/** How the report spells declaration `name` of module `path`. */
export const reference = (naming: Naming, path: string, name: string): string => {
  const [at, declared] = origin(naming.load, path, name)
  const namespace = naming.namespaces.get(at)
  if (namespace !== undefined) return `${namespace}.${declared}`
  return naming.reexported.get(`${at}#${declared}`) ?? `import("./${at}").${declared}`
}

/** One statement with every name that comes from another module spelled the report's way. */
export const spell = (naming: Naming, module: Module, statement: string): string => {
  if (isImportLike(statement)) return statement
  const scope = bindings(module)
  const inline = statement.replace(/import\("(\.[^"]+)"\)\.([\w$]+)/g, (_, specifier: string, name: string) =>
    reference(naming, resolve(module.path, specifier), name))
  const viaNamespace = inline.replace(/(?<![\w$.])([\w$]+)\.([\w$]+)/g, (whole, alias: string, name: string) => {
    const binding = scope.get(alias)
    return binding !== undefined && binding[1] === undefined ? reference(naming, binding[0], name) : whole
  })
  return replaceReferences(viaNamespace, (local) => {
    const binding = scope.get(local)
    return binding?.[1] === undefined ? undefined : reference(naming, binding[0], binding[1])
  })
}

/** `text` with the module's own declarations spelled as other modules see them. */
export const qualifyLocals = (naming: Naming, module: Module, text: string): string => {
  const own = new Set(module.statements.flatMap((s) => declaredName(s) ?? []))
  return replaceReferences(text, (name) => (own.has(name) ? reference(naming, module.path, name) : undefined))
}

/** Internal declarations a spelled statement refers to. */
export const internalReferences = (statement: string): ReadonlyArray<Origin> =>
  [...statement.matchAll(/import\("\.\/([^"]+)"\)\.([\w$]+)/g)].map((m) => [m[1] ?? "", m[2] ?? ""] as const)

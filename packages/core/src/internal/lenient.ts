/**
 * Lenient decoding: the typed model of a resource with every part that fails the schema
 * left out, so the validator's rules can read a typed value (a renamed Schema field breaks
 * them at compile time) and still report on everything that is valid next to an error.
 *
 * `decode(schema, input)` walks the Schema AST alongside the input. Any subtree that
 * decodes on its own is kept exactly as the strict decoder would produce it (defaults
 * applied, the license a `Redacted`); a struct that fails is rebuilt field by field, a
 * list item by item and a map entry by entry; a leaf that fails is left out. Hence the
 * type: `Lenient<T>` is `T` with every field optional and every list item possibly
 * `undefined` (a failed item keeps its index, so paths stay those of the input).
 * What is left out is exactly what the strict decoder reports, which is why the rules
 * can treat an absent field as absent.
 *
 * The walk follows the schema, not the input, so its depth is the schema's (under 20);
 * unknown keys are dropped, like the API server's pruning does.
 */
import { Option, type Redacted, Schema, SchemaAST } from "effect"

export type Lenient<T> =
  T extends string | number | boolean | bigint | Redacted.Redacted<unknown> ? T
    : T extends ReadonlyArray<infer E> ? ReadonlyArray<Lenient<E> | undefined>
    : T extends object ? { readonly [K in keyof T]?: Lenient<T[K]> }
    : T

type JsonRecord = { readonly [key: string]: unknown }

const isRecord = (u: unknown): u is JsonRecord => typeof u === "object" && u !== null && !Array.isArray(u)

const lenientOptions = { onExcessProperty: "ignore" } as const

const exact = (ast: SchemaAST.AST, input: unknown): Option.Option<unknown> =>
  Schema.decodeUnknownOption(Schema.make<Schema.Decoder<unknown>>(ast))(input, lenientOptions)

/** The CRD default of an absent key (`enabled: false`, `runtime: containerd`), if it has one. */
const keyDefault = (property: SchemaAST.PropertySignature): Option.Option<unknown> =>
  Option.flatMap(exact(new SchemaAST.Objects([property], []), {}), (value) =>
    isRecord(value) && Object.hasOwn(value, property.name) ? Option.some(value[String(property.name)]) : Option.none())

const own = (input: JsonRecord, key: string): unknown => (Object.hasOwn(input, key) ? input[key] : undefined)

const objects = (ast: SchemaAST.Objects, input: JsonRecord): unknown => {
  const entries: Array<readonly [string, unknown]> = []
  for (const property of ast.propertySignatures) {
    const name = String(property.name)
    const raw = own(input, name)
    const value = raw === undefined ? Option.getOrUndefined(keyDefault(property)) : walk(property.type, raw)
    if (value !== undefined) entries.push([name, value])
  }
  const index = ast.indexSignatures[0]
  if (index !== undefined) {
    for (const [key, raw] of Object.entries(input)) {
      const value = walk(index.type, raw)
      if (value !== undefined) entries.push([key, value])
    }
  }
  // fromEntries defines own properties, so a `__proto__` key stays data
  return Object.fromEntries(entries)
}

const walk = (ast: SchemaAST.AST, input: unknown): unknown => {
  const decoded = exact(ast, input)
  if (Option.isSome(decoded)) return decoded.value
  if (SchemaAST.isObjects(ast) && isRecord(input)) return objects(ast, input)
  const item = SchemaAST.isArrays(ast) && ast.elements.length === 0 ? ast.rest[0] : undefined
  if (item !== undefined && Array.isArray(input)) return input.map((element: unknown) => walk(item, element))
  return undefined
}

/**
 * The lenient value of `input` (see the module comment); `undefined` when not even the
 * outermost shape fits (an array where an object belongs). The assertion is sound by
 * construction: every value kept was produced by decoding with the node's own schema.
 */
export const decode = <S extends Schema.Top>(schema: S, input: unknown): Lenient<S["Type"]> | undefined =>
  walk(schema.ast, input) as Lenient<S["Type"]> | undefined

/**
 * Structs and string-keyed records for the fast path (`exact.ts`), as Effect's strict
 * decoder reads them: a key is present when `key in input`; an enumerable own key no
 * property declares (a symbol key included) is a failure unless a record covers it;
 * decoded properties come out in declaration order, then the record's entries.
 */
import { SchemaAST } from "effect"
import { isRecord, putOwn } from "../validate/json.ts"
import { invalid, missing, type Out, refinement, type Step } from "./shared.ts"

interface Property {
  readonly name: string
  readonly step: Step
  /** an absent key decodes to nothing: optional, and no encoding that could supply a default */
  readonly skipAbsent: boolean
  readonly optional: boolean
}

const property = (step: (ast: SchemaAST.AST) => Step) => (p: SchemaAST.PropertySignature): Property => {
  const optional = SchemaAST.isOptional(p.type)
  return { name: String(p.name), step: step(p.type), optional, skipAbsent: optional && p.type.encoding === undefined }
}

export const objects = (ast: SchemaAST.Objects, step: (ast: SchemaAST.AST) => Step): Step | undefined => {
  const names = ast.propertySignatures.map((p) => p.name)
  if (names.some((name) => typeof name !== "string" || name === "__proto__")) return undefined
  const index = ast.indexSignatures[0]
  if (ast.indexSignatures.length > 1 || (index !== undefined && !plainString(index.parameter))) return undefined
  if (index === undefined && names.length === 0) return refinement((u) => u !== null && u !== undefined)
  const shape: Shape = {
    properties: ast.propertySignatures.map(property(step)),
    declared: new Set(names as ReadonlyArray<string>),
    value: index === undefined ? undefined : step(index.type)
  }
  return (input) => {
    if (input === missing) return missing
    if (!isRecord(input)) return invalid
    return byDeclaration(shape, input)
  }
}

/** A record keyed by any string: `Schema.String` itself, no filter and no encoding on the key. */
const plainString = (ast: SchemaAST.AST): boolean =>
  ast._tag === "String" && ast.checks === undefined && ast.encoding === undefined

interface Shape {
  readonly properties: ReadonlyArray<Property>
  readonly declared: ReadonlySet<string>
  /** the string-keyed record's value, if the struct has one */
  readonly value: Step | undefined
}

/** One declared property's decoded value into `out`; false when the struct cannot decode. */
const decodeProperty = (p: Property, raw: unknown, out: Record<string, unknown>): boolean => {
  const decoded = p.step(raw)
  if (decoded === invalid) return false
  if (decoded !== missing) out[p.name] = decoded
  else if (!p.optional) return false
  return true
}

/**
 * Effect's order of reading, so that accessors, hidden keys, proxies and inherited names
 * give what they give Effect: the unknown keys first, then for each declared property in
 * turn whether it is present (`name in input`) and only then its value.
 */
const byDeclaration = (shape: Shape, input: Readonly<Record<string, unknown>>): Out => {
  if (hasExcess(input, shape.declared, shape.value !== undefined)) return invalid
  const out: Record<string, unknown> = {}
  const properties = shape.properties
  // indexed loops here and below: an iterator would allocate a result per step until V8 optimizes the loop
  for (let i = 0; i < properties.length; i++) {
    const p = properties[i]
    if (p === undefined) continue
    // presence first, then the value, in this order (a proxy may answer them differently)
    const present = p.name in input
    if (!present && p.skipAbsent) continue
    if (!decodeProperty(p, present ? input[p.name] : missing, out)) return invalid
  }
  return shape.value === undefined ? out : record(input, shape.value, shape.declared, out)
}

/** The string-keyed record's entries, after the declared properties. */
const record = (input: Readonly<Record<string, unknown>>, value: Step, declared: ReadonlySet<string>, out: Record<string, unknown>): Out => {
  const keys = Object.keys(input)
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]
    if (key === undefined) continue
    const decoded = value(input[key])
    if (decoded === invalid || decoded === missing) return invalid
    // an own data property even for `__proto__`, as Effect assigns decoded keys
    if (!declared.has(key)) putOwn(out, key, decoded)
  }
  return out
}

/**
 * An enumerable own key that neither a property nor the string-keyed record (`anyString`)
 * covers; a symbol key never is. Strict decoding refuses it.
 */
const hasExcess = (input: object, declared: ReadonlySet<string>, anyString: boolean): boolean => {
  // for-in over own keys: the same keys as Object.keys without a list per object
  if (!anyString) for (const key in input) if (!declared.has(key) && Object.hasOwn(input, key)) return true
  return hasEnumerableSymbol(input)
}

const hasEnumerableSymbol = (input: object): boolean => {
  const symbols = Object.getOwnPropertySymbols(input)
  return symbols.length > 0 && symbols.some((key) => Object.prototype.propertyIsEnumerable.call(input, key))
}

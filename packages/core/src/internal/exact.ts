/**
 * The strict decoder's success path, without the Effect machinery: a walk over the Schema
 * AST that returns exactly what `Schema.decodeUnknownExit(schema)(input, { errors: "all",
 * onExcessProperty: "error" })` succeeds with, or `invalid` whenever that decoding would
 * fail or the walk meets something it does not model. The caller then runs Effect's own
 * decoder, which produces the issues (or the value) itself, so this is only ever a
 * shortcut: a well-formed resource is decoded in a few microseconds instead of tens.
 *
 * What it models, step for step as Effect's interpreter does: strings, numbers, booleans,
 * literals, structs (unknown keys are a failure; a key is present when `key in input`, read
 * in Effect's order; a property named `__proto__` makes the walk give up), string-keyed
 * records, arrays, `anyOf` unions (the first member that decodes), filters, and encoding
 * links whose getters are synchronous (decoding defaults included). Declarations (the
 * license's `Redacted`) are handed to Effect's decoder for their own node. Anything else
 * (tuples, suspended schemas, encoding checks, middleware) makes the walk give up.
 * test/exact.test.ts compares it with Effect's decoder on the samples and on thousands
 * of generated variants of them.
 */
import { Exit, Option, Schema, SchemaAST, type SchemaGetter } from "effect"
import { objects } from "./exact/objects.ts"
import { invalid, missing, type Out, refinement, type Step } from "./exact/shared.ts"
import { isRecord } from "./validate/json.ts"

export { invalid }

const strict = { errors: "all", onExcessProperty: "error" } as const

const compiled = new WeakMap<SchemaAST.AST, Step>()

/**
 * The decoder of `ast`, built once per node. Children are built with their parent: an AST
 * has no cycles but through `Suspend`, which the walk does not enter.
 */
const step = (ast: SchemaAST.AST): Step => {
  const known = compiled.get(ast)
  if (known !== undefined) return known
  const built = build(ast)
  compiled.set(ast, built)
  return built
}

const giveUp: Step = () => invalid

const build = (ast: SchemaAST.AST): Step => {
  if (ast._tag === "Declaration") return delegated(ast)
  const base = baseStep(ast)
  if (base === undefined) return giveUp
  const local = ast.checks === undefined ? base : withChecks(ast, ast.checks, base)
  return ast.encoding === undefined ? local : withEncoding(ast.encoding, local)
}

const hasEncodingChecks = (ast: SchemaAST.AST): boolean =>
  "encodingChecks" in ast && ast.encodingChecks !== undefined

const baseStep = (ast: SchemaAST.AST): Step | undefined => {
  if (hasEncodingChecks(ast)) return undefined
  switch (ast._tag) {
    case "String": return refinement((u) => typeof u === "string")
    case "Number": return refinement((u) => typeof u === "number")
    case "Boolean": return refinement((u) => typeof u === "boolean")
    case "Literal": {
      const literal = ast.literal
      return refinement((u) => u === literal)
    }
    case "Objects": return objects(ast, step)
    case "Arrays": return arrays(ast)
    case "Union": return ast.options?.mode === "oneOf" ? undefined : union(ast)
    default: return undefined
  }
}

const arrays = (ast: SchemaAST.Arrays): Step | undefined => {
  const item = ast.rest[0]
  if (ast.elements.length > 0 || ast.rest.length !== 1 || item === undefined) return undefined
  const each = step(item)
  return (input) => {
    if (input === missing) return missing
    if (!Array.isArray(input)) return invalid
    const out: Array<unknown> = []
    // the length as it was before any item was read (an accessor may change it), as Effect reads it
    const length = input.length
    for (let i = 0; i < length; i++) {
      const decoded = each(input[i])
      if (decoded === invalid || decoded === missing) return invalid
      out.push(decoded)
    }
    return out
  }
}

const union = (ast: SchemaAST.Union): Step => {
  const members = ast.types.map(step)
  return (input) => {
    if (input === missing) return missing
    for (let i = 0; i < members.length; i++) {
      const member = members[i]
      if (member === undefined) continue
      const decoded = member(input)
      if (decoded !== invalid) return decoded
    }
    return invalid
  }
}

/** Every filter (and filter group) passes on the decoded value. */
const passes = (checks: ReadonlyArray<SchemaAST.Check<unknown>>, value: unknown, ast: SchemaAST.AST): boolean =>
  checks.every((check) => (check._tag === "FilterGroup" ? passes(check.checks, value, ast) : check.run(value, ast, strict) === undefined))

const withChecks = (ast: SchemaAST.AST, checks: SchemaAST.Checks, base: Step): Step => (input) => {
  const decoded = base(input)
  if (decoded === invalid || decoded === missing) return decoded
  return passes(checks, decoded, ast) ? decoded : invalid
}

const fromOption = (o: Option.Option<unknown>): Out => (Option.isSome(o) ? o.value : missing)
const toOption = (u: unknown): Option.Option<unknown> => (u === missing ? Option.none() : Option.some(u))

/** The value of an effect that is already done, else `invalid` (asynchronous or failed). */
const settled = (effect: unknown): Out => (Exit.isExit(effect) && Exit.isSuccess(effect) ? effect.value : invalid)

const getterStep = (getter: SchemaGetter.Getter<unknown, unknown, unknown>): ((value: Out) => Out) => {
  switch (getter._tag) {
    case "Passthrough": return (value) => value
    case "Transform": return (value) => (value === missing ? missing : getter.transform(value))
    case "TransformOptional": return (value) => fromOption(getter.transform(toOption(value)))
    case "TransformEffect": return (value) => (value === missing ? missing : settled(getter.transform(value, strict)))
    case "TransformOptionalEffect": return (value) => {
      const result = settled(getter.transform(toOption(value), strict))
      return result === invalid ? invalid : Option.isOption(result) ? fromOption(result) : invalid
    }
  }
}

/** Decodes the encoded side, then each link's getter back toward the type side, as Effect's interpreter does. */
const withEncoding = (links: SchemaAST.Encoding, local: Step): Step => {
  if (links.some((link) => link.transformation._tag === "Middleware")) return giveUp
  const parsers = links.map((link) => step(link.to))
  const getters = links.map((link) => link.transformation._tag === "Middleware" ? () => invalid : getterStep(link.transformation.decode))
  return (input) => {
    let value = parsers[parsers.length - 1]?.(input) ?? invalid
    for (let i = links.length - 1; i >= 0 && value !== invalid; i--) {
      try {
        value = getters[i]?.(value) ?? invalid
      } catch {
        return invalid
      }
      if (i !== 0 && value !== invalid) value = parsers[i - 1]?.(value) ?? invalid
    }
    return value === invalid ? invalid : local(value)
  }
}

/**
 * A node Effect decodes itself: through a one-key struct, so an absent key keeps its
 * meaning. What an absent key gives is worked out once when it is nothing or a failure
 * (a default value is decoded afresh each time, as Effect does).
 */
const delegated = (ast: SchemaAST.AST): Step => {
  const holder = Schema.decodeUnknownExit(Schema.make<Schema.Decoder<unknown>>(new SchemaAST.Objects([new SchemaAST.PropertySignature("value", ast)], [])))
  const run: Step = (input) => {
    const exit = holder(input === missing ? {} : { value: input }, strict)
    if (Exit.isFailure(exit)) return invalid
    const out = exit.value
    return isRecord(out) && Object.hasOwn(out, "value") ? out["value"] : missing
  }
  let absent: Out | undefined
  return (input) => {
    if (input !== missing) return run(input)
    if (absent !== undefined) return absent
    const decoded = run(missing)
    if (decoded === missing || decoded === invalid) absent = decoded
    return decoded
  }
}

/**
 * What the strict decoding of `input` with `schema` succeeds with, or `invalid` (see the
 * module comment: then ask Effect's decoder).
 */
export const decode = <S extends Schema.Top>(schema: S, input: unknown): S["Type"] | typeof invalid => {
  try {
    const decoded = step(schema.ast)(input)
    return decoded === missing ? invalid : decoded
  } catch {
    // an accessor or a proxy that throws: Effect's decoder reports it in its own way
    return invalid
  }
}

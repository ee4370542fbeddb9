/**
 * Test helper: the valid samples with random subtrees replaced or removed, the inputs the
 * property tests of the decoder (and of its fast path) draw from.
 */
import fc from "fast-check"
import { documents, fixturesDir, samplesDir, yamlFiles } from "./yaml.ts"

export type Json = null | boolean | number | string | ReadonlyArray<Json> | { readonly [k: string]: Json }

export const samples: ReadonlyArray<Json> = yamlFiles(samplesDir).flatMap((f) => documents(samplesDir, f) as ReadonlyArray<Json>)

/** Every path to a node of a JSON value. */
export const paths = (value: Json, prefix: ReadonlyArray<string | number> = []): Array<ReadonlyArray<string | number>> => {
  const here = [prefix]
  if (Array.isArray(value)) return here.concat(value.flatMap((v, i) => paths(v, [...prefix, i])))
  if (value !== null && typeof value === "object") {
    return here.concat(Object.entries(value).flatMap(([k, v]) => paths(v, [...prefix, k])))
  }
  return here
}

/** Replace (or, with `undefined`, remove) the node at `path`. */
export const setAt = (value: Json, path: ReadonlyArray<string | number>, next: Json | undefined): Json | undefined => {
  const [head, ...rest] = path
  if (head === undefined) return next
  if (Array.isArray(value)) {
    return value.flatMap((v, i) => (i === head ? (setAt(v, rest, next) === undefined ? [] : [setAt(v, rest, next) as Json]) : [v]))
  }
  if (value === null || typeof value !== "object") return value
  const out: Record<string, Json> = {}
  for (const [k, v] of Object.entries(value)) {
    if (k !== head) out[k] = v
    else {
      const replaced = setAt(v, rest, next)
      if (replaced !== undefined) out[k] = replaced
    }
  }
  return out
}

/** A document of `pool` with one to four nodes replaced by random JSON or removed. */
export const mutationOf = (pool: ReadonlyArray<Json>) => fc.constantFrom(...pool).chain((sample) => {
  const all = paths(sample)
  return fc.tuple(
    fc.constant(sample),
    fc.array(fc.tuple(fc.constantFrom(...all), fc.option(fc.jsonValue({ maxDepth: 2 }), { nil: undefined })), { minLength: 1, maxLength: 4 })
  ).map(([s, edits]) => edits.reduce<Json | undefined>((acc, [p, v]) => (acc === undefined ? acc : setAt(acc, p, v as Json | undefined)), s))
})

export const mutation = mutationOf(samples)

/** Every document of the samples and of the test fixtures (valid and rejected alike). */
export const corpus: ReadonlyArray<Json> = [
  ...samples,
  ...yamlFiles(fixturesDir).flatMap((f) => documents(fixturesDir, f) as ReadonlyArray<Json>)
]

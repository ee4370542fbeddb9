/**
 * RFC 6902 diff and apply: pointer escaping, the array rules of `diff` (append by index,
 * named items diffed in place, anything else replaced whole), every operation of
 * `apply` with its failures, and the round trip `apply(a, diff(a, b)) = b` over random
 * JSON documents (and random edits of them).
 */
import { assert, describe, it } from "@effect/vitest"
import { Result } from "effect"
import fc from "fast-check"
import { JsonPatch } from "../../src/index.ts"

const applied = (doc: unknown, ops: ReadonlyArray<JsonPatch.Operation>): unknown => {
  const result = JsonPatch.apply(doc, ops)
  assert.isTrue(Result.isSuccess(result), Result.isFailure(result) ? result.failure : "")
  return Result.getOrUndefined(result)
}

const failure = (doc: unknown, ops: ReadonlyArray<JsonPatch.Operation>): string => {
  const result = JsonPatch.apply(doc, ops)
  assert.isTrue(Result.isFailure(result), "expected the patch to fail")
  return Result.isFailure(result) ? result.failure : ""
}

describe("pointers", () => {
  it("escapes ~ before / (RFC 6901)", () => {
    assert.strictEqual(JsonPatch.pointer(["metadata", "annotations", "a.io/b~c"]), "/metadata/annotations/a.io~1b~0c")
    assert.strictEqual(JsonPatch.unescape("a~01"), "a~1")
    assert.strictEqual(JsonPatch.pointer([]), "")
  })

  it("reads values, undefined when absent", () => {
    const doc = { a: [{ "x/y": 1 }] }
    assert.strictEqual(JsonPatch.at(doc, "/a/0/x~1y"), 1)
    assert.isUndefined(JsonPatch.at(doc, "/a/1"))
    assert.isUndefined(JsonPatch.at(doc, "a"))
  })
})

describe("diff", () => {
  it("is empty for equal documents, even when they are different objects", () => {
    assert.deepStrictEqual(JsonPatch.diff({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] }), [])
  })

  it("adds, removes and replaces keys, escaping them", () => {
    const ops = JsonPatch.diff({ keep: 1, gone: 2, change: "x" }, { keep: 1, change: "y", "new/key": true })
    assert.deepStrictEqual(ops, [
      { op: "replace", path: "/change", value: "y" },
      { op: "add", path: "/new~1key", value: true },
      { op: "remove", path: "/gone" }
    ])
  })

  it("appends by index when the old array is a prefix", () => {
    assert.deepStrictEqual(JsonPatch.diff({ l: [1] }, { l: [1, 2, 3] }), [
      { op: "add", path: "/l/1", value: 2 },
      { op: "add", path: "/l/2", value: 3 }
    ])
  })

  it("diffs named items in place", () => {
    const before = [{ name: "a", value: "1" }]
    const after = [{ name: "a", value: "2" }, { name: "b" }]
    assert.deepStrictEqual(JsonPatch.diff(before, after), [
      { op: "replace", path: "/0/value", value: "2" },
      { op: "add", path: "/1", value: { name: "b" } }
    ])
  })

  it("replaces a reordered or shorter array whole", () => {
    assert.deepStrictEqual(JsonPatch.diff([{ name: "a" }, { name: "b" }], [{ name: "b" }, { name: "a" }]), [
      { op: "replace", path: "", value: [{ name: "b" }, { name: "a" }] }
    ])
    assert.deepStrictEqual(JsonPatch.diff({ l: [1, 2] }, { l: [1] }), [{ op: "replace", path: "/l", value: [1] }])
  })

  it("replaces on a type change", () => {
    assert.deepStrictEqual(JsonPatch.diff({ a: null }, { a: [] }), [{ op: "replace", path: "/a", value: [] }])
  })
})

describe("nesting bound", () => {
  const nested = (depth: number): unknown => {
    let v: unknown = "leaf"
    for (let i = 0; i < depth; i++) v = { x: v }
    return v
  }

  it("values nested beyond maxDepth count as different, and the patch is still right", () => {
    const a = nested(JsonPatch.maxDepth + 10)
    const b = nested(JsonPatch.maxDepth + 10)
    assert.isFalse(JsonPatch.equal(a, b))
    assert.isTrue(JsonPatch.equal(nested(10), nested(10)))
    const doc = { list: [{ name: "e", deep: a }] }
    const after = { list: [{ name: "f", deep: b }] }
    assert.strictEqual(JSON.stringify(applied(doc, JsonPatch.diff(doc, after))), JSON.stringify(after))
  })
})

describe("apply", () => {
  const doc = { a: { b: [1, 2] }, c: "x" }

  it("add, remove, replace, move, copy, test", () => {
    assert.deepStrictEqual(applied(doc, [{ op: "add", path: "/a/b/-", value: 3 }]), { a: { b: [1, 2, 3] }, c: "x" })
    assert.deepStrictEqual(applied(doc, [{ op: "add", path: "/a/b/0", value: 0 }]), { a: { b: [0, 1, 2] }, c: "x" })
    assert.deepStrictEqual(applied(doc, [{ op: "remove", path: "/a/b/0" }]), { a: { b: [2] }, c: "x" })
    assert.deepStrictEqual(applied(doc, [{ op: "replace", path: "/c", value: "y" }]), { a: { b: [1, 2] }, c: "y" })
    assert.deepStrictEqual(applied(doc, [{ op: "move", from: "/c", path: "/a/c" }]), { a: { b: [1, 2], c: "x" } })
    assert.deepStrictEqual(applied(doc, [{ op: "copy", from: "/a/b", path: "/d" }]), { a: { b: [1, 2] }, c: "x", d: [1, 2] })
    assert.deepStrictEqual(applied(doc, [{ op: "test", path: "/a/b", value: [1, 2] }]), doc)
    assert.deepStrictEqual(applied(doc, [{ op: "replace", path: "", value: 5 }]), 5)
  })

  it("keeps the position of a replaced key", () => {
    assert.strictEqual(JSON.stringify(applied({ a: 1, b: 2 }, [{ op: "replace", path: "/a", value: 3 }])), `{"a":3,"b":2}`)
  })

  it("fails the whole patch on the first bad operation and never changes the input", () => {
    const before = JSON.stringify(doc)
    assert.match(failure(doc, [{ op: "add", path: "/c", value: 1 }, { op: "remove", path: "/nope" }]), /path not found/)
    assert.match(failure(doc, [{ op: "test", path: "/c", value: "z" }]), /test failed/)
    assert.match(failure(doc, [{ op: "add", path: "/a/b/5", value: 1 }]), /out of range/)
    assert.match(failure(doc, [{ op: "add", path: "c", value: 1 }]), /invalid JSON pointer/)
    assert.match(failure(doc, [{ op: "replace", path: "/a/x", value: 1 }]), /path not found/)
    assert.match(failure(doc, [{ op: "add", path: "/c/x", value: 1 }]), /to a scalar/)
    assert.strictEqual(JSON.stringify(doc), before)
  })

  it("many operations on one document: the input, the patch's values and copies stay apart", () => {
    const input = { spec: { containers: [{ name: "a", env: [] as Array<unknown> }, { name: "b" }] } }
    const before = JSON.stringify(input)
    const value = { name: "X", value: "1" }
    const ops = [
      { op: "add" as const, path: "/spec/containers/0/env/-", value },
      { op: "add" as const, path: "/spec/containers/0/env/-", value: { name: "Y" } },
      { op: "add" as const, path: "/spec/containers/0/env/0/value", value: "2" },
      { op: "copy" as const, from: "/spec/containers/0", path: "/spec/containers/-" },
      { op: "add" as const, path: "/spec/containers/2/name", value: "c" },
      { op: "add" as const, path: "/spec/containers/2/env/-", value: { name: "Z" } },
      { op: "add" as const, path: "/spec/containers/1/__proto__", value: { polluted: true } }
    ]
    const out = applied(input, ops) as { spec: { containers: Array<Record<string, unknown>> } }
    assert.strictEqual(JSON.stringify(input), before)
    assert.deepStrictEqual(value, { name: "X", value: "1" })
    assert.deepStrictEqual(out.spec.containers[0], { name: "a", env: [{ name: "X", value: "2" }, { name: "Y" }] })
    assert.deepStrictEqual(out.spec.containers[2], { name: "c", env: [{ name: "X", value: "2" }, { name: "Y" }, { name: "Z" }] })
    assert.isTrue(Object.hasOwn(out.spec.containers[1] ?? {}, "__proto__"))
    assert.isUndefined(({} as Record<string, unknown>)["polluted"])
  })
})

const key = fc.oneof(fc.constantFrom("name", "value", "a/b", "~x", "env"), fc.string({ maxLength: 4 }))
const json = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: "small" }, fc.constant(null), fc.boolean(), fc.integer(), fc.string({ maxLength: 5 }), tie("array"), tie("object")),
  array: fc.array(tie("value"), { maxLength: 4 }),
  object: fc.dictionary(key, tie("value"), { maxKeys: 4 })
})).value

/** A random edit: appended items, changed or new keys, named items, so the in-place rules get exercised too. */
const edit = (doc: unknown, seed: number): unknown => {
  if (Array.isArray(doc)) return seed % 3 === 0 ? [...doc, seed] : doc.map((d, i) => edit(d, seed + i))
  if (typeof doc === "object" && doc !== null) {
    const entries = Object.entries(doc).map(([k, v], i): [string, unknown] => [k, i % 2 === seed % 2 ? edit(v, seed + 1) : v])
    return Object.fromEntries(seed % 4 === 1 ? [...entries, [`k${seed}`, { name: "n" }]] : entries)
  }
  return seed % 5 === 0 ? doc : seed
}

describe("round trip", () => {
  it("apply(a, diff(a, b)) equals b for independent documents (key order aside: RFC 6902 adds at the end)", () => {
    fc.assert(fc.property(json, json, (a, b) => {
      assert.deepStrictEqual(applied(a, JsonPatch.diff(a, b)), b)
    }), { numRuns: 500 })
  })

  it("apply(a, diff(a, edit(a))) equals the edit, key order included", () => {
    fc.assert(fc.property(json, fc.nat(), (a, seed) => {
      const b = edit(a, seed)
      assert.strictEqual(JSON.stringify(applied(a, JsonPatch.diff(a, b))), JSON.stringify(b))
    }), { numRuns: 500 })
  })
})

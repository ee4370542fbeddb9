/**
 * `dropNulls`, the API server's pruning of `null` before validation: nulls in objects are
 * dropped (deep), array items are kept, untouched values are returned as they are, and
 * a `__proto__` key stays a key.
 */
import { assert, describe, it } from "@effect/vitest"
import { dropNulls } from "../src/internal/document.ts"

describe("dropNulls", () => {
  it("drops null and undefined values of objects at any depth, keeps array items", () => {
    const input = { a: 1, b: null, c: { d: null, e: [null, { f: null, g: 2 }] }, h: undefined }
    assert.deepStrictEqual(dropNulls(input), { a: 1, c: { e: [null, { g: 2 }] } })
  })

  it("returns what holds no null as it is (no copy)", () => {
    const input = { a: 1, b: { c: [1, { d: "x" }] } }
    assert.strictEqual(dropNulls(input), input)
    const list = [{ a: 1 }, [2]]
    assert.strictEqual(dropNulls(list), list)
  })

  it("copies keys in order, before and after the first null", () => {
    const out = dropNulls({ z: 1, y: null, x: 2, w: { v: null } }) as Record<string, unknown>
    assert.deepStrictEqual(Object.keys(out), ["z", "x", "w"])
    assert.deepStrictEqual(out["w"], {})
  })

  it("keeps a __proto__ key as an own key, before and after a null", () => {
    const out = dropNulls(JSON.parse(`{"__proto__": {"a": 1}, "b": null, "c": 2}`)) as Record<string, unknown>
    assert.strictEqual(Object.getPrototypeOf(out), Object.prototype)
    assert.deepStrictEqual(Object.keys(out), ["__proto__", "c"])
    const later = dropNulls(JSON.parse(`{"b": null, "__proto__": {"a": 1}}`)) as Record<string, unknown>
    assert.strictEqual(Object.getPrototypeOf(later), Object.prototype)
    assert.isTrue(Object.hasOwn(later, "__proto__"))
    assert.isUndefined((later as { a?: unknown }).a)
  })
})

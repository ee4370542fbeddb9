/**
 * The informer's cache as a value: a relist reports exactly the difference (and nothing for
 * objects whose resourceVersion did not move), in key order; events are idempotent.
 */
import { assert, describe, it } from "@effect/vitest"
import { HashMap, Option } from "effect"
import * as fc from "fast-check"
import type { KubeObject } from "../src/KubeObject.ts"
import * as Store from "../src/internal/informerStore.ts"

const object = (name: string, resourceVersion: string): KubeObject => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { name, namespace: "ns", resourceVersion }
})

/** Distinct names, each with a resourceVersion from a small range so that some stay unchanged. */
const objects = fc.uniqueArray(fc.tuple(fc.constantFrom("a", "b", "c", "d", "e", "f"), fc.integer({ min: 1, max: 3 })), {
  selector: ([name]) => name,
  maxLength: 6
}).map((pairs) => pairs.map(([name, rv]) => object(name, String(rv))))

const fromList = (items: ReadonlyArray<KubeObject>) => Store.replace(Store.empty, items)[0]

describe("informer store", () => {
  it("replace reports exactly the difference, upserts then deletes, each by key", () =>
    fc.assert(fc.property(objects, objects, (before, after) => {
      const [next, changes] = Store.replace(fromList(before), after)
      assert.deepStrictEqual(Store.sorted(next), Store.sorted(fromList(after)))
      const rvOf = (items: ReadonlyArray<KubeObject>, key: string) =>
        items.find((o) => `ns/${o.metadata.name}` === key)?.metadata.resourceVersion
      const expected = [
        ...after.filter((o) => rvOf(before, `ns/${o.metadata.name}`) !== o.metadata.resourceVersion)
          .map((o) => `upsert ns/${o.metadata.name}`)
          .sort(),
        ...before.filter((o) => rvOf(after, `ns/${o.metadata.name}`) === undefined)
          .map((o) => `delete ns/${o.metadata.name}`)
          .sort()
      ]
      assert.deepStrictEqual(changes.map((c) => `${c.type} ${c.key}`), expected)
    })))

  it("an event seen twice changes the store once; a delete of an unknown key is silent", () => {
    const [once, first] = Store.applyEvent(Store.empty, "ADDED", object("a", "1"))
    const [twice, second] = Store.applyEvent(once, "MODIFIED", object("a", "1"))
    assert.isTrue(Option.isSome(first))
    assert.isTrue(Option.isNone(second))
    assert.strictEqual(HashMap.size(twice), 1)
    const [, unknown] = Store.applyEvent(twice, "DELETED", object("z", "2"))
    assert.isTrue(Option.isNone(unknown))
    const [gone, deleted] = Store.applyEvent(twice, "DELETED", object("a", "3"))
    assert.strictEqual(HashMap.size(gone), 0)
    assert.deepStrictEqual(Option.getOrUndefined(deleted), {
      type: "delete",
      key: "ns/a",
      object: object("a", "3"),
      previous: object("a", "1")
    })
  })

  it("stripManagedFields drops only metadata.managedFields", () => {
    const withFields: KubeObject = { ...object("a", "1"), metadata: { ...object("a", "1").metadata, managedFields: [{ manager: "m" }] } }
    assert.deepStrictEqual(Store.stripManagedFields(withFields), object("a", "1"))
    assert.strictEqual(Store.stripManagedFields(object("b", "1")).metadata.name, "b")
  })
})

/**
 * The unified diff: known outputs (the same bytes GNU `diff -u` prints for these inputs,
 * headers aside), and for random texts that the hunks turn the old text into the new one
 * and are as short as the longest common subsequence allows. Past the bound on the edit
 * distance the diff is still correct.
 */
import { assert, describe, it } from "@effect/vitest"
import * as fc from "fast-check"
import * as UnifiedDiff from "../src/UnifiedDiff.ts"

/** Applies hunks to `a` (ignores the counts in `@@`, uses the start lines), for checking. */
const apply = (a: ReadonlyArray<string>, hunks: ReadonlyArray<string>): ReadonlyArray<string> => {
  const out: Array<string> = []
  let at = 0
  for (const line of hunks) {
    const header = /^@@ -(\d+)(?:,(\d+))? \+\d+(?:,\d+)? @@$/.exec(line)
    if (header !== null) {
      const start = Number(header[1]) - (header[2] === "0" ? 0 : 1)
      while (at < start) out.push(a[at++] ?? "")
      continue
    }
    const [mark, text] = [line.slice(0, 1), line.slice(1)]
    if (mark === " ") {
      assert.strictEqual(a[at], text, "context line")
      out.push(text)
      at++
    } else if (mark === "-") {
      assert.strictEqual(a[at], text, "removed line")
      at++
    } else out.push(text)
  }
  while (at < a.length) out.push(a[at++] ?? "")
  return out
}

const lcs = (a: ReadonlyArray<string>, b: ReadonlyArray<string>): number => {
  const row = new Array<number>(b.length + 1).fill(0)
  for (const x of a) {
    let diagonal = 0
    for (let j = 1; j <= b.length; j++) {
      const up = row[j] ?? 0
      row[j] = x === b[j - 1] ? diagonal + 1 : Math.max(up, row[j - 1] ?? 0)
      diagonal = up
    }
  }
  return row[b.length] ?? 0
}

const changed = (hunks: ReadonlyArray<string>): number => hunks.filter((l) => /^[-+]/.test(l) && !l.startsWith("@@")).length

describe("UnifiedDiff", () => {
  it("one changed line with three lines of context, as diff -u prints it", () => {
    const a = ["a", "b", "c", "d", "e", "f", "g", "h"]
    const b = ["a", "b", "c", "d", "E", "f", "g", "h"]
    assert.deepStrictEqual(UnifiedDiff.hunks(a, b), ["@@ -2,7 +2,7 @@", " b", " c", " d", "-e", "+E", " f", " g", " h"])
  })

  it("changes far apart are separate hunks; near ones share one", () => {
    const a = Array.from({ length: 20 }, (_, i) => `l${i}`)
    const far = a.map((l, i) => (i === 2 || i === 15 ? `${l}!` : l))
    assert.deepStrictEqual(UnifiedDiff.hunks(a, far).filter((l) => l.startsWith("@@")), ["@@ -1,6 +1,6 @@", "@@ -13,7 +13,7 @@"])
    const near = a.map((l, i) => (i === 5 || i === 11 ? `${l}!` : l))
    assert.deepStrictEqual(UnifiedDiff.hunks(a, near).filter((l) => l.startsWith("@@")), ["@@ -3,13 +3,13 @@"])
  })

  it("a file added or removed whole, and equal texts", () => {
    assert.strictEqual(UnifiedDiff.file("/dev/null", "b/x", "", "one\ntwo\n"), "--- /dev/null\n+++ b/x\n@@ -0,0 +1,2 @@\n+one\n+two\n")
    assert.strictEqual(UnifiedDiff.file("a/x", "/dev/null", "one\n", ""), "--- a/x\n+++ /dev/null\n@@ -1 +0,0 @@\n-one\n")
    assert.strictEqual(UnifiedDiff.file("a/x", "b/x", "same\n", "same\n"), "")
  })

  it("hunks turn a into b and are minimal (random texts over a small alphabet)", () => {
    const text = fc.array(fc.constantFrom("a", "b", "c", "d"), { maxLength: 40 })
    fc.assert(fc.property(text, text, (a, b) => {
      const hunks = UnifiedDiff.hunks(a, b)
      assert.deepStrictEqual(apply(a, hunks), b)
      assert.strictEqual(changed(hunks), a.length + b.length - 2 * lcs(a, b))
    }), { numRuns: 500 })
  })

  it("the same inputs give the same bytes", () => {
    const a = ["x", "y", "x", "y", "z"]
    const b = ["y", "x", "z", "x"]
    assert.deepStrictEqual(UnifiedDiff.hunks(a, b), UnifiedDiff.hunks([...a], [...b]))
  })

  it("past maxDistance the diff is still correct (removed, then added)", () => {
    const size = UnifiedDiff.maxDistance + 10
    const a = Array.from({ length: size }, (_, i) => `old ${i}`)
    const b = ["keep", ...Array.from({ length: size }, (_, i) => `new ${i}`)]
    const hunks = UnifiedDiff.hunks(["keep", ...a], b)
    assert.deepStrictEqual(apply(["keep", ...a], hunks), b)
    assert.strictEqual(changed(hunks), 2 * size)
  })
})

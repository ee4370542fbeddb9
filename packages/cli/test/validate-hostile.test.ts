/**
 * Hostile inputs to `whatapctl validate` (it runs on untrusted pull requests, and the
 * same reader sits in front of the admission validator): each one ends quickly with a
 * clear finding, within a time limit (a hang fails the test, it never blocks the run),
 * never with a stack trace, and never with the license in any output format.
 */
import { assert, describe, it } from "@effect/vitest"
import { type Run, run } from "./support/run.ts"

const agent = "apiVersion: monitoring.whatap.com/v2alpha1\nkind: WhatapAgent\nmetadata:\n  name: whatap\n"
const formats = ["text", "json", "sarif", "junit"] as const

/** The bin on `stdin`, killed after `seconds`; never a hang, never a stack trace. */
const bounded = (stdin: string, seconds: number, args: ReadonlyArray<string> = []): Run => {
  const r = run(["validate", ...args, "-"], { stdin, timeoutMs: seconds * 1000 })
  assert.isFalse(r.timedOut, `still running after ${seconds} s`)
  assert.notInclude(r.stdout + r.stderr, "    at ", "a stack trace")
  assert.notInclude(r.stderr, "internal error")
  return r
}

describe("aliases", () => {
  it("a self-referencing alias that fans out is one finding at the alias (the secret scan visited 2^64 paths)", () => {
    const r = bounded("x: &a [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n", 20)
    assert.strictEqual(r.status, 1)
    assert.strictEqual(r.stdout, "<stdin>:1:8: error: invalid YAML: an alias (*name) refers to the node that contains it: the value would be infinite\n")
  })

  it("a kind: List that contains itself is a finding, not an internal error", () => {
    const r = bounded("apiVersion: v1\nkind: List\nitems: &i\n  - apiVersion: v1\n    kind: List\n    items: *i\n", 20)
    assert.strictEqual(r.status, 1)
    assert.strictEqual(r.stdout, "<stdin>:6:12: error: invalid YAML: an alias (*name) refers to the node that contains it: the value would be infinite\n")
  })

  it("a large anchor referenced 999 times is refused by its expansion, in well under a second of work", () => {
    const anchor = Array.from({ length: 20_000 }, (_, i) => `  k${i}: v${i}`).join("\n")
    const r = bounded(`a: &a\n${anchor}\nb: [${Array(999).fill("*a").join(", ")}]\n`, 20)
    assert.strictEqual(r.status, 1)
    assert.match(r.stdout, /^<stdin>:1:1: error: invalid YAML: aliases expand the document to more than 410040 nodes \(41004 written; at most 10 per node written, or 100000, are read\)\n$/)
  })

  it("a merge key with 200,000 sources is one finding (the stack held them all as arguments)", () => {
    const r = bounded(`b: &b {x: 1}\nc:\n  <<: [${Array(200_000).fill("*b").join(", ")}]\n`, 30)
    assert.strictEqual(r.stdout, "<stdin>:3:3: error: invalid YAML: a merge key (<<) lists more than 100 mappings\n")
  })

  it("aliases within the budget still read, and findings inside them point at the anchor", () => {
    const r = bounded(`${agent}spec:\n  features:\n    openAgent:\n      enabled: true\n      targets:\n        - &t {targetName: a, type: StaticEndpoints, endpoints: [{address: db}]}\n        - <<: *t\n          targetName: b\n`, 20)
    assert.include(r.stdout, "<stdin>:10:66: error: spec.features.openAgent.targets[0].endpoints[0].address:")
    assert.include(r.stdout, "<stdin>:10:66: error: spec.features.openAgent.targets[1].endpoints[0].address:")
  })
})

describe("size", () => {
  it("a 100 MB double-quoted scalar of escapes is one finding, read in bounded memory", () => {
    const r = bounded(`a: "${"\\u0041".repeat(17_000_000)}"\n---\n${agent}spec:\n  features: {}\n`, 60)
    assert.strictEqual(r.status, 1)
    assert.strictEqual(r.stdout, "<stdin>:1:1: error: invalid YAML: the document is 97.3 MiB, more than the 8.0 MiB read in one document (the API server takes 3 MiB per object): split it\n")
    // stderr says the document is being skipped, and the document after it is still read
    assert.strictEqual(r.stderr, "whatapctl: <stdin>:1: a document over 8.0 MiB; reading on to its end to report it as one finding\nwhatapctl: 2 documents checked: 1 error, 0 warnings\n")
  })

  it("an endless document (/dev/zero) says on stderr that it is being skipped while it reads on", () => {
    const r = run(["validate", "/dev/zero"], { timeoutMs: 4000 })
    assert.isTrue(r.timedOut, "an endless input has no end to report")
    assert.strictEqual(r.stdout, "")
    assert.strictEqual(r.stderr, "whatapctl: /dev/zero:1: a document over 8.0 MiB; reading on to its end to report it as one finding\n")
  })

  it("a million document-end markers before a document are read in linear time", () => {
    const r = bounded(`${"...\n# c\n".repeat(1_000_000)}${agent}spec:\n  features: {}\n`, 30)
    assert.strictEqual(r.status, 0)
    assert.strictEqual(r.stderr, "whatapctl: 1 document checked: 0 errors, 0 warnings\n")
  })

  it("40,000 keys and a duplicate: one finding, and no quadratic duplicate check", () => {
    const keys = Array.from({ length: 40_000 }, (_, i) => `  k${i}: ${i}`).join("\n")
    const r = bounded(`a:\n${keys}\n  k5: again\n`, 20)
    assert.strictEqual(r.stdout, "<stdin>:40002:3: error: invalid YAML: duplicated mapping key\n")
  })

  it("130,000 fields in one map are one error (more values than the validator reads), without overflowing the stack", () => {
    const fields = Array.from({ length: 130_000 }, (_, i) => `  u${i}: ${i}`).join("\n")
    const r = bounded(`${agent}spec:\n  features: {}\n${fields}\n`, 60)
    assert.strictEqual(r.stderr, "whatapctl: 1 document checked: 1 error, 0 warnings\n")
    assert.match(r.stdout, /^<stdin>:1:1: error: \.: document holds more than 50,000 values/)
  }, 60_000)

  it("20,000 unknown fields: 1,000 warnings listed and one that counts the other 19,000", () => {
    const fields = Array.from({ length: 20_000 }, (_, i) => `  u${i}: ${i}`).join("\n")
    const r = bounded(`${agent}spec:\n  features: {}\n${fields}\n`, 60)
    assert.strictEqual(r.stderr, "whatapctl: 1 document checked: 0 errors, 1001 warnings\n")
    assert.include(r.stdout, "<stdin>:1:1: warning: .: 19000 more findings not listed (0 errors, 19000 warnings): at most 1000 are listed per resource")
  }, 60_000)

  it("a 1 MB name is cut in every -o json row, so rows stay small", () => {
    const fields = Array.from({ length: 50 }, (_, i) => `  u${i}: ${i}`).join("\n")
    const r = bounded(`apiVersion: monitoring.whatap.com/v2alpha1\nkind: WhatapPodMonitor\nmetadata:\n  name: ${"n".repeat(1 << 20)}\nspec:\n${fields}\n`, 30, ["-o", "json"])
    const rows = JSON.parse(r.stdout) as ReadonlyArray<{ readonly name: string }>
    assert.isAbove(rows.length, 50)
    for (const row of rows) assert.strictEqual(row.name, `${"n".repeat(1000)}... (1048576 characters)`)
    assert.isBelow(r.stdout.length, 300_000)
  })

  it("a path with a 20,000-character key is cut in results: output stays proportional to the input", () => {
    const labels = Array.from({ length: 5 }, (_, i) => `    ${"k".repeat(20_000)}${i}: v`).join("\n")
    const r = bounded(`${agent}  labels:\n${labels}\nspec:\n  features: {}\n`, 30, ["-o", "json"])
    const rows = JSON.parse(r.stdout) as ReadonlyArray<{ readonly path: string }>
    assert.strictEqual(rows.length, 5)
    for (const row of rows) assert.match(row.path, /^metadata\.labels\.k{984}\.\.\. \(20017 characters\)$/)
  })
})

describe("syntax errors", () => {
  it("an unclosed flow sequence is one finding at its bracket, with the line the document ends on", () => {
    const r = bounded("a: 1\nb:\n  c: 2\n  d: 3\ne: 4\nf: [1, 2,\n  3\n", 20)
    assert.strictEqual(r.stdout, "<stdin>:6:4: error: invalid YAML: the flow sequence \"[\" opened here is never closed (the document ends at line 7)\n")
  })

  it("an unclosed flow mapping inside a block scalar's neighbour is found past quotes, comments and block scalars", () => {
    const r = bounded("a: \"[not a bracket\"\nb: |\n  [neither\nc: 'x [' # [ nor this\nd: {e: [1, 2]\nf: 3\n", 20)
    assert.strictEqual(r.stdout, "<stdin>:5:4: error: invalid YAML: the flow mapping \"{\" opened here is never closed (the document ends at line 6)\n")
  })

  it("an unclosed quoted string is one finding at its quote, with the line the parser stopped at, and quotes nothing of it", () => {
    const double = bounded(`${agent}spec:\n  license: "KEYSECRET\n  host: x\n`, 20)
    assert.strictEqual(double.stdout, "<stdin>:6:12: error: invalid YAML: the quoted string opened here is not closed before line 7, where the parser stopped (deficient indentation)\n")
    const single = bounded("a: 'abc\nb: c\n", 20)
    assert.strictEqual(single.stdout, "<stdin>:1:4: error: invalid YAML: the quoted string opened here is not closed before line 2, where the parser stopped (deficient indentation)\n")
    // a quoted string over several lines, properly indented and closed, is no error
    assert.strictEqual(bounded("a: \"one\n  two\"\nb: c\n", 20).stdout, "")
    // an error inside a string that is closed later stays where the parser saw it
    const escape = bounded("a: \"one\n  t\\qwo\"\nb: c\n", 20)
    assert.notInclude(escape.stdout, "not closed")
    assert.match(escape.stdout, /^<stdin>:2:\d+: error: invalid YAML: /)
  })

  it("a flow collection closed later keeps the parser's own position for the real error", () => {
    const r = bounded("a: [\n  \"x\" y,\n]\n", 20)
    assert.notInclude(r.stdout, "never closed")
    assert.match(r.stdout, /^<stdin>:2:\d+: error: invalid YAML: /)
  })

  for (const value of ["|KEYSECRET", ">-KEYSECRET", "*KEYSECRET", "!KEYSECRET x", "!<tag:KEYSECRET> x", "&KEYSECRET &again x"]) {
    it(`the license never appears in a syntax error (license: ${value}), in any format`, () => {
      for (const format of formats) {
        const r = bounded(`${agent}spec:\n  license: ${value}\n`, 20, ["-o", format])
        assert.strictEqual(r.status, 1)
        assert.notInclude(r.stdout + r.stderr, "KEYSECRET", format)
        assert.include(r.stdout, "invalid YAML", format)
      }
    })
  }

  it("raw control characters and invalid UTF-8 inside scalars are findings, as kubectl refuses them", () => {
    for (
      const [stdin, at, what] of [
        ["a: x\u0000y\n", "1:5", "the character U+0000 is not allowed in YAML"],
        ["a: x\u001b[31my\n", "1:5", "the character U+001B is not allowed in YAML"],
        ["a: \"x\u0007y\"\n", "1:6", "the character U+0007 is not allowed in YAML"],
        ["a: x\u0085\u0080y\n", "1:6", "the character U+0080 is not allowed in YAML"],
        ["a: x\uFFFEy\n", "1:5", "the character U+FFFE is not allowed in YAML"]
      ] as const
    ) {
      const r = bounded(stdin, 20)
      assert.strictEqual(r.status, 1)
      assert.include(r.stdout, `<stdin>:${at}: error: invalid YAML: ${what}`)
      assert.notMatch(r.stdout, /[\u0000\u0007\u001b]/)
    }
  })

  it("escapes that produce control characters never reach the terminal raw", () => {
    const r = bounded(`apiVersion: v1\nkind: "\\e[31mEvil\\a"\n---\n${agent}spec:\n  features: {}\n`, 20)
    assert.include(r.stderr, "(v1 \\u001b[31mEvil\\u0007)")
    assert.notMatch(r.stdout + r.stderr, /[\u0007\u001b]/)
  })
})

describe("one reader", () => {
  // the same documents with and without `<<` somewhere (once a switch to another reader)
  const cases = [
    `${agent}spec:\n  features:\n    openAgent:\n      targets:\n        - targetName: t\n          type: StaticEndpoints\n          endpoints: [{address: "db:1e400"}]\n`,
    `${agent}spec:\n  features: {}\n  ~: 1\n`,
    `%YAML 1.1\n---\n${agent}spec:\n  features:\n    k8sAgent:\n      masterAgent: {enabled: yes}\n`,
    `${agent}spec:\n  features: {}\n  host: 1e400\n`
  ]
  for (const [i, text] of cases.entries()) {
    it(`a << in a comment changes no verdict (case ${i})`, () => {
      for (const format of ["text", "json"]) {
        const plain = bounded(text, 20, ["-o", format])
        const merged = bounded(`# <<: *nothing\n${text.replace(/\n/, "\n# <<\n")}`, 20, ["-o", format])
        assert.strictEqual(merged.status, plain.status)
        const lines = (out: string) => out.replace(/:\d+:|"line": \d+/g, "L")
        assert.strictEqual(lines(merged.stdout), lines(plain.stdout))
      }
    })
  }
})

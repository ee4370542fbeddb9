/**
 * The committed API report (`api-report.d.ts`) is the public surface of the source, so a
 * change to the surface shows in review; after a deliberate one, rewrite it with
 *   npm run api-report -w @whatap-operator/core
 * The report's machinery is tested on a small set of declaration files.
 */
import { assert, describe, it } from "@effect/vitest"
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fromDeclarations, render, reportPath } from "../scripts/api-report.ts"
import { canonical, pretty, replaceReferences, statements, stripComments } from "../scripts/dts-text.ts"

/** The first line where the two texts differ, with a little context, or undefined. */
const firstDifference = (committed: string, current: string): string | undefined => {
  const a = committed.split("\n")
  const b = current.split("\n")
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] !== b[i]) {
      return `line ${i + 1}:\n  committed: ${a[i] ?? "(end of file)"}\n  current:   ${b[i] ?? "(end of file)"}`
    }
  }
  return undefined
}

describe("api-report.d.ts", () => {
  it("is the current public surface (npm run api-report -w @whatap-operator/core rewrites it)", () => {
    const difference = firstDifference(readFileSync(reportPath, "utf8"), render())
    assert.isUndefined(difference, `api-report.d.ts is stale; if the change is deliberate, run npm run api-report -w @whatap-operator/core\n${difference}`)
  }, 60_000)
})

const fixture: Record<string, string> = {
  "index.d.ts": `/** The entry. */\nexport * as A from "./A.ts";\nexport * as B from "./B.ts";\n`,
  "A.d.ts": [
    `import { Schema } from "effect";`,
    `/** An item; a "quote" and it's apostrophe in a comment do not confuse the scanner. */`,
    `export declare const Item: Schema.Struct<{`,
    `    readonly name: Schema.Literal<"a // not a comment">;`,
    `    readonly size: Schema.Number;`,
    `}>;`,
    `export type Item = typeof Item.Type;`,
    `export { helper } from "./internal/x.ts";`
  ].join("\n"),
  "B.d.ts": [
    `import { Schema } from "effect";`,
    `import { type Hidden } from "./internal/x.ts";`,
    `export declare const List: Schema.$Array<Schema.Struct<{`,
    `    readonly name: Schema.Literal<"a // not a comment">;`,
    `    readonly size: Schema.Number;`,
    `}>>;`,
    `export declare const use: (hidden: Hidden) => string;`
  ].join("\n"),
  "internal/x.d.ts": [
    `export declare const helper: (n: number) => number;`,
    `type Secret = string;`,
    `export interface Hidden {`,
    `    readonly secret: Secret;`,
    `}`,
    `export declare const notNeeded: number;`
  ].join("\n")
}

describe("the report", () => {
  it("shows public modules whole, only the needed internal declarations, and a repeated type once", () => {
    const dir = mkdtempSync(join(tmpdir(), "api-report-fixture-"))
    mkdirSync(join(dir, "internal"))
    for (const [file, text] of Object.entries(fixture)) writeFileSync(join(dir, file), text)
    const report = fromDeclarations(dir)
    rmSync(dir, { recursive: true, force: true })
    const body = report.slice(report.indexOf("// module: A"))
    assert.strictEqual(body, [
      "// module: A",
      "export declare const Item: Schema.Struct<{",
      "    readonly name: Schema.Literal<\"a // not a comment\">;",
      "    readonly size: Schema.Number;",
      "}>;",
      "export type Item = typeof Item.Type;",
      "export { helper } from \"./internal/x.ts\";",
      "",
      "// module: B",
      "export declare const List: Schema.$Array<typeof A.Item>;",
      "export declare const use: (hidden: import(\"./internal/x\").Hidden) => string;",
      "",
      "// module: internal/x",
      "export declare const helper: (n: number) => number;",
      "type Secret = string;",
      "export interface Hidden {",
      "    readonly secret: Secret;",
      "}",
      ""
    ].join("\n"))
  })
})

describe("declaration text", () => {
  it("strips comments but not comment-like strings", () => {
    assert.strictEqual(stripComments(`/** a "b */ x: "// c"; // d\ny: 'e /* f';`), ` x: "// c"; \ny: 'e /* f';`)
  })

  it("makes whitespace canonical outside strings", () => {
    assert.strictEqual(canonical(`{\n    readonly a:   "x  y";\n}`), `{ readonly a: "x  y"; }`)
  })

  it("splits top-level statements at column 0", () => {
    assert.deepStrictEqual(statements(`export declare const a: {\n    b: 1;\n};\nexport type C = 2;\n`), [
      "export declare const a: { b: 1; };",
      "export type C = 2;"
    ])
  })

  it("prints one member per line", () => {
    assert.strictEqual(pretty("export declare const a: { b: { }; c: X<{ d: 1; }>; };"), [
      "export declare const a: {",
      "    b: {};",
      "    c: X<{",
      "        d: 1;",
      "    }>;",
      "};"
    ].join("\n"))
  })

  it("replaces references, not property keys, members or strings", () => {
    const text = `{ readonly Hidden: Hidden; other?: X.Hidden; s: "Hidden"; }`
    assert.strictEqual(replaceReferences(text, (name) => (name === "Hidden" ? "Y.Hidden" : undefined)), `{ readonly Hidden: Y.Hidden; other?: X.Hidden; s: "Hidden"; }`)
  })
})

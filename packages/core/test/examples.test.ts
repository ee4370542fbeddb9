/**
 * Every public function shows how it is used (ADR 0008): an `@example` in its
 * documentation, which tsc type-checks against the source and Node.js runs. In an
 * example, a line `expression // => value` is an assertion: the expression must equal
 * the value (deep, strict). So the examples a user reads on JSR or in an editor are
 * known to compile, run and say the truth.
 */
import { assert, describe, it } from "@effect/vitest"
import { spawnSync } from "node:child_process"
import { mkdirSync, rmSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { coreRoot, repoRoot } from "../scripts/package-build.ts"
import { examplesOf, publicFunctions } from "./support/examples.ts"

/** Known gaps, a ratchet: the test fails when another function lacks an example and when one of these gains one. */
const withoutExample: ReadonlyArray<string> = []

const assertion = /^(\s*)(?!(?:const|let|import|export|for|if|return)\b)(\S.*?)\s*\/\/ => (.+)$/

/** Each `expression // => value` line becomes a call of `__expect`, with where it came from. */
const toRunnable = (code: string, id: string): string =>
  `import { expect as __expect } from "./expect.ts"\n` +
  code.split("\n").map((line, i) => {
    const match = assertion.exec(line)
    return match === null ? line : `${match[1]}__expect((${match[2]}), (${match[3]}), ${JSON.stringify(`${id}, line ${i + 1}`)})`
  }).join("\n")

const expectModule = `import { deepStrictEqual } from "node:assert/strict"
export const expect = (actual: unknown, expected: unknown, where: string): void => deepStrictEqual(actual, expected, where)
`

const compilerOptions = {
  module: "nodenext", target: "es2024", lib: ["es2024"], strict: true, exactOptionalPropertyTypes: true,
  noUncheckedIndexedAccess: true, noEmit: true, allowImportingTsExtensions: true, skipLibCheck: true, types: []
}

const run = (args: ReadonlyArray<string>, cwd: string) => spawnSync(process.execPath, args, { cwd, encoding: "utf8", timeout: 60_000 })

describe("@example of every public function", () => {
  const functions = publicFunctions()

  it("is there", () => {
    const missing = functions.filter((f) => f.examples.length === 0).map((f) => f.id)
    assert.deepStrictEqual(missing, withoutExample, "functions without an @example ```ts block (see withoutExample)")
  })

  it("type-checks, runs, and its `// =>` lines hold", () => {
    // Under the package directory, so `@whatap-operator/core` resolves to the source as everywhere in the repository.
    const dir = join(coreRoot, "dist", "doc-examples")
    rmSync(dir, { recursive: true, force: true })
    mkdirSync(join(dir, "run"), { recursive: true })
    const files = functions.flatMap((f) => f.examples.map((code, i) => [`${f.id}.${i}`, code] as const))
    for (const [id, code] of files) {
      writeFileSync(join(dir, `${id}.ts`), code)
      writeFileSync(join(dir, "run", `${id}.ts`), toRunnable(code, id))
    }
    writeFileSync(join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions, include: ["*.ts"] }))
    const checked = run([join(repoRoot, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.json"], dir)
    assert.strictEqual(checked.status, 0, `tsc:\n${checked.stdout}${checked.stderr}`)
    writeFileSync(join(dir, "run", "expect.ts"), expectModule)
    writeFileSync(join(dir, "run", "main.ts"), files.map(([id]) => `import "./${id}.ts"\n`).join(""))
    const ran = run(["main.ts"], join(dir, "run"))
    assert.strictEqual(ran.status, 0, `examples:\n${ran.stdout}${ran.stderr}`)
    assert.isAbove(files.length, functions.length - withoutExample.length - 1)
  }, 60_000)
})

describe("the example harness", () => {
  it("turns `expression // => value` into an assertion and leaves other lines alone", () => {
    const code = "import { Finding } from \"@whatap-operator/core\"\nconst p = [\"spec\"] // => no\nFinding.formatPath(p) // => \"spec\"\n"
    assert.strictEqual(toRunnable(code, "X.y.0"), [
      "import { expect as __expect } from \"./expect.ts\"",
      "import { Finding } from \"@whatap-operator/core\"",
      "const p = [\"spec\"] // => no",
      "__expect((Finding.formatPath(p)), (\"spec\"), \"X.y.0, line 3\")",
      ""
    ].join("\n"))
  })

  it("reads ```ts blocks after @example only", () => {
    const comment = "Text.\n```ts\nnot this\n```\n@example\n```ts\nthis\n```\n@example\n```ts\nand this\n```"
    assert.deepStrictEqual(examplesOf(comment), ["this\n", "and this\n"])
  })
})

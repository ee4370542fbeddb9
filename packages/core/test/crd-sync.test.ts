/**
 * The committed deploy/crds/*.yaml must equal what the Schemas generate today.
 */
import { assert, describe, it } from "@effect/vitest"
import { existsSync, readFileSync, readdirSync } from "node:fs"
import { crdDirectory, renderCrdFiles } from "../scripts/crd-yaml.ts"

const regenerate = "run `npx node packages/core/scripts/write-crds.ts` from the repository root and commit deploy/crds"

describe("deploy/crds", () => {
  const files = renderCrdFiles()

  it("holds exactly the generated files", () => {
    const present = readdirSync(crdDirectory).filter((f) => f.endsWith(".yaml")).sort()
    assert.deepStrictEqual(present, files.map((f) => f.fileName).sort(), `deploy/crds is out of date: ${regenerate}`)
  })

  for (const file of files) {
    it(`${file.fileName} is up to date`, () => {
      const url = new URL(file.fileName, crdDirectory)
      assert.isTrue(existsSync(url), `missing ${file.fileName}: ${regenerate}`)
      assert.isTrue(readFileSync(url, "utf8") === file.content, `${file.fileName} is stale: ${regenerate}`)
    })
  }
})

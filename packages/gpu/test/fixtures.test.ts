/**
 * The constructed fixtures are exactly what test/support/construct.ts builds from the
 * real capture (rerun scripts/construct-fixtures.ts after changing it), and the real
 * capture is the one in shared/fixtures/gpu when that folder is present.
 */
import { existsSync, readFileSync } from "node:fs"
import { assert, describe, it } from "@effect/vitest"
import { files } from "./support/construct.ts"
import { fixture } from "./support/support.ts"

const shared = new URL("../../../../shared/fixtures/gpu/h100-80gb-hbm3-no-mig/", import.meta.url)

describe("fixtures", () => {
  for (const [name, content] of files()) {
    it(`${name} is what construct.ts builds`, () => {
      assert.strictEqual(fixture(name), content, `rerun: npx node packages/gpu/scripts/construct-fixtures.ts`)
    })
  }

  it("constructed names say so", () => {
    for (const [name] of files()) assert.isTrue(name.startsWith("constructed-"), name)
  })

  const away = existsSync(shared) ? "" : ` (skipped: ${shared.pathname} is not beside this checkout)`
  it.skipIf(away !== "")(`the real capture is byte for byte the shared one${away}`, () => {
    assert.strictEqual(fixture("h100-80gb-hbm3-no-mig.xml"), readFileSync(new URL("nvidia-smi-q.xml", shared), "utf8"))
    assert.strictEqual(fixture("h100-80gb-hbm3-no-mig-lgip.txt"), readFileSync(new URL("mig-lgip.txt", shared), "utf8"))
  })
})

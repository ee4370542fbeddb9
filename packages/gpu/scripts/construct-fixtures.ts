/**
 * Writes the constructed MIG fixtures (test/support/construct.ts says how they are made)
 * into test/fixtures/. Run after changing the construction:
 *
 *   npx node packages/gpu/scripts/construct-fixtures.ts
 */
import { writeFileSync } from "node:fs"
import { files, fixturesDir } from "../test/support/construct.ts"

for (const [name, content] of files()) {
  writeFileSync(new URL(name, fixturesDir), content)
  process.stdout.write(`wrote test/fixtures/${name}\n`)
}

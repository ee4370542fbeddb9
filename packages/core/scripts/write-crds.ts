/**
 * Regenerates `deploy/crds/*.yaml` from the Schema model:
 *   npx node packages/core/scripts/write-crds.ts
 * The test `crd-sync.test.ts` fails when the committed copies are stale.
 */
import { mkdirSync, writeFileSync } from "node:fs"
import { crdDirectory, renderCrdFiles } from "./crd-yaml.ts"

mkdirSync(crdDirectory, { recursive: true })
for (const file of renderCrdFiles()) {
  writeFileSync(new URL(file.fileName, crdDirectory), file.content)
  console.log(`wrote deploy/crds/${file.fileName}`)
}

/**
 * Rewrites the CR reference section of README.md from the Schema model:
 *   npx node packages/core/scripts/write-reference.ts
 * The test `reference-sync.test.ts` fails when the committed section is stale.
 */
import { readFileSync, writeFileSync } from "node:fs"
import { readmeUrl, renderReference, replaceSection } from "./reference.ts"

writeFileSync(readmeUrl, replaceSection(readFileSync(readmeUrl, "utf8"), renderReference()))
console.log("wrote the CR reference section of README.md")

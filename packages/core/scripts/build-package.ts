/**
 * Builds the publishable package (see `package-build.ts` and ADR 0008):
 *   npm run build -w @whatap-operator/core             -> packages/core/dist/package
 *   npx node packages/core/scripts/build-package.ts DIR -> DIR
 * Then `npm pack packages/core/dist/package` (or `npm publish` it), and
 * `deno publish` from that directory for JSR.
 */
import { resolve } from "node:path"
import { buildPackage, defaultOutDir } from "./package-build.ts"

const target = process.argv[2]
console.log(`built ${buildPackage(target === undefined ? defaultOutDir : resolve(target))}`)

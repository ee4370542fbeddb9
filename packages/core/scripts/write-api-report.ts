/**
 * Rewrites `packages/core/api-report.d.ts` from the current source (see `api-report.ts`):
 *   npm run api-report -w @whatap-operator/core
 * Run it after a deliberate change to the public surface and commit the result with it.
 */
import { writeFileSync } from "node:fs"
import { render, reportPath } from "./api-report.ts"

writeFileSync(reportPath, render())
console.log(`wrote ${reportPath}`)

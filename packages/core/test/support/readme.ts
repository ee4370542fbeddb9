/**
 * Test helper: the example of `packages/core/README.md`, the first `ts` block, and what
 * it prints, the `text` block that follows it. The package test runs the one and
 * compares with the other, so the README cannot drift from the package.
 */
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { coreRoot } from "../../scripts/package-build.ts"

export interface ReadmeExample {
  readonly code: string
  readonly output: string
}

export const readmeExample = (): ReadmeExample => {
  const readme = readFileSync(join(coreRoot, "README.md"), "utf8")
  const match = /```ts\n([\s\S]*?)```\s*\n[^`]*```text\n([\s\S]*?)```/.exec(readme)
  if (match?.[1] === undefined || match[2] === undefined) {
    throw new Error("README.md has no ```ts example followed by a ```text block of its output")
  }
  return { code: match[1], output: match[2] }
}

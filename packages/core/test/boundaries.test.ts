/**
 * Dependency direction of the workspace (ARCHITECTURE.md): cli, operator, injector,
 * gpu -> kube -> core -> effect. Apps may import core directly, operator may import
 * injector and gpu, nothing imports cli or e2e, and core imports no Node built-in.
 * Reads every package's src/ as text, so a forbidden import fails here before review.
 */
import { assert, describe, it } from "@effect/vitest"
import { readdirSync, readFileSync, statSync } from "node:fs"
import { join, relative } from "node:path"

const root = join(import.meta.dirname, "..", "..", "..")

const allowed: Record<string, ReadonlyArray<string>> = {
  core: [],
  kube: ["core"],
  gpu: ["core", "kube"],
  injector: ["core", "kube"],
  operator: ["core", "kube", "injector", "gpu"],
  cli: ["core", "kube", "injector", "gpu", "operator"]
}

const sourceFiles = (dir: string): ReadonlyArray<string> =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return sourceFiles(path)
    return path.endsWith(".ts") ? [path] : []
  })

const importsOf = (text: string): ReadonlyArray<string> =>
  [...text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^"']*?from\s*["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g)]
    .map((m) => m[1] ?? m[2] ?? "")

const violations = (pkg: string): ReadonlyArray<string> =>
  sourceFiles(join(root, "packages", pkg, "src")).flatMap((file) =>
    importsOf(readFileSync(file, "utf8")).flatMap((spec) => {
      const where = relative(root, file)
      const workspace = /^@whatap-operator\/([a-z0-9-]+)/.exec(spec)?.[1]
      if (workspace !== undefined && !(allowed[pkg] ?? []).includes(workspace)) {
        return [`${where}: imports @whatap-operator/${workspace}`]
      }
      if (pkg === "core" && (spec.startsWith("node:") || spec === "fs" || spec === "path")) {
        return [`${where}: imports the Node built-in ${spec}`]
      }
      if (pkg === "core" && workspace === undefined && !spec.startsWith(".") && !spec.startsWith("effect")) {
        return [`${where}: imports ${spec}; core depends on effect only`]
      }
      return []
    }))

describe("workspace dependency direction", () => {
  for (const pkg of Object.keys(allowed)) {
    it(`${pkg} imports only what it may`, () => {
      assert.deepStrictEqual(violations(pkg), [])
    })
  }

  it("detects a forbidden import (self-check of the scanner)", () => {
    assert.deepStrictEqual(importsOf(`import { x } from "node:fs"\nexport * as A from "./A.ts"`), ["node:fs", "./A.ts"])
  })
})

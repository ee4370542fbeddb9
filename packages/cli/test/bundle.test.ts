/**
 * The bundle loads Node's built-in modules with `require`: an ES import of `node:http`
 * reads every export of it, and its `WebSocket` getter loads Node's bundled undici (13 MiB
 * of resident memory in the operator, which never uses it). Checked on esbuild's record of
 * the build and on a real `whatapctl run`, with a control that shows the probe sees an ES
 * import's effect.
 */
import { assert, describe, it } from "@effect/vitest"
import { spawnSync } from "node:child_process"
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { isBuiltin } from "node:module"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { entryFile, metaFile } from "../scripts/build.ts"
import { repoRoot } from "./support/run.ts"

const node = join(repoRoot, "node_modules", "node", "bin", "node")
const bundle = join(repoRoot, "packages", "cli", entryFile)

interface Meta {
  readonly outputs: Record<string, { readonly imports: ReadonlyArray<{ readonly path: string; readonly kind: string; readonly external?: boolean }> }>
}

/** Runs node with a preload that prints, at exit, whether undici was loaded. */
const undiciLoaded = (args: ReadonlyArray<string>): boolean => {
  const dir = mkdtempSync(join(tmpdir(), "whatapctl-bundle-"))
  try {
    const probe = join(dir, "probe.cjs")
    writeFileSync(probe, `process.on("exit", () => process.stderr.write("\\nundici:" + process.moduleLoadList.some((m) => m.includes("undici")) + "\\n"))\n`)
    const result = spawnSync(node, ["--require", probe, ...args], { cwd: dir, encoding: "utf8", env: { PATH: process.env["PATH"] ?? "", HOME: dir } })
    const answer = /undici:(true|false)/.exec(result.stderr)?.[1]
    assert.isDefined(answer, `no answer from the probe: ${result.stderr}`)
    return answer === "true"
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

describe("built-in modules in the bundle", () => {
  it("are all required, none imported (esbuild's metafile)", () => {
    const meta = JSON.parse(readFileSync(join(repoRoot, "packages", "cli", metaFile), "utf8")) as Meta
    const builtins = Object.values(meta.outputs).flatMap((o) => o.imports.filter((i) => i.external === true && isBuiltin(i.path)))
    assert.includeMembers(builtins.map((i) => i.path), ["node:http", "node:https", "node:fs"])
    assert.deepStrictEqual(builtins.filter((i) => i.kind !== "require-call").map((i) => `${i.kind} ${i.path}`), [])
  })

  it("whatapctl run loads no undici; an ES import of node:http does (the control)", () => {
    assert.isTrue(undiciLoaded(["--input-type=module", "-e", `import "node:http"`]))
    // The command's modules are all loaded before it reads its kubeconfig and stops.
    assert.isFalse(undiciLoaded([bundle, "run", "--kubeconfig", "/nonexistent/kubeconfig"]))
  })
})

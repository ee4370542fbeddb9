/**
 * `@kubernetes/client-node` stays out of what loading this package evaluates: only the
 * kubeconfig path imports it, on demand, so the operator in its pod (the in-cluster
 * config) never loads it. Checked on the module graph as esbuild, which builds the
 * shipped bundle, sees it: with code splitting, everything reachable by static imports
 * from the package's entry lands in the entry's chunks, and client-node must not.
 */
import { join } from "node:path"
import { assert, describe, it } from "@effect/vitest"
import { build, type Metafile } from "esbuild"

const entry = join(import.meta.dirname, "..", "src", "index.ts")

const graph = async (): Promise<Metafile> => {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    outdir: "/nonexistent/out",
    write: false,
    metafile: true,
    logLevel: "silent"
  })
  return result.metafile
}

/** The output files that loading `from` evaluates: it and its static imports, transitively. */
const staticClosure = (metafile: Metafile, from: string): ReadonlySet<string> => {
  const seen = new Set<string>()
  const visit = (path: string) => {
    if (seen.has(path)) return
    seen.add(path)
    for (const imported of metafile.outputs[path]?.imports ?? []) {
      if (imported.kind === "import-statement" && !imported.external) visit(imported.path)
    }
  }
  visit(from)
  return seen
}

const clientNodeInputs = (metafile: Metafile, outputs: Iterable<string>): ReadonlyArray<string> =>
  [...outputs].flatMap((path) => Object.keys(metafile.outputs[path]?.inputs ?? {}))
    .filter((input) => input.includes("node_modules/@kubernetes/client-node/"))

describe("client-node is loaded only for a kubeconfig", () => {
  it("the package's static module graph holds none of client-node; the kubeconfig chunk does", async () => {
    const metafile = await graph()
    const [main] = Object.entries(metafile.outputs).filter(([, output]) => output.entryPoint !== undefined)
    assert.isDefined(main)
    if (main === undefined) return
    assert.deepStrictEqual(clientNodeInputs(metafile, staticClosure(metafile, main[0])), [])
    // The control: the bundle does contain client-node, behind a dynamic import.
    const lazy = Object.keys(metafile.outputs).filter((path) => !staticClosure(metafile, main[0]).has(path))
    assert.isAbove(clientNodeInputs(metafile, lazy).length, 0)
  })
})

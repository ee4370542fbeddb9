/**
 * The standalone executable and its krew plugin manifest. `npm run build:standalone` runs
 * here for real (about 5 s on 2 cores), into a temporary directory, and the executable is run
 * as a user without Node.js runs it: an environment of nothing but a PATH with no `node` on
 * it. It must answer as the bundle does, also as `kubectl-whatap` from its krew archive, and
 * ignore NODE_OPTIONS. A second build must give the same bytes, so a release checksum can be
 * reproduced. deploy/krew/whatap.yaml must name that archive, its layout and its checksum.
 */
import { assert, beforeAll, describe, it } from "@effect/vitest"
import { spawnSync } from "node:child_process"
import { createHash } from "node:crypto"
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs"
import { join } from "node:path"
import { parse } from "yaml"
import { repoRoot, run as runBundle, scratchDir } from "./support/run.ts"

const pinnedNode: string = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")).devDependencies.node
const cliVersion: string = JSON.parse(readFileSync(join(repoRoot, "packages/cli/package.json"), "utf8")).version
const krewArch = process.arch === "x64" ? "amd64" : process.arch
const exeName = `whatapctl-${process.platform}-${process.arch}`
const archiveName = `kubectl-whatap_${process.platform}_${krewArch}.tar.gz`
const fixture = (name: string) => `packages/cli/test/fixtures/${name}`

const work = scratchDir("whatapctl-standalone-test-")
const out = join(work, "out")
/** A PATH directory holding nothing but what a test puts there. */
const bin = join(work, "bin")
const exe = join(out, exeName)

const build = (dir: string) => {
  const started = performance.now()
  const result = spawnSync("npm", ["run", "build:standalone", "--", "--out", dir], { cwd: repoRoot, encoding: "utf8", timeout: 170_000 })
  assert.strictEqual(result.status, 0, `npm run build:standalone failed:\n${result.stdout}\n${result.stderr}`)
  return (performance.now() - started) / 1000
}

/** Runs `command` with an environment of only `env` (like `env -i`), from the repository root. */
const exec = (command: string, args: ReadonlyArray<string>, env: Record<string, string>, stdin = "") =>
  spawnSync(command, args, { cwd: repoRoot, env, input: stdin, encoding: "utf8", timeout: 30_000, killSignal: "SIGKILL" })

const noNode = { PATH: bin }

beforeAll(() => {
  mkdirSync(bin)
  const seconds = build(out)
  process.stderr.write(`npm run build:standalone: ${seconds.toFixed(1)} s\n`)
}, 180_000)


describe("the standalone executable", () => {
  it("runs with no node on PATH and embeds the pinned Node.js", () => {
    for (const dir of noNode.PATH.split(":")) assert.isFalse(existsSync(join(dir, "node")))
    const node = exec("node", ["-v"], noNode)
    const notFound = node.error !== undefined && "code" in node.error && node.error.code === "ENOENT"
    assert.isTrue(notFound, "node must not be found on this PATH")
    const r = exec(exe, ["version"], noNode)
    assert.strictEqual(r.status, 0, r.stderr)
    assert.isTrue(r.stdout.startsWith(`whatapctl ${cliVersion}\n`), r.stdout)
    assert.include(r.stdout, `node: v${pinnedNode}\n`)
    assert.strictEqual(r.stderr, "")
  })

  it("answers as the bundle does: valid, invalid, stdin, usage error", () => {
    const cases: ReadonlyArray<{ args: ReadonlyArray<string>; stdin?: string; status: number }> = [
      { args: ["validate", fixture("valid.yaml")], status: 0 },
      { args: ["validate", "-o", "json", fixture("invalid.yaml"), fixture("multi.yaml")], status: 1 },
      { args: ["validate", "-"], stdin: readFileSync(join(repoRoot, fixture("valid.yaml")), "utf8"), status: 0 },
      { args: ["crds"], status: 0 },
      { args: ["no-such-command"], status: 2 }
    ]
    for (const c of cases) {
      const standalone = exec(exe, c.args, noNode, c.stdin)
      const bundle = runBundle(c.args, c.stdin === undefined ? {} : { stdin: c.stdin })
      assert.strictEqual(standalone.status, c.status, `${c.args.join(" ")}: ${standalone.stderr}`)
      assert.deepStrictEqual([standalone.status, standalone.stdout, standalone.stderr], [bundle.status, bundle.stdout, bundle.stderr], c.args.join(" "))
    }
    assert.include(exec(exe, ["validate", fixture("valid.yaml")], noNode).stderr, "1 document checked: 0 errors, 0 warnings")
  })

  it("ignores NODE_OPTIONS (a user's Node settings do not reach a self-contained tool)", () => {
    const r = exec(exe, ["version"], { ...noNode, NODE_OPTIONS: "--require /nonexistent/hook.cjs" })
    assert.strictEqual(r.status, 0, r.stderr)
    assert.notInclude(r.stderr, "hook.cjs")
  })

  it("ships in a krew archive as kubectl-whatap alone, which runs by that name", () => {
    const archive = join(out, archiveName)
    const listing = exec("tar", ["-tvzf", archive], { PATH: "/usr/bin:/bin" })
    assert.strictEqual(listing.status, 0, listing.stderr)
    const entries = listing.stdout.trim().split("\n")
    assert.lengthOf(entries, 1)
    assert.match(entries[0] ?? "", /^-rwxr-xr-x .* kubectl-whatap$/)
    const unpacked = exec("tar", ["-xzf", archive, "-C", bin], { PATH: "/usr/bin:/bin" })
    assert.strictEqual(unpacked.status, 0, unpacked.stderr)
    // By name, found through PATH, as kubectl finds its plugins.
    const r = exec("kubectl-whatap", ["validate", "deploy/samples/whatap-agent-basic.yaml"], noNode)
    assert.strictEqual(r.status, 0, r.stderr)
    assert.include(r.stderr, "1 document checked: 0 errors, 0 warnings")
    const sum = readFileSync(`${archive}.sha256`, "utf8")
    assert.strictEqual(sum, `${createHash("sha256").update(readFileSync(archive)).digest("hex")}  ${archiveName}\n`)
  })

  it("is reproducible: a second build gives the same bytes", () => {
    const again = join(work, "again")
    build(again)
    const digest = (path: string) => createHash("sha256").update(readFileSync(path)).digest("hex")
    assert.strictEqual(digest(join(again, exeName)), digest(exe))
    assert.strictEqual(readFileSync(join(again, `${archiveName}.sha256`), "utf8"), readFileSync(join(out, `${archiveName}.sha256`), "utf8"))
    rmSync(again, { recursive: true, force: true })
  }, 180_000)
})

const template = readFileSync(join(repoRoot, "deploy/krew/whatap.yaml"), "utf8")
const platforms = [["linux", "amd64"], ["linux", "arm64"], ["darwin", "amd64"], ["darwin", "arm64"]] as const
const checksumName = (os: string, arch: string) => `SHA256_${os.toUpperCase()}_${arch.toUpperCase()}`

/** The template with each `${NAME}` replaced (as envsubst does); an unknown name is an error. */
const fill = (values: Readonly<Record<string, string>>): string =>
  template.replace(/\$\{(\w+)\}/g, (_, name: string) => {
    const value = values[name]
    if (value === undefined) throw new Error(`unknown placeholder \${${name}}`)
    return value
  })

describe("the krew plugin manifest template", () => {
  it("is a krew Plugin named whatap with kubectl-whatap for linux and darwin, amd64 and arm64", () => {
    const manifest = parse(template)
    assert.strictEqual(manifest.apiVersion, "krew.googlecontainertools.github.com/v1alpha2")
    assert.strictEqual(manifest.kind, "Plugin")
    assert.strictEqual(manifest.metadata.name, "whatap")
    assert.isAtMost(manifest.spec.shortDescription.length, 50)
    const seen = manifest.spec.platforms.map((p: { selector: { matchLabels: { os: string; arch: string } } }) =>
      [p.selector.matchLabels.os, p.selector.matchLabels.arch])
    assert.deepStrictEqual(seen, platforms.map(([os, arch]) => [os, arch]))
    for (const [i, [os, arch]] of platforms.entries()) {
      const p = manifest.spec.platforms[i]
      assert.strictEqual(p.bin, "kubectl-whatap")
      assert.deepStrictEqual(p.files, [{ from: "kubectl-whatap", to: "." }])
      assert.strictEqual(p.uri, `\${BASE_URL}/kubectl-whatap_${os}_${arch}.tar.gz`)
      assert.strictEqual(p.sha256, `\${${checksumName(os, arch)}}`)
    }
  })

  it("filled in, names the archive the build wrote and its checksum", () => {
    const checksum = readFileSync(join(out, `${archiveName}.sha256`), "utf8").split(" ")[0] ?? ""
    const values: Record<string, string> = { VERSION: `v${cliVersion}`, HOMEPAGE: "https://example.com/whatap-operator", BASE_URL: "https://example.com/v0" }
    for (const [os, arch] of platforms) values[checksumName(os, arch)] = "0".repeat(64)
    values[checksumName(process.platform, krewArch)] = checksum
    const manifest = parse(fill(values))
    assert.match(manifest.spec.version, /^v\d+\.\d+\.\d+$/)
    const ours = manifest.spec.platforms.find((p: { selector: { matchLabels: Record<string, string> } }) =>
      p.selector.matchLabels["os"] === process.platform && p.selector.matchLabels["arch"] === krewArch)
    assert.strictEqual(ours.uri, `https://example.com/v0/${archiveName}`)
    assert.strictEqual(ours.sha256, createHash("sha256").update(readFileSync(join(out, archiveName))).digest("hex"))
    assert.throws(() => fill({}), /unknown placeholder/)
  })
})

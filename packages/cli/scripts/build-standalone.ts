/**
 * `npm run build:standalone`: whatapctl as one executable that runs without a Node.js
 * installation, a Node single-executable application made from the binary of the pinned
 * `node` package (the one running this script, so the blob, its code cache and the runtime
 * always match). Under `--out` (default: dist/ at the repository root) it writes
 *   whatapctl-<os>-<arch>                          the executable (also installable as kubectl-whatap)
 *   kubectl-whatap_<os>_<krew arch>.tar.gz         the krew archive: `kubectl-whatap` alone
 *   kubectl-whatap_<os>_<krew arch>.tar.gz.sha256  its checksum, for deploy/krew/whatap.yaml
 * Linux only: the blob goes into the ELF binary here (standalone/ElfNote.ts). macOS and
 * Windows executables need Mach-O or PE injection and code signing, which this does not do.
 */
import { build } from "esbuild"
import { spawnSync } from "node:child_process"
import { createHash } from "node:crypto"
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join, relative, resolve } from "node:path"
import { parseArgs } from "node:util"
import * as ElfNote from "./standalone/ElfNote.ts"
import * as Tar from "./standalone/Tar.ts"

const repoRoot = resolve(import.meta.dirname, "..", "..", "..")
/** The sentinel Node checks at start; ":1" makes it look for the injected blob. */
const fuse = "NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2:"
const noteName = "NODE_SEA_BLOB"
const krewArch: Readonly<Record<string, string>> = { x64: "amd64", arm64: "arm64" }

const fail = (message: string): never => {
  process.stderr.write(`build-standalone: ${message}\n`)
  process.exit(2)
}

/** The pinned runtime only: a different Node would embed a different runtime than the one tested. */
const checkRuntime = (): void => {
  const pinned = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")).devDependencies?.node
  if (process.version !== `v${pinned}`) fail(`run it through npm (npm run build:standalone) so that node ${pinned} builds it, not ${process.version}`)
  if (process.platform !== "linux") fail(`standalone executables are built on Linux only (this is ${process.platform})`)
  if (krewArch[process.arch] === undefined) fail(`unsupported architecture ${process.arch}`)
}

/** The CLI as one CommonJS file (its name in `work`): the only form a Node 24 single-executable application runs. */
const bundle = async (work: string): Promise<string> => {
  const main = "whatapctl.cjs"
  await build({
    entryPoints: [join(import.meta.dirname, "standalone", "entry.ts")],
    bundle: true, platform: "node", format: "cjs", target: "node24", minify: true, legalComments: "none",
    outfile: join(work, main), logLevel: "warning"
  })
  return main
}

/**
 * The preparation blob. `execArgvExtension: "none"` keeps NODE_OPTIONS out: a user's Node
 * settings (a `--require` hook, a heap limit) must not change a self-contained tool. No
 * code cache: V8 writes a different one on every run, and without it the same sources give
 * the same bytes (a release checksum anyone can reproduce); it costs about 60 ms of start.
 */
const blob = (work: string, main: string): Buffer => {
  // Paths relative to `work`: the blob keeps the main script's path (it names it in stack
  // traces), so a temporary directory's name would make every build differ.
  const settings = { main, output: "sea-prep.blob", disableExperimentalSEAWarning: true, useCodeCache: false, execArgvExtension: "none" }
  writeFileSync(join(work, "sea-config.json"), JSON.stringify(settings))
  const result = spawnSync(process.execPath, ["--experimental-sea-config", "sea-config.json"], { cwd: work, encoding: "utf8" })
  if (result.status !== 0) fail(`node --experimental-sea-config failed:\n${result.stdout}${result.stderr}`)
  return readFileSync(join(work, "sea-prep.blob"))
}

/** This Node binary with the fuse flipped and the blob appended as a loaded note. */
const executable = (preparation: Buffer): Buffer => {
  const base = readFileSync(process.execPath)
  const off = Buffer.from(`${fuse}0`)
  const at = base.indexOf(off)
  if (at < 0 || base.indexOf(off, at + 1) >= 0) fail(`${process.execPath}: the SEA fuse is not there exactly once (already an application?)`)
  base[at + off.length - 1] = "1".charCodeAt(0)
  return ElfNote.appendNote(base, noteName, preparation)
}

/** Written under a temporary name and renamed, so a failed build never leaves half a file. */
const writeAtomic = (path: string, data: string | Uint8Array, mode: number): void => {
  writeFileSync(`${path}.partial`, data)
  chmodSync(`${path}.partial`, mode)
  renameSync(`${path}.partial`, path)
}

const main = async (): Promise<void> => {
  const { values } = parseArgs({ options: { out: { type: "string", default: join(repoRoot, "dist") } } })
  checkRuntime()
  const started = performance.now()
  const out = resolve(values.out)
  mkdirSync(out, { recursive: true })
  const work = mkdtempSync(join(tmpdir(), "whatapctl-standalone-"))
  process.on("exit", () => rmSync(work, { recursive: true, force: true }))
  const exe = executable(blob(work, await bundle(work)))
  const exePath = join(out, `whatapctl-${process.platform}-${process.arch}`)
  writeAtomic(exePath, exe, 0o755)
  const mtime = Number(process.env["SOURCE_DATE_EPOCH"] ?? 0)
  const archive = Tar.singleFile("kubectl-whatap", exe, 0o755, mtime)
  const archiveName = `kubectl-whatap_${process.platform}_${krewArch[process.arch]}.tar.gz`
  writeAtomic(join(out, archiveName), archive, 0o644)
  const sha256 = createHash("sha256").update(archive).digest("hex")
  writeAtomic(join(out, `${archiveName}.sha256`), `${sha256}  ${archiveName}\n`, 0o644)
  const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`
  const seconds = ((performance.now() - started) / 1000).toFixed(1)
  process.stdout.write(`${relative(process.cwd(), exePath) || exePath} (${mib(exe.length)})\n`)
  process.stdout.write(`${relative(process.cwd(), join(out, archiveName))} (${mib(archive.length)}) sha256 ${sha256}\n`)
  process.stdout.write(`built in ${seconds} s\n`)
}

await main()

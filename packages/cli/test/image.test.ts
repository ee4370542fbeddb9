/**
 * The operator image recipe (Dockerfile, .dockerignore), checked without a container
 * engine: base images pin Node.js 24, the run stage is non-root with no shell, nothing
 * secret is copied or baked in, the file it copies is the one `npm run build -w
 * @whatap-operator/cli` writes, the chart runs it as `whatapctl run`, and that bundle starts
 * on Node 24 alone in a directory, as in the image (no node_modules anywhere above it).
 */
import { assert, describe, it } from "@effect/vitest"
import { spawnSync } from "node:child_process"
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs"
import { isBuiltin } from "node:module"
import { tmpdir } from "node:os"
import { dirname, join, posix } from "node:path"
import { parse } from "yaml"
import { chunkDir, entryFile, metaFile } from "../scripts/build.ts"
import * as Docker from "./support/dockerfile.ts"
import { repoRoot } from "./support/run.ts"

const read = (path: string) => readFileSync(join(repoRoot, path), "utf8")
const dockerfile = read("Dockerfile")
const stages = Docker.stages(dockerfile)
const buildStage = stages[0]
const runStage = stages.at(-1)
const ignoreRules = Docker.rules(read(".dockerignore"))
const pinnedNode: string = JSON.parse(read("package.json")).devDependencies.node
const cli = JSON.parse(read("packages/cli/package.json"))
/** Where `npm run build -w @whatap-operator/cli` writes the bundle, from the build script itself. */
const bundleOut = posix.join("packages/cli", entryFile)
const chunksOut = posix.join("packages/cli", chunkDir)
/** The optional native helpers of `ws`, which it requires inside try/catch and does without. */
const optionalRequires = ["bufferutil", "utf-8-validate"]

const ofStage = (stage: Docker.Stage | undefined, name: string) => (stage?.instructions ?? []).filter((i) => i.name === name)

/** What in a Dockerfile would put a secret into the image or its build. */
const secretProblems = (text: string): ReadonlyArray<string> => {
  const secretName = /licen[cs]e|token|secret|passw|credential|auth|kubeconfig|npmrc|private|_key\b/i
  const secretFile = /(^|\/)(\.npmrc|\.env(\..*)?|\.kube|[^/]*kubeconfig[^/]*|[^/]*licen[cs]e[^/]*|[^/]*\.(pem|key|p12|crt))$/i
  return Docker.instructions(text).flatMap((i) => {
    if (i.name === "ENV" || i.name === "ARG") {
      const keys = i.args.split(" ").map((word) => word.split("=")[0] ?? "")
      return keys.filter((key) => secretName.test(key)).map((key) => `${i.name} ${key}`)
    }
    if (i.name === "COPY" || i.name === "ADD") {
      const { words } = Docker.flagsAndWords(i.args)
      const sources = words.slice(0, -1)
      return [...sources.filter((s) => secretFile.test(s) || /^https?:/.test(s)).map((s) => `${i.name} ${s}`)]
    }
    return /WHATAP_LICENSE|_authToken/i.test(i.args) ? [`${i.name} names a secret`] : []
  })
}

describe("Dockerfile", () => {
  it("has a build stage and a run stage, both on Node.js 24 images pinned by tag", () => {
    assert.isAtLeast(stages.length, 2)
    for (const stage of stages) {
      const ref = Docker.imageRef(stage.image)
      assert.isDefined(ref.tag, `${stage.image}: no tag`)
      assert.notStrictEqual(ref.tag, "latest")
      assert.match(`${ref.name}:${ref.tag}`, /(^|[^0-9])24([.-]|$)|nodejs24-/, `${stage.image} is not a Node.js 24 image`)
      if (ref.digest !== undefined) assert.match(ref.digest, /^sha256:[0-9a-f]{64}$/)
    }
    // The bundle is built on exactly the Node.js release the repository tests with.
    assert.strictEqual(Docker.imageRef(buildStage?.image ?? "").name, "node")
    assert.match(Docker.imageRef(buildStage?.image ?? "").tag ?? "", new RegExp(`^${pinnedNode.replaceAll(".", "\\.")}-`))
    assert.strictEqual(buildStage?.alias, "build")
  })

  it("runs as a non-root numeric user, the chart's runAsUser, with no shell", () => {
    const users = ofStage(runStage, "USER")
    assert.lengthOf(users, 1)
    const [uid = "", gid = ""] = (users[0]?.args ?? "").split(":")
    assert.match(uid, /^[1-9][0-9]*$/, "USER must be a numeric non-root uid (runAsNonRoot checks numbers)")
    const values = parse(read("deploy/chart/values.yaml"))
    assert.strictEqual(Number(uid), values.podSecurityContext.runAsUser)
    assert.strictEqual(Number(gid), values.podSecurityContext.runAsGroup)
    assert.deepStrictEqual(ofStage(runStage, "RUN"), [], "the run image has no shell to RUN with")
    for (const form of [...ofStage(runStage, "ENTRYPOINT"), ...ofStage(runStage, "CMD")]) {
      assert.isTrue(form.args.startsWith("["), `${form.name} must be in exec form: ${form.args}`)
    }
  })

  it("copies into the image exactly the bundle that `npm run build -w @whatap-operator/cli` writes", () => {
    assert.strictEqual(cli.scripts.build, "node scripts/build.ts")
    const run = ofStage(buildStage, "RUN").map((i) => i.args).join(" ")
    assert.include(run, "npm run build -w @whatap-operator/cli")
    assert.include(run, "npm ci")
    const workdir = ofStage(buildStage, "WORKDIR")[0]?.args ?? "/"
    const copies = ofStage(runStage, "COPY").map((i) => Docker.flagsAndWords(i.args))
    assert.deepStrictEqual(copies.map((c) => c.flags.get("from")), ["build", "build", undefined], "the run stage copies the bundle from the build stage")
    assert.deepStrictEqual(copies.map((c) => c.words), [
      [posix.join(workdir, bundleOut), "/app/whatapctl.mjs"],
      [`${posix.join(workdir, chunksOut)}/`, "/app/chunks/"],
      ["packages/cli/image/manager", "/manager"]
    ])
    const entrypoint = JSON.parse(ofStage(runStage, "ENTRYPOINT")[0]?.args ?? "[]")
    assert.deepStrictEqual(entrypoint, ["/nodejs/bin/node", "/app/whatapctl.mjs"])
  })

  it("bakes in no secret and copies none", () => {
    assert.deepStrictEqual(secretProblems(dockerfile), [])
    // The check itself finds each kind of leak.
    const leaky = [
      "FROM node:24", "ARG NPM_TOKEN", "ENV WHATAP_LICENSE=abc", "ENV A=1 GITHUB_TOKEN=x", "COPY .npmrc ./",
      "COPY --chown=1:1 deploy/kubeconfig /k", "COPY certs/tls.pem /", "ADD https://example.com/x /x",
      "COPY whatap-license.txt /", "RUN echo //registry/:_authToken=x > .npmrc"
    ].join("\n")
    assert.lengthOf(secretProblems(leaky), 9)
  })

  it("runs as `whatapctl run ...` under the chart (its args, the image's entrypoint)", () => {
    const template = read("deploy/chart/templates/deployment.yaml")
    assert.notMatch(template, /^\s*command:/m, "a command: would replace the image's entrypoint")
    assert.match(template, /^\s*args:\s*\n\s*- run\s*$/m)
    assert.strictEqual(parse(read("deploy/chart/values.yaml")).image.repository, "whatap-operator")
  })
})

const walk = (dir: string): ReadonlyArray<string> =>
  readdirSync(join(repoRoot, dir)).flatMap((name) => {
    const path = posix.join(dir, name)
    if (name === "node_modules" || name === "dist") return []
    return statSync(join(repoRoot, path)).isDirectory() ? walk(path) : [path]
  })

describe(".dockerignore", () => {
  it("lets in every COPY source and every file the bundle is built from", () => {
    const fromContext = ofStage(runStage, "COPY").filter((i) => !Docker.flagsAndWords(i.args).flags.has("from"))
    const sources = [...ofStage(buildStage, "COPY"), ...fromContext].flatMap((i) => Docker.flagsAndWords(i.args).words.slice(0, -1))
    const packages = readdirSync(join(repoRoot, "packages"))
    const buildInputs = packages.flatMap((p) => [`packages/${p}/package.json`, `packages/${p}/tsconfig.json`, ...walk(`packages/${p}/src`)])
    const missing = [...sources.map((s) => s.replace(/\/$/, "")), ...buildInputs].filter((path) => Docker.excluded(ignoreRules, path))
    assert.deepStrictEqual(missing, [])
    assert.isAbove(buildInputs.length, 50)
  })

  it("keeps out installs, build outputs, git and secrets", () => {
    const out = [
      ".git/config", "node_modules/effect/package.json", "packages/cli/node_modules/yaml/package.json",
      "packages/cli/dist/whatapctl.mjs", "dist/whatapctl-linux-x64", "packages/core/dist/index.js",
      "packages/cli/tsconfig.tsbuildinfo", ".npmrc", "packages/cli/.npmrc", ".env", "packages/kube/.env.local",
      "kubeconfig", "e2e/kubeconfig", "packages/kube/test/fixtures/kubeconfig.yaml", "admin.kubeconfig", ".kube/config",
      "packages/injector/test/tls.key", "certs/ca.pem", "packages/cli/test/fixtures/whatap-license.txt",
      "deploy/chart/values.yaml", "e2e/src/start.ts", "bench/src/run-all.ts", "README.md", ".ci/run"
    ]
    assert.deepStrictEqual(out.filter((path) => !Docker.excluded(ignoreRules, path)), [])
  })

  it("applies rules as the engine does (last match wins, directories cover their contents)", () => {
    const r = Docker.rules("*\n!keep/\nkeep/**/secret\n!keep/**/secret.ts")
    assert.deepStrictEqual(["a", "keep/x", "keep/a/b/secret", "keep/secret", "keep/a/secret.ts", "other/keep/x"].map((p) => Docker.excluded(r, p)),
      [true, false, true, true, false, true])
  })
})

describe("the bundle the image runs", () => {
  const bundle = join(repoRoot, bundleOut)

  it("has the Go operator's entrypoint: /manager runs `whatapctl run` with the args a Go Deployment passes", () => {
    const copy = ofStage(runStage, "COPY").find((i) => Docker.flagsAndWords(i.args).words.at(-1) === "/manager")
    assert.isDefined(copy, "a COPY to /manager")
    const { flags, words } = Docker.flagsAndWords(copy?.args ?? "")
    assert.strictEqual(flags.get("chmod"), "0755")
    const script = read(words[0] ?? "")
    const entrypoint = ofStage(runStage, "ENTRYPOINT")[0]?.args ?? ""
    const node = (JSON.parse(entrypoint) as ReadonlyArray<string>)[0] ?? ""
    assert.isTrue(script.startsWith(`#!${node}\n`), `the shebang is the image's node, ${node}`)
    const dir = mkdtempSync(join(tmpdir(), "whatapctl-manager-"))
    try {
      mkdirSync(join(dir, "app"))
      copyFileSync(bundle, join(dir, "app", "whatapctl.mjs"))
      cpSync(join(repoRoot, chunksOut), join(dir, "app", "chunks"), { recursive: true })
      copyFileSync(join(repoRoot, words[0] ?? ""), join(dir, "manager"))
      const manager = (...args: Array<string>) =>
        spawnSync(process.execPath, [join(dir, "manager"), ...args], { cwd: dir, encoding: "utf8", timeout: 30_000, env: { PATH: "/nonexistent" } })
      const help = manager("--help")
      assert.strictEqual(help.status, 0, help.stderr)
      assert.include(help.stdout, "Usage: whatapctl run")
      const missing = join(dir, "missing-kubeconfig")
      const goArgs = manager("--leader-elect", "--metrics-bind-address=127.0.0.1:0", "--health-probe-bind-address=127.0.0.1:0", "--kubeconfig", missing)
      assert.notStrictEqual(goArgs.status, 0)
      assert.include(goArgs.stdout + goArgs.stderr, missing, "it got past the flags to the kubeconfig")
      assert.notMatch(goArgs.stderr, /unknown flag|needs a value/)
      // the Go operator's command with this chart's args (an upgrade that merged the two)
      const chartArgs = manager("run", "--leader-elect=true", "--health-probe-bind-address=127.0.0.1:0", "--kubeconfig", missing)
      assert.notStrictEqual(chartArgs.status, 0)
      assert.include(chartArgs.stdout + chartArgs.stderr, missing, "it got past the flags to the kubeconfig")
      assert.notMatch(chartArgs.stderr, /unknown|unexpected argument/)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it("starts on the pinned Node.js 24 with nothing but the bundle in its directory", () => {
    assert.strictEqual(process.version, `v${pinnedNode}`)
    const dir = mkdtempSync(join(tmpdir(), "whatapctl-image-"))
    try {
      // An ancestor's node_modules would resolve what the image cannot.
      for (let d = dir; d !== dirname(d); d = dirname(d)) assert.isFalse(existsSync(join(dirname(d), "node_modules")), dirname(d))
      copyFileSync(bundle, join(dir, "whatapctl.mjs"))
      cpSync(join(repoRoot, chunksOut), join(dir, "chunks"), { recursive: true })
      const node = (...args: Array<string>) =>
        spawnSync(process.execPath, [join(dir, "whatapctl.mjs"), ...args], { cwd: dir, encoding: "utf8", timeout: 30_000, env: { PATH: "/nonexistent" } })
      const version = node("version")
      assert.strictEqual(version.status, 0, version.stderr)
      assert.include(version.stdout, `whatapctl ${cli.version}\n`)
      assert.include(version.stdout, `node: v${pinnedNode}\n`)
      // `run` (the image's real command) loads the operator and its Kubernetes client; it
      // then stops at the missing kubeconfig, not at a missing module.
      const operator = node("run", "--kubeconfig", join(dir, "missing-kubeconfig"))
      assert.notStrictEqual(operator.status, 0)
      assert.include(operator.stdout + operator.stderr, join(dir, "missing-kubeconfig"))
      assert.notMatch(operator.stdout + operator.stderr, /Cannot find (module|package)|ERR_MODULE_NOT_FOUND/)
      assert.deepStrictEqual(readdirSync(dir).sort(), ["chunks", "whatapctl.mjs"])
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it("imports nothing but Node built-ins (there is no node_modules in the image)", () => {
    // esbuild's own record of every output file and each import it left in it.
    const meta = JSON.parse(readFileSync(join(repoRoot, "packages/cli", metaFile), "utf8")) as {
      readonly outputs: Record<string, { readonly imports: ReadonlyArray<{ readonly path: string; readonly external?: boolean }> }>
    }
    const outputs = Object.keys(meta.outputs).sort()
    const onDisk = [bundleOut, ...readdirSync(join(repoRoot, chunksOut)).map((f) => posix.join(chunksOut, f))]
      .map((p) => posix.relative("packages/cli", p)).sort()
    assert.deepStrictEqual(outputs, onDisk, "the metafile describes the files the build wrote")
    const specs = Object.values(meta.outputs).flatMap((o) => o.imports.filter((i) => i.external === true).map((i) => i.path))
    assert.includeMembers(specs, ["node:fs", "node:http2", "node:tls"])
    const external = [...new Set(specs.filter((spec) => !isBuiltin(spec)))].sort()
    assert.deepStrictEqual(external, optionalRequires)
  })
})

/**
 * `crds`, `version`, help and the command tree's usage errors, through the real bin.
 */
import { spawnSync } from "node:child_process"
import { existsSync, readFileSync } from "node:fs"
import { assert, describe, it } from "@effect/vitest"
import { Crd, Resource } from "@whatap-operator/core"
import { commands } from "../src/Cli.ts"
import { repoRoot, run } from "./support/run.ts"

describe("crds", () => {
  it("is byte-identical to deploy/crds/*.yaml joined in generateAll order", () => {
    const expected = Resource.kinds.map((kind) => readFileSync(`${repoRoot}deploy/crds/${Crd.fileName(kind)}`, "utf8")).join("---\n")
    const r = run(["crds"])
    assert.strictEqual(r.status, 0)
    assert.strictEqual(r.stdout, expected)
    assert.strictEqual(r.stdout.split(/^---$/m).length, 4)
  })

  it("a reader that stops early gets no EPIPE stack trace", () => {
    const cmd = `"${repoRoot}node_modules/node/bin/node" "${repoRoot}node_modules/.bin/whatapctl" crds | head -n 1`
    const r = spawnSync("sh", ["-c", cmd], { encoding: "utf8" })
    assert.strictEqual(r.stdout, "apiVersion: apiextensions.k8s.io/v1\n")
    assert.strictEqual(r.stderr, "")
  })

  it("a reader that stops early leaves the exit code what the check found (set -o pipefail in CI)", () => {
    const file = `${repoRoot}packages/core/test/fixtures/invalid-types.yaml`
    const many = Array.from({ length: 300 }, () => readFileSync(file, "utf8")).join("\n---\n")
    for (const args of ["validate -", "validate -o json -"]) {
      const cmd = `"${repoRoot}node_modules/node/bin/node" "${repoRoot}node_modules/.bin/whatapctl" ${args} | head -n 1 > /dev/null; echo "exit \${PIPESTATUS[0]}"`
      for (let i = 0; i < 3; i++) {
        const r = spawnSync("bash", ["-c", cmd], { encoding: "utf8", input: many })
        assert.strictEqual(r.stdout, "exit 1\n", `${args}: ${r.stderr}`)
        assert.notInclude(r.stderr, "EPIPE")
      }
    }
  }, 60_000)

  it.skipIf(!existsSync("/dev/full"))("a full disk is one line on stderr and exit 2, no stack trace", () => {
    const cmd = `"${repoRoot}node_modules/node/bin/node" "${repoRoot}node_modules/.bin/whatapctl" crds > /dev/full`
    const r = spawnSync("sh", ["-c", cmd], { encoding: "utf8" })
    assert.strictEqual(r.status, 2)
    assert.strictEqual(r.stderr, "whatapctl: cannot write output: ENOSPC: no space left on device, write\n")
  })
})

describe("version", () => {
  const pkg = JSON.parse(readFileSync(`${repoRoot}packages/cli/package.json`, "utf8")) as { version: string }

  it("text names the CLI, schema and default images", () => {
    const r = run(["version"])
    assert.strictEqual(r.status, 0)
    assert.include(r.stdout, `whatapctl ${pkg.version}\n`)
    assert.include(r.stdout, `schema: ${Resource.apiVersion}\n`)
    for (const image of ["public.ecr.aws/whatap/kube_agent:latest", "public.ecr.aws/whatap/open_agent:latest", "public.ecr.aws/whatap/dcgm-exporter:4.6.0-4.8.3-distroless", "nvcr.io/nvidia/cloud-native/dcgm:4.6.0-1-ubuntu24.04"]) {
      assert.include(r.stdout, image)
    }
    assert.include(r.stdout, "apm init          public.ecr.aws/whatap/apm-init-<language>:latest (java, python, nodejs, php, dotnet, golang)\n")
  })

  it("-o json", () => {
    const r = run(["version", "-o", "json"])
    assert.strictEqual(r.status, 0)
    const v = JSON.parse(r.stdout) as { version: string; schema: string; images: Record<string, string> }
    assert.strictEqual(v.version, pkg.version)
    assert.strictEqual(v.schema, "monitoring.whatap.com/v2alpha1")
    assert.strictEqual(v.images["dcgmHostEngine"], "nvcr.io/nvidia/cloud-native/dcgm:4.6.0-1-ubuntu24.04")
    assert.strictEqual((v as unknown as { apmInitImages: Record<string, string> }).apmInitImages["golang"], "public.ecr.aws/whatap/apm-init-golang:latest")
  })

  it("works as the kubectl plugin binary and via --version", () => {
    assert.include(run(["version"], { bin: "kubectl-whatap" }).stdout, "whatapctl ")
    assert.include(run(["--version"]).stdout, "schema: ")
  })
})

describe("command tree", () => {
  it("help is exit 0 on stdout", () => {
    for (const args of [["--help"], ["help"], ["validate", "--help"], ["help", "selector", "match"]]) {
      const r = run(args)
      assert.strictEqual(r.status, 0, args.join(" "))
      assert.include(r.stdout, "Usage: whatapctl")
      assert.strictEqual(r.stderr, "")
    }
  })

  it("every command's help shows at least one example that starts with whatapctl and the command", () => {
    for (const command of commands) {
      const r = run([...command.path, "--help"])
      assert.strictEqual(r.status, 0, command.path.join(" "))
      const examples = r.stdout.split("\nExamples:\n")[1] ?? assert.fail(`${command.path.join(" ")} --help has no examples`)
      assert.match(examples, new RegExp(`^  whatapctl ${command.path.join(" ")}( |$)`, "m"), command.path.join(" "))
    }
  })

  it("a command group's help lists its subcommands, however it is asked for", () => {
    for (const args of [["help", "selector"], ["selector", "--help"], ["selector", "-h"]]) {
      const r = run(args)
      assert.strictEqual(r.status, 0, args.join(" "))
      assert.strictEqual(r.stdout, [
        "Usage: whatapctl selector SUBCOMMAND [flags]",
        "",
        "Subcommands:",
        "  selector match  Check whether a label selector matches a set of labels",
        "",
        "Run 'whatapctl selector SUBCOMMAND --help' for the flags of a subcommand.",
        ""
      ].join("\n"), args.join(" "))
    }
    assert.include(run(["gpu", "--help"]).stdout, "  gpu inspect  ")
    assert.strictEqual(run(["selector"]).stderr, "whatapctl: selector needs a subcommand: selector match\nRun 'whatapctl selector --help' for usage.\n")
    const unknown = run(["gpu", "foo"])
    assert.strictEqual(unknown.status, 2)
    assert.strictEqual(unknown.stderr, "whatapctl: unknown command \"gpu foo\"; gpu has: gpu inspect\nRun 'whatapctl gpu --help' for usage.\n")
  })

  it("help on an unknown topic is a usage error, not the general help", () => {
    for (const args of [["help", "frobnicate"], ["help", "selector", "frobnicate"], ["--help", "frobnicate"], ["help", "render", "extra"]]) {
      const r = run(args)
      assert.strictEqual(r.status, 2, args.join(" "))
      assert.strictEqual(r.stdout, "")
      assert.strictEqual(r.stderr, `whatapctl: unknown help topic ${JSON.stringify(args.slice(1).join(" "))}\nRun 'whatapctl --help' for usage.\n`)
    }
    // a help flag among the words is no topic
    assert.strictEqual(run(["help", "--help"]).stdout, run(["help"]).stdout)
    assert.strictEqual(run(["help", "render", "--help"]).stdout, run(["render", "--help"]).stdout)
  })

  it("usage errors are exit 2 on stderr", () => {
    for (const args of [[], ["frobnicate"], ["version", "--bogus"], ["version", "extra"], ["crds", "x"], ["version", "-o"], ["selector"], ["gpu", "x"]]) {
      const r = run(args)
      assert.strictEqual(r.status, 2, args.join(" "))
      assert.strictEqual(r.stdout, "")
      assert.match(r.stderr, /^whatapctl: .+\nRun 'whatapctl .*--help' for usage\.\n$/)
    }
  })
})

/**
 * `whatapctl render` end to end through the real bin, the input side: license
 * redaction (and --show-secrets), invalid documents (exit 1 with validate's findings),
 * usage and I/O errors (exit 2).
 */
import { readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { assert, describe, it } from "@effect/vitest"
import { allOptions, documents, envValues, items, monitorSamples, render, samples } from "./support/render.ts"
import { fixture, repoRoot, run, scratchDir } from "./support/run.ts"

describe("render: the license", () => {
  const cr = fixture("render/license-agent.yaml")
  const secret = "xyz-secret-123"

  it("is [redacted] without --show-secrets, in YAML and JSON, on stdout and stderr", () => {
    for (const format of ["yaml", "json"]) {
      const r = run(["render", "-o", format, "-f", cr])
      assert.strictEqual(r.status, 0, r.stderr)
      assert.notInclude(r.stdout + r.stderr, secret)
      assert.notInclude(r.stdout + r.stderr, "secret-123")
    }
  })

  it("stays a string: `value: \"[redacted]\"`, not a YAML flow sequence", () => {
    const values = envValues(documents(render(["-f", cr])), "WHATAP_LICENSE")
    assert.isAbove(values.length, 0)
    for (const v of values) assert.strictEqual(v, "[redacted]")
  })

  it("is printed with --show-secrets", () => {
    for (const format of ["yaml", "json"]) {
      const text = render(["-o", format, "--show-secrets", "-f", cr])
      const objects = format === "json" ? items(text) : documents(text)
      const values = envValues(objects, "WHATAP_LICENSE")
      assert.isAbove(values.length, 0)
      for (const v of values) assert.strictEqual(v, secret)
    }
  })

  it("one that JSON and YAML escape does not slip through in its escaped form", () => {
    const license = String.raw`Lic"en\se: #1`
    const stdin = readFileSync(`${repoRoot}${cr}`, "utf8").replace(`license: ${secret}`, `license: ${JSON.stringify(license)}`)
    for (const format of ["yaml", "json"]) {
      const r = run(["render", "-o", format, "-f", "-"], { stdin })
      assert.strictEqual(r.status, 0, r.stderr)
      for (const form of [license, JSON.stringify(license).slice(1, -1), "en\\se", "en\\\\se"]) assert.notInclude(r.stdout + r.stderr, form)
      const shown = run(["render", "-o", format, "--show-secrets", "-f", "-"], { stdin })
      const objects = format === "json" ? items(shown.stdout) : documents(shown.stdout)
      assert.include(envValues(objects, "WHATAP_LICENSE"), license)
    }
  })
})

describe("render: secrets besides spec.license", () => {
  const cr = fixture("render/env-secrets-agent.yaml")
  const secrets = ["lic-spec-111", "lic-env-222", "lic-java-333", "bearer-token-444"]

  it("license env values and bearer credentials are [redacted] in YAML and JSON; --show-secrets prints them", () => {
    for (const format of ["yaml", "json"]) {
      const r = run(["render", "-o", format, "-f", cr])
      assert.strictEqual(r.status, 0, r.stderr)
      for (const secret of secrets) assert.notInclude(r.stdout + r.stderr, secret, `${format}: ${secret}`)
      const shown = run(["render", "-o", format, "--show-secrets", "-f", cr])
      for (const secret of secrets) assert.include(shown.stdout, secret, `${format} --show-secrets: ${secret}`)
    }
    const values = envValues(documents(render(["-f", cr])), "license")
    assert.deepStrictEqual(values, ["[redacted]"])
  })

  it("a bearer credential that the scrape config quotes or escapes does not slip through, and the YAML stays whole", () => {
    const text = readFileSync(`${repoRoot}${cr}`, "utf8")
    for (const credential of ["tok\\t555", "tok\\u00e9\\a-555", "tok-555\\n"]) {
      const stdin = text.replace("credentials: bearer-token-444", `credentials: "${credential}"`)
      const r = run(["render", "-o", "json", "-f", "-"], { stdin })
      assert.strictEqual(r.status, 0, r.stderr)
      const config = (items(r.stdout) as ReadonlyArray<{ readonly kind?: string; readonly data?: Record<string, string> }>).find((o) => o.kind === "ConfigMap" && o.data?.["scrape_config.yaml"] !== undefined)
      const scrape = config?.data?.["scrape_config.yaml"] ?? ""
      assert.include(scrape, "credentials: '[redacted]'", credential)
      assert.notInclude(r.stdout, "555", credential)
    }
  })

  it("render --diff does not print them either", () => {
    const r = run(["render", "--diff", fixture("render/license-agent.yaml"), cr])
    assert.strictEqual(r.status, 1, r.stderr)
    for (const secret of [...secrets, "xyz-secret-123"]) assert.notInclude(r.stdout + r.stderr, secret)
  })
})

describe("render: invalid input (exit 1, findings on stderr, nothing on stdout)", () => {
  it("an unknown language and a lower-case selector operator, each at its FILE:LINE:COL", () => {
    const file = fixture("render/invalid-agent.yaml")
    const r = run(["render", "-f", file])
    assert.strictEqual(r.status, 1)
    assert.strictEqual(r.stdout, "")
    const lines = r.stderr.trimEnd().split("\n")
    assert.strictEqual(lines.length, 2)
    assert.match(lines[0] ?? "", new RegExp(`^${file}:15:13: error: spec\\.features\\.apm\\.instrumentation\\.targets\\[0\\]\\.language: unknown language "ruby"`))
    assert.match(lines[1] ?? "", new RegExp(`^${file}:23:19: error: .*matchExpressions\\[0\\]\\.operator: unsupported operator "in"`))
  })

  it("the findings are validate's, for every file, even next to a valid agent", () => {
    const monitors = fixture("render/invalid-monitor.yaml")
    const r = run(["render", "-f", allOptions, "-f", monitors])
    assert.strictEqual(r.status, 1)
    assert.strictEqual(r.stdout, "")
    assert.strictEqual(r.stderr, `${monitors}:24:7: error: spec.endpoints[0].port: expected string, got number 70000\n`)
  })

  it("a YAML syntax error", () => {
    const r = run(["render", "-f", fixture("syntax-error.yaml")])
    assert.strictEqual(r.status, 1)
    assert.strictEqual(r.stdout, "")
    assert.match(r.stderr, /^packages\/cli\/test\/fixtures\/syntax-error\.yaml:\d+:\d+: error: invalid YAML: /)
  })
})

describe("render: usage and I/O errors (exit 2, one message, nothing on stdout)", () => {
  const dir = scratchDir("whatapctl-render-")
  const usage = (args: ReadonlyArray<string>, message: RegExp, stdin?: string) => {
    const r = run(["render", ...args], stdin === undefined ? {} : { stdin })
    assert.strictEqual(r.status, 2, args.join(" "))
    assert.strictEqual(r.stdout, "")
    assert.match(r.stderr, message, args.join(" "))
  }

  it("no WhatapAgent, or two", () => {
    const help = "\nRun 'whatapctl render --help' for usage\\.\n$"
    usage(["-f", monitorSamples[0] ?? ""], new RegExp(`^whatapctl: expected exactly one WhatapAgent in ${monitorSamples[0] ?? ""}, found 0${help}`))
    usage(["-f", allOptions, "-f", `${samples}/whatap-agent-basic.yaml`], new RegExp(`^whatapctl: expected exactly one WhatapAgent in ${allOptions}, ${samples}/whatap-agent-basic.yaml, found 2${help}`))
    usage(["-f", allOptions, "-f", "-"], /found 2/, readFileSync(`${repoRoot}${allOptions}`, "utf8"))
    usage(["-f", "-"], /found 0/, "")
    // stdin named twice is its bytes twice, as a file named twice
    usage(["-f", "-", "-f", "-"], /^whatapctl: expected exactly one WhatapAgent in <stdin>, <stdin>, found 2/, readFileSync(`${repoRoot}${allOptions}`, "utf8"))
  })

  it("findings in stdin are named <stdin>, as validate, inject and explain name it", () => {
    const stdin = "apiVersion: monitoring.whatap.com/v2alpha1\nkind: WhatapAgent\nmetadata: {name: whatap}\nspec: {features: {apm: {instrumentation: {enabled: true, targets: [{name: a, enabled: true, language: jav}]}}}}\n"
    const r = run(["render", "-f", "-"], { stdin })
    assert.strictEqual(r.status, 1)
    assert.match(r.stderr, /^<stdin>:4:\d+: error: spec\.features\.apm\.instrumentation\.targets\[0\]\.language: unknown language "jav"/)
  })

  it("invalid UTF-8 is refused with its place (exit 2); a UTF-16 file with a BOM reads as validate reads it", () => {
    const text = readFileSync(`${repoRoot}${allOptions}`, "utf8")
    const bad = join(dir, "bad.yaml")
    writeFileSync(bad, Buffer.concat([Buffer.from(text), Buffer.from([0xff, 0xfe]), Buffer.from("\n")]))
    usage(["-f", bad], new RegExp(`^whatapctl: cannot read ${bad}: invalid UTF-8 at line \\d+, column \\d+: save the file as UTF-8`))
    const wide = join(dir, "utf16.yaml")
    writeFileSync(wide, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]))
    const r = run(["render", "-f", wide])
    assert.strictEqual(r.status, 0, r.stderr)
    assert.strictEqual(r.stdout, render(["-f", allOptions]))
    // a surrogate without its pair is refused like invalid UTF-8, not read as U+FFFD
    const lone = join(dir, "lone.yaml")
    writeFileSync(lone, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le"), Buffer.from([0x00, 0xd8, 0x0a, 0x00])]))
    usage(["-f", lone], new RegExp(`^whatapctl: cannot read ${lone}: invalid UTF-16LE at line \\d+, column \\d+: save the file as UTF-8`))
  })

  it("invalid UTF-8 after the first block read (1 MiB) names its own line", () => {
    const text = readFileSync(`${repoRoot}${allOptions}`, "utf8")
    const padding = "# padding\n".repeat(120_000)
    const bad = join(dir, "late.yaml")
    writeFileSync(bad, Buffer.concat([Buffer.from(text + padding), Buffer.from("# "), Buffer.from([0xff]), Buffer.from("\n")]))
    const line = text.split("\n").length + 120_000
    usage(["-f", bad], new RegExp(`^whatapctl: cannot read ${bad}: invalid UTF-8 at line ${line}, column 3: save the file as UTF-8`))
  })

  it("reading stops at the first invalid byte: an endless input of random bytes is refused for its encoding, not read to the size cap", () => {
    const r = run(["render", "-f", "/dev/urandom"], { timeoutMs: 10_000 })
    assert.isFalse(r.timedOut)
    assert.strictEqual(r.status, 2)
    assert.match(r.stderr, /^whatapctl: cannot read \/dev\/urandom: invalid UTF-(8|16LE|16BE|32LE|32BE) at line \d+, column \d+: save the file as UTF-8/)
  })

  it("an error naming a path with control characters in it prints them as escapes", () => {
    const r = run(["render", "-f", "no\u001b[2Jsuch.yaml"])
    assert.strictEqual(r.status, 2)
    assert.strictEqual(r.stderr, "whatapctl: cannot read no\\u001b[2Jsuch.yaml: no such file or directory\n")
  })

  it("a missing file is one line, even next to a valid one", () => {
    const missing = fixture("render/no-such-file.yaml")
    for (const args of [["-f", missing], ["-f", allOptions, "-f", missing]]) {
      usage(args, new RegExp(`^whatapctl: cannot read ${missing}: no such file or directory\n$`))
    }
  })

  it("flags: no input, bad -o, a bad webhook URL or namespace, a missing value", () => {
    usage([], /^whatapctl: no input: give the WhatapAgent with -f FILE/)
    usage(["-f", allOptions, "-o", "xml"], /invalid value "xml" for --output: expected one of yaml, json/)
    for (const url of ["http://127.0.0.1:9443", "https://127.0.0.1:9443/x", "https://h?x=1", "127.0.0.1:9443"]) {
      usage(["-f", allOptions, "--webhook-url", url], /^whatapctl: invalid --webhook-url .*: expected https:\/\/HOST\[:PORT\] without a path\n/)
    }
    for (const ns of ["Other", "a_b", ""]) usage(["-f", allOptions, "-n", ns], /^whatapctl: invalid namespace /)
    usage(["-f"], /^whatapctl: flag -f needs a value\n/)
    usage(["-f", allOptions, "--show-secrets=yes"], /does not take a value/)
  })
})


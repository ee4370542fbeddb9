/**
 * `whatapctl validate` inputs and outputs at their edges: encodings (BOMs, UTF-16/32,
 * invalid UTF-8), stdin that is a directory, a closed stderr, findings written while the
 * input is still arriving, XML that an XML parser accepts whatever the names hold,
 * SARIF URIs, and machine formats that are exactly the JSON they claim to be.
 */
import { spawn, spawnSync } from "node:child_process"
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { assert, describe, it } from "@effect/vitest"
import { decoder } from "../src/commands/validate/Encoding.ts"
import { fixture, repoRoot, run } from "./support/run.ts"

const node = `${repoRoot}node_modules/node/bin/node`
const bin = `${repoRoot}node_modules/.bin/whatapctl`
const agent = "apiVersion: monitoring.whatap.com/v2alpha1\nkind: WhatapAgent\nmetadata:\n  name: x\nspec:\n  features: {}\n"
const expected = "<stdin>:4:3: warning: metadata.name: WhatapAgent is named \"x\"; APM injection only reads the WhatapAgent named \"whatap\", and the Go operator rejected any other name\n"

const utf16 = (text: string, littleEndian: boolean): Buffer => {
  const le = Buffer.from(text, "utf16le")
  return littleEndian ? le : Buffer.from(le).swap16()
}
const utf32 = (text: string, littleEndian: boolean): Buffer => {
  const points = [...text].map((c) => c.codePointAt(0) ?? 0)
  const out = Buffer.alloc(points.length * 4)
  points.forEach((p, i) => (littleEndian ? out.writeUInt32LE(p, i * 4) : out.writeUInt32BE(p, i * 4)))
  return out
}

const withStdin = (bytes: Buffer) => {
  const r = spawnSync(node, [bin, "validate", "-"], { cwd: repoRoot, input: bytes, encoding: "utf8", timeout: 30_000 })
  return { status: r.status, stdout: r.stdout, stderr: r.stderr }
}

describe("encodings", () => {
  const bom = "\uFEFF"
  const cases: ReadonlyArray<readonly [string, Buffer]> = [
    ["UTF-8 with a BOM", Buffer.from(bom + agent, "utf8")],
    ["UTF-16LE with a BOM (PowerShell's >)", utf16(bom + agent, true)],
    ["UTF-16BE with a BOM", utf16(bom + agent, false)],
    ["UTF-16LE without a BOM", utf16(agent, true)],
    ["UTF-32LE with a BOM", utf32(bom + agent, true)],
    ["UTF-32BE with a BOM", utf32(bom + agent, false)],
    ["UTF-32BE without a BOM", utf32(agent, false)]
  ]
  for (const [what, bytes] of cases) {
    it(`${what} is read, not skipped`, () => {
      const r = withStdin(bytes)
      assert.strictEqual(r.stdout, expected)
      assert.strictEqual(r.stderr, "whatapctl: 1 document checked: 0 errors, 1 warning\n")
    })
  }

  it("invalid UTF-8 is a finding where it is, and the next document is still read", () => {
    const r = withStdin(Buffer.concat([Buffer.from("a: b\nc: d"), Buffer.from([0xC3, 0x28]), Buffer.from(`\n---\n${agent}`)]))
    assert.strictEqual(r.status, 1)
    assert.strictEqual(r.stdout, `<stdin>:2:5: error: invalid YAML: invalid UTF-8: save the file as UTF-8 (or UTF-16/UTF-32 with a byte order mark)\n${expected.replace(":4:3:", ":7:3:")}`)
  })

  it("the decoder gives the same text however the bytes are cut, and flags each invalid byte", () => {
    const text = "a: é€𝄞 ü\n".repeat(50)
    for (const [name, bytes] of [["utf-8", Buffer.from(text)], ["utf-16", utf16(bom + text, true)], ["utf-32", utf32(bom + text, false)]] as const) {
      for (const step of [1, 2, 3, 5, 7, 64]) {
        const d = decoder()
        let out = ""
        for (let i = 0; i < bytes.length; i += step) out += d.push(bytes.subarray(i, i + step)).text
        out += d.end().text
        assert.strictEqual(out, text, `${name} in steps of ${step}`)
      }
    }
    const d = decoder()
    const parts = [d.push(Buffer.from([0x61, 0xFF, 0x62, 0xE2, 0x82])), d.push(Buffer.from([0x41])), d.end()]
    assert.deepStrictEqual(parts.map((p) => [p.text, p.invalid]), [["a\uFFFDb", [1]], ["\uFFFD\uFFFDA", [3, 4]], ["", []]])
  })

  it("UTF-16: a surrogate without its pair, or an odd last byte, is flagged where it is, however the bytes are cut", () => {
    // BOM, "a", lone low, "b", high+low (U+1D11E), lone high, "c", then a lone high at the very end and an odd byte
    const units = [0xFEFF, 0x61, 0xDC00, 0x62, 0xD834, 0xDD1E, 0xD800, 0x63, 0xD801]
    const bytes = Buffer.concat([Buffer.from(Uint16Array.from(units).buffer), Buffer.from([0x41])])
    for (const step of [1, 2, 3, 4, 5, 64]) {
      const d = decoder()
      let text = ""
      const invalid: Array<number> = []
      const take = (p: { readonly text: string; readonly invalid: ReadonlyArray<number> }) => {
        text += p.text
        invalid.push(...p.invalid)
      }
      for (let i = 0; i < bytes.length; i += step) take(d.push(bytes.subarray(i, i + step)))
      take(d.end())
      assert.strictEqual(text, "a\uFFFDb\u{1D11E}\uFFFDc\uFFFD\uFFFD", `steps of ${step}`)
      assert.deepStrictEqual(invalid, [1, 5, 7, 8], `steps of ${step}`)
    }
  })
})

describe("inputs and outputs", () => {
  it("stdin that is a directory is exit 2, not an empty input", () => {
    const fd = openSync(join(repoRoot, "packages/cli/test/fixtures"), "r")
    const r = spawnSync(node, [bin, "validate", "-"], { cwd: repoRoot, stdio: [fd, "pipe", "pipe"], encoding: "utf8", timeout: 30_000 })
    closeSync(fd)
    assert.strictEqual(r.status, 2)
    assert.strictEqual(r.stderr, "whatapctl: cannot read stdin: is a directory\nwhatapctl: 0 documents checked: 0 errors, 0 warnings\n")
  })

  it("a closed stderr is no error: no stack trace, and the exit code is the verdict", async () => {
    const child = spawn(node, [bin, "validate", fixture("invalid.yaml")], { cwd: repoRoot, stdio: ["ignore", "pipe", "pipe"] })
    child.stderr.destroy()
    let stdout = ""
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => void (stdout += chunk))
    const timer = setTimeout(() => child.kill("SIGKILL"), 30_000)
    const status = await new Promise<number | null>((resolve) => child.on("close", resolve))
    clearTimeout(timer)
    assert.strictEqual(status, 1)
    assert.include(stdout, "unknown language \"jav\"")
    assert.notInclude(stdout, "    at ")
  })

  it("findings are written while the input is still arriving", async () => {
    const child = spawn(node, [bin, "validate", "-"], { cwd: repoRoot, stdio: ["pipe", "pipe", "pipe"] })
    const timer = setTimeout(() => child.kill("SIGKILL"), 30_000)
    const first = await new Promise<string>((resolve) => {
      child.stdout.setEncoding("utf8").once("data", resolve)
      // a document, then the start of the next one: the first can be reported already
      child.stdin.write(`${agent}---\n${agent}`.repeat(3000))
    })
    child.stdin.end()
    await new Promise((resolve) => child.on("close", resolve))
    clearTimeout(timer)
    assert.match(first, /^<stdin>:4:3: warning: metadata\.name:/)
  })

  it("a slow input gets its findings as soon as each document is complete, not when 64 KiB of output have gathered", async () => {
    const child = spawn(node, [bin, "validate", "-"], { cwd: repoRoot, stdio: ["pipe", "pipe", "pipe"] })
    const first = await new Promise<string>((resolve) => {
      const timer = setTimeout(() => resolve("(nothing within 10 s while stdin stayed open)"), 10_000)
      child.stdout.setEncoding("utf8").once("data", (data: string) => {
        clearTimeout(timer)
        resolve(data)
      })
      // one document and the separator after it; the input then pauses
      child.stdin.write(`${agent}---\n`)
    })
    child.stdin.end()
    await new Promise((resolve) => child.on("close", resolve))
    assert.match(first, /^<stdin>:4:3: warning: metadata\.name:/)
  }, 30_000)

  it("-o json and -o sarif are exactly JSON.stringify(value, null, 2) of what they hold", () => {
    for (const format of ["json", "sarif"]) {
      const r = run(["validate", "-o", format, fixture("invalid.yaml"), fixture("multi.yaml"), fixture("valid.yaml")])
      assert.strictEqual(r.stdout, `${JSON.stringify(JSON.parse(r.stdout), null, 2)}\n`, format)
      const none = run(["validate", "-o", format, fixture("valid.yaml")])
      assert.strictEqual(none.stdout, `${JSON.stringify(JSON.parse(none.stdout), null, 2)}\n`, format)
    }
  })

  it("-o json, sarif and junit write the characters a terminal acts on (C1 CSI, bidi overrides) as escapes, values unchanged", () => {
    const stdin = "apiVersion: monitoring.whatap.com/v2alpha1\nkind: WhatapAgent\nmetadata:\n  name: \"a\\u009b31mX\\u202e\"\nspec:\n  features: {}\n"
    const raw = /[\u007F-\u009F\u2028\u2029\u202A-\u202E\u2066-\u2069]/
    for (const format of ["json", "sarif", "junit"]) {
      const r = run(["validate", "-o", format, "-"], { stdin })
      assert.notMatch(r.stdout, raw, format)
      assert.isAbove(r.stdout.length, 0, format)
    }
    const rows = JSON.parse(run(["validate", "-o", "json", "-"], { stdin }).stdout) as ReadonlyArray<{ readonly name: string }>
    assert.strictEqual(rows[0]?.name, "a\u009b31mX\u202e")
    assert.include(run(["validate", "-o", "junit", "-"], { stdin }).stdout, "a&#x9b;31mX&#x202e;")
  })

  it("SARIF uris are percent-encoded URI references (file: URIs for absolute paths)", () => {
    const dir = mkdtempSync(join(tmpdir(), "whatapctl-uri-"))
    const sub = join(dir, "a dir#1")
    mkdirSync(sub)
    const file = join(sub, "50%é.yaml")
    writeFileSync(file, agent.replace("name: x", "name: whatap").replace("features: {}", "features: {}\n  nope: 1"))
    const r = run(["validate", "-o", "sarif", file])
    rmSync(dir, { recursive: true, force: true })
    const log = JSON.parse(r.stdout) as { runs: ReadonlyArray<{ results: ReadonlyArray<{ locations: ReadonlyArray<{ physicalLocation: { artifactLocation: { uri: string } } }> }> }> }
    const uri = log.runs[0]?.results[0]?.locations[0]?.physicalLocation.artifactLocation.uri ?? ""
    assert.strictEqual(uri, `file://${dir.split("/").map(encodeURIComponent).join("/")}/a%20dir%231/50%25%C3%A9.yaml`)
    assert.strictEqual(decodeURIComponent(new URL(uri).pathname), file)
  })
})

const python = spawnSync("python3", ["--version"]).status === 0

describe("-o junit", () => {
  // an XML parser (expat) is the judge of well-formedness, not the code that escapes
  it.skipIf(!python)("is well-formed XML whatever the names and messages hold", () => {
    const nasty = "\\uFFFE\\uFFFF\\uD800<&>\\\"'\\u0001\\e\\u0085]]>"
    const stdin = `apiVersion: monitoring.whatap.com/v2alpha1\nkind: WhatapPodMonitor\nmetadata:\n  name: "${nasty}"\n  namespace: "${nasty}"\nspec:\n  "${nasty}": 1\n  selector: {matchLabels: {"${nasty}": x}}\n`
    const r = run(["validate", "-o", "junit", "-"], { stdin })
    assert.strictEqual(r.status, 1)
    const check = spawnSync("python3", ["-c", "import sys, xml.dom.minidom as m; d = m.parseString(sys.stdin.buffer.read()); print(len(d.getElementsByTagName('failure')))"], { input: r.stdout, encoding: "utf8" })
    assert.strictEqual(check.stderr, "")
    assert.strictEqual(check.stdout, "1\n")
  })
})

/**
 * `whatapctl gpu inspect` through the real bin: saved nvidia-smi output (the real H100
 * capture and the constructed MIG documents of packages/gpu/test/fixtures, used from
 * there so there is one copy), a stand-in nvidia-smi on PATH, no nvidia-smi at all (as
 * on this machine), unreadable output and usage errors. Expected reports are in
 * test/fixtures/gpu (`UPDATE_GOLDEN=1` rewrites them; review the diff).
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { assert, describe, it } from "@effect/vitest"
import { fixture, isolatedEnv, repoRoot, run, scratchDir } from "./support/run.ts"

const smi = (name: string): string => `packages/gpu/test/fixtures/${name}`

const golden = (name: string, actual: string): void => {
  const file = `${repoRoot}${fixture(`gpu/${name}`)}`
  if (process.env["UPDATE_GOLDEN"] === "1") writeFileSync(file, actual)
  assert.isTrue(existsSync(file), `${name} is missing; run with UPDATE_GOLDEN=1 and review it`)
  assert.strictEqual(actual, readFileSync(file, "utf8"), `${name} differs; rerun with UPDATE_GOLDEN=1 and review the diff`)
}

const bin = scratchDir("fake-nvidia-smi-")
const empty = scratchDir("no-nvidia-smi-")

describe("gpu inspect with saved nvidia-smi output", () => {
  it("the real H100 (MIG off): GPU, memory, MIG state and the default recommendation", () => {
    const r = run(["gpu", "inspect", "--nvidia-smi-xml", smi("h100-80gb-hbm3-no-mig.xml")])
    assert.strictEqual(r.stderr, "")
    assert.strictEqual(r.status, 0)
    golden("inspect-h100-no-mig.txt", r.stdout)
  })

  it("MIG single (constructed) with -lgi: every MIG device with its profile; utilization fields left out", () => {
    const r = run(["gpu", "inspect", "--nvidia-smi-xml", smi("constructed-h100-mig-single.xml"), "--mig-lgi", smi("constructed-h100-mig-single-lgi.txt")])
    assert.strictEqual(r.status, 0, r.stderr)
    assert.include(r.stdout, "  MIG:     enabled, 7 MIG devices\n    MIG 0  GI 7   CI 0  1g.10gb  5120 of 9984 MiB used  16 SMs\n")
    assert.include(r.stdout, "metrics:      the default list without DCGM_FI_DEV_GPU_UTIL, DCGM_FI_DEV_MEM_COPY_UTIL (44 fields)")
    golden("inspect-constructed-mig-single.txt", r.stdout)
  })

  it("MIG mixed (constructed), -o json: inventory, plan and node status", () => {
    const r = run(["gpu", "inspect", "--nvidia-smi-xml", smi("constructed-h100-mig-mixed.xml"), "--mig-lgi", smi("constructed-h100-mig-mixed-lgi.txt"), "-o", "json"])
    assert.strictEqual(r.status, 0, r.stderr)
    const out = JSON.parse(r.stdout) as {
      gpus: ReadonlyArray<{ mig: { current: string }; migDevices: ReadonlyArray<{ profile?: string }> }>
      plan: { layout: string; devices: string; hostEngine: string; removeFields: ReadonlyArray<string>; notes: ReadonlyArray<{ code: string }> }
      status: { gpus: number; layout: string; migDevices: ReadonlyArray<{ profile: string; count: number }> }
    }
    assert.deepStrictEqual(out.gpus.map((g) => g.mig.current), ["enabled", "disabled"])
    assert.deepStrictEqual(out.gpus[0]?.migDevices.map((d) => d.profile), ["3g.40gb", "2g.20gb", "1g.10gb"])
    assert.deepStrictEqual([out.plan.layout, out.plan.devices, out.plan.hostEngine, out.plan.removeFields], ["some", "f", "embedded", []])
    assert.deepStrictEqual(out.plan.notes.map((n) => n.code), ["mixed-utilization", "mixed-host-engine", "attribution-limits"])
    assert.deepStrictEqual([out.status.gpus, out.status.layout, out.status.migDevices.length], [2, "some", 3])
    golden("inspect-constructed-mig-mixed.json", r.stdout)
  })

  it("a saved document without -lgi: profiles unknown, and nvidia-smi is not run for them", () => {
    const r = run(["gpu", "inspect", "--nvidia-smi-xml", smi("constructed-h100-mig-mixed.xml")], { env: isolatedEnv({ PATH: empty }) })
    assert.strictEqual(r.status, 0, r.stderr)
    assert.strictEqual(r.stderr, "")
    assert.include(r.stdout, "    MIG 0  GI 2  CI 0  profile ?  30720 of 40448 MiB used  60 SMs\n")
  })

  it("reads stdin with -", () => {
    const r = run(["gpu", "inspect", "--nvidia-smi-xml", "-", "-o", "json"], { stdin: readFileSync(`${repoRoot}${smi("h100-80gb-hbm3-no-mig.xml")}`, "utf8") })
    assert.strictEqual(r.status, 0, r.stderr)
    assert.strictEqual((JSON.parse(r.stdout) as { gpus: ReadonlyArray<{ uuid: string }> }).gpus[0]?.uuid, "GPU-168062df-44cb-64c7-cc0b-89a08280ecf4")
  })
})

describe("gpu inspect with unreadable input", () => {
  const dir = scratchDir("gpu-inspect-")
  const real = readFileSync(`${repoRoot}${smi("h100-80gb-hbm3-no-mig.xml")}`, "utf8")
  const saved = (name: string, text: string): string => {
    writeFileSync(join(dir, name), text)
    return join(dir, name)
  }

  it("truncated output: exit 1, the message says where it ends and why", () => {
    const file = saved("cut.xml", real.slice(0, 5000))
    const r = run(["gpu", "inspect", "--nvidia-smi-xml", file])
    assert.strictEqual(r.status, 1)
    assert.strictEqual(r.stdout, "")
    assert.strictEqual(r.stderr, `whatapctl: ${file}: nvidia-smi -q -x: line 123:64: not well-formed XML: unclosed tag: clocks_event_reasons_counters_sw_therm_slowdown (the document ends early: truncated output?)\n`)
  })

  it("a missing element: exit 1, naming the file and the element's path", () => {
    const file = saved("no-uuid.xml", real.replace(/<uuid>[^<]*<\/uuid>/, ""))
    const r = run(["gpu", "inspect", "--nvidia-smi-xml", file])
    assert.strictEqual(r.status, 1)
    assert.strictEqual(r.stderr, `whatapctl: ${file}: nvidia-smi -q -x: nvidia_smi_log/gpu[0]/uuid: is missing\n`)
    const piped = run(["gpu", "inspect", "--nvidia-smi-xml", "-"], { stdin: real.replace(/<uuid>[^<]*<\/uuid>/, "") })
    assert.strictEqual(piped.stderr, "whatapctl: <stdin>: nvidia-smi -q -x: nvidia_smi_log/gpu[0]/uuid: is missing\n")
  })

  it("the text of nvidia-smi -q instead of its XML: the message says which to give", () => {
    const r = run(["gpu", "inspect", "--nvidia-smi-xml", saved("q.txt", "\n==============NVSMI LOG==============\n\nTimestamp : today\n")])
    assert.strictEqual(r.status, 1)
    assert.include(r.stderr, "(it printed \"==============NVSMI LOG==============\"; that is the text of nvidia-smi -q: give the XML of nvidia-smi -q -x)")
  })

  it("a garbled -lgi file: exit 1, naming the line", () => {
    const r = run(["gpu", "inspect", "--nvidia-smi-xml", smi("constructed-h100-mig-mixed.xml"), "--mig-lgi", smi("h100-80gb-hbm3-no-mig-lgip.txt")])
    assert.strictEqual(r.status, 1)
    assert.include(r.stderr, `whatapctl: ${smi("h100-80gb-hbm3-no-mig-lgip.txt")}: nvidia-smi mig -lgi: line 1: no "GPU instances:" table (this is the output of nvidia-smi mig -lgip, not of nvidia-smi mig -lgi)`)
  })

  it("a file that does not exist: exit 2", () => {
    const r = run(["gpu", "inspect", "--nvidia-smi-xml", join(dir, "absent.xml")])
    assert.strictEqual(r.status, 2)
    assert.include(r.stderr, "absent.xml: no such file or directory")
  })

  it("control characters in a saved document are printed as escapes in the text report", () => {
    const real = readFileSync(`${repoRoot}${smi("h100-80gb-hbm3-no-mig.xml")}`, "utf8")
    const hostile = join(dir, "c1.xml")
    writeFileSync(hostile, real.replace("<product_name>NVIDIA H100 80GB HBM3</product_name>", "<product_name>NVIDIA \u009b2J\u0085H100</product_name>"))
    const r = run(["gpu", "inspect", "--nvidia-smi-xml", hostile])
    assert.strictEqual(r.status, 0, r.stderr)
    assert.include(r.stdout, "GPU 0: NVIDIA \\u009b2J\\u0085H100\n")
    assert.notMatch(r.stdout, /[\u0080-\u009f]/)
  })

  it("an endless input stops being read at the document bound: exit 2, not a process that grows until it dies", () => {
    const r = run(["gpu", "inspect", "--nvidia-smi-xml", "/dev/zero"], { timeoutMs: 60_000 })
    assert.isFalse(r.timedOut)
    assert.strictEqual(r.status, 2)
    assert.strictEqual(r.stderr, "whatapctl: cannot read /dev/zero: it is longer than 16 MiB, more than this command reads from one input\n")
  }, 90_000)

  it("invalid UTF-8 is refused with its place (exit 2), not read with U+FFFD in it", () => {
    const real = readFileSync(`${repoRoot}${smi("h100-80gb-hbm3-no-mig.xml")}`)
    const bad = join(dir, "bad.xml")
    const eol = real.indexOf(0x0a) + 1
    writeFileSync(bad, Buffer.concat([real.subarray(0, eol), Buffer.from([0xc3, 0x28]), real.subarray(eol)]))
    const r = run(["gpu", "inspect", "--nvidia-smi-xml", bad])
    assert.strictEqual(r.status, 2)
    assert.strictEqual(r.stdout, "")
    assert.match(r.stderr, new RegExp(`^whatapctl: cannot read ${bad}: invalid UTF-8 at line 2, column 1: save the file as UTF-8`))
  })
})

/** An environment whose PATH finds a stand-in `nvidia-smi` running `script` (sh). */
const fakeSmi = (name: string, script: string): NodeJS.ProcessEnv => {
  const folder = join(bin, name)
  mkdirSync(folder)
  writeFileSync(join(folder, "nvidia-smi"), `#!/bin/sh\n${script}\n`)
  chmodSync(join(folder, "nvidia-smi"), 0o755)
  return isolatedEnv({ PATH: `${folder}:/usr/bin:/bin` })
}

const mixedXml = `${repoRoot}${smi("constructed-h100-mig-mixed.xml")}`
const mixedLgi = `${repoRoot}${smi("constructed-h100-mig-mixed-lgi.txt")}`

describe("gpu inspect running nvidia-smi", () => {
  it("no nvidia-smi on PATH (as on this machine): exit 2 and a clear message", () => {
    const r = run(["gpu", "inspect"], { env: isolatedEnv({ PATH: empty }) })
    assert.strictEqual(r.status, 2)
    assert.strictEqual(r.stdout, "")
    assert.strictEqual(r.stderr, "whatapctl: nvidia-smi was not found on PATH: is the NVIDIA driver installed on this machine?\n" +
      "(give a saved `nvidia-smi -q -x` output with --nvidia-smi-xml FILE)\n")
  })

  it("runs nvidia-smi -q -x, and mig -lgi for the profiles when a GPU is in MIG mode", () => {
    const env = fakeSmi("ok", `case "$*" in\n  "-q -x") cat "${mixedXml}" ;;\n  "mig -lgi") cat "${mixedLgi}" ;;\n  *) exit 3 ;;\nesac`)
    const r = run(["gpu", "inspect"], { env })
    assert.strictEqual(r.status, 0, r.stderr)
    assert.strictEqual(r.stderr, "")
    const saved = run(["gpu", "inspect", "--nvidia-smi-xml", smi("constructed-h100-mig-mixed.xml"), "--mig-lgi", smi("constructed-h100-mig-mixed-lgi.txt")])
    assert.strictEqual(r.stdout, saved.stdout, "the same report as from the saved output")
  })

  it("mig -lgi failing: a warning, and the report without profile names", () => {
    const env = fakeSmi("nolgi", `case "$*" in\n  "-q -x") cat "${mixedXml}" ;;\n  *) echo "Insufficient Permissions" >&2; exit 4 ;;\nesac`)
    const r = run(["gpu", "inspect"], { env })
    assert.strictEqual(r.status, 0)
    assert.strictEqual(r.stderr, "whatapctl: warning: nvidia-smi mig -lgi failed (exit status 4): Insufficient Permissions; MIG profiles are not shown\n")
    assert.include(r.stdout, "profile ?")
  })

  it("nvidia-smi failing (no driver loaded): exit 2 with its own message", () => {
    const env = fakeSmi("nodriver", "echo \"NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver.\"\nexit 9")
    const r = run(["gpu", "inspect"], { env })
    assert.strictEqual(r.status, 2)
    assert.strictEqual(r.stderr, "whatapctl: nvidia-smi -q -x failed (exit status 9): NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver.\n")
  })
})

describe("gpu inspect usage", () => {
  const cases: ReadonlyArray<readonly [ReadonlyArray<string>, string]> = [
    [["gpu", "inspect", "extra"], "whatapctl: unexpected argument \"extra\"\nRun 'whatapctl gpu inspect --help' for usage.\n"],
    [["gpu", "inspect", "-o", "xml"], "whatapctl: invalid value \"xml\" for --output: expected one of text, json, yaml\n"],
    [["gpu", "inspect", "--nvidia-smi-xml", "-", "--mig-lgi", "-"], "whatapctl: only one of --nvidia-smi-xml and --mig-lgi can read stdin\n"],
    [["gpu"], "whatapctl: gpu needs a subcommand: gpu inspect\n"]
  ]
  for (const [args, message] of cases) {
    it(`${args.join(" ")}: exit 2`, () => {
      const r = run(args, { env: isolatedEnv({ PATH: empty }) })
      assert.strictEqual(r.status, 2)
      assert.strictEqual(r.stdout, "")
      assert.isTrue(r.stderr.startsWith(message), r.stderr)
    })
  }

  it("help lists the command and its flags", () => {
    assert.include(run(["help"]).stdout, "gpu inspect")
    const help = run(["gpu", "inspect", "--help"])
    assert.strictEqual(help.status, 0)
    for (const text of ["--nvidia-smi-xml FILE", "--mig-lgi FILE", "-o, --output text|json"]) assert.include(help.stdout, text)
  })
})

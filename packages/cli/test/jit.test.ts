/**
 * `whatapctl run --jit baseline` (Io.setJit): after it, V8 no longer optimizes a hot
 * function, even when asked to; with `optimizing` the same function is optimized. Every
 * other command (Io.tuneV8) runs without TurboFan but with Maglev. Each case runs in its
 * own Node process (`--allow-natives-syntax` to ask V8 for its status), as V8 flags are
 * per process.
 */
import { spawnSync } from "node:child_process"
import { fileURLToPath } from "node:url"
import { assert, describe, it } from "@effect/vitest"
import { type SizeOf, smallInputBytes, smallInputs } from "../src/Io.ts"

const io = fileURLToPath(new URL("../src/Io.ts", import.meta.url))

// %GetOptimizationStatus bit 4 (value 16): the function runs optimized code (Maglev or TurboFan).
const script = (mode: string) => `
const { setJit } = await import(${JSON.stringify(io)})
setJit(${JSON.stringify(mode)});
const add = (a, b) => a + b;
%PrepareFunctionForOptimization(add)
for (let i = 0; i < 1000; i++) add(i, 1);
%OptimizeFunctionOnNextCall(add)
add(1, 2);
process.stdout.write(String((%GetOptimizationStatus(add) & 16) !== 0))
`

const optimized = (mode: string): string => {
  const r = spawnSync(process.execPath, ["--allow-natives-syntax", "--input-type=module", "-e", script(mode)], { encoding: "utf8" })
  assert.strictEqual(r.status, 0, r.stderr)
  return r.stdout
}

// bits of %GetOptimizationStatus: 32 Maglev code, 64 TurboFan code
const tiers = (command: string, request: "OptimizeFunctionOnNextCall" | "OptimizeMaglevOnNextCall"): { maglev: boolean; turbofan: boolean } => {
  const code = `
const { tuneV8 } = await import(${JSON.stringify(io)})
tuneV8([${JSON.stringify(command)}]);
const add = (a, b) => a + b;
%PrepareFunctionForOptimization(add)
for (let i = 0; i < 1000; i++) add(i, 1);
%${request}(add)
add(1, 2);
process.stdout.write(String(%GetOptimizationStatus(add)))
`
  const r = spawnSync(process.execPath, ["--allow-natives-syntax", "--input-type=module", "-e", code], { encoding: "utf8" })
  assert.strictEqual(r.status, 0, r.stderr)
  const status = Number(r.stdout)
  return { maglev: (status & 32) !== 0, turbofan: (status & 64) !== 0 }
}

describe("short commands (tuneV8)", () => {
  it("validate and the other short commands run without TurboFan, with Maglev", () => {
    assert.isFalse(tiers("validate", "OptimizeFunctionOnNextCall").turbofan)
    assert.isTrue(tiers("validate", "OptimizeMaglevOnNextCall").maglev)
  })

  it("run keeps TurboFan (its --jit decides)", () => {
    assert.isTrue(tiers("run", "OptimizeFunctionOnNextCall").turbofan)
  })
})

describe("the small-heap mode (smallInputs)", () => {
  const files: Readonly<Record<string, number | "other">> = {
    "a.yaml": 1000,
    "b.yaml": smallInputBytes - 1000,
    "big.yaml": smallInputBytes + 1,
    dir: "other",
    "/dev/stdin": "other"
  }
  const size: SizeOf = (path) => files[path]

  it("validate of regular files holding the threshold or less together keeps the default heap", () => {
    assert.isTrue(smallInputs(["validate", "a.yaml"], size))
    assert.isTrue(smallInputs(["validate", "-o", "json", "a.yaml", "b.yaml"], size))
    // option values and missing files name nothing, so they are not inputs
    assert.isTrue(smallInputs(["validate", "--output=sarif", "missing.yaml", "a.yaml"], size))
  })

  it("more input, stdin, a directory or a device, or another command: the small heap", () => {
    assert.isFalse(smallInputs(["validate", "big.yaml"], size))
    assert.isFalse(smallInputs(["validate", "a.yaml", "b.yaml", "a.yaml"], size))
    assert.isFalse(smallInputs(["validate", "a.yaml", "-"], size))
    assert.isFalse(smallInputs(["validate", "dir"], size))
    assert.isFalse(smallInputs(["validate", "/dev/stdin"], size))
    assert.isFalse(smallInputs(["render", "a.yaml"], size))
  })
})

describe("run --jit", () => {
  it("optimizing leaves V8's optimizing compilers on", () => {
    assert.strictEqual(optimized("optimizing"), "true")
  })

  it("baseline turns them off for everything compiled after", () => {
    assert.strictEqual(optimized("baseline"), "false")
  })
})

/**
 * `whatapctl run --jit baseline` (Io.setJit): after it, V8 no longer optimizes a hot
 * function, even when asked to; with `optimizing` the same function is optimized. Each
 * case runs in its own Node process (`--allow-natives-syntax` to ask V8 for its status),
 * as V8 flags are per process.
 */
import { spawnSync } from "node:child_process"
import { fileURLToPath } from "node:url"
import { assert, describe, it } from "@effect/vitest"

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

describe("run --jit", () => {
  it("optimizing leaves V8's optimizing compilers on", () => {
    assert.strictEqual(optimized("optimizing"), "true")
  })

  it("baseline turns them off for everything compiled after", () => {
    assert.strictEqual(optimized("baseline"), "false")
  })
})

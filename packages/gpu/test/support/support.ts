/**
 * Shared pieces of the gpu tests: fixture text, golden files (`UPDATE_GOLDEN=1 npx vitest
 * run` rewrites them; review the diff), the error an effect fails with, and builders for
 * inventories and GPUs so table tests state only what they vary.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs"
import { assert } from "@effect/vitest"
import { Effect } from "effect"
import type { Gpu, Mig } from "../../src/index.ts"
import { fixturesDir } from "./construct.ts"

export const fixture = (name: string): string => readFileSync(new URL(name, fixturesDir), "utf8")

export const goldenDir = new URL("../golden/", import.meta.url)

/** Compares `actual` with `test/golden/<name>`; `UPDATE_GOLDEN=1` writes it first. */
export const expectGolden = (name: string, actual: string): void => {
  const file = new URL(name, goldenDir)
  if (process.env["UPDATE_GOLDEN"] === "1") {
    mkdirSync(goldenDir, { recursive: true })
    writeFileSync(file, actual)
  }
  assert.isTrue(existsSync(file), `golden ${name} is missing; run with UPDATE_GOLDEN=1 and review it`)
  assert.strictEqual(actual, readFileSync(file, "utf8"), `golden ${name} differs; rerun with UPDATE_GOLDEN=1 and review the diff`)
}

export const json = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`

/** The error `self` fails with; a success fails the test. */
export const failure = <A, E>(self: Effect.Effect<A, E>): Effect.Effect<E> =>
  Effect.flip(self).pipe(Effect.catchCause(() => Effect.die(new Error("expected a failure"))))

export const migDevice = (index: number, gpuInstanceId: number, profile?: string): Mig.MigDevice => ({
  index,
  gpuInstanceId,
  computeInstanceId: 0,
  ...(profile === undefined ? {} : { profile })
})

export const gpu = (index: number, overrides: Partial<Gpu.Gpu> = {}): Gpu.Gpu => ({
  index,
  name: "NVIDIA H100 80GB HBM3",
  uuid: `GPU-00000000-0000-0000-0000-0000000000${String(index).padStart(2, "0")}`,
  memoryTotalMiB: 81559,
  mig: { current: "disabled", pending: "disabled" },
  migDevices: [],
  ...overrides
})

export const migGpu = (index: number, profiles: ReadonlyArray<string>): Gpu.Gpu =>
  gpu(index, { mig: { current: "enabled", pending: "enabled" }, migDevices: profiles.map((p, i) => migDevice(i, i + 1, p)) })

export const inventory = (gpus: ReadonlyArray<Gpu.Gpu>): Gpu.Inventory => ({ driverVersion: "580.159.04", cudaVersion: "13.0", gpus })

/**
 * Truncated and mutated nvidia-smi output never crashes a reader: every input either
 * parses to a value of the schema or fails with an NvidiaSmiError that names the input
 * and a place. Inputs are the real H100 capture and its MIG tables, cut and altered by
 * fast-check, plus every cut at a line end (what a broken pipe leaves).
 */
import { assert, describe, it } from "@effect/vitest"
import { Cause, Effect, Exit, Schema } from "effect"
import fc from "fast-check"
import { Gpu, Mig, NvidiaSmi } from "../src/index.ts"
import { fixture } from "./support/support.ts"

const real = fixture("h100-80gb-hbm3-no-mig.xml")
const mixed = fixture("constructed-h100-mig-mixed.xml")
const lgip = fixture("h100-80gb-hbm3-no-mig-lgip.txt")
const lgi = fixture("constructed-h100x8-mig-mixed-lgi.txt")

/** Runs a reader; a defect (a throw escaping it) fails the test. */
const outcome = <A>(self: Effect.Effect<A, NvidiaSmi.NvidiaSmiError>): Exit.Exit<A, NvidiaSmi.NvidiaSmiError> => {
  const exit = Effect.runSyncExit(self)
  if (Exit.isFailure(exit) && Cause.hasDies(exit.cause)) assert.fail(`the reader died: ${Cause.pretty(exit.cause)}`)
  return exit
}

const expectError = (exit: Exit.Exit<unknown, NvidiaSmi.NvidiaSmiError>, input: NvidiaSmi.Input): NvidiaSmi.NvidiaSmiError => {
  if (Exit.isSuccess(exit)) return assert.fail("expected an NvidiaSmiError")
  const error = Cause.squash(exit.cause)
  assert.instanceOf(error, NvidiaSmi.NvidiaSmiError)
  if (!(error instanceof NvidiaSmi.NvidiaSmiError)) return assert.fail("unreachable")
  assert.strictEqual(error.input, input)
  assert.isTrue(error.message.startsWith(`${input}: ${error.at}: `), error.message)
  assert.isBelow(error.message.length, 400, "messages stay short whatever the input")
  return error
}

const isInventory = Schema.is(Gpu.Inventory)

/** Where the root element closes: any shorter prefix is not a whole document. */
const rootEnd = (text: string) => text.lastIndexOf("</nvidia_smi_log>") + "</nvidia_smi_log>".length

const lineEnds = (text: string): ReadonlyArray<number> => [...text.matchAll(/\n/g)].map((m) => m.index)

describe("nvidia-smi -q -x cut short", () => {
  it("every cut at a line end before the root closes is an error, never a crash", () => {
    for (const document of [real, mixed]) {
      for (const end of lineEnds(document).filter((at) => at < rootEnd(document))) {
        expectError(outcome(NvidiaSmi.parseXml(document.slice(0, end))), "nvidia-smi -q -x")
      }
    }
  })

  it("every cut anywhere is an error (fast-check)", () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: rootEnd(real) - 1 }), (end) => {
      const error = expectError(outcome(NvidiaSmi.parseXml(real.slice(0, end))), "nvidia-smi -q -x")
      assert.oneOf(error.reason, ["Empty", "Malformed"])
    }), { numRuns: 2000 })
  }, 60_000)
})

/** Leaf elements `<name>text</name>` of the document, with their offsets. */
const leaves = [...real.matchAll(/<(\w+)>[^<]*<\/\1>/g)].map((m) => ({ name: m[1] ?? "", start: m.index, end: m.index + m[0].length }))

/** Leaves the inventory cannot do without: removing one must fail and name it. */
const required = new Set(["driver_version", "product_name", "uuid", "current_mig", "pending_mig"])

describe("nvidia-smi -q -x with an element removed", () => {
  it("parses, or fails naming the removed element; required ones always fail as Missing", () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: leaves.length - 1 }), (i) => {
      const leaf = leaves[i]
      if (leaf === undefined) return
      const exit = outcome(NvidiaSmi.parseXml(real.slice(0, leaf.start) + real.slice(leaf.end)))
      if (Exit.isSuccess(exit)) {
        assert.isFalse(required.has(leaf.name), `removing <${leaf.name}> went unnoticed`)
        assert.isTrue(isInventory(exit.value))
        return
      }
      const error = expectError(exit, "nvidia-smi -q -x")
      assert.isTrue(error.at.endsWith(`/${leaf.name}`), `${error.at} names <${leaf.name}>`)
    }), { numRuns: 500 })
  })
})

/** Edits a byte-level fuzzer would make: drop a span, insert text, repeat a span. */
const mutation = fc.oneof(
  fc.record({ kind: fc.constant("delete" as const), at: fc.nat(), length: fc.integer({ min: 1, max: 200 }) }),
  fc.record({ kind: fc.constant("insert" as const), at: fc.nat(), text: fc.string({ maxLength: 20, unit: fc.constantFrom("<", ">", "/", "&", ";", "a", " ", "\"", "N/A", "MiB", "\u0000", "é", "]]>") }) }),
  fc.record({ kind: fc.constant("repeat" as const), at: fc.nat(), length: fc.integer({ min: 1, max: 400 }) })
)

type Mutation = typeof mutation extends fc.Arbitrary<infer M> ? M : never

const apply = (text: string, m: Mutation): string => {
  const at = m.at % (text.length + 1)
  switch (m.kind) {
    case "delete": return text.slice(0, at) + text.slice(at + m.length)
    case "insert": return text.slice(0, at) + m.text + text.slice(at)
    case "repeat": return text.slice(0, at + m.length) + text.slice(at)
  }
}

describe("nvidia-smi -q -x mutated", () => {
  it("parses to a valid inventory or fails with an NvidiaSmiError (fast-check)", () => {
    fc.assert(fc.property(fc.array(mutation, { minLength: 1, maxLength: 4 }), fc.boolean(), (mutations, useMixed) => {
      const text = mutations.reduce(apply, useMixed ? mixed : real)
      const exit = outcome(NvidiaSmi.parseXml(text))
      if (Exit.isSuccess(exit)) assert.isTrue(isInventory(exit.value))
      else expectError(exit, "nvidia-smi -q -x")
    }), { numRuns: 300 })
  }, 60_000)
})

const isProfiles = Schema.is(Schema.Array(Mig.GpuInstanceProfile))
const isInstances = Schema.is(Schema.Array(Mig.GpuInstance))

describe("nvidia-smi mig tables cut short or mutated", () => {
  it.effect("a cut -lgip or -lgi is an error or a prefix of the full list, never a crash", () =>
    Effect.gen(function*() {
      const allProfiles = yield* NvidiaSmi.parseGpuInstanceProfiles(lgip)
      const allInstances = yield* NvidiaSmi.parseGpuInstances(lgi)
      fc.assert(fc.property(fc.integer({ min: 0, max: lgip.length }), fc.integer({ min: 0, max: lgi.length }), (a, b) => {
        const profiles = outcome(NvidiaSmi.parseGpuInstanceProfiles(lgip.slice(0, a)))
        if (Exit.isSuccess(profiles)) assert.deepStrictEqual(profiles.value, allProfiles.slice(0, profiles.value.length))
        else expectError(profiles, "nvidia-smi mig -lgip")
        const instances = outcome(NvidiaSmi.parseGpuInstances(lgi.slice(0, b)))
        if (Exit.isSuccess(instances)) assert.deepStrictEqual(instances.value, allInstances.slice(0, instances.value.length))
        else expectError(instances, "nvidia-smi mig -lgi")
      }), { numRuns: 1000 })
    }))

  it("a mutated table parses to valid rows or fails with an NvidiaSmiError (fast-check)", () => {
    fc.assert(fc.property(fc.array(mutation, { minLength: 1, maxLength: 3 }), (mutations) => {
      const profiles = outcome(NvidiaSmi.parseGpuInstanceProfiles(mutations.reduce(apply, lgip)))
      if (Exit.isSuccess(profiles)) assert.isTrue(isProfiles(profiles.value))
      else expectError(profiles, "nvidia-smi mig -lgip")
      const instances = outcome(NvidiaSmi.parseGpuInstances(mutations.reduce(apply, lgi)))
      if (Exit.isSuccess(instances)) assert.isTrue(isInstances(instances.value))
      else expectError(instances, "nvidia-smi mig -lgi")
    }), { numRuns: 1000 })
  })
})

/**
 * The metrics CSV: the default list (spec 6.3, manifests/Helm variant, PSTATE once) as a
 * golden file that is byte for byte the ConfigMap the operator renders, and user
 * additions checked against the DCGM field table.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { Csv, DcgmField } from "../src/index.ts"
import { expectGolden, failure } from "./support/support.ts"

const addition = (field: string, type = "gauge", help = "Some help.") => ({ field, type, help })

describe("Csv defaults", () => {
  const fields = Csv.fields(Csv.defaults)

  it("render is the golden whatap-gpu.csv", () => {
    expectGolden("whatap-gpu.csv", Csv.render(Csv.defaults))
  })

  it("has the 46 fields of the manifests variant, DCGM_FI_DEV_PSTATE once, none twice", () => {
    assert.lengthOf(fields, 46)
    assert.strictEqual(fields.filter((f) => f === "DCGM_FI_DEV_PSTATE").length, 1)
    assert.strictEqual(new Set(fields).size, fields.length)
    for (const f of ["DCGM_FI_DEV_MIG_GI_INFO", "DCGM_FI_DEV_WEIGHTED_GPU_UTIL", "DCGM_FI_DEV_BAR1_USED", "DCGM_FI_PROF_PIPE_FP16_ACTIVE"]) assert.include(fields, f)
    for (const f of ["DCGM_FI_DEV_APP_SM_CLOCK", "DCGM_FI_DEV_APP_MEM_CLOCK", "DCGM_FI_DEV_ENFORCED_POWER_LIMIT"]) assert.notInclude(fields, f)
  })

  it("every default field is one dcgm-exporter resolves, and no two are the same DCGM field", () => {
    for (const f of fields) assert.isTrue(DcgmField.isKnown(f), f)
    const known = fields.flatMap((f) => {
      const field = DcgmField.lookup(f)
      return field._tag === "Some" ? [field.value] : []
    })
    for (const [i, a] of known.entries()) {
      for (const b of known.slice(i + 1)) assert.isFalse(DcgmField.sameField(a, b), `${a.name} ${b.name}`)
    }
  })

  it("every line is FIELD, type, help or a # comment; groups apart by one blank line", () => {
    const text = Csv.render(Csv.defaults)
    assert.isTrue(text.endsWith("\n") && !text.endsWith("\n\n"))
    for (const line of text.split("\n").filter((l) => l !== "" && !l.startsWith("#"))) {
      assert.match(line, /^DCGM_FI_[A-Z0-9_]+, (label|gauge|counter), [^,]+$/)
    }
  })

  it("without drops fields and the groups they empty", () => {
    const groups = Csv.without(Csv.defaults, ["DCGM_FI_DEV_ECC_SBE_AGG_TOTAL", "DCGM_FI_DEV_ECC_DBE_AGG_TOTAL", "DCGM_FI_DEV_GPU_UTIL"])
    assert.lengthOf(Csv.fields(groups), 43)
    assert.notInclude(groups.map((g) => g.title), "ECC errors")
    assert.notInclude(Csv.render(groups), "DCGM_FI_DEV_GPU_UTIL,")
  })
})

describe("Csv.withAdditions", () => {
  it.effect("appends valid additions under their own group, in the order given", () =>
    Effect.gen(function*() {
      const groups = yield* Csv.withAdditions(Csv.defaults, [
        addition("DCGM_FI_DEV_MEMORY_TEMP", "gauge", "Memory temperature (C)."),
        addition("DCGM_FI_DEV_XID_ERRORS", "gauge", "Last XID error."),
        addition("DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION", "counter", "Energy since boot (mJ)."),
        addition("DCGM_EXP_XID_ERRORS_COUNT", "counter", "XID errors in the last window.")
      ])
      assert.strictEqual(groups.length, Csv.defaults.length + 1)
      assert.isTrue(Csv.render(groups).endsWith(
        "# Additional fields\nDCGM_FI_DEV_MEMORY_TEMP, gauge, Memory temperature (C).\nDCGM_FI_DEV_XID_ERRORS, gauge, Last XID error.\n" +
          "DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION, counter, Energy since boot (mJ).\nDCGM_EXP_XID_ERRORS_COUNT, counter, XID errors in the last window.\n"
      ))
    }))

  it.effect("no additions: the list unchanged", () =>
    Effect.gen(function*() {
      assert.strictEqual(yield* Csv.withAdditions(Csv.defaults, []), Csv.defaults)
    }))

  it.effect("reports every problem at once, each with its index and reason", () =>
    Effect.gen(function*() {
      const error = yield* failure(Csv.withAdditions(Csv.defaults, [
        addition("DCGM_FI_DEV_MEMORY_TMP"),
        addition("DCGM_FI_DEV_GPU_TEMP"),
        addition("DCGM_FI_DEV_GPU_NAME", "label"),
        addition("DCGM_FI_DEV_MEMORY_TEMP", "gauge", "Memory, in C."),
        addition("DCGM_FI_DEV_POWER_VIOLATION", "counter", "Throttling (ns)."),
        addition("DCGM_FI_DEV_POWER_VIOLATION", "counter", "Again."),
        addition("NOT_A_FIELD_AT_ALL")
      ]))
      assert.strictEqual(error._tag, "CsvError")
      assert.deepStrictEqual(error.issues.map((i) => [i.index, i.reason]), [
        [0, "UnknownField"], [1, "Duplicate"], [2, "Duplicate"], [3, "InvalidHelp"], [5, "Duplicate"], [6, "UnknownField"]
      ])
      const messages = error.issues.map((i) => i.message)
      assert.include(messages[0], "did you mean DCGM_FI_DEV_MEMORY_TEMP?")
      assert.strictEqual(messages[1], "DCGM_FI_DEV_GPU_TEMP is already listed")
      assert.strictEqual(messages[2], "DCGM_FI_DEV_GPU_NAME is the same DCGM field (50) as DCGM_FI_DEV_NAME, already listed")
      assert.include(messages[3], "must not contain a comma")
      assert.include(messages[4], "already listed")
      assert.include(messages[5], "dcgm-exporter would refuse to start")
      assert.include(error.message, "additions[6]: unknown DCGM field \"NOT_A_FIELD_AT_ALL\"")
    }))

  it.effect("a type other than label, gauge or counter, or a missing help, is rejected by the schema", () =>
    Effect.gen(function*() {
      const histogram = yield* failure(Csv.withAdditions(Csv.defaults, [addition("DCGM_FI_DEV_MEMORY_TEMP", "histogram")]))
      assert.strictEqual(histogram.issues[0]?.reason, "InvalidType")
      assert.include(histogram.message, "\"label\" | \"gauge\" | \"counter\"")
      const noHelp = yield* failure(Csv.withAdditions(Csv.defaults, [{ field: "DCGM_FI_DEV_MEMORY_TEMP", type: "gauge" }]))
      assert.include(noHelp.message, "help")
      const notAList = yield* failure(Csv.withAdditions(Csv.defaults, { field: "DCGM_FI_DEV_MEMORY_TEMP" }))
      assert.strictEqual(notAList.issues[0]?.reason, "InvalidType")
    }))

  it.effect("empty or line-breaking help texts, and too many additions", () =>
    Effect.gen(function*() {
      const blank = yield* failure(Csv.withAdditions(Csv.defaults, [addition("DCGM_FI_DEV_MEMORY_TEMP", "gauge", "  ")]))
      assert.include(blank.issues[0]?.message, "help text is empty")
      const broken = yield* failure(Csv.withAdditions(Csv.defaults, [addition("DCGM_FI_DEV_MEMORY_TEMP", "gauge", "a\nDCGM_FI_DEV_GPU_UTIL, gauge, b")]))
      assert.strictEqual(broken.issues[0]?.reason, "InvalidHelp")
      // Go's encoding/csv stops the exporter at a bare double quote
      const quoted = yield* failure(Csv.withAdditions(Csv.defaults, [addition("DCGM_FI_DEV_MEMORY_TEMP", "gauge", "bw \"total")]))
      assert.include(quoted.issues[0]?.message, "double quote")
      const long = yield* failure(Csv.withAdditions(Csv.defaults, [addition(`DCGM_FI_${"X".repeat(100_000)}`)]))
      assert.isBelow(long.message.length, 400)
      const many = Array.from({ length: Csv.maxAdditions + 1 }, () => addition("DCGM_FI_DEV_MEMORY_TEMP"))
      assert.strictEqual((yield* failure(Csv.withAdditions(Csv.defaults, many))).issues[0]?.reason, "TooMany")
    }))
})

/**
 * The element tree of `nvidia-smi -q -x` to an `Inventory`. Only what the inventory needs
 * is read, so fields nvidia-smi adds in later DTD versions pass unnoticed; what it needs
 * and cannot find is reported by element path. Values nvidia-smi cannot read come as
 * `N/A` (or `[N/A]`, `Not Supported`, `[Unknown Error]`, `[GPU requires reset]`: any
 * bracketed text): for optional values that means absent, for a required one it is an
 * error naming the element.
 */
import { Result } from "effect"
import type * as Gpu from "../Gpu.ts"
import type * as Mig from "../Mig.ts"
import { integer, invalid, missing, quote, type Read } from "./Problem.ts"
import * as Xml from "./Xml.ts"

const unavailableWords = new Set(["N/A", "Not Supported", "Unknown Error", "Insufficient Permissions", "GPU is lost", ""])

/** What nvidia-smi writes for a value it could not read: one of its words, or any of them in brackets. */
const isUnavailable = (text: string): boolean => unavailableWords.has(text) || /^\[[^\]]*\]$/.test(text)

/** More than any node holds (8 or 16 in the largest servers): past it the input is not one node's report. */
export const maxGpus = 64

/** The element at `names` below `element`, or which step is missing. */
const find = (element: Xml.Element, at: string, names: ReadonlyArray<string>): Read<{ element: Xml.Element; at: string }> => {
  let current = element
  let path = at
  for (const name of names) {
    const next = Xml.child(current, name)
    path = `${path}/${name}`
    if (next === undefined) return missing(path)
    current = next
  }
  return Result.succeed({ element: current, at: path })
}

const requiredText = (element: Xml.Element, at: string, names: ReadonlyArray<string>): Read<string> =>
  Result.flatMap(find(element, at, names), (found) => {
    const text = Xml.text(found.element)
    return isUnavailable(text) ? invalid(found.at, `expected a value, got ${quote(text)}`) : Result.succeed(text)
  })

/** The text, or undefined when the element is absent or its value unavailable. */
const optionalText = (element: Xml.Element, names: ReadonlyArray<string>): string | undefined => {
  const found = find(element, "", names)
  if (Result.isFailure(found)) return undefined
  const text = Xml.text(found.success.element)
  return isUnavailable(text) ? undefined : text
}

/** `81559 MiB` to 81559. */
const mib = (at: string, text: string): Read<number> => {
  const match = /^(\d+) MiB$/.exec(text)
  return match === null ? invalid(at, `expected "<n> MiB", got ${quote(text)}`) : integer(at, match[1] ?? "")
}

const requiredMib = (element: Xml.Element, at: string, names: ReadonlyArray<string>): Read<number> =>
  Result.flatMap(requiredText(element, at, names), (text) => mib(`${at}/${names.join("/")}`, text))

/** An optional value that is present must still be well-formed: garbage is not "unavailable". */
const optionalValue = <A>(element: Xml.Element, at: string, names: ReadonlyArray<string>, parse: (at: string, text: string) => Read<A>): Read<A | undefined> => {
  const text = optionalText(element, names)
  return text === undefined ? Result.succeed(undefined) : parse(`${at}/${names.join("/")}`, text)
}

const modes: Readonly<Record<string, Mig.MigMode>> = { Enabled: "enabled", Disabled: "disabled" }

/** No `<mig_mode>` at all: a driver older than MIG (R450). Inside it, both modes are required. */
const migMode = (element: Xml.Element, at: string, name: string): Read<Mig.MigMode> => {
  const container = Xml.child(element, "mig_mode")
  if (container === undefined) return Result.succeed("unsupported")
  return Result.flatMap(find(container, `${at}/mig_mode`, [name]), (found) => {
    const text = Xml.text(found.element)
    if (isUnavailable(text)) return Result.succeed("unsupported")
    const mode = modes[text]
    return mode === undefined ? invalid(found.at, `expected Enabled, Disabled or N/A, got ${quote(text)}`) : Result.succeed(mode)
  })
}

const readMigDevice = (element: Xml.Element, at: string): Read<Mig.MigDevice> =>
  Result.gen(function*() {
    const index = yield* Result.flatMap(requiredText(element, at, ["index"]), (t) => integer(`${at}/index`, t))
    const gpuInstanceId = yield* Result.flatMap(requiredText(element, at, ["gpu_instance_id"]), (t) => integer(`${at}/gpu_instance_id`, t))
    const computeInstanceId = yield* Result.flatMap(requiredText(element, at, ["compute_instance_id"]), (t) => integer(`${at}/compute_instance_id`, t))
    const memoryTotalMiB = yield* optionalValue(element, at, ["fb_memory_usage", "total"], mib)
    const memoryUsedMiB = yield* optionalValue(element, at, ["fb_memory_usage", "used"], mib)
    const multiprocessors = yield* optionalValue(element, at, ["device_attributes", "shared", "multiprocessor_count"], integer)
    yield* usedWithin(at, memoryUsedMiB, memoryTotalMiB)
    return {
      index,
      gpuInstanceId,
      computeInstanceId,
      ...(memoryTotalMiB === undefined ? {} : { memoryTotalMiB }),
      ...(memoryUsedMiB === undefined ? {} : { memoryUsedMiB }),
      ...(multiprocessors === undefined ? {} : { multiprocessors })
    }
  })

/** `<mig_devices>None</mig_devices>` when MIG is off or no instance exists. */
const readMigDevices = (element: Xml.Element, at: string): Read<ReadonlyArray<Mig.MigDevice>> => {
  const container = Xml.child(element, "mig_devices")
  if (container === undefined) return Result.succeed([])
  return Result.all(Xml.children(container, "mig_device").map((device, i) => readMigDevice(device, `${at}/mig_devices/mig_device[${i}]`)))
}

/** Used memory above the total is not a reading nvidia-smi makes: the document is not one it wrote. */
const usedWithin = (at: string, used: number | undefined, total: number | undefined): Read<void> =>
  used !== undefined && total !== undefined && used > total
    ? invalid(`${at}/fb_memory_usage/used`, `${used} MiB used is more than the ${total} MiB total`)
    : Result.void

const readGpu = (element: Xml.Element, index: number): Read<Gpu.Gpu> =>
  Result.gen(function*() {
    const at = `nvidia_smi_log/gpu[${index}]`
    const name = yield* requiredText(element, at, ["product_name"])
    const uuid = yield* requiredText(element, at, ["uuid"])
    const memoryTotalMiB = yield* requiredMib(element, at, ["fb_memory_usage", "total"])
    const memoryUsedMiB = yield* optionalValue(element, at, ["fb_memory_usage", "used"], mib)
    yield* usedWithin(at, memoryUsedMiB, memoryTotalMiB)
    const current = yield* migMode(element, at, "current_mig")
    const pending = yield* migMode(element, at, "pending_mig")
    const migDevices = yield* readMigDevices(element, at)
    const pciBusId = element.attributes["id"]
    return {
      index,
      name,
      uuid,
      ...(pciBusId === undefined ? {} : { pciBusId }),
      memoryTotalMiB,
      ...(memoryUsedMiB === undefined ? {} : { memoryUsedMiB }),
      mig: { current, pending },
      migDevices
    }
  })

export const readInventory = (root: Xml.Element): Read<Gpu.Inventory> =>
  Result.gen(function*() {
    if (root.name !== "nvidia_smi_log") {
      return yield* invalid(root.name, `the root element is <${root.name}>, expected <nvidia_smi_log> (the output of nvidia-smi -q -x)`)
    }
    const driverVersion = yield* requiredText(root, "nvidia_smi_log", ["driver_version"])
    const cudaVersion = optionalText(root, ["cuda_version"])
    const elements = Xml.children(root, "gpu")
    if (elements.length > maxGpus) return yield* invalid("nvidia_smi_log/gpu", `${elements.length} GPUs, more than the ${maxGpus} a node can hold`)
    // GPUs are numbered by their place in the document (and matched to the -lgi table by
    // it): one nvidia-smi could not read would shift every later number
    const attached = yield* optionalValue(root, "nvidia_smi_log", ["attached_gpus"], integer)
    if (attached !== undefined && attached !== elements.length) {
      return yield* invalid(
        "nvidia_smi_log/attached_gpus",
        `${attached} GPUs attached but ${elements.length} reported (a GPU nvidia-smi could not read, or the report of nvidia-smi -i: give the one of every GPU)`
      )
    }
    const gpus: Array<Gpu.Gpu> = []
    for (const [index, element] of elements.entries()) gpus.push(yield* readGpu(element, index))
    return { driverVersion, ...(cudaVersion === undefined ? {} : { cudaVersion }), gpus }
  })

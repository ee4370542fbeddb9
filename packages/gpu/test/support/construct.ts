/**
 * Constructed MIG fixtures. No MIG-enabled machine was captured, so these documents are
 * built from the real H100 capture (test/fixtures/h100-80gb-hbm3-no-mig.xml, MIG off)
 * the way nvidia-smi changes it when MIG is on, following NVIDIA's documented formats:
 * `<mig_mode>` Enabled, `<mig_devices>` with one `<mig_device>` per compute instance
 * (index, gpu_instance_id, compute_instance_id, device_attributes/shared engine counts,
 * fb_memory_usage), utilization N/A on a MIG GPU, and the `nvidia-smi mig -lgi` table.
 * Profile sizes (SMs, engines, memory) are those of the real H100's `-lgip` capture.
 * scripts/construct-fixtures.ts writes them; test/fixtures.test.ts checks they match.
 */
import { readFileSync } from "node:fs"

export const fixturesDir = new URL("../fixtures/", import.meta.url)

export const realXml = (): string => readFileSync(new URL("h100-80gb-hbm3-no-mig.xml", fixturesDir), "utf8")

interface Profile {
  readonly name: string
  readonly id: number
  readonly sm: number
  readonly engines: number
  readonly memoryMiB: number
}

/** From the real `-lgip` capture: 9.75, 19.62 and 39.50 GiB are 9984, 20096 and 40448 MiB. */
const profiles: Readonly<Record<string, Profile>> = {
  "1g.10gb": { name: "1g.10gb", id: 19, sm: 16, engines: 1, memoryMiB: 9984 },
  "2g.20gb": { name: "2g.20gb", id: 14, sm: 32, engines: 2, memoryMiB: 20096 },
  "3g.40gb": { name: "3g.40gb", id: 9, sm: 60, engines: 3, memoryMiB: 40448 }
}

export interface Instance {
  readonly profile: string
  readonly gpuInstanceId: number
  readonly placement: readonly [number, number]
  readonly usedMiB: number
}

/** A GPU of a constructed node: MIG off (whole) or on with these instances. */
export type GpuLayout = { readonly mig: false; readonly usedMiB: number } | { readonly mig: true; readonly instances: ReadonlyArray<Instance>; readonly parentUsed: boolean }

const profileOf = (name: string): Profile => {
  const profile = profiles[name]
  if (profile === undefined) throw new Error(`no profile ${name}`)
  return profile
}

const migDevice = (instance: Instance, index: number): string => {
  const p = profileOf(instance.profile)
  return `			<mig_device>
				<index>${index}</index>
				<gpu_instance_id>${instance.gpuInstanceId}</gpu_instance_id>
				<compute_instance_id>0</compute_instance_id>
				<device_attributes>
					<shared>
						<multiprocessor_count>${p.sm}</multiprocessor_count>
						<copy_engine_count>${p.engines}</copy_engine_count>
						<encoder_count>0</encoder_count>
						<decoder_count>${p.engines}</decoder_count>
						<ofa_count>0</ofa_count>
						<jpg_count>${p.engines}</jpg_count>
					</shared>
				</device_attributes>
				<fb_memory_usage>
					<total>${p.memoryMiB} MiB</total>
					<reserved>0 MiB</reserved>
					<used>${instance.usedMiB} MiB</used>
					<free>${p.memoryMiB - instance.usedMiB} MiB</free>
				</fb_memory_usage>
			</mig_device>
`
}

const hex2 = (n: number): string => n.toString(16).toUpperCase().padStart(2, "0")

/** One `<gpu>` block of the real document, made GPU `index` of a constructed node. */
const gpuBlock = (template: string, index: number, layout: GpuLayout): string => {
  const bus = hex2(0x06 + index)
  let block = template
    .replaceAll("00000000:00:06.0", `00000000:00:${bus}.0`)
    .replace("<pci_device>06</pci_device>", `<pci_device>${bus}</pci_device>`)
    .replace("89a08280ecf4", `89a08280ec${hex2(index).toLowerCase()}`)
    .replace("<serial>1752624015393</serial>", `<serial>17526240153${String(index).padStart(2, "0")}</serial>`)
    .replace("<minor_number>0</minor_number>", `<minor_number>${index}</minor_number>`)
  if (!layout.mig) return block.replace("<used>0 MiB</used>\n\t\t\t<free>81079 MiB</free>", `<used>${layout.usedMiB} MiB</used>\n\t\t\t<free>${81079 - layout.usedMiB} MiB</free>`)
  const used = layout.instances.reduce((sum, i) => sum + i.usedMiB, 0)
  block = block
    .replace("<current_mig>Disabled</current_mig>\n\t\t\t<pending_mig>Disabled</pending_mig>", "<current_mig>Enabled</current_mig>\n\t\t\t<pending_mig>Enabled</pending_mig>")
    .replace("<mig_devices>\n\t\t\tNone\n\t\t</mig_devices>", `<mig_devices>\n${layout.instances.map(migDevice).join("")}\t\t</mig_devices>`)
    .replace("<gpu_util>0 %</gpu_util>\n\t\t\t<memory_util>0 %</memory_util>", "<gpu_util>N/A</gpu_util>\n\t\t\t<memory_util>N/A</memory_util>")
  const parent = layout.parentUsed ? [`${used} MiB`, `${81079 - used} MiB`] : ["N/A", "N/A"]
  return block.replace("<used>0 MiB</used>\n\t\t\t<free>81079 MiB</free>", `<used>${parent[0]}</used>\n\t\t\t<free>${parent[1]}</free>`)
}

/** The real document with its one GPU replaced by `layouts.length` constructed GPUs. */
export const xml = (layouts: ReadonlyArray<GpuLayout>): string => {
  const real = realXml()
  const start = real.indexOf("\t<gpu id=")
  const end = real.indexOf("\t</gpu>\n") + "\t</gpu>\n".length
  const template = real.slice(start, end)
  return real.slice(0, start).replace("<attached_gpus>1</attached_gpus>", `<attached_gpus>${layouts.length}</attached_gpus>`) +
    layouts.map((layout, i) => gpuBlock(template, i, layout)).join("") + real.slice(end)
}

const lgiRow = (gpu: number, instance: Instance): string => {
  const p = profileOf(instance.profile)
  const placement = `${instance.placement[0]}:${instance.placement[1]}`
  return `|  ${String(gpu).padStart(2)}  MIG ${p.name.padEnd(13)}${String(p.id).padStart(5)}${String(instance.gpuInstanceId).padStart(9)}${placement.padStart(13)}     |`
}

const rule = `+${"-".repeat(55)}+`

/** `nvidia-smi mig -lgi` for the MIG GPUs of `layouts`. */
export const lgi = (layouts: ReadonlyArray<GpuLayout>): string => {
  const rows = layouts.flatMap((layout, gpu) => (layout.mig ? layout.instances.map((i) => lgiRow(gpu, i)) : []))
  return [
    rule,
    `| GPU instances:${" ".repeat(40)}|`,
    "| GPU   Name             Profile  Instance   Placement  |",
    "|                          ID       ID       Start:Size |",
    `|${"=".repeat(55)}|`,
    ...rows.flatMap((row) => [row, rule]),
    ""
  ].join("\n")
}

const allOneSlice = (): GpuLayout => ({
  mig: true,
  parentUsed: false,
  instances: [0, 1, 2, 3, 4, 5, 6].map((slot) => ({ profile: "1g.10gb", gpuInstanceId: 7 + slot, placement: [slot, 1] as const, usedMiB: slot === 0 ? 5120 : 13 }))
})

const splitThreeWays = (): GpuLayout => ({
  mig: true,
  parentUsed: true,
  instances: [
    { profile: "3g.40gb", gpuInstanceId: 2, placement: [0, 4], usedMiB: 30720 },
    { profile: "2g.20gb", gpuInstanceId: 3, placement: [4, 2], usedMiB: 13 },
    { profile: "1g.10gb", gpuInstanceId: 9, placement: [6, 1], usedMiB: 13 }
  ]
})

/** The constructed nodes, by fixture base name. */
export const nodes: Readonly<Record<string, ReadonlyArray<GpuLayout>>> = {
  // every GPU split into 7 x 1g.10gb: what mig.strategy single (all-1g.10gb) needs
  "constructed-h100-mig-single": [allOneSlice(), allOneSlice()],
  // one GPU split 3g.40gb + 2g.20gb + 1g.10gb next to a whole GPU: mig.strategy mixed
  "constructed-h100-mig-mixed": [splitThreeWays(), { mig: false, usedMiB: 40960 }],
  // the benchmark's 8-GPU node: even GPUs split as above, odd GPUs whole
  "constructed-h100x8-mig-mixed": [0, 1, 2, 3, 4, 5, 6, 7].map((i) => (i % 2 === 0 ? splitThreeWays() : { mig: false, usedMiB: 0 }))
}

/** Every constructed fixture file: name -> content. */
export const files = (): ReadonlyArray<readonly [string, string]> =>
  Object.entries(nodes).flatMap(([name, layouts]) => [[`${name}.xml`, xml(layouts)] as const, [`${name}-lgi.txt`, lgi(layouts)] as const])

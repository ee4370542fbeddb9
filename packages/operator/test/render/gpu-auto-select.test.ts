/**
 * The automatic GPU node selection (B6): with GPU nodes detected and no selection in the
 * CR, the render is exactly the render of the CR with the required affinity
 * `nvidia.com/gpu.present In [true]` (every object, the scrape configuration included);
 * without detection, or with the CR's own selection, it is the plain render; the CR is
 * never changed. The DaemonSets of the automatic split are a golden file.
 */
import { assert, describe, it } from "@effect/vitest"
import { parse as yaml } from "yaml"
import { Render } from "../../src/index.ts"
import * as GpuNodeSelection from "../../src/render/GpuNodeSelection.ts"
import { agent, expectGolden, input } from "./support.ts"

const uid = "6b1f3c2e-0000-4000-8000-000000000009"

const features = (gpu: string) => yaml(`
openAgent: {enabled: true}
k8sAgent:
  masterAgent: {enabled: false}
  nodeAgent: {enabled: true, nodeSelector: {kubernetes.io/os: linux}}
  gpuMonitoring: ${gpu}`)

const detected = { gpuNodes: { detected: true } } as const
const present = "{matchExpressions: [{key: nvidia.com/gpu.present, operator: In, values: ['true']}]}"
const explicit = `{enabled: true, groupLabel: prjId, affinity: {nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: [${present}]}}}}`

const names = (desired: ReadonlyArray<Render.Desired>) => desired.map((d) => `${d.object.kind}/${d.object.metadata.name}`)

describe("GpuNodeSelection", () => {
  it("detected GPU nodes and no selection in the CR: the same objects as the explicit affinity", () => {
    const auto = Render.render(input(agent({ features: features("{enabled: true, groupLabel: prjId}") }, uid), detected))
    const written = Render.render(input(agent({ features: features(explicit) }, uid)))
    assert.deepStrictEqual(auto, written)
    assert.include(names(auto), "DaemonSet/whatap-node-agent-gpu")
    const scrape = JSON.stringify(auto.find((d) => d.object.metadata.name === "whatap-open-agent-config")?.object)
    assert.include(scrape, "whatap-node-agent-gpu", "the automatic scrape target follows the split")
  })

  it("the DaemonSets of the automatic split (golden)", () => {
    const desired = Render.render(input(agent({ features: features("{enabled: true, service: {enabled: false}}") }, uid), detected))
    expectGolden("gpu-auto-split", desired.filter((d) => d.object.kind === "DaemonSet"))
  })

  it("nothing detected, or no facts at all (an offline render): legacy mode, one DaemonSet with the sidecars", () => {
    const cr = agent({ features: features("{enabled: true}") }, uid)
    const offline = Render.render(input(cr))
    assert.deepStrictEqual(Render.render(input(cr, { gpuNodes: { detected: false } })), offline)
    assert.notInclude(names(offline), "DaemonSet/whatap-node-agent-gpu")
  })

  it("the CR's own selection wins over the detection", () => {
    const cr = agent({ features: features("{enabled: true, nodeSelector: {accelerator: nvidia}}") }, uid)
    assert.deepStrictEqual(Render.render(input(cr, detected)), Render.render(input(cr)))
    const affinity = agent({ features: features(explicit.replace("nvidia.com/gpu.present", "gpu")) }, uid)
    assert.deepStrictEqual(Render.render(input(affinity, detected)), Render.render(input(affinity)))
  })

  it("GPU monitoring off: the detection changes nothing", () => {
    const cr = agent({ features: features("{enabled: false}") }, uid)
    assert.deepStrictEqual(Render.render(input(cr, detected)), Render.render(input(cr)))
  })

  it("keeps the CR's other GPU affinity parts and never changes the CR (D4)", () => {
    const cr = agent({ features: features("{enabled: true, affinity: {nodeAffinity: {preferredDuringSchedulingIgnoredDuringExecution: [{weight: 1, preference: {matchExpressions: [{key: zone, operator: In, values: [a]}]}}]}}}") }, uid)
    const before = JSON.stringify(cr)
    const effective = GpuNodeSelection.effective(cr, { detected: true })
    assert.strictEqual(JSON.stringify(cr), before)
    const nodeAffinity = effective.spec.features.k8sAgent?.gpuMonitoring.affinity?.nodeAffinity
    assert.strictEqual(nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution?.length, 1)
    assert.deepStrictEqual(nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms, [GpuNodeSelection.gpuNodeTerm])
  })
})

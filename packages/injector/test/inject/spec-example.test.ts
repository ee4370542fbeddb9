/**
 * Spec 5.10, byte for byte as JSON: the Java pod before and after injection with the
 * operator env WHATAP_LICENSE=L, WHATAP_HOST=H, WHATAP_PORT=6600 and a java 2.2.58
 * target. The expected document is written out by hand from the spec (not generated),
 * with the `...` of the spec as an existing mount and volume, and the patch is checked
 * to carry only the mutation.
 */
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { assert, describe, it } from "@effect/vitest"
import { agent, context, run } from "./support.ts"

const input = {
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name: "app", namespace: "default" },
  spec: {
    containers: [{
      name: "app",
      image: "example/app:1",
      env: [{ name: "A", value: "1" }],
      volumeMounts: [{ name: "data", mountPath: "/data" }]
    }],
    volumes: [{ name: "data", emptyDir: {} }]
  }
}

/** The injected pod of spec 5.10 (annotations and spec), shared with the CLI's `inject` suite. */
const spec510 = JSON.parse(readFileSync(join(import.meta.dirname, "spec-5.10.json"), "utf8")) as {
  readonly annotations: Readonly<Record<string, string>>
  readonly spec: unknown
}

const expected = {
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name: "app", namespace: "default", annotations: spec510.annotations },
  spec: spec510.spec
}

const cr = agent({ targets: [{ name: "java-apps", enabled: true, language: "java", whatapApmVersions: { java: "2.2.58" } }] })

describe("spec 5.10", () => {
  it("the mutated pod is the spec's, byte for byte", () => {
    const result = run(input, context(cr, { name: "default", labels: {} }))
    assert.strictEqual(JSON.stringify(result.pod, null, 2), JSON.stringify(expected, null, 2))
    assert.deepStrictEqual(result.outcome, {
      injected: true,
      target: { name: "java-apps", index: 0 },
      language: "java",
      version: "2.2.58",
      image: "public.ecr.aws/whatap/apm-init-java:2.2.58"
    })
    assert.deepStrictEqual(result.warnings, [])
  })

  it("the patch adds exactly the spec's changes and nothing else", () => {
    const result = run(input, context(cr, { name: "default", labels: {} }))
    assert.deepStrictEqual(result.patch.map((op) => `${op.op} ${op.path}`), [
      "add /metadata/annotations",
      "add /spec/containers/0/env/1",
      "add /spec/containers/0/env/2",
      "add /spec/containers/0/env/3",
      "add /spec/containers/0/env/4",
      "add /spec/containers/0/env/5",
      "add /spec/containers/0/env/6",
      "add /spec/containers/0/env/7",
      "add /spec/containers/0/env/8",
      "add /spec/containers/0/env/9",
      "add /spec/containers/0/volumeMounts/1",
      "add /spec/volumes/1",
      "add /spec/initContainers"
    ])
  })
})

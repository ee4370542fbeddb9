/**
 * The env algebra of spec 5.6 (upsert, merge, combine; the Go test
 * TestUpsertEnvVars_DropsStaleDuplicate) and `augment`: Java's JAVA_TOOL_OPTIONS step
 * (spec 5.6 step 1, first entry, always appended) with the D5 rewrite of a `valueFrom`
 * entry, and NODE_PATH's (last entry, left alone when it already holds the agent's
 * modules), including a model of the kubelet's `$(VAR)` expansion that checks the
 * application's value survives; and `kept`, how an application's own PYTHONPATH or
 * NODE_OPTIONS, left as the Go operator leaves it, is judged for the warning.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Env from "../../src/internal/inject/Env.ts"
import type { EnvVar } from "../../src/internal/inject/Pod.ts"
import * as Java from "../../src/internal/inject/languages/Java.ts"
import * as Nodejs from "../../src/internal/inject/languages/Nodejs.ts"
import * as Python from "../../src/internal/inject/languages/Python.ts"

const v = (name: string, value: string): EnvVar => ({ name, value })
const names = (env: ReadonlyArray<{ readonly name: string }>) => env.map((e) => e.name)

describe("upsert / merge / combine", () => {
  it("upsert drops a stale duplicate, keeps unrelated entries and does not change its input", () => {
    const base = [v("whatap.server.host", "127.0.0.1"), v("KEEP", "1"), v("whatap.server.host", "127.0.0.2")]
    const copy = JSON.stringify(base)
    const out = Env.upsert(base, [v("whatap.server.host", "10.0.0.1")])
    assert.deepStrictEqual(out, [v("KEEP", "1"), v("whatap.server.host", "10.0.0.1")])
    assert.strictEqual(JSON.stringify(base), copy)
  })

  it("upsert and merge drop incoming entries without a name; base ones stay", () => {
    assert.deepStrictEqual(Env.upsert([v("", "x")], [v("", "y"), v("A", "1")]), [v("", "x"), v("A", "1")])
    assert.deepStrictEqual(Env.merge([v("", "x")], [v("", "y"), v("A", "1")]), [v("", "x"), v("A", "1")])
  })

  it("merge keeps the existing value and the first of incoming duplicates", () => {
    assert.deepStrictEqual(Env.merge([v("A", "old")], [v("A", "new"), v("B", "1"), v("B", "2")]), [v("A", "old"), v("B", "1")])
  })

  it("combine = merge(upsert(base, incoming ∩ force), incoming ∖ force)", () => {
    const base = [v("F", "old"), v("M", "old"), v("X", "1")]
    const incoming = [v("M", "new"), v("F", "new"), v("N", "new"), v("G", "new")]
    const force = (n: string) => n === "F" || n === "G"
    assert.deepStrictEqual(Env.combine(base, incoming, force), [v("M", "old"), v("X", "1"), v("F", "new"), v("G", "new"), v("N", "new")])
  })
})

describe("augment", () => {
  const secret = { secretKeyRef: { name: "opts", key: "jto" } }
  const optional = { configMapKeyRef: { name: "opts", key: "jto", optional: true } }

  it("absent: nothing changes", () => {
    const env = [v("A", "1")]
    const out = Env.augment(env, Java.toolOptions, new Set())
    assert.strictEqual(out.env, env)
    assert.deepStrictEqual(out.result, { _tag: "Absent" })
  })

  it("a literal gets the agent joined in, the FIRST duplicate (as Go's injectJavaToolOptions)", () => {
    const out = Env.augment([v("JAVA_TOOL_OPTIONS", "-Da=1"), v("JAVA_TOOL_OPTIONS", "-Db=2")], Java.toolOptions, new Set())
    assert.deepStrictEqual(out.env, [v("JAVA_TOOL_OPTIONS", `-Da=1 ${Java.agentOption}`), v("JAVA_TOOL_OPTIONS", "-Db=2")])
  })

  it("a literal that already has the agent option gets it again (Go does not look)", () => {
    const out = Env.augment([v("JAVA_TOOL_OPTIONS", `-Xmx1g ${Java.agentOption}`)], Java.toolOptions, new Set())
    assert.deepStrictEqual(out.env, [v("JAVA_TOOL_OPTIONS", `-Xmx1g ${Java.agentOption} ${Java.agentOption}`)])
  })

  it("NODE_PATH: the LAST duplicate (the one the kubelet uses) gets the agent's modules", () => {
    const out = Env.augment([v("NODE_PATH", "/a"), v("NODE_PATH", "/b")], Nodejs.nodePath, new Set())
    assert.deepStrictEqual(out.env, [v("NODE_PATH", "/a"), v("NODE_PATH", "/whatap-agent/node_modules:/b")])
  })

  it("NODE_PATH: a literal that already holds the agent's modules is left alone", () => {
    const env = [v("NODE_PATH", "/lib:/whatap-agent/node_modules")]
    const out = Env.augment(env, Nodejs.nodePath, new Set())
    assert.strictEqual(out.env, env)
    assert.deepStrictEqual(out.result, { _tag: "AlreadyLoads" })
  })

  it("an empty or absent value still gets the joining space (Go: value + \" \" + option)", () => {
    const out = Env.augment([{ name: "JAVA_TOOL_OPTIONS" }], Java.toolOptions, new Set())
    assert.deepStrictEqual(out.env, [v("JAVA_TOOL_OPTIONS", ` ${Java.agentOption}`)])
  })

  it("a valueFrom entry moves to the alias in place and the variable references it", () => {
    const env: ReadonlyArray<EnvVar> = [v("BEFORE", "x"), { name: "JAVA_TOOL_OPTIONS", valueFrom: secret }, v("AFTER", "$(JAVA_TOOL_OPTIONS)")]
    const out = Env.augment(env, Java.toolOptions, new Set())
    assert.deepStrictEqual(out.result, { _tag: "Aliased", alias: "WHATAP_ORIGINAL_JAVA_TOOL_OPTIONS" })
    assert.deepStrictEqual(out.env, [
      v("BEFORE", "x"),
      { name: "WHATAP_ORIGINAL_JAVA_TOOL_OPTIONS", valueFrom: secret },
      v("JAVA_TOOL_OPTIONS", `$(WHATAP_ORIGINAL_JAVA_TOOL_OPTIONS) ${Java.agentOption}`),
      v("AFTER", "$(JAVA_TOOL_OPTIONS)")
    ])
  })

  it("the alias avoids names the container or the target uses", () => {
    const env: ReadonlyArray<EnvVar> = [v("WHATAP_ORIGINAL_JAVA_TOOL_OPTIONS", "mine"), { name: "JAVA_TOOL_OPTIONS", valueFrom: secret }]
    const out = Env.augment(env, Java.toolOptions, new Set(["WHATAP_ORIGINAL_JAVA_TOOL_OPTIONS_1"]))
    assert.deepStrictEqual(out.result, { _tag: "Aliased", alias: "WHATAP_ORIGINAL_JAVA_TOOL_OPTIONS_2" })
    assert.deepStrictEqual(names(out.env), ["WHATAP_ORIGINAL_JAVA_TOOL_OPTIONS", "WHATAP_ORIGINAL_JAVA_TOOL_OPTIONS_2", "JAVA_TOOL_OPTIONS"])
    const node: ReadonlyArray<EnvVar> = [v("WHATAP_ORIGINAL_NODE_PATH", "mine"), { name: "NODE_PATH", valueFrom: secret }]
    const path = Env.augment(node, Nodejs.nodePath, new Set(["WHATAP_ORIGINAL_NODE_PATH_1"]))
    assert.deepStrictEqual(path.result, { _tag: "Aliased", alias: "WHATAP_ORIGINAL_NODE_PATH_2" })
    assert.deepStrictEqual(names(path.env), ["WHATAP_ORIGINAL_NODE_PATH", "WHATAP_ORIGINAL_NODE_PATH_2", "NODE_PATH"])
  })

  it("an optional source: option strings are left untouched, path lists are aliased", () => {
    const env: ReadonlyArray<EnvVar> = [{ name: "JAVA_TOOL_OPTIONS", valueFrom: optional }]
    const out = Env.augment(env, Java.toolOptions, new Set())
    assert.strictEqual(out.env, env)
    assert.deepStrictEqual(out.result, { _tag: "OptionalSource" })
    const path = Env.augment([{ name: "NODE_PATH", valueFrom: optional }], Nodejs.nodePath, new Set())
    assert.deepStrictEqual(path.result, { _tag: "Aliased", alias: "WHATAP_ORIGINAL_NODE_PATH" })
  })

  it("never leaves an entry with both value and valueFrom", () => {
    for (const augmentation of [Java.toolOptions, Nodejs.nodePath]) {
      const out = Env.augment([{ name: augmentation.name, value: "", valueFrom: secret }], augmentation, new Set())
      for (const e of out.env) assert.isFalse(e.valueFrom !== undefined && e.value !== undefined && e.value !== "", JSON.stringify(e))
    }
  })
})

/**
 * The kubelet (pkg/kubelet/kubelet_pods.go, makeEnvironmentVariables): entries in order,
 * `$(NAME)` in literals expanded from what is defined so far, a missing optional source
 * leaves the variable unset, the last assignment of a name wins.
 */
const kubelet = (env: ReadonlyArray<EnvVar>, sources: Readonly<Record<string, string>>): Record<string, string> => {
  const out: Record<string, string> = {}
  for (const e of env) {
    if (e.valueFrom !== undefined && e.valueFrom !== null) {
      const ref = e.valueFrom.secretKeyRef ?? e.valueFrom.configMapKeyRef
      const value = sources[JSON.stringify(ref)]
      if (value !== undefined) out[e.name] = value
    } else {
      out[e.name] = (e.value ?? "").replace(/\$\(([^)]+)\)/g, (whole, name: string) => out[name] ?? whole)
    }
  }
  return out
}

describe("effective values under the kubelet's expansion", () => {
  it("JAVA_TOOL_OPTIONS from a Secret keeps its value and gains the agent; later references see the new value", () => {
    const ref = { name: "opts", key: "jto" }
    const env: ReadonlyArray<EnvVar> = [{ name: "JAVA_TOOL_OPTIONS", valueFrom: { secretKeyRef: ref } }, v("COPY", "$(JAVA_TOOL_OPTIONS)")]
    const effective = kubelet(Env.augment(env, Java.toolOptions, new Set()).env, { [JSON.stringify(ref)]: "-Xmx1g" })
    assert.strictEqual(effective["JAVA_TOOL_OPTIONS"], `-Xmx1g ${Java.agentOption}`)
    assert.strictEqual(effective["COPY"], `-Xmx1g ${Java.agentOption}`)
  })

  it("NODE_PATH from a ConfigMap: the agent's modules first, then the application's path", () => {
    const ref = { name: "paths", key: "node" }
    const env: ReadonlyArray<EnvVar> = [{ name: "NODE_PATH", valueFrom: { configMapKeyRef: ref } }]
    const effective = kubelet(Env.augment(env, Nodejs.nodePath, new Set()).env, { [JSON.stringify(ref)]: "/app/lib" })
    assert.strictEqual(effective["NODE_PATH"], "/whatap-agent/node_modules:/app/lib")
  })
})

describe("kept (PYTHONPATH, NODE_OPTIONS: the application's own entry wins, spec 5.6)", () => {
  const secret = { secretKeyRef: { name: "opts", key: "node" } }
  it("judges the LAST entry of the name: absent, already loading, a literal that does not, a valueFrom", () => {
    const cases: ReadonlyArray<readonly [ReadonlyArray<EnvVar>, Env.Needs, string, Env.Kept["_tag"]]> = [
      [[], Python.pythonPath, "PYTHONPATH", "Absent"],
      [[v("PYTHONPATH", "/whatap-agent/whatap/bootstrap"), v("PYTHONPATH", "/app")], Python.pythonPath, "PYTHONPATH", "Literal"],
      [[v("PYTHONPATH", "/app"), v("PYTHONPATH", "/app:/whatap-agent/whatap/bootstrap")], Python.pythonPath, "PYTHONPATH", "AlreadyLoads"],
      [[v("NODE_OPTIONS", "--max-old-space-size=512 --require=whatap")], Nodejs.nodeOptions, "NODE_OPTIONS", "AlreadyLoads"],
      [[v("NODE_OPTIONS", "--require=whatapx")], Nodejs.nodeOptions, "NODE_OPTIONS", "Literal"],
      [[{ name: "NODE_OPTIONS" }], Nodejs.nodeOptions, "NODE_OPTIONS", "Literal"],
      [[{ name: "NODE_OPTIONS", valueFrom: secret }], Nodejs.nodeOptions, "NODE_OPTIONS", "Source"]
    ]
    for (const [env, needs, name, tag] of cases) assert.strictEqual(Env.kept(env, name, needs)._tag, tag, JSON.stringify(env))
  })

  it("the warning names the container, the variable and what is missing, never the value", () => {
    const [literal] = Env.describeKept("app", "PYTHONPATH", { _tag: "Literal" }, Python.pythonPath)
    assert.strictEqual(literal, "container \"app\": its own PYTHONPATH is kept as it is (as the Go operator keeps it) and does not include /whatap-agent/whatap/bootstrap, so the WhaTap agent does not load; add it to the container's PYTHONPATH")
    const [source] = Env.describeKept("app", "NODE_OPTIONS", { _tag: "Source" }, Nodejs.nodeOptions)
    assert.match(source ?? "", /comes from valueFrom .* unless that value requires the agent \(-r whatap\), the WhaTap agent does not load/)
    assert.deepStrictEqual(Env.describeKept("app", "PYTHONPATH", { _tag: "AlreadyLoads" }, Python.pythonPath), [])
  })
})

/**
 * Application-container env per language (spec 5.6) through `Inject.mutate`: the Go
 * unit tests of spec 7 (TestInject*), the exact order per language, app_name defaulting,
 * OKIND, target envs against managed names, credential sourcing (spec 5.7), the
 * deliberate difference for JAVA_TOOL_OPTIONS from valueFrom (D5), an application's own
 * PYTHONPATH / NODE_OPTIONS kept as Go keeps them (with a warning) and NODE_PATH made to
 * find the agent where Go's pod could not start, JAVA_TOOL_OPTIONS duplicates as Go
 * (spec 5.6), and the generic languages.
 */
import { assert, describe, it } from "@effect/vitest"
import { Naming } from "@whatap-operator/core"
import { agentOption } from "../../src/internal/inject/languages/Java.ts"
import { at, container, context, envLines, envOf, field, pod, run, target, targets } from "./support.ts"

const host = { name: "WHATAP_HOST", value: "10.20.30.40" }
const values = (doc: unknown, name: string, index = 0) => envOf(doc, index).filter((e) => e["name"] === name).map((e) => e["value"])
const one = (language: string, extra: Record<string, unknown> = {}) => context(targets(target(language, extra)))
const downward = [
  `NODE_IP<-{"fieldRef":{"fieldPath":"status.hostIP"}}`,
  `NODE_NAME<-{"fieldRef":{"fieldPath":"spec.nodeName"}}`,
  `POD_NAME<-{"fieldRef":{"fieldPath":"metadata.name"}}`
]

describe("spec 7 unit tests", () => {
  it("TestInjectJavaEnvVars_OverridesPreInjectedHost", () => {
    const input = pod([container("app", [{ name: "whatap.server.host", value: "127.0.0.1" }, { name: "JAVA_TOOL_OPTIONS", value: "-Dexisting=1" }])])
    const result = run(input, one("java", { envs: [host] }))
    assert.deepStrictEqual(values(result.pod, "whatap.server.host"), ["10.20.30.40"])
    assert.deepStrictEqual(values(result.pod, "JAVA_TOOL_OPTIONS"), [`-Dexisting=1 ${agentOption}`])
  })

  it("TestInjectPythonEnvVars_OverridesPreInjectedHostAndKeepsPythonPath", () => {
    const input = pod([container("app", [{ name: "whatap_server_host", value: "127.0.0.1" }, { name: "PYTHONPATH", value: "/app/libs" }])])
    const result = run(input, one("python", { envs: [host] }))
    assert.deepStrictEqual(values(result.pod, "whatap_server_host"), ["10.20.30.40"])
    assert.deepStrictEqual(values(result.pod, "PYTHONPATH"), ["/app/libs"])
    assert.deepStrictEqual(result.warnings, [
      `container "app": its own PYTHONPATH is kept as it is (as the Go operator keeps it) and does not include /whatap-agent/whatap/bootstrap, so the WhaTap agent does not load; add it to the container's PYTHONPATH`
    ])
  })

  it("TestInjectNodejsEnvVars_OverridesPreInjectedHostAndKeepsNodeOptions", () => {
    const input = pod([container("app", [{ name: "WHATAP_SERVER_HOST", value: "127.0.0.1" }, { name: "NODE_OPTIONS", value: "--max-old-space-size=512" }])])
    const result = run(input, one("nodejs", { envs: [host] }))
    assert.deepStrictEqual(values(result.pod, "WHATAP_SERVER_HOST"), ["10.20.30.40"])
    assert.deepStrictEqual(values(result.pod, "NODE_OPTIONS"), ["--max-old-space-size=512"])
    assert.deepStrictEqual(values(result.pod, "NODE_PATH"), ["/whatap-agent/node_modules"])
    assert.match(result.warnings.join("\n"), /its own NODE_OPTIONS is kept as it is .* does not require the agent \(-r whatap\)/)
  })

  it("TestInjectLanguageSpecific_UserEnvOverridesStaleAndHostWins", () => {
    const input = pod([container("app", [{ name: "whatap.name", value: "wrong-auto-name" }, { name: "whatap.server.host", value: "127.0.0.1" }])])
    const result = run(input, one("java", { envs: [{ name: "whatap.name", value: "my-service" }, host] }))
    assert.deepStrictEqual(values(result.pod, "whatap.name"), ["my-service"])
    assert.deepStrictEqual(values(result.pod, "whatap.server.host"), ["10.20.30.40"])
  })
})

describe("order per language (empty container env)", () => {
  it("python", () => {
    const result = run(pod([container("web")]), one("python"))
    assert.deepStrictEqual(envLines(result.pod), [
      "license=L", "whatap_server_host=H", "whatap_server_port=6600", "WHATAP_HOME=/whatap-agent", "whatap.micro.enabled=true",
      ...downward, "app_name=web", "app_process_name=", "PYTHONPATH=/whatap-agent/whatap/bootstrap",
      "WHATAP_PYTHON_AGENT_PATH=/whatap-agent/whatap_python"
    ])
  })

  it("nodejs, with OKIND and app info from the target", () => {
    const envs = [{ name: "app_name", value: "shop" }, { name: "app_process_name", value: "node" }, { name: "OKIND", value: "k" }]
    const result = run(pod([container("web")]), one("nodejs", { envs }))
    assert.deepStrictEqual(envLines(result.pod), [
      "WHATAP_LICENSE=L", "WHATAP_SERVER_HOST=H", "WHATAP_SERVER_PORT=6600", "WHATAP_HOME=/whatap-agent", "whatap.micro.enabled=true",
      ...downward, "app_name=shop", "app_process_name=node", "OKIND=k", "NODE_PATH=/whatap-agent/node_modules", "NODE_OPTIONS=-r whatap",
      "WHATAP_NODEJS_AGENT_PATH=/whatap-agent/node_modules/whatap/agent/whatap_nodejs"
    ])
  })

  it("an empty OKIND is not part of the language block (only the target env step adds it, last); app_name falls back to each container's name", () => {
    const result = run(pod([container("a"), container("b")]), one("python", { envs: [{ name: "OKIND", value: "" }] }))
    assert.deepStrictEqual(envLines(result.pod).slice(-3), ["PYTHONPATH=/whatap-agent/whatap/bootstrap", "WHATAP_PYTHON_AGENT_PATH=/whatap-agent/whatap_python", "OKIND="])
    assert.deepStrictEqual(values(result.pod, "app_name", 0), ["a"])
    assert.deepStrictEqual(values(result.pod, "app_name", 1), ["b"])
  })

  it("the last target env of an app-info name wins (the Go loop has no break)", () => {
    const result = run(pod([container("a")]), one("python", { envs: [{ name: "app_name", value: "first" }, { name: "app_name", value: "last" }] }))
    assert.deepStrictEqual(values(result.pod, "app_name"), ["last"])
  })

  it("existing app_name, app_process_name, OKIND and agent paths win over the operator's", () => {
    const own = [{ name: "app_name", value: "mine" }, { name: "OKIND", value: "own" }, { name: "WHATAP_PYTHON_AGENT_PATH", value: "/opt/agent" }]
    const result = run(pod([container("a", own)]), one("python", { envs: [{ name: "app_name", value: "cr" }, { name: "OKIND", value: "cr" }] }))
    assert.deepStrictEqual(values(result.pod, "app_name"), ["mine"])
    assert.deepStrictEqual(values(result.pod, "OKIND"), ["own"])
    assert.deepStrictEqual(values(result.pod, "WHATAP_PYTHON_AGENT_PATH"), ["/opt/agent"])
  })
})

describe("target envs (spec 5.6: MANAGED names only added when absent)", () => {
  it("non-managed names replace existing entries, managed ones never do", () => {
    const own = [{ name: "TZ", value: "UTC" }, { name: "NODE_NAME", value: "fake" }, { name: "JAVA_TOOL_OPTIONS", value: "-Da=1" }]
    const envs = [{ name: "TZ", value: "Asia/Seoul" }, { name: "JAVA_TOOL_OPTIONS", value: "-Dcr=1" }, { name: "EXTRA", valueFrom: { secretKeyRef: { name: "s", key: "k" } } }]
    const result = run(pod([container("a", own)]), one("java", { envs }))
    assert.deepStrictEqual(values(result.pod, "TZ"), ["Asia/Seoul"])
    assert.deepStrictEqual(values(result.pod, "JAVA_TOOL_OPTIONS"), [`-Da=1 ${agentOption}`])
    assert.strictEqual(envLines(result.pod).filter((l) => l.startsWith("NODE_NAME")).length, 1)
    assert.include(envLines(result.pod), `EXTRA<-{"secretKeyRef":{"key":"k","name":"s"}}`)
  })

  it("apply to generic languages too, which get no other env", () => {
    const result = run(pod([container("a", [{ name: "X", value: "1" }])]), one("golang", { envs: [{ name: "X", value: "2" }, { name: "Y", value: "3" }] }))
    assert.deepStrictEqual(envLines(result.pod), ["X=2", "Y=3"])
  })
})

describe("credentials (spec 5.7)", () => {
  it("target envs by name order: WHATAP_LICENSE before license, WHATAP_HOST before the agent-specific names", () => {
    const envs = [{ name: "license", value: "second" }, { name: "WHATAP_LICENSE", value: "first" }, { name: "WHATAP_SERVER_HOST", value: "h2" }, { name: "whatap.server.port", value: "1" }]
    const result = run(pod([container("a")]), one("java", { envs }))
    assert.deepStrictEqual(values(result.pod, "license"), ["first"])
    assert.deepStrictEqual(values(result.pod, "whatap.server.host"), ["h2"])
    assert.deepStrictEqual(values(result.pod, "whatap.server.port"), ["1"])
    assert.deepStrictEqual(at(result.pod, "spec", "initContainers", 0, "env"), [
      { name: "WHATAP_LICENSE", value: "first" }, { name: "WHATAP_HOST", value: "h2" }, { name: "WHATAP_PORT", value: "1" }
    ])
  })

  it("a credential target env with valueFrom is injected with its source (Go injected an empty value)", () => {
    const source = { secretKeyRef: { name: "team-license", key: "license" } }
    const result = run(pod([container("a")]), one("java", { envs: [{ name: "WHATAP_LICENSE", valueFrom: source }] }))
    assert.include(envLines(result.pod), `license<-${JSON.stringify({ secretKeyRef: { key: "license", name: "team-license" } })}`)
    assert.deepStrictEqual(at(result.pod, "spec", "initContainers", 0, "env", 0), { name: "WHATAP_LICENSE", valueFrom: { secretKeyRef: { key: "license", name: "team-license" } } })
  })
})

describe("JAVA_TOOL_OPTIONS (D5)", () => {
  it("a literal is extended in place, an empty one with Go's leading space", () => {
    const result = run(pod([container("a", [{ name: "JAVA_TOOL_OPTIONS", value: "" }, { name: "B", value: "1" }])]), one("java"))
    assert.deepStrictEqual(envLines(result.pod).slice(0, 3), [`JAVA_TOOL_OPTIONS= ${agentOption}`, "B=1", "WHATAP_JAVA_AGENT_PATH=/whatap-agent/whatap.agent.java.jar"])
  })

  it("from a Secret: aliased, referenced, valid, with a warning", () => {
    const source = { secretKeyRef: { name: "jvm", key: "opts" } }
    const result = run(pod([container("a", [{ name: "JAVA_TOOL_OPTIONS", valueFrom: source }])]), one("java"))
    assert.deepStrictEqual(envLines(result.pod).slice(0, 2), [
      `WHATAP_ORIGINAL_JAVA_TOOL_OPTIONS<-${JSON.stringify(source)}`,
      `JAVA_TOOL_OPTIONS=$(WHATAP_ORIGINAL_JAVA_TOOL_OPTIONS) ${agentOption}`
    ])
    for (const e of envOf(result.pod)) assert.isFalse(e["value"] !== undefined && e["valueFrom"] !== undefined, String(e["name"]))
    assert.strictEqual(result.warnings.length, 1)
    assert.match(result.warnings[0] ?? "", /JAVA_TOOL_OPTIONS is set with valueFrom; its source now defines WHATAP_ORIGINAL_JAVA_TOOL_OPTIONS/)
  })

  it("from an optional ConfigMap key: left untouched, the warning says the agent is not loaded", () => {
    const entry = { name: "JAVA_TOOL_OPTIONS", valueFrom: { configMapKeyRef: { name: "jvm", key: "opts", optional: true } } }
    const result = run(pod([container("a", [entry])]), one("java"))
    assert.deepStrictEqual(envOf(result.pod)[0], entry)
    assert.match(result.warnings[0] ?? "", /optional ConfigMap\/Secret key.*not loaded/)
  })
})

describe("JAVA_TOOL_OPTIONS duplicates (spec 5.6 step 1)", () => {
  it("the first entry gets the option, even when it already has it; the rest stay", () => {
    const own = [{ name: "JAVA_TOOL_OPTIONS", value: agentOption }, { name: "JAVA_TOOL_OPTIONS", value: "-Db=2" }]
    const result = run(pod([container("a", own)]), one("java"))
    assert.deepStrictEqual(values(result.pod, "JAVA_TOOL_OPTIONS"), [`${agentOption} ${agentOption}`, "-Db=2"])
    assert.deepStrictEqual(result.warnings, [
      `container "a": JAVA_TOOL_OPTIONS is set 2 times; the WhaTap agent was added to the first (as the Go operator does) but the kubelet uses the last, so the agent does not load: remove the duplicates`
    ])
  })

  it("no warning when the last entry loads the agent itself, or when there is one entry; a valueFrom first entry still warns", () => {
    const loads = run(pod([container("a", [{ name: "JAVA_TOOL_OPTIONS", value: "-Da=1" }, { name: "JAVA_TOOL_OPTIONS", value: `-Db=2 ${agentOption}` }])]), one("java"))
    assert.deepStrictEqual(loads.warnings, [])
    assert.deepStrictEqual(run(pod([container("a", [{ name: "JAVA_TOOL_OPTIONS", value: "-Da=1" }])]), one("java")).warnings, [])
    const source = { name: "JAVA_TOOL_OPTIONS", valueFrom: { secretKeyRef: { name: "jvm", key: "options" } } }
    const aliased = run(pod([container("a", [source, { name: "JAVA_TOOL_OPTIONS", value: "-Xmx1g" }])]), one("java"))
    assert.deepStrictEqual(values(aliased.pod, "JAVA_TOOL_OPTIONS"), [`$(WHATAP_ORIGINAL_JAVA_TOOL_OPTIONS) ${agentOption}`, "-Xmx1g"])
    assert.strictEqual(aliased.warnings.length, 2)
    assert.match(aliased.warnings[1] ?? "", /is set 2 times; .* the kubelet uses the last/)
  })
})

describe("PYTHONPATH, NODE_OPTIONS kept as Go keeps them; NODE_PATH where Go's pod could not start", () => {
  it("an application's own PYTHONPATH or NODE_OPTIONS is left as it is, every entry; one that loads the agent, silently", () => {
    const own = [{ name: "PYTHONPATH", value: "/a" }, { name: "PYTHONPATH", value: "/b" }]
    const python = run(pod([container("a", own)]), one("python"))
    assert.deepStrictEqual(values(python.pod, "PYTHONPATH"), ["/a", "/b"])
    assert.strictEqual(python.warnings.length, 1)
    const loaded = [{ name: "NODE_OPTIONS", value: "--require=whatap" }, { name: "NODE_PATH", value: "/whatap-agent/node_modules" }]
    const nodejs = run(pod([container("a", loaded)]), one("nodejs"))
    assert.deepStrictEqual(envLines(nodejs.pod).slice(0, 2), ["NODE_OPTIONS=--require=whatap", "NODE_PATH=/whatap-agent/node_modules"])
    assert.deepStrictEqual(nodejs.warnings, [])
  })

  it("NODE_PATH gets the agent's modules when NODE_OPTIONS will require it (Go's pod: Cannot find module 'whatap')", () => {
    const source = { configMapKeyRef: { name: "paths", key: "node" } }
    const aliased = run(pod([container("a", [{ name: "NODE_PATH", valueFrom: source }])]), one("nodejs"))
    assert.deepStrictEqual(envLines(aliased.pod).slice(0, 2), [
      `WHATAP_ORIGINAL_NODE_PATH<-${JSON.stringify(source)}`,
      "NODE_PATH=/whatap-agent/node_modules:$(WHATAP_ORIGINAL_NODE_PATH)"
    ])
    assert.deepStrictEqual(values(aliased.pod, "NODE_OPTIONS"), ["-r whatap"])
    assert.strictEqual(aliased.warnings.length, 1)
    const literal = run(pod([container("a", [{ name: "NODE_PATH", value: "/lib" }, { name: "NODE_OPTIONS", value: "-r whatap" }])]), one("nodejs"))
    assert.deepStrictEqual(values(literal.pod, "NODE_PATH"), ["/whatap-agent/node_modules:/lib"])
  })

  it("NODE_PATH stays the application's when its NODE_OPTIONS does not require the agent (empty, other options)", () => {
    for (const options of [{ name: "NODE_OPTIONS", value: "" }, { name: "NODE_OPTIONS", value: "-r dotenv/config" }]) {
      const result = run(pod([container("a", [options, { name: "NODE_PATH", value: "/lib" }])]), one("nodejs"))
      assert.deepStrictEqual(values(result.pod, "NODE_PATH"), ["/lib"], JSON.stringify(options))
      assert.strictEqual(envOf(result.pod).filter((e) => e["name"] === "NODE_OPTIONS").length, 1)
      assert.strictEqual(result.warnings.length, 1, JSON.stringify(options))
    }
  })

  it("a NODE_OPTIONS from valueFrom may require the agent: NODE_PATH gets its modules, NODE_OPTIONS stays", () => {
    const options = { name: "NODE_OPTIONS", valueFrom: { configMapKeyRef: { name: "node", key: "options" } } }
    const result = run(pod([container("a", [options, { name: "NODE_PATH", value: "/lib" }])]), one("nodejs"))
    assert.deepStrictEqual(values(result.pod, "NODE_PATH"), ["/whatap-agent/node_modules:/lib"])
    assert.deepStrictEqual(envOf(result.pod).filter((e) => e["name"] === "NODE_OPTIONS"), [options])
    assert.strictEqual(result.warnings.length, 2)
  })
})

describe("generic languages (php, dotnet, golang, unknown)", () => {
  for (const language of ["php", "dotnet", "golang", "ruby"]) {
    it(`${language}: init container without env, mount, no env field added`, () => {
      const result = run(pod([container("a")]), one(language))
      assert.isUndefined(field(result.pod, "spec", "initContainers", 0, "env"))
      assert.strictEqual(at(result.pod, "spec", "initContainers", 0, "image"), `public.ecr.aws/whatap/apm-init-${language}:latest`)
      assert.isUndefined(field(result.pod, "spec", "containers", 0, "env"))
      assert.deepStrictEqual(at(result.pod, "spec", "containers", 0, "volumeMounts"), [{ name: "whatap-agent-volume", mountPath: "/whatap-agent" }])
      assert.strictEqual(at(result.pod, "metadata", "annotations", Naming.apmAnnotations.language), language)
    })
  }
})

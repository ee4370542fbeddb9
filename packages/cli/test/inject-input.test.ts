/**
 * `whatapctl inject` and `explain` through the real bin, the input side: license
 * redaction on stdout and stderr (the CLI's env, the CR's target envs, an echoed input)
 * unless --show-secrets, invalid input (exit 1, FILE:LINE:COL findings, nothing on
 * stdout), usage and I/O errors (exit 2, nothing read or printed), stdin.
 */
import { assert, describe, it } from "@effect/vitest"
import { fixture } from "./support/run.ts"
import { agentFile, at, cli, deployment, documents, envMap, javaPod, nodejsPod, ok, read, specEnv } from "./support/inject.ts"

const secret = "lic-SECRET-123"
const crSecret = "cr-SECRET-42"
const env = specEnv({ WHATAP_LICENSE: secret })

const runs = (agent: string): ReadonlyArray<ReadonlyArray<string>> => [
  ["inject", "-f", javaPod, "-f", deployment, "--agent", agent],
  ["inject", "-o", "json", "-f", javaPod, "-f", deployment, "--agent", agent],
  ["inject", "-o", "patch", "-f", javaPod, "-f", deployment, "--agent", agent],
  ["explain", "-f", javaPod, "--agent", agent],
  ["explain", "-o", "json", "-f", javaPod, "-f", deployment, "--agent", agent]
]

describe("license redaction", () => {
  it("the CLI's WHATAP_LICENSE never shows without --show-secrets (every format, stdout and stderr)", () => {
    for (const args of runs(agentFile)) {
      const r = ok(args, { env })
      assert.notInclude(r.stdout + r.stderr, secret, args.join(" "))
      assert.notInclude(r.stdout + r.stderr, "SECRET", args.join(" "))
      // explain's text shows no values, only the size of the patch
      if (args.join(" ") !== `explain -f ${javaPod} --agent ${agentFile}`) assert.include(r.stdout, "[redacted]", args.join(" "))
    }
  })

  it("a literal license in a target's envs never shows either", () => {
    const agent = fixture("inject/license-agent.yaml")
    for (const args of runs(agent)) {
      const r = ok(args, { env })
      assert.notInclude(r.stdout + r.stderr, "SECRET", args.join(" "))
    }
  })

  it("--show-secrets prints them; the CR's license wins over the CLI's env (spec 5.7)", () => {
    const [pod] = documents(ok(["inject", "--show-secrets", "-f", javaPod, "--agent", agentFile], { env }).stdout)
    assert.strictEqual(envMap(at(pod, "spec", "initContainers", 0, "env"))["WHATAP_LICENSE"], secret)
    const [fromCr] = documents(ok(["inject", "--show-secrets", "-f", javaPod, "--agent", fixture("inject/license-agent.yaml")], { env }).stdout)
    assert.strictEqual(envMap(at(fromCr, "spec", "initContainers", 0, "env"))["WHATAP_LICENSE"], crSecret)
    assert.strictEqual(envMap(at(fromCr, "spec", "containers", 0, "env"))["license"], crSecret)
  })

  it("an input printed with --show-secrets and fed back is redacted again", () => {
    const shown = ok(["inject", "--show-secrets", "-f", javaPod, "--agent", agentFile], { env }).stdout
    assert.include(shown, secret)
    const again = ok(["inject", "-f", "-", "--agent", agentFile], { env, stdin: shown })
    assert.notInclude(again.stdout + again.stderr, secret)
    assert.include(again.stderr, "AlreadyInjected")
  })

  it("unset credentials are injected empty, with a note naming them", () => {
    const r = ok(["inject", "-f", javaPod, "--agent", agentFile], { env: specEnv({ WHATAP_LICENSE: "", WHATAP_PORT: "" }) })
    assert.include(r.stderr, "note: WHATAP_LICENSE, WHATAP_PORT not set in this environment")
    // an empty value is written without `value`, as Go writes it
    const port = (at(documents(r.stdout)[0], "spec", "initContainers", 0, "env") as ReadonlyArray<{ name: string }>).find((e) => e.name === "WHATAP_PORT")
    assert.deepStrictEqual(port, { name: "WHATAP_PORT" })
  })
})

describe("invalid input: exit 1, FILE:LINE:COL findings, nothing on stdout", () => {
  for (const command of ["inject", "explain"]) {
    it(`${command}: a pod without a container name, at the offending field`, () => {
      const file = fixture("inject/invalid-pod.yaml")
      const r = cli([command, "-f", file, "--agent", agentFile])
      assert.strictEqual(r.status, 1)
      assert.strictEqual(r.stdout, "")
      assert.strictEqual(r.stderr, `${file}:7:7: error: spec.containers[0].name: not a valid Pod: missing or of the wrong type\n`)
    })

    it(`${command}: a CR with a validation error, as validate reports it`, () => {
      const file = fixture("inject/invalid-agent.yaml")
      const r = cli([command, "-f", javaPod, "--agent", file])
      assert.strictEqual(r.status, 1)
      assert.strictEqual(r.stdout, "")
      assert.strictEqual(r.stderr, `${file}:13:13: error: spec.features.apm.instrumentation.targets[0].language: unknown language "jav": expected one of java, python, nodejs, php, dotnet, golang\n`)
    })

    it(`${command}: a YAML syntax error in the pods`, () => {
      const r = cli([command, "-f", fixture("syntax-error.yaml"), "--agent", agentFile])
      assert.strictEqual(r.status, 1)
      assert.strictEqual(r.stdout, "")
      assert.match(r.stderr, /^packages\/cli\/test\/fixtures\/syntax-error\.yaml:\d+:\d+: error: invalid YAML: /)
    })
  }

  it("a workload without a template, at the workload's spec", () => {
    const r = cli(["inject", "-f", "-", "--agent", agentFile], { stdin: "kind: Deployment\nmetadata:\n  name: x\nspec:\n  replicas: 1\n" })
    assert.strictEqual(r.status, 1)
    assert.strictEqual(r.stderr, "<stdin>:4:1: error: spec.template: not a valid pod template of a Deployment: missing or of the wrong type\n")
  })
})

describe("objects that are not pods the cluster would create", () => {
  it("a Pod of another apiVersion, or a kind named like an Object property, is no pod; next to one, passed through unchanged", () => {
    const pod = "---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: real\nspec:\n  containers:\n  - name: a\n    image: a\n"
    for (const head of ["apiVersion: v2\nkind: Pod", "apiVersion: v1\nkind: constructor", "apiVersion: v1\nkind: toString"]) {
      const other = `${head}\nmetadata:\n  name: x\nspec:\n  containers:\n  - name: a\n    image: a\n`
      const alone = cli(["inject", "-f", "-", "--agent", agentFile], { stdin: other })
      assert.strictEqual(alone.status, 2, head)
      assert.match(alone.stderr, /^whatapctl: no Pod or workload \(/)
      const r = cli(["inject", "-f", "-", "--agent", agentFile], { stdin: other + pod })
      assert.strictEqual(r.status, 0, r.stderr)
      assert.deepStrictEqual(documents(r.stdout)[0], documents(other)[0], head)
    }
  })
})

describe("--namespace against the object's own namespace", () => {
  it("an object of another namespace is refused as kubectl refuses it (exit 1, at its metadata.namespace); the same namespace, or none, is fine", () => {
    for (const command of ["inject", "explain"]) {
      const r = cli([command, "-f", nodejsPod, "--agent", agentFile, "-n", "other"])
      assert.strictEqual(r.status, 1, r.stderr)
      assert.strictEqual(r.stdout, "")
      assert.strictEqual(r.stderr, `${nodejsPod}:5:3: error: metadata.namespace: the Pod's namespace "shop" does not match --namespace "other"; kubectl refuses to create it there (give --namespace shop, or none)\n`)
      assert.notStrictEqual(cli([command, "-f", nodejsPod, "--agent", agentFile, "-n", "shop"]).status, 2)
    }
    // a workload: its own namespace, at its metadata
    const r = cli(["inject", "-f", deployment, "--agent", agentFile, "-n", "other"])
    assert.strictEqual(r.status, 1, r.stderr)
    assert.match(r.stderr, /^.*deployment\.yaml:17:3: error: metadata\.namespace: the Deployment's namespace "shop" does not match --namespace "other"/)
  })
})

describe("usage and I/O errors: exit 2, one message, nothing on stdout", () => {
  const cases: ReadonlyArray<readonly [ReadonlyArray<string>, string]> = [
    [["--agent", agentFile], "no input: give the pod or workload with -f FILE (- for stdin)"],
    [["-f", javaPod], "--agent FILE is required: the WhatapAgent whose targets apply"],
    [["-f", javaPod, "--agent", agentFile, "--namespace", "Bad_NS"], `invalid --namespace "Bad_NS": `],
    [["-f", javaPod, "--agent", agentFile, "--operator-namespace", "-x"], `invalid --operator-namespace "-x": `],
    [["-f", javaPod, "--agent", agentFile, "--namespace-labels", "team"], `invalid label "team": expected key=value`],
    [["-f", javaPod, "--agent", agentFile, "--bogus"], "unknown flag --bogus"],
    [["-f", "/nonexistent.yaml", "--agent", agentFile], "cannot read /nonexistent.yaml: no such file or directory"],
    [["-f", javaPod, "--agent", javaPod], `expected exactly one WhatapAgent in ${javaPod}, found 0`],
    [["-f", agentFile, "--agent", agentFile], `no Pod or workload (Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob) in ${agentFile}`]
  ]
  for (const command of ["inject", "explain"]) {
    it(`${command}`, () => {
      for (const [args, message] of cases) {
        const r = cli([command, ...args])
        assert.strictEqual(r.status, 2, `${args.join(" ")}: ${r.stderr}`)
        assert.strictEqual(r.stdout, "")
        assert.include(r.stderr, `whatapctl: ${message}`)
      }
    })
  }

  it("an invalid -o names the formats of each command", () => {
    assert.include(cli(["inject", "-o", "text", "-f", javaPod, "--agent", agentFile]).stderr, "expected one of yaml, json, patch")
    assert.include(cli(["explain", "-o", "patch", "-f", javaPod, "--agent", agentFile]).stderr, "expected one of text, json, yaml")
  })

  it("two agents in the file", () => {
    const two = `${read(agentFile)}---\n${read(agentFile)}`
    const r = cli(["inject", "-f", javaPod, "--agent", "-"], { stdin: two })
    assert.strictEqual(r.status, 2)
    assert.include(r.stderr, "expected exactly one WhatapAgent in <stdin>, found 2")
  })
})

describe("stdin", () => {
  it("one - serves pods and agent alike", () => {
    const both = `${read(agentFile)}---\n${read(nodejsPod)}`
    const r = ok(["inject", "-f", "-", "--agent", "-", "--namespace-labels", "team=shop"], { stdin: both })
    const [agentOut, pod] = documents(r.stdout)
    assert.strictEqual(agentOut?.["kind"], "WhatapAgent")
    assert.strictEqual(at(pod, "metadata", "annotations", "whatap-apm-language"), "nodejs")
  })
})

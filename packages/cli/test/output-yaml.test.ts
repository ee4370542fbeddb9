/**
 * `-o yaml` of the report commands (version, selector match, gpu inspect, explain; plan and
 * doctor share the code and need a cluster): the same value as `-o json`, one YAML
 * document, and the same exit code.
 */
import { assert, describe, it } from "@effect/vitest"
import { parseAllDocuments } from "yaml"
import { agentFile, javaPod } from "./support/inject.ts"
import { run } from "./support/run.ts"

const smi = "packages/gpu/test/fixtures/h100-80gb-hbm3-no-mig.xml"

const cases: ReadonlyArray<readonly [string, ReadonlyArray<string>]> = [
  ["version", ["version"]],
  ["selector match", ["selector", "match", "-s", "app in (web,api),!legacy", "-l", "app=web"]],
  ["selector match (no match)", ["selector", "match", "-s", "app=db", "-l", "app=web"]],
  ["gpu inspect", ["gpu", "inspect", "--nvidia-smi-xml", smi]],
  ["explain", ["explain", "-f", javaPod, "--agent", agentFile]]
]

describe("-o yaml is -o json as YAML", () => {
  for (const [name, args] of cases) {
    it(name, () => {
      const json = run([...args, "-o", "json"])
      const yaml = run([...args, "-o", "yaml"])
      assert.strictEqual(yaml.status, json.status, yaml.stderr)
      const docs = parseAllDocuments(yaml.stdout)
      assert.strictEqual(docs.length, 1, yaml.stdout)
      assert.deepStrictEqual(docs[0]?.toJS(), JSON.parse(json.stdout))
      assert.isFalse(yaml.stdout.trimStart().startsWith("{"), "block YAML, not JSON")
    }, 30_000)
  }
})

/**
 * ServerSideApply against what a real kube-apiserver (v1.36, `fixtures/ssa/`) stored for
 * the operator's intents: every recorded pair is up to date, `fieldsOf` reproduces the
 * server's own managedFields byte for byte, and each kind of drift makes an apply needed.
 */
import { assert, describe, it } from "@effect/vitest"
import { Option } from "effect"
import { ServerSideApply } from "../src/index.ts"
import { get, modify, remove, set } from "./jsonEdit.ts"
import { kinds, load, recorded } from "./ssaFixtures.ts"

const manager = "whatap-operator"
const agent = ["spec", "template", "spec", "containers", 1] as const

const difference = (desired: Parameters<typeof ServerSideApply.diff>[0], live: Parameters<typeof ServerSideApply.diff>[1]) =>
  Option.getOrUndefined(ServerSideApply.diff(desired, live, manager))

describe("ServerSideApply on recordings of a real API server", () => {
  for (const kind of kinds) {
    it(`${kind}: the intent is up to date with what the server stored and returned`, () => {
      const { intent, applied, stored } = recorded(kind)
      assert.isTrue(ServerSideApply.upToDate(intent, stored, manager))
      assert.isTrue(ServerSideApply.upToDate(intent, applied, manager))
    })

    it(`${kind}: fieldsOf(intent) is the server's managedFields entry, byte for byte`, () => {
      const { intent, stored } = recorded(kind)
      const entry = ServerSideApply.managedEntry(stored, manager)
      assert.strictEqual(JSON.stringify(ServerSideApply.fieldsOf(intent)), JSON.stringify(entry?.fieldsV1 ?? {}))
    })
  }

  it("the recordings exercise what the helpers must survive", () => {
    const { stored } = recorded("daemonset")
    const agentLive = get(stored, agent)
    // server defaults, canonical quantities, status written by another manager
    assert.deepStrictEqual(get(agentLive, ["resources"]), {
      limits: { cpu: "1", memory: "1073741824" },
      requests: { cpu: "500m", memory: "512Mi" }
    })
    assert.strictEqual(get(stored, ["spec", "template", "spec", "volumes", 4, "emptyDir", "sizeLimit"]), "512Mi")
    assert.strictEqual(get(agentLive, ["terminationMessagePath"]), "/dev/termination-log")
    assert.isTrue(stored.metadata.managedFields?.some((e) => e.subresource === "status"))
    const service = recorded("service")
    assert.deepStrictEqual(difference(set(service.intent, ["spec", "ports", 0, "targetPort"], "9443"), service.stored), {
      path: "spec.ports[port=443,protocol=TCP].targetPort",
      reason: "changed"
    }, "an int-or-string is compared as stored: 9443 is not \"9443\"")
    const webhook = recorded("mutatingwebhookconfiguration").stored
    assert.strictEqual(get(webhook, ["webhooks", 0, "rules", 0, "scope"]), "*")
  })
})

describe("an apply is needed when", () => {
  it("someone edited a field we own (kubectl-style update)", () => {
    const edit = load("scenario-edit")
    assert.deepStrictEqual(difference(edit.object("intent"), edit.object("stored")), {
      path: "spec.template.spec.containers[name=whatap-master-agent].image",
      reason: "changed"
    })
    assert.isTrue(ServerSideApply.upToDate(edit.object("intent"), edit.object("forced"), manager))
  })

  it("a field left the intent (we still own it in live)", () => {
    const { intent, stored } = recorded("daemonset")
    const withoutLabel = remove(intent, ["metadata", "labels", "app.kubernetes.io/name"])
    assert.deepStrictEqual(difference(withoutLabel, stored), { path: "metadata.labels.app.kubernetes.io/name", reason: "removed" })
    const withoutEnv = remove(intent, [...agent, "env", 5])
    assert.deepStrictEqual(difference(withoutEnv, stored), {
      path: "spec.template.spec.containers[name=whatap-node-agent].env[name=HOST_PREFIX]",
      reason: "removed"
    })
    const withoutPort = remove(intent, [...agent, "ports", 1])
    assert.deepStrictEqual(difference(withoutPort, stored), {
      path: "spec.template.spec.containers[name=whatap-node-agent].ports[containerPort=6600,protocol=UDP]",
      reason: "removed"
    })
  })

  it("a container was dropped from the intent (recorded: the server then removes it)", () => {
    const sidecar = load("scenario-sidecar")
    assert.deepStrictEqual(difference(sidecar.object("withoutHelper"), sidecar.object("stored")), {
      path: "spec.template.spec.containers[name=whatap-node-helper]",
      reason: "removed"
    })
    assert.isTrue(ServerSideApply.upToDate(sidecar.object("withoutHelper"), sidecar.object("afterRemoval"), manager))
  })

  it("a container, an env var or a port was added to the intent", () => {
    const { intent, stored } = recorded("daemonset")
    const containers = ["spec", "template", "spec", "containers"]
    const added = modify(intent, containers, (cs) => [...(Array.isArray(cs) ? cs : []), { name: "extra", image: "x:1" }])
    assert.deepStrictEqual(difference(added, stored), { path: "spec.template.spec.containers[name=extra]", reason: "missing" })
    const env = modify(intent, [...agent, "env"], (es) => [...(Array.isArray(es) ? es : []), { name: "NEW", value: "1" }])
    assert.deepStrictEqual(difference(env, stored), {
      path: "spec.template.spec.containers[name=whatap-node-agent].env[name=NEW]",
      reason: "missing"
    })
    const port = modify(intent, [...agent, "ports"], (ps) => [...(Array.isArray(ps) ? ps : []), { containerPort: 7000 }])
    assert.deepStrictEqual(difference(port, stored), {
      path: "spec.template.spec.containers[name=whatap-node-agent].ports[containerPort=7000,protocol=TCP]",
      reason: "missing"
    })
  })

  it("a value, an atomic list or a webhook rule changed", () => {
    const { intent, stored } = recorded("daemonset")
    assert.deepStrictEqual(difference(set(intent, ["spec", "revisionHistoryLimit"], 5), stored), {
      path: "spec.revisionHistoryLimit",
      reason: "changed"
    })
    const tolerations = ["spec", "template", "spec", "tolerations"]
    assert.deepStrictEqual(difference(modify(intent, tolerations, (ts) => (Array.isArray(ts) ? ts.slice(1) : ts)), stored), {
      path: "spec.template.spec.tolerations",
      reason: "changed"
    })
    assert.deepStrictEqual(difference(set(intent, [...agent, "resources", "limits", "memory"], "2Gi"), stored), {
      path: "spec.template.spec.containers[name=whatap-node-agent].resources.limits.memory",
      reason: "changed"
    })
    const service = recorded("service")
    assert.deepStrictEqual(difference(set(service.intent, ["spec", "ports", 0, "targetPort"], "9443"), service.stored), {
      path: "spec.ports[port=443,protocol=TCP].targetPort",
      reason: "changed"
    }, "an int-or-string is compared as stored: 9443 is not \"9443\"")
    const webhook = recorded("mutatingwebhookconfiguration")
    const rule = set(webhook.intent, ["webhooks", 0, "rules", 0, "operations"], ["CREATE", "UPDATE"])
    assert.deepStrictEqual(difference(rule, webhook.stored), { path: "webhooks[name=mpod.kb.io].rules[0].operations", reason: "changed" })
  })

  it("another manager added a key to a selector, which the server replaces as a whole", () => {
    const service = recorded("service")
    const selector = get(service.stored, ["spec", "selector"])
    assert.isTrue(typeof selector === "object" && selector !== null && Object.keys(selector).length > 0, "the recording has a selector")
    const widened = modify(service.stored, ["spec", "selector"], (s) => ({ ...(s as object), app: "evil" }))
    assert.deepStrictEqual(difference(service.intent, widened), { path: "spec.selector.app", reason: "changed" })
    const webhook = recorded("mutatingwebhookconfiguration")
    const namespaceSelector = ["webhooks", 0, "namespaceSelector"]
    assert.isDefined(get(webhook.intent, namespaceSelector), "the intent has a namespaceSelector")
    const narrowed = modify(webhook.stored, [...namespaceSelector, "matchLabels"], (m) => ({ ...(m as object), team: "none" }))
    assert.deepStrictEqual(difference(webhook.intent, narrowed), { path: "webhooks[name=mpod.kb.io].namespaceSelector.matchLabels.team", reason: "changed" })
    // outside selectors, keys another manager adds are theirs to keep
    const labelled = modify(service.stored, ["metadata", "labels"], (l) => ({ ...(l as object), team: "shop" }))
    assert.isTrue(ServerSideApply.upToDate(service.intent, labelled, manager))
  })

  it("a field only we applied is dropped; one another manager also applied is not ours alone", () => {
    const removal = load("scenario-removal")
    assert.isTrue(ServerSideApply.upToDate(removal.object("dropShared"), removal.object("afterDropShared"), manager))
    assert.isTrue(ServerSideApply.upToDate(removal.object("dropOwned"), removal.object("afterDropOwned"), manager))
    assert.deepStrictEqual(difference(removal.object("dropOwned"), removal.object("afterDropShared")), {
      path: "data.entrypoint.sh",
      reason: "removed"
    })
  })
})

describe("no apply is needed when", () => {
  it("quantities are equal amounts written differently", () => {
    const { intent, stored } = recorded("daemonset")
    const resources = [...agent, "resources"]
    const equivalent = [
      ["limits", "memory", "1Gi"], ["limits", "memory", 1073741824], ["limits", "cpu", "1000m"], ["limits", "cpu", "1"],
      ["requests", "cpu", 0.5], ["requests", "cpu", "0.5"], ["requests", "memory", "0.5Gi"], ["requests", "memory", "524288Ki"]
    ] as const
    for (const [kind, name, amount] of equivalent) {
      assert.isTrue(ServerSideApply.upToDate(set(intent, [...resources, kind, name], amount), stored, manager), `${name}=${amount}`)
    }
    const different = [["limits", "memory", "1G"], ["requests", "cpu", "0.51"], ["requests", "memory", "512M"]] as const
    for (const [kind, name, amount] of different) {
      assert.isFalse(ServerSideApply.upToDate(set(intent, [...resources, kind, name], amount), stored, manager), `${name}=${amount}`)
    }
    const sizeLimit = ["spec", "template", "spec", "volumes", 4, "emptyDir", "sizeLimit"]
    assert.isTrue(ServerSideApply.upToDate(set(intent, sizeLimit, "536870912"), stored, manager))
    assert.isFalse(ServerSideApply.upToDate(set(intent, sizeLimit, "512M"), stored, manager))
  })

  it("a quantity-like string outside a quantity field is compared as written", () => {
    const { intent, stored } = recorded("configmap")
    const live = set(stored, ["data", "shared"], "500m")
    assert.isFalse(ServerSideApply.upToDate(set(intent, ["data", "shared"], "0.5"), live, manager))
  })

  it("another manager added a sidecar container and a label (server-side apply)", () => {
    const sidecar = load("scenario-sidecar")
    assert.isTrue(ServerSideApply.upToDate(sidecar.object("intent"), sidecar.object("stored"), manager))
  })

  it("another manager added a label (kubectl-style merge patch)", () => {
    const label = load("scenario-label")
    assert.isTrue(ServerSideApply.upToDate(label.object("intent"), label.object("stored"), manager))
  })

  it("the live object has no entry of ours (only desired ⊆ live is checked)", () => {
    const { intent, stored } = recorded("configmap")
    const foreign = { ...stored, metadata: { ...stored.metadata, managedFields: [] } }
    assert.isTrue(ServerSideApply.upToDate(intent, foreign, manager))
    assert.isFalse(ServerSideApply.upToDate(set(intent, ["data", "shared"], "two"), foreign, manager))
  })
})

/**
 * The same specs against a real cluster in a container, where a container engine exists.
 *
 * kind itself is a CLI that bootstraps kubeadm inside its node image, so it cannot be driven
 * through testcontainers alone; k3s is a single container that starts a conformant cluster
 * by itself, so that is the image used here (override with E2E_K3S_IMAGE). Without an engine
 * (this machine, CI) the suite reports itself skipped and says why.
 */
import { KubeConfig } from "@kubernetes/client-node"
import { GenericContainer, type StartedTestContainer, Wait } from "testcontainers"
import { afterAll, beforeAll, describe } from "vitest"
import { engineUnavailable } from "./engine.ts"
import { allSpecs } from "./specs/index.ts"
import type { Target } from "./specs/Target.ts"

const image = process.env["E2E_K3S_IMAGE"] ?? "rancher/k3s:v1.36.3-k3s1"

const unavailable = await engineUnavailable("k3s")

describe.skipIf(unavailable !== undefined)(`k3s cluster (${image})`, () => {
  let container: StartedTestContainer | undefined
  let target: Target | undefined

  beforeAll(async () => {
    container = await new GenericContainer(image)
      .withPrivilegedMode()
      .withCommand(["server", "--disable=traefik,metrics-server", "--tls-san=127.0.0.1"])
      .withExposedPorts(6443)
      .withWaitStrategy(Wait.forLogMessage("Node controller sync successful"))
      .withStartupTimeout(180_000)
      .start()
    const { output } = await container.exec(["cat", "/etc/rancher/k3s/k3s.yaml"])
    const kubeConfig = new KubeConfig()
    kubeConfig.loadFromString(
      output.replace("https://127.0.0.1:6443", `https://${container.getHost()}:${container.getMappedPort(6443)}`)
    )
    // The API server runs in the container and cannot reach a webhook on our loopback.
    target = { name: "k3s", kubeConfig }
  }, 300_000)

  afterAll(async () => {
    await container?.stop()
  })

  allSpecs(() => {
    if (target === undefined) throw new Error("container cluster did not start")
    return target
  }, { fakeGpu: false })
})

import { defineConfig } from "vitest/config"
import { loopbackNoProxy } from "./src/Processes.ts"

// A CI proxy (HTTPS_PROXY for the registries) must never see traffic to the local plane.
const noProxy = loopbackNoProxy(process.env["NO_PROXY"] ?? process.env["no_proxy"])

// One control plane for the whole suite (started in globalSetup, a cold build included),
// and files run one after another against it.
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/globalSetup.ts"],
    fileParallelism: false,
    env: { NO_PROXY: noProxy, no_proxy: noProxy },
    testTimeout: 120_000,
    hookTimeout: 300_000,
    teardownTimeout: 60_000
  }
})

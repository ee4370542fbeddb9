import { defineConfig } from "vitest/config"

// A CI proxy (HTTPS_PROXY for the registries) must never see traffic to the local plane.
const noProxy = [process.env["NO_PROXY"], "127.0.0.1", "localhost", "::1"].filter(Boolean).join(",")

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

import { defineConfig } from "vitest/config"

// One control plane for the whole suite (started in globalSetup, a cold build included),
// and files run one after another against it.
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/globalSetup.ts"],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 300_000,
    teardownTimeout: 60_000
  }
})

import { defineConfig } from "vitest/config"

export default defineConfig({
  // The informer and client tests run on real timers against in-process servers: on a busy
  // 2-core runner (the packages are tested side by side) a pass can take several seconds.
  // The limit only catches a hang; no test asserts a duration with it.
  test: { include: ["test/**/*.test.ts"], testTimeout: 30_000 }
})

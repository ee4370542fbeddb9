import { defineConfig } from "vitest/config"
import { unitTests } from "../../vitest.shared.ts"

export default defineConfig({ test: { ...unitTests, globalSetup: ["test/support/globalSetup.ts"] } })

/**
 * Whether a container engine is reachable (through testcontainers' own discovery), for the
 * suites that need one. Resolves to the reason when there is none, so a skipped suite says why.
 */
import { getContainerRuntimeClient } from "testcontainers"

export const engineUnavailable = (suite: string): Promise<string | undefined> =>
  getContainerRuntimeClient().then(
    () => undefined,
    (error: unknown) => {
      const reason = error instanceof Error ? error.message : String(error)
      console.log(`[e2e] ${suite} suite skipped: no container engine (${reason})`)
      return reason
    }
  )

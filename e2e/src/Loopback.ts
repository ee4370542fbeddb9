/**
 * Everything of the local control plane listens on 127.0.0.1 and talks only to it: a free
 * port to listen on, and the environment that keeps a proxy (HTTPS_PROXY for the package
 * registries in CI) from ever seeing that traffic.
 */
import { createServer } from "node:net"
import { Effect } from "effect"

/** A free port on 127.0.0.1 (released before use; the race is acceptable for tests). */
export const freePort = Effect.callback<number>((resume) => {
  const server = createServer()
  server.listen(0, "127.0.0.1", () => {
    const address = server.address()
    const port = typeof address === "object" && address !== null ? address.port : 0
    server.close(() => resume(Effect.succeed(port)))
  })
})

// Go honours HTTPS_PROXY; a CI proxy must never see loopback traffic between components.
export const loopbackNoProxy = (current: string | undefined): string =>
  [current, "127.0.0.1", "localhost", "::1"].filter((part) => part !== undefined && part !== "").join(",")

/** Environment for a component: ours, with loopback exempted from any proxy. */
export const env = (): NodeJS.ProcessEnv => ({
  ...process.env,
  NO_PROXY: loopbackNoProxy(process.env["NO_PROXY"]),
  no_proxy: loopbackNoProxy(process.env["no_proxy"])
})

/**
 * A small in-process API server for Lease objects only: get, create and update with
 * resourceVersions and a 409 on a stale update, behind one KubeClient Shape per
 * candidate so a test can break (fail or hang) one candidate's connection alone, or slip
 * a competing write in just before the next update.
 */
import { ApiResource, type KubeClient, KubeError, type KubeObject } from "@whatap-operator/kube"
import { Effect, Stream } from "effect"

type Shape = KubeClient["Service"]

export interface Connection {
  /** Every call fails with reason Unavailable while set. */
  down: boolean
  /** Every call hangs while set. */
  hang: boolean
}

const keyOf = (namespace: string | undefined, name: string) => `${namespace ?? ""}/${name}`

export const make = () => {
  const store = new Map<string, KubeObject.KubeObject>()
  let version = 0
  let beforeNextUpdate: (() => void) | undefined
  let writes = 0

  const error = (reason: KubeError["reason"], status: number, operation: string) =>
    new KubeError({ reason, status, operation, message: `${reason} (${operation})` })

  const save = (object: KubeObject.KubeObject): KubeObject.KubeObject => {
    const saved = { ...object, metadata: { ...object.metadata, resourceVersion: String(++version) } }
    store.set(keyOf(object.metadata.namespace, object.metadata.name ?? ""), saved)
    writes++
    return saved
  }

  const onlyLeases = (resource: ApiResource.ApiResource) =>
    resource === ApiResource.Lease ? Effect.void : Effect.die(`the fake serves Leases only, not ${resource.plural}`)

  const server = {
    get: (resource: ApiResource.ApiResource, name: string, namespace: string | undefined) =>
      Effect.andThen(onlyLeases(resource), () => {
        const found = store.get(keyOf(namespace, name))
        return found === undefined ? Effect.fail(error("NotFound", 404, `GET ${name}`)) : Effect.succeed(found)
      }),
    create: (resource: ApiResource.ApiResource, object: KubeObject.KubeObject) =>
      Effect.andThen(onlyLeases(resource), () =>
        store.has(keyOf(object.metadata.namespace, object.metadata.name ?? ""))
          ? Effect.fail(error("AlreadyExists", 409, "POST"))
          : Effect.sync(() => save(object))),
    update: (resource: ApiResource.ApiResource, object: KubeObject.KubeObject) =>
      Effect.andThen(onlyLeases(resource), () => {
        const hook = beforeNextUpdate
        beforeNextUpdate = undefined
        hook?.()
        const stored = store.get(keyOf(object.metadata.namespace, object.metadata.name ?? ""))
        if (stored === undefined) return Effect.fail(error("NotFound", 404, "PUT"))
        if (stored.metadata.resourceVersion !== object.metadata.resourceVersion) {
          return Effect.fail(error("Conflict", 409, "PUT"))
        }
        return Effect.sync(() => save(object))
      })
  }

  const connect = (connection: Connection) => <A>(call: Effect.Effect<A, KubeError>) =>
    Effect.suspend(() =>
      connection.hang ? Effect.never : connection.down ? Effect.fail(error("Unavailable", 0, "dial")) : call
    )

  const notServed = () => Effect.die("not served by the fake")

  /** A client whose connection the test controls. */
  const client = (connection: Connection = { down: false, hang: false }): Shape => {
    const via = connect(connection)
    return {
      get: (resource, name, options) => via(server.get(resource, name, options?.namespace)),
      create: (resource, object) => via(server.create(resource, object)),
      update: (resource, object) => via(server.update(resource, object)),
      list: notServed,
      apply: notServed,
      patch: notServed,
      delete: notServed,
      watch: () => Stream.die("not served by the fake")
    }
  }

  return {
    client,
    lease: (namespace: string, name: string) => store.get(keyOf(namespace, name)),
    put: (object: KubeObject.KubeObject) => save(object),
    /** Run `f` (e.g. a competing write) just before the next update is checked. */
    beforeNextUpdate: (f: () => void) => {
      beforeNextUpdate = f
    },
    writes: () => writes
  }
}

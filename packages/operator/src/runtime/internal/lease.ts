/**
 * The leader election record of a coordination.k8s.io/v1 Lease: decoding the raw object's
 * `spec` at the edge, and the pure record transitions of client-go's leaderelection
 * (take or renew, release). Times are RFC 3339 micro time, as the API's MicroTime.
 */
import { ApiResource, type KubeObject } from "@whatap-operator/kube"
import { Option, Schema } from "effect"

export interface Record {
  /** "" when no one holds the lease (never held, or released). */
  readonly holder: string
  readonly leaseDurationSeconds: number
  readonly acquireTime: string | undefined
  readonly renewTime: string | undefined
  readonly transitions: number
}

const Spec = Schema.Struct({
  holderIdentity: Schema.optional(Schema.NullOr(Schema.String)),
  leaseDurationSeconds: Schema.optional(Schema.NullOr(Schema.Number)),
  acquireTime: Schema.optional(Schema.NullOr(Schema.String)),
  renewTime: Schema.optional(Schema.NullOr(Schema.String)),
  leaseTransitions: Schema.optional(Schema.NullOr(Schema.Number))
})

const LeaseObject = Schema.Struct({ spec: Schema.optional(Schema.NullOr(Spec)) })

const decodeObject = Schema.decodeUnknownOption(LeaseObject)

/** The record of a Lease object; none when its spec is not a Lease spec. */
export const decode = (object: KubeObject.KubeObject): Option.Option<Record> =>
  Option.map(decodeObject(object), ({ spec }) => ({
    holder: spec?.holderIdentity ?? "",
    leaseDurationSeconds: spec?.leaseDurationSeconds ?? 0,
    acquireTime: spec?.acquireTime ?? undefined,
    renewTime: spec?.renewTime ?? undefined,
    transitions: spec?.leaseTransitions ?? 0
  }))

/** client-go compares whole records: any change, renewTime included, restarts the expiry clock. */
export const sameRecord = (a: Record, b: Record): boolean =>
  a.holder === b.holder && a.leaseDurationSeconds === b.leaseDurationSeconds &&
  a.acquireTime === b.acquireTime && a.renewTime === b.renewTime && a.transitions === b.transitions

/** `2026-11-30T15:00:00.000000Z`: the API's MicroTime format. */
export const microTime = (millis: number): string => {
  const iso = new Date(millis).toISOString()
  return `${iso.slice(0, -1)}000Z`
}

/**
 * The record `identity` writes to take or renew the lease: a renewal keeps the acquire
 * time and transition count; taking it from another holder (or from none) counts a
 * transition.
 */
export const next = (current: Record, identity: string, leaseMillis: number, now: number): Record => {
  const renewing = current.holder === identity
  return {
    holder: identity,
    leaseDurationSeconds: Math.ceil(leaseMillis / 1000),
    acquireTime: renewing ? current.acquireTime : microTime(now),
    renewTime: microTime(now),
    transitions: renewing ? current.transitions : current.transitions + 1
  }
}

/** The record of a Lease `identity` creates: the first holder, no transitions yet. */
export const initial = (identity: string, leaseMillis: number, now: number): Record => ({
  holder: identity,
  leaseDurationSeconds: Math.ceil(leaseMillis / 1000),
  acquireTime: microTime(now),
  renewTime: microTime(now),
  transitions: 0
})

/** client-go's release: no holder and a 1 s lease, so a standby takes it at its next retry. */
export const released = (current: Record, now: number): Record => ({
  holder: "",
  leaseDurationSeconds: 1,
  acquireTime: microTime(now),
  renewTime: microTime(now),
  transitions: current.transitions
})

const spec = (record: Record) => ({
  holderIdentity: record.holder,
  leaseDurationSeconds: record.leaseDurationSeconds,
  ...(record.acquireTime === undefined ? {} : { acquireTime: record.acquireTime }),
  ...(record.renewTime === undefined ? {} : { renewTime: record.renewTime }),
  leaseTransitions: record.transitions
})

/** The object to PUT: the one read (its resourceVersion is the precondition) with a new spec. */
export const withRecord = (object: KubeObject.KubeObject, record: Record): KubeObject.KubeObject => ({
  ...object,
  spec: spec(record)
})

/** A new Lease object holding `record`. */
export const object = (namespace: string, name: string, record: Record): KubeObject.KubeObject => ({
  apiVersion: ApiResource.apiVersionOf(ApiResource.Lease),
  kind: ApiResource.Lease.kind,
  metadata: { name, namespace },
  spec: spec(record)
})

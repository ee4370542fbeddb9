/**
 * Loads the recordings of a real kube-apiserver in `fixtures/ssa/` (made by
 * `fixtures/capture/capture.ts`): per kind `{ intent, applied, stored }`, and the
 * scenario files. Objects are decoded with the same edge Schema the client uses.
 */
import { readFileSync } from "node:fs"
import { Schema } from "effect"
import { KubeObject } from "../src/index.ts"

const decodeObject = Schema.decodeUnknownSync(KubeObject.KubeObjectSchema)
const decodeRecord = Schema.decodeUnknownSync(Schema.Record(Schema.String, Schema.Unknown))

export const kinds = [
  "serviceaccount", "configmap", "secret", "service", "clusterrole", "clusterrolebinding",
  "mutatingwebhookconfiguration", "deployment", "daemonset"
] as const

const read = (file: string): Record<string, unknown> =>
  decodeRecord(JSON.parse(readFileSync(new URL(`./fixtures/ssa/${file}.json`, import.meta.url), "utf8")))

/** One recording: named objects of a fixture file (each an object the server returned or we sent). */
export const load = (file: string) => {
  const raw = read(file)
  return {
    object: (field: string): KubeObject.KubeObject => decodeObject(raw[field]),
    raw
  }
}

export interface Recorded {
  readonly intent: KubeObject.KubeObject
  readonly applied: KubeObject.KubeObject
  readonly stored: KubeObject.KubeObject
}

export const recorded = (kind: (typeof kinds)[number]): Recorded => {
  const file = load(kind)
  return { intent: file.object("intent"), applied: file.object("applied"), stored: file.object("stored") }
}

/**
 * Builders for the memory-layer tests: small objects of the kinds the operator writes,
 * and `withMemory` to run a test against a fresh in-process API server.
 */
import { Effect } from "effect"
import { KubeClient, type KubeMemory, type KubeObject } from "../src/index.ts"

export const withMemory = <A, E>(self: Effect.Effect<A, E, KubeClient | KubeMemory>): Effect.Effect<A, E> =>
  Effect.provide(self, KubeClient.layerMemory)

/** Metadata overrides; `undefined` removes a field (`{ name: undefined }`: no name). */
export type MetadataEdit = { readonly [K in keyof KubeObject.ObjectMeta]?: KubeObject.ObjectMeta[K] | undefined }

const withoutUndefined = (metadata: MetadataEdit): KubeObject.ObjectMeta =>
  Object.fromEntries(Object.entries(metadata).filter(([, v]) => v !== undefined))

export const configMap = (name: string, data: Record<string, string> = {}, metadata: MetadataEdit = {}): KubeObject.KubeObject => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: withoutUndefined({ name, namespace: "ns", ...metadata }),
  data
})

export const deployment = (name: string, image: string, extra: Record<string, unknown> = {}): KubeObject.KubeObject => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name, namespace: "ns" },
  spec: {
    replicas: 1,
    selector: { matchLabels: { app: name } },
    template: {
      metadata: { labels: { app: name } },
      spec: { containers: [{ name: "main", image }] }
    }
  },
  ...extra
})

export const agent = (name: string, spec: Record<string, unknown> = {}): KubeObject.KubeObject => ({
  apiVersion: "monitoring.whatap.com/v2alpha1",
  kind: "WhatapAgent",
  metadata: { name },
  spec
})

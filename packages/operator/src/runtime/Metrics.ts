/**
 * The operator's own metrics (names prefixed `whatap_operator_`): reconciles by result,
 * reconcile duration, work-queue depth, watch restarts per resource, API requests by
 * verb and code, leadership. Defined once here so every module records the same names.
 */
import { Metric } from "effect"

export const reconcileTotal = Metric.counter("whatap_operator_reconcile_total", {
  description: "Reconciles of WhatapAgent resources, by result (success, error, requeue)",
  incremental: true
})

export const reconcileErrorsTotal = Metric.counter("whatap_operator_reconcile_errors_total", {
  description: "Reconciles that ended in an error",
  incremental: true
})

export const reconcileDurationSeconds = Metric.histogram("whatap_operator_reconcile_duration_seconds", {
  description: "Duration of one reconcile in seconds",
  boundaries: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]
})

export const workqueueDepth = Metric.gauge("whatap_operator_workqueue_depth", {
  description: "Keys waiting in the work queue"
})

export const workqueueInFlight = Metric.gauge("whatap_operator_workqueue_in_flight", {
  description: "Keys being reconciled right now"
})

export const watchRestartsTotal = Metric.counter("whatap_operator_watch_restarts_total", {
  description: "Restarts of list/watch loops after an error or an expired resourceVersion, by resource",
  incremental: true
})

export const apiRequestsTotal = Metric.counter("whatap_operator_api_requests_total", {
  description: "Requests to the Kubernetes API server, by verb, resource and status code",
  incremental: true
})

export const objectWritesTotal = Metric.counter("whatap_operator_object_writes_total", {
  description: "Objects created, applied or deleted by the reconciler, by kind and action",
  incremental: true
})

export const leader = Metric.gauge("whatap_operator_leader", {
  description: "1 while this process holds the leader election lease, else 0"
})

export const watchHealthy = Metric.gauge("whatap_operator_watch_healthy", {
  description: "1 when the watch of a resource is synced and running, else 0"
})

export const admissionRequestsTotal = Metric.counter("whatap_operator_admission_requests_total", {
  description: "Admission requests, by webhook path and outcome (allowed, denied, bad-request, timeout, ...; aborted when the client hung up before the answer)",
  incremental: true
})

export const admissionDurationSeconds = Metric.histogram("whatap_operator_admission_duration_seconds", {
  description: "Time to answer one admission request in seconds",
  boundaries: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1]
})

export const injectionsTotal = Metric.counter("whatap_operator_injections_total", {
  description: "Pod admissions by result: injected, or the reason a pod was not (NoTargetMatched, SystemNamespace, ...)",
  incremental: true
})

/** The failure of a reconcile pass that the work queue retries with backoff. */
import { Schema } from "effect"

export class ReconcileError extends Schema.TaggedError<ReconcileError>()("ReconcileError", {
  message: Schema.String
}) {}

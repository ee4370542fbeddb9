/**
 * The one expected failure of the harness: a step of building, starting or stopping the
 * local control plane went wrong. `step` names the step so the message reads on its own.
 */
import { Schema } from "effect"

export class ControlPlaneError extends Schema.TaggedError<ControlPlaneError>()("ControlPlaneError", {
  step: Schema.String,
  message: Schema.String
}) {}

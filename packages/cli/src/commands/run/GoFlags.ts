/**
 * The Go operator's flags that `whatapctl run` accepts besides its own, so the Go
 * operator's Deployment args run it unchanged (`run.ts` reads them). A module of its own:
 * the command tree loads it without the operator.
 */
import type { FlagSpec } from "../../Args.ts"

export const goOperatorFlags: ReadonlyArray<FlagSpec> = [
  { name: "zap-log-level", takesValue: true, valueName: "LEVEL", description: "the Go operator's log level flag: debug, info, warn, error, or a number above 0 (debug); --log-level wins" },
  { name: "zap-devel", takesValue: true, boolean: true, valueName: "true|false", description: "the Go operator's development logging: the debug level unless a level is given (default $DEBUG)" },
  { name: "metrics-secure", takesValue: true, boolean: true, valueName: "true|false", description: "accepted from the Go operator's Deployment: /metrics is plain HTTP here (a warning when true with --metrics-bind-address)" },
  { name: "enable-http2", takesValue: true, boolean: true, valueName: "true|false", description: "accepted from the Go operator's Deployment: the listeners speak HTTP/1.1, Go's default (a warning when true)" },
  { name: "zap-encoder", takesValue: true, valueName: "json|console", description: "accepted from the Go operator's Deployment: logs are JSON lines (a warning for console)" },
  { name: "zap-stacktrace-level", takesValue: true, valueName: "LEVEL", description: "accepted from the Go operator's Deployment; no effect" },
  { name: "zap-time-encoding", takesValue: true, valueName: "FORMAT", description: "accepted from the Go operator's Deployment; times are RFC 3339" }
]

/**
 * Scrape intervals. The OpenAgent is Prometheus-style, so the Prometheus duration
 * grammar (`1h30m`, `5m`, `30s`, `500ms`, `1d`, `1w`, `1y`) is accepted; Go's
 * `time.ParseDuration` forms (`1.5s`, `100us`) are accepted as well, since both
 * parsers exist in WhaTap's agents and rejecting a working interval is worse than
 * accepting an odd one. Zero and negative intervals are errors.
 */
const prometheus = /^(?:([0-9]+)y)?(?:([0-9]+)w)?(?:([0-9]+)d)?(?:([0-9]+)h)?(?:([0-9]+)m)?(?:([0-9]+)s)?(?:([0-9]+)ms)?$/
const go = /^(?:(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:ns|us|µs|μs|ms|s|m|h))+$/

export const durationError = (text: string): string | undefined => {
  const example = "expected a duration such as 30s, 1m or 1h30m"
  if (text.length === 0) return `empty duration: ${example}`
  if (text.startsWith("-")) return `duration ${JSON.stringify(text)} must not be negative`
  if (text === "0") return `duration must be greater than zero`
  if (!(prometheus.test(text) || go.test(text))) return `invalid duration ${JSON.stringify(text)}: ${example}`
  if (!/[1-9]/.test(text)) return `duration ${JSON.stringify(text)} must be greater than zero`
  return undefined
}

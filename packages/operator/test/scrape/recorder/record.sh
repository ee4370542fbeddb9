#!/usr/bin/env bash
# Regenerates ../../fixtures/scrape/go-recorded.json: random inputs (cases.ts) and what
# the Go operator's generateScrapeConfig / collectAllTLSSecrets return for them.
# Usage: record.sh /path/to/checkout/of/github.com/whatap/whatap-operator
# (recorded at commit a7e2ace; needs Go and the module proxy or a filled module cache).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/../../../../../e2e/recorder/lib.sh" "${1:-}"
run_node "$here/cases.ts" > "$work/cases.json"
SCRAPE_CASES="$work/cases.json" SCRAPE_OUT="$work/outputs.json" \
  go_record "$upstream" internal/controller '^TestRecordScrapeConfig$' "$here/scrape_recorder_test.go"
write_fixture "$work/cases.json" "$work/outputs.json" "$upstream" "$here/../../fixtures/scrape/go-recorded.json" input

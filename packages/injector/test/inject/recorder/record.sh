#!/usr/bin/env bash
# Regenerates ../../fixtures/go-recorded.json: random pod admissions (cases.ts) and the
# Go operator's pod-webhook answers to them (mutation_recorder_test.go, served through
# controller-runtime's admission.Webhook with a fake client).
# Usage: record.sh /path/to/checkout/of/github.com/whatap/whatap-operator [fixture]
# (recorded at commit a7e2ace; needs Go and the module proxy or a filled module cache).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/../../../../../e2e/recorder/lib.sh" "${1:-}"
run_node "$here/cases.ts" > "$work/cases.json"
MUTATION_CASES="$work/cases.json" MUTATION_OUT="$work/outputs.json" \
  go_record "$upstream" internal/webhook/v2alpha1 '^TestRecordPodMutation$' "$here/mutation_recorder_test.go"
write_fixture "$work/cases.json" "$work/outputs.json" "$upstream" "${2:-$here/../../fixtures/go-recorded.json}" input

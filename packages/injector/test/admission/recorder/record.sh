#!/usr/bin/env bash
# Regenerates ../../fixtures/go-admission-recorded.json: HTTP requests to both admission
# webhooks (cases.ts) and the Go operator's answers to their exact bytes
# (admission_recorder_test.go: its webhooks built as the manager builds them, served over
# httptest with a fake client).
# Usage: record.sh /path/to/checkout/of/github.com/whatap/whatap-operator [fixture]
# (recorded at commit a7e2ace; needs Go and the module proxy or a filled module cache).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/../../../../../e2e/recorder/lib.sh" "${1:-}"
run_node "$here/cases.ts" "$upstream" > "$work/cases.json"
ADMISSION_CASES="$work/cases.json" ADMISSION_OUT="$work/outputs.json" \
  go_record "$upstream" internal/webhook/v2alpha1 '^TestRecordAdmissionHTTP$' "$here/admission_recorder_test.go"
# the WhatapAgent the Go recorder's fake client holds, for our side of the comparison
agent="$(sed -n '/^const recorderAgent = `/,/`$/p' "$here/admission_recorder_test.go" | sed -e '1s/^const recorderAgent = `//' -e '$s/`$//')"
write_fixture "$work/cases.json" "$work/outputs.json" "$upstream" "${2:-$here/../../fixtures/go-admission-recorded.json}" go \
  "{\"agent\":$(run_node -e 'process.stdout.write(JSON.stringify(JSON.parse(process.argv[1])))' "$agent")}"

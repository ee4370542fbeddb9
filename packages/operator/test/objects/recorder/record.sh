#!/usr/bin/env bash
# Regenerates ../../fixtures/objects/go-recorded.json: WhatapAgents (cases.ts: the Go
# repository's examples/ and a seeded random sample) and every object the Go operator's
# Reconcile writes for each, on a controller-runtime fake client (objects_recorder_test.go).
# Usage: record.sh /path/to/checkout/of/github.com/whatap/whatap-operator [random-cases]
# (recorded at commit a7e2ace; needs Go and the module proxy or a module cache holding
# controller-runtime v0.20.4 and its dependencies with go.sum-matching hashes).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/../../../../../e2e/recorder/lib.sh" "${1:-}"
run_node "$here/cases.ts" "$upstream/examples" "${2:-160}" > "$work/cases.json"
OBJECTS_CASES="$work/cases.json" OBJECTS_OUT="$work/outputs.json" \
  go_record "$upstream" internal/controller '^TestRecordObjects$' "$here/objects_recorder_test.go"
write_fixture "$work/cases.json" "$work/outputs.json" "$upstream" "$here/../../fixtures/objects/go-recorded.json" spread

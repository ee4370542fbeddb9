#!/usr/bin/env bash
# Regenerates ../../fixtures/gpu-diff/go-recorded.json: GPU-focused WhatapAgents (gpu-cases.ts),
# memory-checker scenarios and quantities (mem-cases.ts), and what the Go operator returns for
# them: addDcgmExporterToNodeAgent, negateNodeSelectorTerm, gpu.WhatapGPUMetricsCSV and
# checkPod (gpu_recorder_test.go; the node helper is served on 127.0.0.1:6801, so that port
# must be free), the GPU objects of one Reconcile on a fake client (../../objects/recorder's
# test), and the dcgm-exporter-csv ConfigMap of manifests/resources.yaml.
# Usage: record.sh /path/to/checkout/of/github.com/whatap/whatap-operator [random-cases] [mem-scenarios]
# (recorded at a7e2ace; needs Go and the module proxy or a filled module cache).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/../../../../../e2e/recorder/lib.sh" "${1:-}"
run_node "$here/gpu-cases.ts" "${2:-200}" > "$work/cases.json"
run_node "$here/mem-cases.ts" "${3:-400}" > "$work/mem.json"
GPUDIFF_CASES="$work/cases.json" GPUDIFF_OUT="$work/functions.json" GPUDIFF_CSV="$work/csv-const.csv" \
  GPUDIFF_MEM="$work/mem.json" GPUDIFF_MEM_OUT="$work/mem-out.json" OBJECTS_CASES="$work/cases.json" OBJECTS_OUT="$work/objects.json" \
  go_record "$upstream" internal/controller '^(TestGpuDiffFunctions|TestGpuDiffMemCheck|TestRecordObjects)$' \
  "$here/gpu_recorder_test.go" "$here/../../objects/recorder/objects_recorder_test.go"
git -C "$upstream" show HEAD:manifests/resources.yaml > "$work/resources.yaml"
run_node "$here/assemble.ts" "$work" "$(upstream_commit "$upstream")" "$here/../../fixtures/gpu-diff/go-recorded.json"

#!/usr/bin/env bash
# Regenerates ../../fixtures/go-admission-recorded.json: HTTP requests to both admission
# webhooks (cases.ts) and the Go operator's answers to their exact bytes
# (admission_recorder_test.go: its webhooks built as the manager builds them, served over
# httptest with a fake client).
# Usage: record.sh /path/to/checkout/of/github.com/whatap/whatap-operator [fixture]
# (recorded at commit a7e2ace; needs Go and the module proxy or a filled module cache).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
upstream="$(cd "$1" && pwd)"
target="${2:-$here/../../fixtures/go-admission-recorded.json}"
work="$(mktemp -d)"
trap 'rm -rf "$work" "$upstream/internal/webhook/v2alpha1/zz_admission_recorder_test.go"' EXIT
npx node "$here/cases.ts" "$upstream" > "$work/cases.json"
cp "$here/admission_recorder_test.go" "$upstream/internal/webhook/v2alpha1/zz_admission_recorder_test.go"
(cd "$upstream" && ADMISSION_CASES="$work/cases.json" ADMISSION_OUT="$work/outputs.json" \
  go test -count=1 -run '^TestRecordAdmissionHTTP$' ./internal/webhook/v2alpha1/)
# the WhatapAgent the Go recorder's fake client holds, for our side of the comparison
agent="$(sed -n '/^const recorderAgent = `/,/`$/p' "$here/admission_recorder_test.go" | sed -e '1s/^const recorderAgent = `//' -e '$s/`$//')"
commit="$(git -C "$upstream" rev-parse --short HEAD 2>/dev/null || echo unknown)"
npx node -e '
const fs = require("node:fs")
const [cases, outputs, commit, target, agent] = process.argv.slice(1)
const inputs = JSON.parse(fs.readFileSync(cases, "utf8"))
const recorded = JSON.parse(fs.readFileSync(outputs, "utf8"))
const entries = inputs.map((input, i) => ({ input, go: recorded[i] }))
fs.mkdirSync(require("node:path").dirname(target), { recursive: true })
fs.writeFileSync(target, JSON.stringify({ upstreamCommit: commit, agent: JSON.parse(agent), entries }) + "\n")
console.log(`recorded ${entries.length} cases at ${commit}`)
' "$work/cases.json" "$work/outputs.json" "$commit" "$target" "$agent"

#!/usr/bin/env bash
# Regenerates ../../fixtures/go-recorded.json: random pod admissions (cases.ts) and the
# Go operator's pod-webhook answers to them (mutation_recorder_test.go, served through
# controller-runtime's admission.Webhook with a fake client).
# Usage: record.sh /path/to/checkout/of/github.com/whatap/whatap-operator [fixture]
# (recorded at commit a7e2ace; needs Go and the module proxy or a filled module cache).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
upstream="$(cd "$1" && pwd)"
target="${2:-$here/../../fixtures/go-recorded.json}"
work="$(mktemp -d)"
trap 'rm -rf "$work" "$upstream/internal/webhook/v2alpha1/zz_mutation_recorder_test.go"' EXIT
npx node "$here/cases.ts" > "$work/cases.json"
cp "$here/mutation_recorder_test.go" "$upstream/internal/webhook/v2alpha1/zz_mutation_recorder_test.go"
(cd "$upstream" && MUTATION_CASES="$work/cases.json" MUTATION_OUT="$work/outputs.json" \
  go test -count=1 -run '^TestRecordPodMutation$' ./internal/webhook/v2alpha1/)
commit="$(git -C "$upstream" rev-parse --short HEAD 2>/dev/null || echo unknown)"
npx node -e '
const fs = require("node:fs")
const [cases, outputs, commit, target] = process.argv.slice(1)
const inputs = JSON.parse(fs.readFileSync(cases, "utf8"))
const recorded = JSON.parse(fs.readFileSync(outputs, "utf8"))
const entries = inputs.map((input, i) => ({ input, ...recorded[i] }))
fs.mkdirSync(require("node:path").dirname(target), { recursive: true })
fs.writeFileSync(target, JSON.stringify({ upstreamCommit: commit, entries }) + "\n")
console.log(`recorded ${entries.length} cases at ${commit}`)
' "$work/cases.json" "$work/outputs.json" "$commit" "$target"

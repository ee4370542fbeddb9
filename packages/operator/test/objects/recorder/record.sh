#!/usr/bin/env bash
# Regenerates ../../fixtures/objects/go-recorded.json: WhatapAgents (cases.ts: the Go
# repository's examples/ and a seeded random sample) and every object the Go operator's
# Reconcile writes for each, on a controller-runtime fake client (objects_recorder_test.go).
# Usage: record.sh /path/to/checkout/of/github.com/whatap/whatap-operator [random-cases]
# (recorded at commit a7e2ace; needs Go and the module proxy or a module cache holding
# controller-runtime v0.20.4 and its dependencies with go.sum-matching hashes).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
upstream="$(cd "$1" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work" "$upstream/internal/controller/zz_objects_recorder_test.go"' EXIT
node "$here/cases.ts" "$upstream/examples" "${2:-160}" > "$work/cases.json"
cp "$here/objects_recorder_test.go" "$upstream/internal/controller/zz_objects_recorder_test.go"
(cd "$upstream" && OBJECTS_CASES="$work/cases.json" OBJECTS_OUT="$work/outputs.json" \
  go test -count=1 -run '^TestRecordObjects$' ./internal/controller/)
commit="$(git -C "$upstream" rev-parse --short HEAD 2>/dev/null || echo unknown)"
mkdir -p "$here/../../fixtures/objects"
node -e '
const fs = require("node:fs")
const [cases, outputs, commit, target] = process.argv.slice(1)
const { tls, cases: inputs } = JSON.parse(fs.readFileSync(cases, "utf8"))
const recorded = JSON.parse(fs.readFileSync(outputs, "utf8"))
const entries = inputs.map((input, i) => ({ ...input, ...recorded[i] }))
fs.writeFileSync(target, JSON.stringify({ upstreamCommit: commit, tls, entries }) + "\n")
console.log(`recorded ${entries.length} cases at ${commit}`)
' "$work/cases.json" "$work/outputs.json" "$commit" "$here/../../fixtures/objects/go-recorded.json"

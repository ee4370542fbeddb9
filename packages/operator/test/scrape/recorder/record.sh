#!/usr/bin/env bash
# Regenerates ../../fixtures/scrape/go-recorded.json: random inputs (cases.ts) and what
# the Go operator's generateScrapeConfig / collectAllTLSSecrets return for them.
# Usage: record.sh /path/to/checkout/of/github.com/whatap/whatap-operator
# (recorded at commit a7e2ace; needs Go and the module proxy or a filled module cache).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
upstream="$(cd "$1" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work" "$upstream/internal/controller/zz_scrape_recorder_test.go"' EXIT
npx node "$here/cases.ts" > "$work/cases.json"
cp "$here/scrape_recorder_test.go" "$upstream/internal/controller/zz_scrape_recorder_test.go"
(cd "$upstream" && SCRAPE_CASES="$work/cases.json" SCRAPE_OUT="$work/outputs.json" \
  go test -count=1 -run '^TestRecordScrapeConfig$' ./internal/controller/)
commit="$(git -C "$upstream" rev-parse --short HEAD 2>/dev/null || echo unknown)"
npx node -e '
const fs = require("node:fs")
const [cases, outputs, commit, target] = process.argv.slice(1)
const inputs = JSON.parse(fs.readFileSync(cases, "utf8"))
const recorded = JSON.parse(fs.readFileSync(outputs, "utf8"))
const entries = inputs.map((input, i) => ({ input, ...recorded[i] }))
fs.writeFileSync(target, JSON.stringify({ upstreamCommit: commit, entries }) + "\n")
console.log(`recorded ${entries.length} cases at ${commit}`)
' "$work/cases.json" "$work/outputs.json" "$commit" "$here/../../fixtures/scrape/go-recorded.json"

#!/usr/bin/env bash
# Regenerates ../fixtures/yamlv2-golden.json: the corpus (corpus.ts) marshalled by
# gopkg.in/yaml.v2 v2.4.0 (main.go). Needs Go and the module proxy (or a filled
# module cache); run from anywhere: packages/operator/test/yamlv2/regenerate.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here"
npx node "$here/corpus.ts" > "${TMPDIR:-/tmp}/yamlv2-corpus.json"
go run . "${TMPDIR:-/tmp}/yamlv2-corpus.json" > ../fixtures/yamlv2-golden.json
rm -f "${TMPDIR:-/tmp}/yamlv2-corpus.json"
echo "wrote $(grep -c '^{' ../fixtures/yamlv2-golden.json) entries to test/fixtures/yamlv2-golden.json"

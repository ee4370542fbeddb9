# Shared by the recorders (packages/*/test/**/recorder/record.sh) that run the Go operator's
# own code on generated inputs: each copies a Go test into a checkout of
# github.com/whatap/whatap-operator, runs it there, removes it again, and writes what it
# recorded next to the inputs as a test fixture. Sourced with the checkout's path, after
# `set -euo pipefail`: sets `upstream` (the checkout) and `work` (a directory removed on exit).

recorder_lib="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
upstream="$(cd "${1:?usage: record.sh /path/to/checkout/of/github.com/whatap/whatap-operator}" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# run_node ARG...: the repository's pinned Node.js (it runs TypeScript), else the one on PATH.
run_node() {
  local pinned="$recorder_lib/../../node_modules/.bin/node"
  if [ -x "$pinned" ]; then "$pinned" "$@"; else node "$@"; fi
}

# go_record UPSTREAM PACKAGE RUN FILE...: `go test -count=1 -run RUN ./PACKAGE/` in the
# checkout with each FILE, and recorder_common.go (its package clause made PACKAGE's), copied
# into PACKAGE as zz_<name>, removed afterwards whether the test passed or not. The caller
# exports the environment its recorder reads.
go_record() {
  local upstream="$1" package="$2" run="$3"
  shift 3
  local copied=("$upstream/$package/zz_recorder_common_test.go") file status=0
  sed "s/^package recorder$/package $(basename "$package")/" "$recorder_lib/recorder_common.go" > "${copied[0]}"
  for file in "$@"; do
    copied+=("$upstream/$package/zz_$(basename "$file")")
    cp "$file" "${copied[-1]}"
  done
  (cd "$upstream" && go test -count=1 -run "$run" "./$package/") || status=$?
  rm -f "${copied[@]}"
  return "$status"
}

# upstream_commit UPSTREAM: the checkout's short commit, or "unknown".
upstream_commit() {
  git -C "$1" rev-parse --short HEAD 2>/dev/null || echo unknown
}

# write_fixture CASES OUTPUTS UPSTREAM TARGET SHAPE [EXTRA_JSON]: see fixture.ts.
write_fixture() {
  run_node "$recorder_lib/fixture.ts" "$1" "$2" "$(upstream_commit "$3")" "$4" "$5" "${6:-{\}}"
}

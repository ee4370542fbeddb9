// Writes packages/core/test/fixtures/selector-golden.json: how Kubernetes' own
// k8s.io/apimachinery/pkg/labels parses, prints and matches a corpus of selector
// strings (hand-picked edge cases, deterministic random token soup and mostly
// well-formed random requirements). The core
// selector tests compare against it, so they run without Go.
// Regenerate (from the repository root):
//
//	cd bench/go-selector && go run ./golden ../../packages/core/test/fixtures/selector-golden.json
//
// A cold module cache is fine: the modules come through GOPROXY and go.sum pins them
// (go run uses -mod=readonly, so go.mod and go.sum are never rewritten). Do not set
// GOPROXY=off unless the cache already holds k8s.io/apimachinery and its dependencies.
package main

import (
	"encoding/json"
	"math/rand"
	"os"
	"strings"

	"k8s.io/apimachinery/pkg/labels"
)

type entry struct {
	Input   string `json:"input"`
	Ok      bool   `json:"ok"`
	Format  string `json:"format,omitempty"`
	Matches []bool `json:"matches,omitempty"`
}

var handPicked = []string{
	"", " ", "x", "!x", "x=a", "x==a", "x!=a", "x=", "x in ()", "x in (,a)", "x in (a,)", "x in (a,,b)",
	"x notin (a)", "x>5", "x<5", "x>a", "x>-1", "x>", "in in (in)", "notin notin (notin)", "x=in",
	"x,", ",x", "x y", "!x=a", "x in (a b)", "x in a", "a/b/c", "Foo/bar", "foo/Bar", "-x", "x-", "x=-a",
	"x in(a)", "x notin(a)", "a=1,a=2", "z,y,x", "\tx\n=\ra", "x>99999999999999999999", "x<9223372036854775807",
	"x>+5", "x>007", "!", "!!x", "x!", "x=(a)", "x in ((a))", "x in (a),", "x==", "x!=", "x=a=b",
}

var labelSets = []map[string]string{
	{}, {"x": "a"}, {"x": "b"}, {"x": ""}, {"x": "5"}, {"x": "6"}, {"x": "-7"}, {"x": "abc"},
	{"in": "in", "notin": "notin"}, {"a": "1"}, {"a": "2"}, {"x": "a", "y": "b", "z": "c"},
	{"x": "9223372036854775807"}, {"x": "+6"}, {"x": "in"},
}

var tokens = []string{"a", "b", "x", "y", "in", "notin", "=", "==", "!=", "!", "(", ")", ",", " ", " ", ">", "<", "1", "5", "-1", "a/b", "A", ".", "_"}

func soup(r *rand.Rand) string {
	var sb strings.Builder
	for n := r.Intn(10); n >= 0; n-- {
		sb.WriteString(tokens[r.Intn(len(tokens))])
	}
	return sb.String()
}

var keys = []string{"x", "y", "a", "in", "notin", "a/b", "z"}
var values = []string{"a", "b", "", "5", "6", "-1", "in", "abc"}
var spaces = []string{"", " ", "  ", "\t", "\n"}

func pick(r *rand.Rand, from []string) string { return from[r.Intn(len(from))] }

// requirement renders one mostly well-formed requirement, so that many entries parse.
func requirement(r *rand.Rand) string {
	k := pick(r, keys)
	switch r.Intn(6) {
	case 0:
		return k
	case 1:
		return "!" + pick(r, spaces) + k
	case 2, 3:
		op := []string{"=", "==", "!=", ">", "<"}[r.Intn(5)]
		return k + pick(r, spaces) + op + pick(r, spaces) + pick(r, values)
	default:
		op := []string{" in ", " notin "}[r.Intn(2)]
		vals := make([]string, 1+r.Intn(3))
		for i := range vals {
			vals[i] = pick(r, values)
		}
		return k + op + "(" + strings.Join(vals, ","+pick(r, spaces)) + ")"
	}
}

func grammar(r *rand.Rand) string {
	reqs := make([]string, 1+r.Intn(4))
	for i := range reqs {
		reqs[i] = pick(r, spaces) + requirement(r) + pick(r, spaces)
	}
	out := strings.Join(reqs, ",")
	if r.Intn(5) == 0 { // corrupt one position with a random token
		at := r.Intn(len(out) + 1)
		out = out[:at] + pick(r, tokens) + out[at:]
	}
	return out
}

func main() {
	inputs := append([]string{}, handPicked...)
	r := rand.New(rand.NewSource(42))
	for range 3000 {
		inputs = append(inputs, soup(r))
	}
	for range 2000 {
		inputs = append(inputs, grammar(r))
	}
	entries := make([]entry, 0, len(inputs))
	seen := map[string]bool{}
	for _, in := range inputs {
		if seen[in] {
			continue
		}
		seen[in] = true
		sel, err := labels.Parse(in)
		if err != nil {
			entries = append(entries, entry{Input: in})
			continue
		}
		e := entry{Input: in, Ok: true, Format: sel.String()}
		for _, set := range labelSets {
			e.Matches = append(e.Matches, sel.Matches(labels.Set(set)))
		}
		entries = append(entries, e)
	}
	// One entry per line keeps the fixture diffable.
	sets, _ := json.Marshal(labelSets)
	var sb strings.Builder
	sb.WriteString("{\"labelSets\": " + string(sets) + ",\n\"entries\": [\n")
	for i, e := range entries {
		line, _ := json.Marshal(e)
		sb.Write(line)
		if i < len(entries)-1 {
			sb.WriteString(",")
		}
		sb.WriteString("\n")
	}
	sb.WriteString("]}\n")
	if err := os.WriteFile(os.Args[1], []byte(sb.String()), 0o644); err != nil {
		panic(err)
	}
}

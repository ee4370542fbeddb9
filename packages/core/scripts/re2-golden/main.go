// Writes packages/core/test/fixtures/re2-golden.json: whether Go's own `regexp.Compile`
// (the RE2 dialect Prometheus relabelling and dcgm-exporter use) accepts each pattern of
// a corpus: hand-picked edge cases (escapes, classes, flags, groups, repeats, Unicode
// classes, constructs of other dialects) and deterministic random token soup. The core
// regex tests compare `Re2.check` against it, so they run without Go.
// Regenerate (standard library only):
//   cd packages/core/scripts/re2-golden && GOFLAGS=-mod=mod GOPROXY=off go run . ../../test/fixtures/re2-golden.json
package main

import (
	"encoding/json"
	"math/rand"
	"os"
	"regexp"
	"strings"
)

type entry struct {
	Pattern string `json:"pattern"`
	Ok      bool   `json:"ok"`
	Error   string `json:"error,omitempty"`
}

var handPicked = []string{
	// empty, literals, anchors
	"", "a", "abc", "^", "$", "^$", "^a$", "\\A", "\\z", "\\Z", "\\b", "\\B", "\\G", "a|b", "|", "a|", "|a", "||",
	// escapes
	"\\a", "\\f", "\\n", "\\r", "\\t", "\\v", "\\e", "\\0", "\\00", "\\000", "\\07", "\\08", "\\1", "\\9", "\\10",
	"\\x41", "\\x4", "\\x", "\\xg", "\\x{41}", "\\x{}", "\\x{110000}", "\\x{10FFFF}", "\\x{41", "\\u0041", "\\U00000041",
	"\\cA", "\\C", "\\N", "\\o{101}", "\\k<a>", "\\K", "\\R", "\\X", "\\h", "\\H", "\\V", "\\g1", "\\", "a\\", "\\\\",
	"\\.", "\\*", "\\+", "\\?", "\\(", "\\)", "\\[", "\\]", "\\{", "\\}", "\\|", "\\^", "\\$", "\\-", "\\/", "\\#", "\\ ",
	"\\&", "\\~", "\\!", "\\@", "\\%", "\\=", "\\<", "\\>", "\\:", "\\;", "\\,", "\\'", "\\\"", "\\_", "\\`",
	"\\d", "\\D", "\\s", "\\S", "\\w", "\\W", "\\y", "\\i", "\\Q", "\\E", "\\Qa.b\\E", "\\Qab", "\\Q\\E", "a\\E",
	// classes
	"[]", "[]a]", "[^]", "[^]a]", "[a]", "[^a]", "[a-z]", "[z-a]", "[a-]", "[-a]", "[a-\\d]", "[\\d-z]", "[a-z-0]",
	"[", "[a", "]", "a]", "[[]", "[[:alpha:]]", "[[:^alpha:]]", "[[:word:]]", "[[:foo:]]", "[:alpha:]", "[[:alpha:]",
	"[[=a=]]", "[[.a.]]", "[\\p{Lu}]", "[\\p{Lu}-z]", "[a-\\p{Lu}]", "[\\pL]", "[\\PL]", "[^\\P{L}]", "[\\Q]\\E]",
	"[\\]]", "[\\[]", "[\\^]", "[\\-]", "[\\b]", "[\\B]", "[\\z]", "[\\x41-\\x5a]", "[\\x{41}-\\x{5a}]", "[\\n-\\r]",
	"[a&&b]", "[a-z&&[^aeiou]]", "[\\s\\S]", "[\\w-.]", "[.-\\w]", "[--]", "[---]", "[a-a]", "[\\0]", "[\\e]",
	// Unicode classes
	"\\pL", "\\pN", "\\p{L}", "\\p{Lu}", "\\p{^Lu}", "\\P{Lu}", "\\P{^Lu}", "\\p{Greek}", "\\p{Han}", "\\p{Any}",
	"\\p{Foo}", "\\p{}", "\\p", "\\pZ", "\\p{IsGreek}", "\\p{InGreek}", "\\p{L&}", "\\p{Latin}", "\\pX",
	// repeats
	"a*", "a+", "a?", "a*?", "a+?", "a??", "a**", "a++", "a*+", "a?*", "a{2}", "a{2,}", "a{2,3}", "a{3,2}", "a{,3}",
	"a{}", "a{", "a{2", "a{2,", "a{x}", "{", "}", "{2}", "x{1000}", "x{1001}", "x{1000,}", "x{0,1000}", "x{0,1001}",
	"x{2}{2}", "(x{100}){100}", "(x{1000}){1000}", "((a{10}){10}){10}", "a{01}", "a{1,01}", "a{ 2}", "a{2 }",
	"*", "+", "?", "^*", "$*", "^+", "(*)", "(+)", "(?)", "a|*", "(|a)*", "()*", "(a*)*", "(a*)+", "(a+)?",
	"\\b*", "\\B+", "\\A*", "\\z*", "(?i)*", "x{2}*", "x{2}+", "x{2}?", "x*{2}", "x+{2}", "x?{2}",
	// groups and flags
	"()", "(a)", "(a", "a)", "((a)", "(a))", "(?:a)", "(?:)", "(?:", "(?P<n>a)", "(?P<n>)", "(?<n>a)", "(?'n'a)",
	"(?P<n>a)(?P<n>b)", "(?P<>a)", "(?P<1>a)", "(?P<a-b>a)", "(?P<é>a)", "(?P=n)", "(?P>n)", "(?i)a", "(?i:a)",
	"(?m)^a$", "(?s).", "(?U)a*", "(?imsU)a", "(?-i)a", "(?i-s)a", "(?i-)a", "(?-)a", "(?x)a", "(?x) a", "(?)a",
	"(?i", "(?z)", "(?#comment)", "(?=a)", "(?!a)", "(?<=a)", "(?<!a)", "(?>a)", "(?|a)", "(?R)", "(?1)",
	"(?i)(?-i)", "(?i-i)", "(?--i)a", "(?i-m-s)a", "(?P<name>\\w+)", "(a)(b)\\2", "(a)\\1",
	// dots, misc
	".", ".*", ".+", "a.b", "^(?s:.*)$", "[^\\n]*", "\\.\\*", "a\\.b", "(?:a|b)+", "a|b|c", "(a|b)*c",
	"\\d+\\.\\d+", "[0-9]{1,3}(\\.[0-9]{1,3}){3}", "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", "(.*)", "${1}",
	"__meta_kubernetes_pod_label_(.+)", "kube_(.*)_info", "DCGM_FI_.*", "container_(cpu|memory)_.*",
	"é", "日本", "\\x{65e5}", "[日本]", "\u00ff", "a\x00b", "\t", "\n", " ", "#", "a#b",
	// nesting
	strings.Repeat("(", 999) + strings.Repeat(")", 999),
	strings.Repeat("(", 1000) + strings.Repeat(")", 1000),
	strings.Repeat("(", 1001) + strings.Repeat(")", 1001),
	strings.Repeat("(?:a", 200) + strings.Repeat(")", 200),
	strings.Repeat("a*", 100), strings.Repeat("[a-z]", 100), strings.Repeat("x{100}", 10),
}

var tokens = []string{
	"a", "b", "z", "0", "9", ".", "*", "+", "?", "|", "(", ")", "[", "]", "^", "$", "-", "{", "}", ",", "2", "1000",
	"1001", "\\", "\\d", "\\w", "\\s", "\\b", "\\Z", "\\z", "\\A", "\\e", "\\x", "\\x{41}", "\\p{L}", "\\pL", "\\P",
	"\\Q", "\\E", "?:", "?P<n>", "?i", "?=", "?<", ":", "[:alpha:]", "[:", ":]", "=", "!", "<", ">", "'", "\\1", "é",
	" ", "#", "&&", "\\-", "\\]", "\\[", "{2}", "{2,3}", "{3,2}", "{,}",
}

func compileResult(p string) entry {
	_, err := regexp.Compile(p)
	if err != nil {
		return entry{Pattern: p, Ok: false, Error: err.Error()}
	}
	return entry{Pattern: p, Ok: true}
}

func main() {
	rng := rand.New(rand.NewSource(20260912))
	seen := map[string]bool{}
	var entries []entry
	add := func(p string) {
		if seen[p] {
			return
		}
		seen[p] = true
		entries = append(entries, compileResult(p))
	}
	for _, p := range handPicked {
		add(p)
	}
	for len(entries) < 1500 {
		n := 1 + rng.Intn(7)
		var b strings.Builder
		for i := 0; i < n; i++ {
			b.WriteString(tokens[rng.Intn(len(tokens))])
		}
		add(b.String())
	}
	out, err := json.MarshalIndent(map[string]any{"go": "regexp.Compile", "entries": entries}, "", " ")
	if err != nil {
		panic(err)
	}
	if err := os.WriteFile(os.Args[1], append(out, '\n'), 0o644); err != nil {
		panic(err)
	}
}

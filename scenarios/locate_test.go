package scenarios

import (
	"testing"

	"github.com/BurntSushi/toml"
)

const locateDoc = `# a comment: refund = 1, [[policies]]
mode = "behavioral" # mode = "textbook"
description = "hash # inside [a] string"
name = 'literal # too'
notes = """
refund = 3
[[policies]]
"""
literal = '''
[policies.eligibility]
'''

[population]
size = 10
traits.patience_hours = 5.0

[ population . traits ]
justice_alpha = [
  1.0, # first
  2.0,
  3.0,
]

[[population.segments]]
name = "a"
share = 0.5

[[population.segments]]
name = "b"
  share = 0.5
[population.segments.traits]
voice_sd = 2.0

[failures.delivery_delay]
probability = 0.1

[failures]
damaged_item.probability = 0.2
"wrong_item" . "severity_a" = 2.0

[[policies]]
name = "first"
refund = 1.0
eligibility = { segments = ["a"], failure_types = ["delivery_delay", "wrong_item"] }

[[policies]]
name = "second"
refund = 0.5
[policies.eligibility]
segments = [
  "a",
  "b",
]
[[policies]]
name = "third"
Refund = 2.0

[textbook]
beta = [[1, 2], [3, {x = 4}]]
`

func TestLineOfPath(t *testing.T) {
	cases := []struct {
		path string
		line int
	}{
		{"mode", 2},
		{"description", 3},
		{"name", 4},
		{"population", 13},
		{"population.size", 14},
		{"population.traits.patience_hours", 15},
		{"population.traits", 15},
		{"population.traits.justice_alpha", 18},
		{"population.traits.justice_alpha[0]", 19},
		{"population.traits.justice_alpha[2]", 21},
		{"population.traits.justice_alpha[7]", 18}, // falls back to the array
		{"population.segments", 24},
		{"population.segments[0]", 24},
		{"population.segments[0].share", 26},
		{"population.segments[1].share", 30},
		{"population.segments[1].traits.voice_sd", 32},
		{"population.segments[0].traits.voice_sd", 0},
		{"failures", 34},
		{"failures.delivery_delay.probability", 35},
		{"failures.damaged_item.probability", 38},
		{"failures.wrong_item.severity_a", 39},
		{"policies", 41},
		{"policies[0].refund", 43},
		{"policies[0].eligibility.segments", 44},
		{"policies[0].eligibility.failure_types[1]", 44},
		{"policies[1].refund", 48},
		{"policies[1].eligibility", 49},
		{"policies[1].eligibility.segments[1]", 52},
		{"policies[2].name", 55},
		{"policies[2].refund", 56}, // keys match case-insensitively, as the toml package does
		{"policies[3].refund", 0},
		{"policies[0].apology", 0},
		{"textbook.beta[1][1].x", 59},
		{"seed", 0},
		{"", 0},
		{"notes", 5},
		{"literal", 9},
	}
	for _, c := range cases {
		if got := lineOfPath([]byte(locateDoc), c.path); got != c.line {
			t.Errorf("lineOfPath(%q) = %d, want %d", c.path, got, c.line)
		}
	}
	// The document is valid TOML: the scanner is tested on what the
	// parser accepts.
	var m map[string]any
	if _, err := toml.Decode(locateDoc, &m); err != nil {
		t.Fatalf("test document is not valid TOML: %v", err)
	}
}

func TestLineNear(t *testing.T) {
	doc := []byte("[[population.segments]]\nname = \"a\"\n\n[[population.segments]]\nname = \"b\"\n[outcomes]\nbaseline = 1.0\n")
	cases := []struct {
		path string
		line int
	}{
		{"population.segments[1].share", 4},
		{"population.segments[0].share", 1},
		{"population.segments[0].traits.voice_sd", 1},
		{"outcomes.score_ceiling", 0},
		{"policies[0].refund", 0},
	}
	for _, c := range cases {
		if got := lineNear(doc, c.path); got != c.line {
			t.Errorf("lineNear(%q) = %d, want %d", c.path, got, c.line)
		}
	}
}

func TestLocateKey(t *testing.T) {
	doc := []byte("[[policies]]\nname = \"a\"\nrefundd = 1\n\n[[policies]]\nname = \"b\"\n  refundd = 2\n[policies.extra]\nx = 1\n[\"odd key\"]\n\"a.b\" = 1\n")
	cases := []struct {
		key  toml.Key
		path string
		line int
	}{
		{toml.Key{"policies", "refundd"}, "policies[0].refundd", 3},
		{toml.Key{"policies", "extra"}, "policies[1].extra", 8},
		{toml.Key{"policies", "extra", "x"}, "policies[1].extra.x", 9},
		{toml.Key{"odd key"}, `"odd key"`, 10},
		{toml.Key{"odd key", "a.b"}, `"odd key"."a.b"`, 11},
		{toml.Key{"nowhere"}, "", 0},
	}
	for _, c := range cases {
		path, line := locateKey(doc, c.key)
		if path != c.path || line != c.line {
			t.Errorf("locateKey(%q) = %q, %d; want %q, %d", c.key, path, line, c.path, c.line)
		}
	}
	all := locateKeyAll(doc, toml.Key{"policies", "refundd"})
	if len(all) != 2 || all[1].path != "policies[1].refundd" || all[1].line != 7 {
		t.Errorf("locateKeyAll = %+v", all)
	}
}

func TestSuggest(t *testing.T) {
	cases := []struct {
		key  toml.Key
		want string
	}{
		{toml.Key{"policies", "refundd"}, `; did you mean "refund"?`},
		{toml.Key{"policies", "Refund_By_Severity"}, `; did you mean "refund_by_severity"?`},
		{toml.Key{"populaton", "size"}, `; did you mean "population"?`},
		{toml.Key{"population", "segments", "shares"}, `; did you mean "share"?`},
		{toml.Key{"population", "segments", "traits", "voice_sdd"}, `; did you mean "voice_sd"?`},
		{toml.Key{"failures", "delivery_delay", "probabilty"}, `; did you mean "probability"?`},
		{toml.Key{"failures", "late_delivery"}, ""},
		{toml.Key{"textbook", "betas"}, `; did you mean "beta"?`},
		{toml.Key{"refund"}, `; "refund" is a key of [[policies]], [policies.proactive_remedy]`},
		{toml.Key{"x"}, ""},
		{toml.Key{"mode", "x"}, ""},
		{toml.Key{"policies", "completely_different"}, ""},
	}
	for _, c := range cases {
		if got := suggest(c.key); got != c.want {
			t.Errorf("suggest(%q) = %q, want %q", c.key, got, c.want)
		}
	}
}

func TestEditDistance(t *testing.T) {
	cases := []struct {
		a, b string
		d    int
	}{
		{"", "", 0}, {"abc", "", 3}, {"", "ab", 2}, {"refund", "refund", 0},
		{"refundd", "refund", 1}, {"kitten", "sitting", 3}, {"weeks", "week", 1},
	}
	for _, c := range cases {
		if got := editDistance(c.a, c.b); got != c.d {
			t.Errorf("editDistance(%q, %q) = %d, want %d", c.a, c.b, got, c.d)
		}
	}
}

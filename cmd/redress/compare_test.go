package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// smallShowdown writes a small behavioral scenario with three policies.
func smallShowdown(t *testing.T) string {
	t.Helper()
	src := `name = "mini"
policy = "standard"
[population]
size = 2000
weeks = 12
[[policies]]
name = "standard"
[[policies]]
name = "generous"
refund = 1.2
apology = "sincere"
[[policies]]
name = "proactive"
proactive = 0.8
[policies.proactive_remedy]
refund = 0.0
coupon_value = 0.1
`
	p := filepath.Join(t.TempDir(), "mini.toml")
	if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestCompareCommand(t *testing.T) {
	sc := smallShowdown(t)
	dir := filepath.Join(t.TempDir(), "cmp")
	code, out, errs := runCLI(t, "compare", sc, "--reps", "4", "--out", dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{"3 policies × 4 replications on common random numbers", "survey satisfaction (dashboard)",
		"Difference from standard, paired", "paired intervals are", "Dashboard vs truth", "Decisions", "By failure type"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	for _, f := range []string{"compare.json", "compare.csv", "replications.csv", "breakdown.csv", "compare-metrics.png", "compare-metrics.svg", "dashboard-vs-truth.png", "dashboard-vs-truth.svg"} {
		if st, err := os.Stat(filepath.Join(dir, f)); err != nil || st.Size() == 0 {
			t.Errorf("%s: %v", f, err)
		}
	}
	// JSON on stdout parses; the same with other workers.
	code, js, errs := runCLI(t, "compare", sc, "--reps", "4", "--format", "json", "--baseline", "generous", "--workers", "1")
	if code != 0 {
		t.Fatalf("json: exit %d: %s", code, errs)
	}
	var doc struct {
		Baseline string `json:"baseline"`
		Policies []struct {
			Name    string `json:"name"`
			Metrics []struct {
				Name string `json:"name"`
			} `json:"metrics"`
		} `json:"policies"`
	}
	if err := json.Unmarshal([]byte(js), &doc); err != nil || doc.Baseline != "generous" || len(doc.Policies) != 3 || len(doc.Policies[0].Metrics) < 10 {
		t.Errorf("json: %v %+v", err, doc)
	}
	_, js2, _ := runCLI(t, "compare", sc, "--reps", "4", "--format", "json", "--baseline", "generous", "--workers", "3")
	if js != js2 {
		t.Error("JSON differs between 1 and 3 workers")
	}
	code, csv, _ := runCLI(t, "compare", sc, "--reps", "3", "--format", "csv")
	if code != 0 || !strings.HasPrefix(csv, "policy,metric,mean,") || strings.Count(csv, "\n") != 1+3*13 {
		t.Errorf("csv: exit %d, %d lines", code, strings.Count(csv, "\n"))
	}
}

func TestFrontierCommand(t *testing.T) {
	sc := smallShowdown(t)
	dir := filepath.Join(t.TempDir(), "fr")
	code, out, errs := runCLI(t, "frontier", sc, "--grid", "refund=0:1:0.5", "--grid", "apology=none,sincere", "--reps", "3", "--out", dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{"6 policies × 3 replications", "Pareto frontier", "Highest profit: ", "refund=0 apology=none"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	for _, f := range []string{"frontier.json", "frontier.csv", "frontier.png", "frontier.svg"} {
		if st, err := os.Stat(filepath.Join(dir, f)); err != nil || st.Size() == 0 {
			t.Errorf("%s: %v", f, err)
		}
	}
}

// TestPolicyInputErrors: invalid policy definitions and references fail
// with a clear message and exit status 2, writing nothing.
func TestPolicyInputErrors(t *testing.T) {
	sc := smallShowdown(t)
	bad := func(body string) string {
		p := filepath.Join(t.TempDir(), "bad.toml")
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	head := "[population]\nsize = 1000\nweeks = 4\n[[policies]]\nname = \"a\"\n"
	out := filepath.Join(t.TempDir(), "never")
	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"unknown lever in a policy", []string{"compare", bad(head + "speed = 3\n"), "--out", out}, `policies[0].speed: unknown key`},
		{"negative staffing", []string{"compare", bad(head + "staffing = -2\n"), "--out", out}, "policies[0].staffing: -2 is out of range"},
		{"refund of -0.1", []string{"compare", bad(head + "refund = -0.1\n"), "--out", out}, "policies[0].refund: -0.1 is out of range"},
		{"bad proactive remedy", []string{"compare", bad(head + "[policies.proactive_remedy]\napology = \"grovel\"\n"), "--out", out}, "policies[0].proactive_remedy.apology"},
		{"baseline not defined", []string{"compare", sc, "--baseline", "nope", "--out", out}, `"nope"`},
		{"too few reps", []string{"compare", sc, "--reps", "1"}, "--reps"},
		{"textbook scenario", []string{"compare", "textbook-selection"}, "behavioral"},
		{"unknown grid lever", []string{"frontier", sc, "--grid", "speed=1:2:1", "--out", out}, `--grid speed: speed: no such key "speed"`},
		{"negative staffing on the grid", []string{"frontier", sc, "--grid", "staffing=-1,2", "--out", out}, "staffing: -1 is out of range"},
		{"refund -0.1 on the grid", []string{"frontier", sc, "--grid", "refund=-0.1:0.5:0.3", "--out", out}, "refund: -0.1 is out of range"},
		{"malformed grid", []string{"frontier", sc, "--grid", "refund=1:0:0.5"}, "a ≤ b"},
		{"no grid", []string{"frontier", sc}, "--grid"},
		{"template not defined", []string{"frontier", sc, "--grid", "refund=0,1", "--policy", "nope"}, `"nope"`},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, _, errs := runCLI(t, c.args...)
			if code != 2 || !strings.Contains(errs, c.want) {
				t.Errorf("exit %d, stderr %q; want 2 and %q", code, errs, c.want)
			}
		})
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("a failed command wrote its output directory")
	}
}

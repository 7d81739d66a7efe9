package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/redress-sim/redress/scenarios"
)

func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Main(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestRunDefault(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	code, out, errs := runCLI(t, "run", "--out", dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{"customers", "failures", "contact rate among failures", "first-contact resolution",
		"churn", "NPS", "revenue", "recovery cost", "What the firm sees vs what happened", "(ATE)", "(ATT", "(ATU"} {
		if !strings.Contains(out, want) {
			t.Errorf("summary lacks %q:\n%s", want, out)
		}
	}
	for _, f := range []string{"customers.csv", "episodes.csv", "truth_episodes.csv", "codebook.json", "truth.json"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("missing %s", f)
		}
	}
}

func TestFlagsAfterPositional(t *testing.T) {
	dir := t.TempDir()
	code, _, errs := runCLI(t, "run", "textbook-selection", "--out", dir, "--seed", "3")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if _, err := os.Stat(filepath.Join(dir, "truth.json")); err != nil {
		t.Error("flags after the scenario were ignored")
	}
}

func TestPresetsValidate(t *testing.T) {
	for _, p := range scenarios.Presets() {
		code, out, errs := runCLI(t, "validate", p.Name)
		if code != 0 || !strings.Contains(out, "ok") {
			t.Errorf("preset %s: exit %d %s", p.Name, code, errs)
		}
		if p.Teaches == "" {
			t.Errorf("preset %s does not open with a comment saying what it teaches", p.Name)
		}
	}
	code, out, _ := runCLI(t, "scenarios")
	if code != 0 || !strings.Contains(out, "recovery-paradox") {
		t.Errorf("scenarios: exit %d\n%s", code, out)
	}
}

// TestBrokenScenarios: each broken scenario exits 2 with a message naming
// the key, and a run writes no output file.
func TestBrokenScenarios(t *testing.T) {
	cases := []struct{ name, toml, want string }{
		{"unknown key", "[population]\nsizee = 10\n", "population.sizee"},
		{"wrong type", "[population]\nsize = \"big\"\n", "population.size"},
		{"probability 1.5", "[failures.wrong_item]\nprobability = 1.5\n", "failures.wrong_item.probability"},
		{"shares", "[[population.segments]]\nname = \"a\"\nshare = 0.5\n[[population.segments]]\nname = \"b\"\nshare = 0.4\n", "share"},
		{"undefined policy", "policy = \"nope\"\n", "policy"},
		{"negative hours", "[[policies]]\nname = \"x\"\nresponse_hours = -3\n", "policies[0].response_hours"},
		{"refund", "[[policies]]\nname = \"x\"\nrefund = -0.1\n", "policies[0].refund"},
		{"unknown policy lever", "[[policies]]\nname = \"x\"\nrefundd = 1\n", "policies[0].refundd"},
		{"syntax", "[population\nsize = 3\n", "bad.toml:2"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			file := filepath.Join(dir, "bad.toml")
			if err := os.WriteFile(file, []byte(c.toml), 0o644); err != nil {
				t.Fatal(err)
			}
			code, _, errs := runCLI(t, "validate", file)
			if code != 2 || !strings.Contains(errs, c.want) || !strings.Contains(errs, "bad.toml") {
				t.Errorf("validate: exit %d, stderr %q; want 2 naming %q and the file", code, errs, c.want)
			}
			out := filepath.Join(dir, "out")
			code, _, errs = runCLI(t, "run", file, "--out", out)
			if code != 2 || !strings.Contains(errs, c.want) {
				t.Errorf("run: exit %d, stderr %q", code, errs)
			}
			if _, err := os.Stat(out); !os.IsNotExist(err) {
				t.Errorf("run of a broken scenario created %s", out)
			}
		})
	}
}

func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{{"frobnicate"}, {"run", "--workers", "x"}, {"run", "a.toml", "b.toml"}, {"validate"}} {
		if code, _, _ := runCLI(t, args...); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
	if code, _, _ := runCLI(t, "run", "--help"); code != 0 {
		t.Errorf("--help: exit %d", code)
	}
}

func TestInitRoundTrip(t *testing.T) {
	code, out, _ := runCLI(t, "init")
	if code != 0 {
		t.Fatalf("init exit %d", code)
	}
	file := filepath.Join(t.TempDir(), "init.toml")
	os.WriteFile(file, []byte(out), 0o644)
	if code, _, errs := runCLI(t, "validate", file); code != 0 {
		t.Fatalf("init output does not validate: %s", errs)
	}
}

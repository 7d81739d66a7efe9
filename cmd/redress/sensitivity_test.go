package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// sensArgs is a small, fast analysis of the default scenario.
func sensArgs(out string, extra ...string) []string {
	return append([]string{"sensitivity", "default", "--set", "population.size=300", "--set", "population.weeks=6",
		"--set", "population.warmup_weeks=2", "--param", "contact.voice=0:1", "--param", "outcomes.voice_effect=0:0.3",
		"--output", "bias:ate_contact_repurchase:naive", "--n", "8", "--trajectories", "3", "--bootstrap", "50", "--out", out}, extra...)
}

// TestSensitivityCommand: the files are written, stdout ranks the
// parameters, and every file is byte-identical for any worker count.
func TestSensitivityCommand(t *testing.T) {
	dir := t.TempDir()
	one, two := filepath.Join(dir, "w1"), filepath.Join(dir, "w2")
	code, out, errs := runCLI(t, sensArgs(one, "--workers", "1")...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{"Morris screening, ranked by μ*", "Sobol' indices, ranked by the total index ST", "contact.voice", "41 simulation runs"} {
		if !strings.Contains(out, want) {
			t.Errorf("stdout lacks %q:\n%s", want, out)
		}
	}
	if !strings.Contains(errs, "Morris 3 trajectories × 3 = 9 + Sobol N = 8 × 4 = 32 evaluations") {
		t.Errorf("stderr lacks the cost: %s", errs)
	}
	if code, _, errs := runCLI(t, sensArgs(two, "--workers", "2")...); code != 0 {
		t.Fatalf("workers 2: exit %d: %s", code, errs)
	}
	files := []string{"sensitivity.json", "sensitivity.md", "sensitivity.csv", "sensitivity-sobol.png", "sensitivity-sobol.svg", "sensitivity-morris.png", "sensitivity-morris.svg"}
	for _, f := range files {
		a, err := os.ReadFile(filepath.Join(one, f))
		if err != nil || len(a) == 0 {
			t.Fatalf("%s: %v", f, err)
		}
		if b, _ := os.ReadFile(filepath.Join(two, f)); !bytes.Equal(a, b) {
			t.Errorf("%s differs between 1 and 2 workers", f)
		}
	}
	var res sensResult
	js, _ := os.ReadFile(filepath.Join(one, "sensitivity.json"))
	if err := json.Unmarshal(js, &res); err != nil {
		t.Fatal(err)
	}
	if res.Sobol == nil || res.Morris == nil || len(res.Sobol.Total) != 2 || res.ScenarioHash == "" || res.Runs != 41 {
		t.Errorf("sensitivity.json: %s", js)
	}
	csv, _ := os.ReadFile(filepath.Join(one, "sensitivity.csv"))
	lines := strings.Split(strings.TrimSpace(string(csv)), "\n")
	if len(lines) != 1+9+32 || lines[0] != "method,unit,point,contact.voice,outcomes.voice_effect,output" {
		t.Errorf("sensitivity.csv: %d lines, header %q", len(lines), lines[0])
	}
}

// TestSensitivityInputErrors: bad input exits 2 naming the flag, and
// writes nothing.
func TestSensitivityInputErrors(t *testing.T) {
	replace := func(args []string, old, new string) []string {
		out := append([]string(nil), args...)
		for i, a := range out {
			if a == old {
				out[i] = new
			}
		}
		return out
	}
	dir := filepath.Join(t.TempDir(), "out")
	base := sensArgs(dir)
	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"unknown key", replace(base, "contact.voice=0:1", "contact.nope=0:1"), "--param"},
		{"lo ≥ hi", replace(base, "contact.voice=0:1", "contact.voice=1:0"), "-param"},
		{"malformed range", replace(base, "contact.voice=0:1", "contact.voice=0,1"), "KEY=LO:HI"},
		{"text key", replace(base, "contact.voice=0:1", "policy=0:1"), "not a numeric key"},
		{"out of range", replace(base, "contact.voice=0:1", "contact.rho=0:3"), "--param"},
		{"unknown estimand", replace(base, "bias:ate_contact_repurchase:naive", "truth:nope"), "--output"},
		{"unknown estimator", replace(base, "bias:ate_contact_repurchase:naive", "bias:ate_contact_repurchase:heckit"), "--output"},
		{"malformed output", replace(base, "bias:ate_contact_repurchase:naive", "profit"), "--output"},
		{"bad set", replace(base, "population.size=300", "population.size=-3"), "--set"},
		{"bad method", append(base, "--method", "fast"), "--method"},
		{"odd levels", append(base, "--levels", "3"), "--levels"},
		{"no output", []string{"sensitivity", "default", "--param", "contact.voice=0:1"}, "--output"},
		{"no param", []string{"sensitivity", "default", "--output", "metric:profit"}, "--param"},
	} {
		code, out, errs := runCLI(t, c.args...)
		if code != 2 || !strings.Contains(errs, c.want) || out != "" {
			t.Errorf("%s: exit %d, stderr %q, stdout %q; want 2 and %q", c.name, code, errs, out, c.want)
		}
	}
	if _, err := os.Stat(dir); err == nil {
		t.Errorf("an input error left %s", dir)
	}
	if code, out, _ := runCLI(t, "sensitivity", "--help"); code != 0 || !strings.Contains(out, "N·(k+2)") || !strings.Contains(out, "Example:") {
		t.Errorf("--help: exit %d:\n%s", code, out)
	}
}

// TestSensitivityInterrupted: a cancelled analysis fails and leaves no
// result file, nor a half-written design.
func TestSensitivityInterrupted(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var out, errb bytes.Buffer
	if code := Main(ctx, sensArgs(dir), &out, &errb); code != 1 || !strings.Contains(errb.String(), "interrupted") {
		t.Errorf("exit %d, stderr %q", code, errb.String())
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		t.Errorf("left %s", e.Name())
	}
}

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestHostileInput: inputs that once panicked, exhausted memory or
// exited 1 now exit 2 with a message naming what is wrong, and leave
// nothing behind; a study whose plots cannot be drawn still ends with
// its report.
func TestHostileInput(t *testing.T) {
	dir := t.TempDir()
	study := filepath.Join(dir, "s")
	if code, _, errOut := runCLI(t, "bias", "textbook-selection", "--reps", "2", "--estimators", "heckman",
		"--sweep", "population.size=6", "--out", study); code != 0 {
		t.Fatalf("heckman at n = 6: exit %d: %s", code, errOut)
	}
	if _, err := os.Stat(filepath.Join(study, "report.md")); err != nil {
		t.Fatalf("no report when the plots cannot be drawn: %v", err)
	}
	empty := filepath.Join(dir, "empty")
	if err := os.MkdirAll(empty, 0o755); err != nil {
		t.Fatal(err)
	}
	man := `{"version":1,"scenario":"x","reps":3,"pairs":[],"sweeps":[]}`
	if err := os.WriteFile(filepath.Join(empty, "study.json"), []byte(man), 0o644); err != nil {
		t.Fatal(err)
	}
	csv := filepath.Join(dir, "d.csv")
	if err := os.WriteFile(csv, []byte("y,x,d\n1,0.5,1\n0,0.1,0\n1,0.9,1\n0,0.3,0\n1,0.7,0\n0,0.2,1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	huge := filepath.Join(dir, "huge.toml")
	if err := os.WriteFile(huge, []byte("name = \"x\"\n[outcomes]\nnoise_sd = 1e308\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"tiny grid step", []string{"frontier", "policy-showdown", "--grid", "refund=0:2:1e-300", "--reps", "2"}, "at most 2000"},
		{"huge facts", []string{"facts", "--reps", "2000000000"}, "to 10000"},
		{"huge compare", []string{"compare", "policy-showdown", "--reps", "2000000000"}, "too many policy runs"},
		{"huge frontier", []string{"frontier", "policy-showdown", "--grid", "refund=0:2:0.01", "--grid", "apology=none,scripted,sincere", "--reps", "500"}, "at most 200000"},
		{"selection for ipw", []string{"estimate", "--data", csv, "--method", "ipw", "--outcome", "y ~ x", "--treatment", "d", "--selection", "d ~ x"}, "--selection is not used by ipw"},
		{"huge reps", []string{"bias", "textbook-selection", "--reps", "2000000000", "--out", filepath.Join(dir, "huge")}, "at most 10000000"},
		{"huge sweep", []string{"bias", "textbook-selection", "--reps", "2", "--out", filepath.Join(dir, "grid"),
			"--sweep", "textbook.rho=" + strings.Repeat("0.1,", 299) + "0.2",
			"--sweep", "textbook.sigma=" + strings.Repeat("1,", 299) + "2",
			"--sweep", "textbook.delta=" + strings.Repeat("1,", 299) + "2"}, "grid points; at most 10000"},
		{"negative seed", []string{"run", "--seed", "-5", "--out", filepath.Join(dir, "neg")}, "--seed -5"},
		{"merge of an empty study", []string{"merge", empty, "--out", filepath.Join(dir, "m")}, "no (estimand, method) pairs"},
		{"merge onto an input", []string{"merge", study, filepath.Join(dir, ".", "s", "..", "s"), "--out", study + string(filepath.Separator)}, "is one of the inputs"},
		{"resume of nothing", []string{"bias", "textbook-selection", "--reps", "2", "--resume", "--out", filepath.Join(dir, "none")}, "has no study"},
		{"no neighbours", []string{"estimate", "--data", csv, "--method", "psm", "--outcome", "y ~ x", "--treatment", "d", "--neighbours", "0"}, "--neighbours 0"},
		{"neighbours for ols", []string{"estimate", "--data", csv, "--method", "ols", "--outcome", "y ~ x", "--neighbours", "2"}, "applies to psm only"},
		{"negative iterations", []string{"estimate", "--data", csv, "--method", "logit", "--outcome", "y ~ x", "--max-iter", "-1"}, "--max-iter -1"},
		{"robust logit", []string{"estimate", "--data", csv, "--method", "logit", "--outcome", "y ~ x", "--robust"}, "apply to ols, iv and aipw only"},
		{"stacked ols", []string{"estimate", "--data", csv, "--method", "ols", "--outcome", "y ~ x", "--vce", "stacked"}, "applies to aipw's effects only"},
		{"robust and influence", []string{"estimate", "--data", csv, "--method", "aipw", "--outcome", "y ~ x", "--treatment", "d", "--vce", "influence", "--robust"}, "--vce takes one value"},
		{"unknown vce", []string{"estimate", "--data", csv, "--method", "aipw", "--outcome", "y ~ x", "--treatment", "d", "--vce", "hc3"}, "stacked or influence"},
		{"negative bootstrap", []string{"estimate", "--data", csv, "--method", "ols", "--outcome", "y ~ x", "--bootstrap", "-3"}, "--bootstrap -3"},
		{"negative workers", []string{"estimate", "--data", csv, "--method", "ols", "--outcome", "y ~ x", "--bootstrap", "9", "--workers", "-1"}, "--workers -1"},
		{"zero weights", []string{"estimate", "--data", csv, "--method", "ols", "--outcome", "y ~ x", "--weights", "d"}, `--weights: row 2: column "d" is 0`},
		{"weights for aipw", []string{"estimate", "--data", csv, "--method", "aipw", "--outcome", "y ~ x", "--treatment", "d", "--weights", "x"}, "ols, logit and probit only, not aipw"},
		{"overflowing noise", []string{"run", huge, "--out", filepath.Join(dir, "nan")}, "huge.toml:3: outcomes.noise_sd: 1e+308 is too large"},
		{"sweeping the mode", []string{"bias", "textbook-selection", "--reps", "2", "--sweep", "mode=behavioral,textbook", "--out", filepath.Join(dir, "mode")}, "run one study per kind"},
		{"out holds a study", []string{"bias", "textbook-selection", "--reps", "3", "--out", study}, "already holds a study"},
	}
	for _, c := range cases {
		code, _, errOut := runCLI(t, c.args...)
		if code != 2 || !strings.Contains(errOut, c.want) || strings.Contains(errOut, "panic") {
			t.Errorf("%s: exit %d, stderr %q; want exit 2 and %q", c.name, code, errOut, c.want)
		}
	}
	for _, name := range []string{"huge", "grid", "neg", "m", "nan", "mode"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err == nil {
			t.Errorf("%s: an output directory was left behind", name)
		}
	}
}

// TestCLIConventions: help goes to stdout with exit 0 (also as `redress
// help CMD`); a bad flag is one line on stderr with exit 2; `redress
// version` answers.
func TestCLIConventions(t *testing.T) {
	for _, args := range [][]string{{"run", "--help"}, {"help", "run"}, {"help"}} {
		code, out, errOut := runCLI(t, args...)
		if code != 0 || errOut != "" || !strings.Contains(out, "Usage: redress") {
			t.Errorf("%v: exit %d, stdout %q, stderr %q", args, code, out, errOut)
		}
	}
	code, out, errOut := runCLI(t, "run", "--bogus")
	if code != 2 || out != "" || strings.Count(strings.TrimSpace(errOut), "\n") != 0 || !strings.Contains(errOut, "-bogus") {
		t.Errorf("bad flag: exit %d, stdout %q, stderr %q; want one line on stderr", code, out, errOut)
	}
	if code, out, _ := runCLI(t, "version"); code != 0 || !strings.HasPrefix(out, "redress ") {
		t.Errorf("version: exit %d, %q", code, out)
	}
}

package study

import (
	"context"
	"math"
	"os/exec"
	"path/filepath"
	"testing"
)

// needs skips the test unless the command runs and exits 0.
func needs(t *testing.T, why string, argv ...string) {
	t.Helper()
	if _, err := exec.LookPath(argv[0]); err != nil {
		t.Skipf("%s not found: skipping the %s example", argv[0], why)
	}
	if out, err := exec.Command(argv[0], argv[1:]...).CombinedOutput(); err != nil {
		t.Skipf("%s: %v: skipping the %s example\n%s", why, err, why, out)
	}
}

// sameAsBuiltin runs a two-replication textbook-selection study of
// the built-in method and the example command (named ext, estimating
// the estimands given, nil: all) on two
// workers, and checks that the example reproduces the built-in
// estimates and standard errors of every estimand it reports.
func sameAsBuiltin(t *testing.T, builtin, ext string, command, estimands []string) {
	sc := testScenario(t)
	sc.Population.Size = 2000 // the preset's
	out := t.TempDir()
	cfg := Config{Scenario: sc, Reps: 2, Estimators: []string{builtin}, Out: out, Workers: 2,
		External: []External{{Name: ext, Command: command, Estimands: estimands}}}
	if _, err := Bias(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	byPair := map[[3]any]RepRow{}
	for _, r := range readReps(t, out) {
		byPair[[3]any{r.Rep, r.Estimand, r.Method}] = r
	}
	compared, worst := 0, 0.0
	for k, x := range byPair {
		if k[2] != ext {
			continue
		}
		b, ok := byPair[[3]any{k[0], k[1], builtin}]
		if !ok {
			continue // an estimand the built-in method does not estimate
		}
		if x.Error != "" || b.Error != "" {
			t.Errorf("rep %d %s: %s failed: %q; %s: %q", k[0], k[1], ext, x.Error, builtin, b.Error)
			continue
		}
		d := max(math.Abs(x.Estimate-b.Estimate), math.Abs(x.StdError-b.StdError))
		worst = max(worst, d)
		if d > 1e-6 {
			t.Errorf("rep %d %s: %s %v (SE %v), %s %v (SE %v)", k[0], k[1], ext, x.Estimate, x.StdError, builtin, b.Estimate, b.StdError)
		}
		compared++
	}
	if compared == 0 {
		t.Fatal("nothing compared")
	}
	t.Logf("%d estimates and SEs of %s agree with %s's to %.2g", compared, ext, builtin, worst)
}

// TestExternalHeckitR runs examples/external/heckit.R (sampleSelection's
// two-step heckit) as an external estimator; it must reproduce redress's
// heckit.
func TestExternalHeckitR(t *testing.T) {
	needs(t, "R heckit (library(sampleSelection))", "Rscript", "-e", `quit(status = system.file(package = "sampleSelection") == "")`)
	script, _ := filepath.Abs("../examples/external/heckit.R")
	sameAsBuiltin(t, "heckit", "heckit_r", []string{"Rscript", script, "{data}"},
		[]string{"beta_x1", "mean_satisfaction_given_x"})
}

// TestExternalOLSPython runs examples/external/ols.py (statsmodels OLS
// with HC1 standard errors); it must reproduce redress's ols.
func TestExternalOLSPython(t *testing.T) {
	needs(t, "Python OLS (pandas and statsmodels)", "python3", "-c", "import pandas, statsmodels")
	script, _ := filepath.Abs("../examples/external/ols.py")
	sameAsBuiltin(t, "ols", "ols_py", []string{"python3", script, "{data}"}, nil)
}

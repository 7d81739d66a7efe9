package main

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/redress-sim/redress/compare"
)

// uncertaintyFit is a fit of three keys of the default scenario.
const uncertaintyFit = `{
  "version": 1,
  "scenario": "policy-showdown",
  "seed": 1,
  "parameters": [
    {"key": "contact.intercept", "estimate": -1.7, "std_error": 0.04, "lo": -3, "hi": 0, "status": "identified"},
    {"key": "outcomes.recovery_weight", "estimate": 0.8, "std_error": 0.2, "lo": 0.2, "hi": 1.5, "status": "weakly identified"},
    {"key": "justice.apology_sincere", "estimate": 0.75, "std_error": null, "lo": 0.45, "hi": 1, "status": "not identified"}
  ],
  "covariance": {"keys": ["contact.intercept", "outcomes.recovery_weight"], "matrix": [[0.0016, -0.0024], [-0.0024, 0.04]]}
}`

// writeFit writes a fit file with old replaced by new and returns its
// path.
func writeFit(t *testing.T, old, new string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "fit.json")
	if err := os.WriteFile(p, []byte(strings.Replace(uncertaintyFit, old, new, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestCompareUncertaintyText: the text report has its tables, the
// formulas and a verdict, and notes that the fit was made on another
// scenario.
func TestCompareUncertaintyText(t *testing.T) {
	sc, fit := smallShowdown(t), writeFit(t, "", "")
	code, out, errs := runCLI(t, "compare", sc, "--uncertainty", fit, "--draws", "4")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{"3 policies × 4 parameter draws from fit.json × 4 replications", "normal (joint, truncated to the range)",
		"uniform on the range", "P(best on profit)", "P(best on retention)", "expected regret", "95% interval", "law of total variance",
		"Best at the point estimate:", "leads the runner-up", "paired interval", "Verdict:", "runner-up"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if !strings.Contains(errs, `fitted on scenario "policy-showdown"; comparing "mini"`) {
		t.Errorf("no note on the scenario: %q", errs)
	}
	code, md, errs := runCLI(t, "compare", sc, "--uncertainty", fit, "--draws", "3", "--format", "markdown")
	if code != 0 || !strings.Contains(md, "## redress compare under uncertainty: mini") || !strings.Contains(md, "| policy |") {
		t.Errorf("markdown: exit %d: %s\n%s", code, errs, md)
	}
}

// TestCompareUncertaintyJSON: the JSON report parses, its probabilities
// of being best sum to 1, regret is ≥ 0, and it is byte-identical for 1
// and 2 workers.
func TestCompareUncertaintyJSON(t *testing.T) {
	sc, fit := smallShowdown(t), writeFit(t, "", "")
	args := []string{"compare", sc, "--uncertainty", fit, "--draws", "4", "--reps", "3", "--format", "json", "--seed", "11"}
	code, js, errs := runCLI(t, append(args, "--workers", "1")...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	_, js2, _ := runCLI(t, append(args, "--workers", "2")...)
	if js != js2 {
		t.Error("JSON differs between 1 and 2 workers")
	}
	var doc struct {
		Seed       uint64 `json:"seed"`
		Draws      int    `json:"draws"`
		Reps       int    `json:"replications_per_draw"`
		Parameters []struct {
			Key   string `json:"key"`
			Drawn string `json:"drawn"`
		} `json:"parameters"`
		Policies []struct {
			Name        string  `json:"name"`
			PBestProfit float64 `json:"p_best_profit"`
			PBestRet    float64 `json:"p_best_retention"`
			Regret      float64 `json:"expected_regret"`
			Profit      struct {
				Mean, Lo, Hi float64
			} `json:"expected_profit"`
		} `json:"policies"`
		Best     string `json:"best_at_estimate"`
		RunnerUp string `json:"runner_up"`
		Lead     *struct {
			Mean, Lo, Hi float64
		} `json:"lead_at_estimate"`
		X [][]float64 `json:"parameter_draws"`
	}
	if err := json.Unmarshal([]byte(js), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Seed != 11 || doc.Draws != 4 || doc.Reps != 3 || len(doc.Parameters) != 3 || doc.Parameters[2].Drawn != "uniform" ||
		len(doc.Policies) != 3 || len(doc.X) != 4 || doc.Best == "" || doc.RunnerUp == "" || doc.RunnerUp == doc.Best ||
		doc.Lead == nil || !(doc.Lead.Lo <= doc.Lead.Mean && doc.Lead.Mean >= 0) {
		t.Fatalf("document %+v", doc)
	}
	var sp, sr float64
	for _, p := range doc.Policies {
		sp += p.PBestProfit
		sr += p.PBestRet
		if p.Regret < 0 || !(p.Profit.Lo < p.Profit.Mean && p.Profit.Mean < p.Profit.Hi) {
			t.Errorf("%s: %+v", p.Name, p)
		}
	}
	if math.Abs(sp-1) > 1e-9 || math.Abs(sr-1) > 1e-9 {
		t.Errorf("probabilities sum to %v and %v", sp, sr)
	}
}

// TestCompareUncertaintyUsage: bad flags and bad fit files exit with
// status 2 and a message naming the flag, the file and the path.
func TestCompareUncertaintyUsage(t *testing.T) {
	sc, fit := smallShowdown(t), writeFit(t, "", "")
	missing := filepath.Join(t.TempDir(), "missing.json")
	for _, tc := range []struct {
		name string
		args []string
		want []string
	}{
		{"one draw", []string{"--uncertainty", fit, "--draws", "1"}, []string{"--draws must be between 2 and 10000, got 1"}},
		{"too many draws", []string{"--uncertainty", fit, "--draws", "10001"}, []string{"--draws must be between 2"}},
		{"draws not a number", []string{"--uncertainty", fit, "--draws", "x"}, []string{"draws"}},
		{"draws without a fit", []string{"--draws", "5"}, []string{"--draws needs --uncertainty"}},
		{"fit without draws", []string{"--uncertainty", fit}, []string{"--uncertainty needs --draws"}},
		{"missing file", []string{"--uncertainty", missing, "--draws", "3"}, []string{"--uncertainty", missing, "no such file"}},
		{"bad status", []string{"--uncertainty", writeFit(t, `"status": "identified"`, `"status": "sure"`), "--draws", "3"},
			[]string{"--uncertainty", "fit.json: parameters[0].status", `"sure"`}},
		{"not json", []string{"--uncertainty", writeFit(t, `"version": 1,`, `"version": 1,,`), "--draws", "3"},
			[]string{"--uncertainty", "fit.json"}},
		{"asymmetric covariance", []string{"--uncertainty", writeFit(t, `[[0.0016, -0.0024], [-0.0024, 0.04]]`, `[[0.0016, 0.0024], [-0.0024, 0.04]]`), "--draws", "3"},
			[]string{"fit.json: covariance.matrix[1][0]", "not symmetric"}},
		{"key the scenario lacks", []string{"--uncertainty", writeFit(t, "justice.apology_sincere", "justice.no_such_key"), "--draws", "3"},
			[]string{"--uncertainty", "justice.no_such_key"}},
		{"draws outside the range", []string{"--uncertainty", writeFit(t, `"std_error": 0.2, "lo": 0.2, "hi": 1.5`, `"std_error": 0.2, "lo": 0.8, "hi": 0.80001`), "--draws", "3"},
			[]string{"--uncertainty", "outcomes.recovery_weight fell outside"}},
		{"csv", []string{"--uncertainty", fit, "--draws", "3", "--format", "csv"}, []string{"--format"}},
		{"one replication", []string{"--uncertainty", fit, "--draws", "3", "--reps", "1"}, []string{"--reps must be ≥ 2"}},
		{"baseline", []string{"--uncertainty", fit, "--draws", "3", "--baseline", "standard"}, []string{"--baseline does not apply"}},
		{"out", []string{"--uncertainty", fit, "--draws", "3", "--out", t.TempDir()}, []string{"--out does not apply"}},
		{"negative seed", []string{"--uncertainty", fit, "--draws", "3", "--seed", "-3"}, []string{"--seed -3"}},
		{"negative workers", []string{"--uncertainty", fit, "--draws", "3", "--workers", "-1"}, []string{"--workers"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, errs := runCLI(t, append([]string{"compare", sc}, tc.args...)...)
			if code != 2 {
				t.Errorf("exit %d, want 2: %s", code, errs)
			}
			for _, w := range tc.want {
				if !strings.Contains(errs, w) {
					t.Errorf("message %q lacks %q", errs, w)
				}
			}
		})
	}
}

// TestPrintVerdict: when the best policy at the point estimate is best
// in fewer than 80% of the draws the verdict says the ranking is not
// robust and names the runner-up; otherwise it says it is robust.
func TestPrintVerdict(t *testing.T) {
	u := &compare.Uncertainty{Draws: 4, Reps: 2, Policies: []string{"lean", "lavish", "middling"},
		Profit:      [][]float64{{10, 9, 1}, {8, 9, 2}, {11, 9, 3}, {7, 9, 4}},
		ProfitVar:   [][]float64{{1, 1, 1}, {1, 1, 1}, {1, 1, 1}, {1, 1, 1}},
		Churn:       [][]float64{{0.2, 0.1, 0.3}, {0.2, 0.1, 0.3}, {0.2, 0.1, 0.3}, {0.2, 0.1, 0.3}},
		PointProfit: []float64{10, 9, 2}, PointChurn: []float64{0.2, 0.1, 0.3}}
	var b bytes.Buffer
	printVerdict(&b, u, u.Summary(), false)
	for _, want := range []string{"Best at the point estimate: lean", "best on profit in 50% of the draws",
		"Verdict: ranking not robust", "runner-up lavish is best in 50%"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("verdict lacks %q:\n%s", want, b.String())
		}
	}
	u.Profit[1][0], u.Profit[3][0] = 12, 12
	b.Reset()
	printVerdict(&b, u, u.Summary(), true)
	if out := b.String(); !strings.Contains(out, "- Verdict: the ranking is robust") || strings.Contains(out, "not robust") {
		t.Errorf("verdict:\n%s", out)
	}
}

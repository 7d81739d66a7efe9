package studyplot

import (
	"bytes"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/redress-sim/redress/study"
)

// fakeStudy is a 3 × 2 grid (a categorical key and a numeric one) with two
// estimands: "beta" with a fixed truth and "ate" whose truth varies by
// replication, each estimated by two methods, one of which sometimes fails.
// Its replications.csv is written into each of dirs.
func fakeStudy(t *testing.T, dirs ...string) *study.Results {
	t.Helper()
	m := study.Manifest{
		Scenario: "fake", Mode: "textbook", Reps: 40,
		Pairs: []study.Pair{{Estimand: "beta", Method: "ols"}, {Estimand: "beta", Method: "heckit"},
			{Estimand: "ate", Method: "naive"}, {Estimand: "ate", Method: "iv"}},
		Sweeps: []study.Sweep{{Key: "textbook.errors", Values: []string{"normal", "t", "mixture"}}, {Key: "textbook.rho", Values: []string{"0", "0.6"}}},
	}
	res := &study.Results{Manifest: m, Points: study.Grid(m.Sweeps)}
	var rows []study.RepRow
	rng := rand.New(rand.NewPCG(1, 2))
	for _, p := range res.Points {
		for r := range m.Reps {
			for _, pair := range m.Pairs {
				truth := 0.5
				if pair.Estimand == "ate" {
					truth = 1 + 0.1*rng.NormFloat64()
				}
				bias := 0.0
				if pair.Method == "ols" || pair.Method == "naive" {
					bias = 0.3 * float64(p.Index%2)
				}
				row := study.RepRow{Point: p.Index, Rep: r, Estimand: pair.Estimand, Method: pair.Method,
					Truth: truth, Estimate: truth + bias + 0.05*rng.NormFloat64(), StdError: 0.05}
				if pair.Method == "iv" && r%10 == 3 {
					row.Estimate, row.StdError, row.Error = math.NaN(), math.NaN(), "iv: weak instrument"
				}
				rows = append(rows, row)
			}
		}
	}
	res.Summary = study.Summarize(rows)
	for _, d := range dirs {
		var b bytes.Buffer
		if err := study.WriteReplications(&b, m, rows); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(d, study.ReplicationsFile), b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return res
}

func TestPlots(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	res := fakeStudy(t, a, b)
	files, err := Plots(a, res)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Plots(b, res); err != nil {
		t.Fatal(err)
	}
	want := []string{"sampling-beta.png", "sampling-beta.svg", "sampling-ate.png", "sampling-ate.svg",
		// against the categorical key, one plot per value of rho
		"bias-beta-textbook.errors-at-textbook.rho=0.png", "coverage-beta-textbook.errors-at-textbook.rho=0.6.svg",
		// against rho, one plot per error distribution
		"bias-ate-textbook.rho-at-textbook.errors=mixture.png", "coverage-ate-textbook.rho-at-textbook.errors=normal.svg"}
	for _, w := range want {
		if !slices.Contains(files, w) {
			t.Errorf("no %s among %v", w, files)
		}
	}
	// 2 sampling + 2 estimands × (2 + 3 combinations) × 2 measures = 22 plots, PNG and SVG.
	if len(files) != 44 {
		t.Errorf("%d files, want 44", len(files))
	}
	for _, f := range files {
		p, err := os.ReadFile(filepath.Join(a, f))
		if err != nil {
			t.Fatal(err)
		}
		q, _ := os.ReadFile(filepath.Join(b, f))
		if len(p) < 1000 || !bytes.Equal(p, q) {
			t.Errorf("%s: %d bytes, identical to the second call: %v", f, len(p), bytes.Equal(p, q))
		}
	}
	svg := func(f string) string {
		s, _ := os.ReadFile(filepath.Join(a, f))
		return string(s)
	}
	// Categories label the axis; a varying truth switches to errors.
	if s := svg("bias-beta-textbook.errors-at-textbook.rho=0.svg"); !strings.Contains(s, ">mixture<") || !strings.Contains(s, "Bias of beta against textbook.errors (textbook.rho=0)") {
		t.Error("categorical bias plot lacks its category labels or title")
	}
	if s := svg("sampling-ate.svg"); !strings.Contains(s, "(estimate − truth)") {
		t.Error("ate's varying truth is not shown as errors")
	}
	if s := svg("sampling-beta.svg"); strings.Contains(s, "(estimate − truth)") {
		t.Error("beta's fixed truth is shown as errors")
	}
}

func TestTruthRun(t *testing.T) {
	for _, c := range []struct {
		in   []float64
		same bool
	}{
		{nil, true}, {[]float64{1, 1, 1}, true}, {[]float64{1, 1 + 1e-15}, true}, {[]float64{1, 1.001}, false},
	} {
		var tr truthRun
		for _, x := range c.in {
			tr.add(x)
		}
		if _, same := tr.value(); same != c.same {
			t.Errorf("truthRun(%v) = %v", c.in, same)
		}
	}
}

// TestPlotBounds: a sampling plot draws at most maxPanels grid points
// and, per method and point, an equal share of plotBudget replications,
// and says so in its title.
func TestPlotBounds(t *testing.T) {
	m := study.Manifest{Scenario: "big", Mode: "textbook", Reps: 3,
		Pairs:  []study.Pair{{Estimand: "beta", Method: "ols"}},
		Sweeps: []study.Sweep{{Key: "textbook.rho", Values: make([]string, 40)}}}
	for i := range m.Sweeps[0].Values {
		m.Sweeps[0].Values[i] = strconv.Itoa(i)
	}
	dir := t.TempDir()
	var rows []study.RepRow
	for p := range 40 {
		for r := range m.Reps {
			rows = append(rows, study.RepRow{Point: p, Rep: r, Estimand: "beta", Method: "ols", Truth: 1, Estimate: 1 + 0.1*float64(r), StdError: 0.1})
		}
	}
	var b bytes.Buffer
	if err := study.WriteReplications(&b, m, rows); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, study.ReplicationsFile), b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	res := &study.Results{Manifest: m, Points: study.Grid(m.Sweeps), Summary: study.Summarize(rows)}
	pns, note, err := panels(dir, res, "beta")
	if err != nil {
		t.Fatal(err)
	}
	if len(pns) != maxPanels || note != "3 replications per point; the first 36 of 40 grid points" {
		t.Errorf("%d panels, note %q", len(pns), note)
	}
	if got := samplingNote(res, 1, 2); got != "the first 2 of 3 replications per point; the first 1 of 40 grid points" {
		t.Errorf("note %q", got)
	}
}

func TestFileSafe(t *testing.T) {
	if got := fileSafe("policies[0].refund x/y"); got != "policies_0_.refund_x_y" {
		t.Errorf("fileSafe = %q", got)
	}
}

package study

import (
	"context"
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/redress-sim/redress/estimators"
	"github.com/redress-sim/redress/scenarios"
	"github.com/redress-sim/redress/textbook"
)

// TestTextbookMonteCarlo: on data from the simulator's textbook mode
// (textbook-selection: rho = 0.6, a strong exclusion restriction, normal
// errors, n = 2000), heckit and heckman recover β_x1 and treatreg (two-step
// and ML) recovers the effect δ without bias, while OLS on the selected
// sample and the naive difference in means are biased; the 95% intervals
// of the consistent estimators cover the truth in about 95% of
// replications.
//
// Tolerances come from the Monte Carlo standard errors of R = 150
// replications: |mean − truth| < 4·SD/√R for unbiasedness, > 4·SD/√R for
// bias, and |coverage − 0.95| < 3·√(0.95·0.05/R) = 0.053.
func TestTextbookMonteCarlo(t *testing.T) {
	sc, err := scenarios.LoadPreset("textbook-selection")
	if err != nil {
		t.Fatal(err)
	}
	const R = 150
	tb := sc.Textbook
	n := sc.Population.Size
	type acc struct {
		est     []float64
		covered int
	}
	res := map[string]*acc{}
	add := func(name string, est, se, truth float64) {
		a := res[name]
		if a == nil {
			a = &acc{}
			res[name] = a
		}
		a.est = append(a.est, est)
		if math.Abs(est-truth) <= 1.959963984540054*se {
			a.covered++
		}
	}
	for rep := range uint64(R) {
		s, err := textbook.Simulate(context.Background(), tb, n, sc.Seed, rep)
		if err != nil {
			t.Fatal(err)
		}
		// Designs: X = [1 x1 x2], Z = [1 x1 x2 z].
		X := mat.NewDense(n, 3, nil)
		Z := mat.NewDense(n, 4, nil)
		sel := make([]float64, n)
		y := make([]float64, n)
		var ys []float64
		var rows []int
		for i := range n {
			X.SetRow(i, []float64{1, s.X[0][i], s.X[1][i]})
			Z.SetRow(i, []float64{1, s.X[0][i], s.X[1][i], s.Z[i]})
			y[i] = math.NaN()
			if s.S[i] {
				sel[i] = 1
				y[i] = s.Y[i]
				rows = append(rows, i)
				ys = append(ys, s.Y[i])
			}
		}
		Xs := mat.NewDense(len(rows), 3, nil)
		for k, i := range rows {
			Xs.SetRow(k, X.RawRowView(i))
		}
		xn := []string{"(Intercept)", "x1", "x2"}
		zn := []string{"(Intercept)", "x1", "x2", "z"}
		b := tb.Beta[1]
		ols, err := estimators.OLS(Xs, ys, xn, estimators.Options{})
		if err != nil {
			t.Fatal(err)
		}
		c, cse, _ := coef(ols, "outcome", "x1")
		add("ols β_x1", c, cse, b)
		for _, m := range []struct {
			name string
			fit  func(*mat.Dense, []float64, []string, *mat.Dense, []float64, []string, estimators.Options) (*estimators.Result, error)
		}{{"heckit", estimators.Heckit}, {"heckman", estimators.Heckman}} {
			name, fit := m.name, m.fit
			r, err := fit(Z, sel, zn, X, y, xn, estimators.Options{})
			if err != nil {
				t.Fatalf("rep %d %s: %v", rep, name, err)
			}
			est, se, _ := coef(r, "outcome", "x1")
			add(name+" β_x1", est, se, b)
		}
		nv, err := estimators.Naive(s.W, sel)
		if err != nil {
			t.Fatal(err)
		}
		est, se, _ := effect(nv, "ate")
		add("naive δ", est, se, tb.Delta)
		for _, m := range []struct {
			name string
			fit  func(*mat.Dense, []float64, []string, *mat.Dense, []float64, []string, string, estimators.Options) (*estimators.Result, error)
		}{{"treatreg-twostep", estimators.TreatRegTwoStep}, {"treatreg", estimators.TreatRegML}} {
			name, fit := m.name, m.fit
			r, err := fit(Z, sel, zn, X, s.W, xn, "contacted", estimators.Options{})
			if err != nil {
				t.Fatalf("rep %d %s: %v", rep, name, err)
			}
			est, se, _ := effect(r, "ate")
			add(name+" δ", est, se, tb.Delta)
		}
	}
	mcCover := 3 * math.Sqrt(0.95*0.05/R)
	check := func(name string, truth float64, unbiased bool) {
		a := res[name]
		m, sd := 0.0, 0.0
		for _, x := range a.est {
			m += x
		}
		m /= R
		for _, x := range a.est {
			sd += (x - m) * (x - m)
		}
		sd = math.Sqrt(sd / (R - 1))
		mcse := sd / math.Sqrt(R)
		cov := float64(a.covered) / R
		t.Logf("%-22s mean %.4f (truth %.4f, bias %+.4f, MCSE %.4f), coverage %.3f", name, m, truth, m-truth, mcse, cov)
		if unbiased {
			if math.Abs(m-truth) > 4*mcse {
				t.Errorf("%s: bias %.4f exceeds 4 MCSE (%.4f)", name, m-truth, 4*mcse)
			}
			if math.Abs(cov-0.95) > mcCover {
				t.Errorf("%s: coverage %.3f outside 0.95 ± %.3f", name, cov, mcCover)
			}
		} else if math.Abs(m-truth) < 4*mcse {
			t.Errorf("%s: bias %.4f within 4 MCSE (%.4f); selection should bias it", name, m-truth, 4*mcse)
		}
	}
	check("ols β_x1", tb.Beta[1], false)
	check("heckit β_x1", tb.Beta[1], true)
	check("heckman β_x1", tb.Beta[1], true)
	check("naive δ", tb.Delta, false)
	check("treatreg-twostep δ", tb.Delta, true)
	check("treatreg δ", tb.Delta, true)
}

package estimators

import (
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// TestHOPDerivatives checks HeckOProbit's analytic gradient and Hessian
// against central differences, with four categories (bottom, middle and
// top cells, both bounds above the mean in some rows) and both signs of ρ.
// The categories are drawn at random, so many cells have tiny
// probabilities, computed as differences of Φ₂ values with an absolute
// accuracy of ~1e-16: the finite differences carry that noise (∝ 1/h) as
// well as their truncation error (∝ h²), hence h = 3e-4 and the 5e-6
// tolerance — far below the size of any error in a formula.
func TestHOPDerivatives(t *testing.T) {
	r := rand.New(rand.NewPCG(12, 12))
	const n, J = 500, 4
	Z := mat.NewDense(n, 3, nil)
	X := mat.NewDense(n, 2, nil)
	cat := make([]int32, n)
	for i := 0; i < n; i++ {
		Z.SetRow(i, []float64{1, r.NormFloat64(), r.NormFloat64()})
		X.SetRow(i, []float64{2 * r.NormFloat64(), r.NormFloat64()})
		cat[i] = int32(r.IntN(J+1)) - 1
	}
	zr, xr := Z.RawMatrix(), X.RawMatrix()
	m := newHOPModel(n, 3, zr.Data, zr.Stride, xr.Data, xr.Stride, 2, J, cat)
	for _, a := range []float64{0.5, -1.1} {
		theta := []float64{0.2, 0.9, -0.5, 0.6, -0.4, -0.7, 0.1, 0.8, a}
		checkDerivatives(t, "athrho "+strconv.FormatFloat(a, 'g', -1, 64), m.eval, m.scorer, n, theta, 3e-4, 2e-6, 5e-6)
	}
}

// TestHeckOProbitVsR compares HeckOProbit with the likelihood written and
// maximised in R (testdata/r_heckoprobit_reference.R) on
// heckoprobit_sim.csv (n = 2000, three categories).
func TestHeckOProbitVsR(t *testing.T) {
	ref := readKeyValues(t, "testdata/r_heckoprobit_reference.csv")
	tb := loadTable(t, "heckoprobit_sim.csv")
	Z, zn := tb.design(true, "x1", "z1")
	X, xn := tb.design(false, "x1", "x2")
	res, err := HeckOProbit(Z, tb.cols["s"], zn, X, tb.cols["y"], xn, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Method != "heckoprobit" || res.N != 2000 || res.Params != 8 || len(res.Equations) != 3 {
		t.Fatalf("method %q n %d params %d equations %d", res.Method, res.N, res.Params, len(res.Equations))
	}
	var me, ms, ml float64
	for eq, tag := range map[string]string{"selection": "sel", "outcome": "out", "cutpoints": "cut"} {
		e, _ := res.Equation(eq)
		for _, c := range e.Coefs {
			refCompare(t, ref, "hop.est."+tag+"."+c.Term, c.Estimate, bpTolEst, &me)
			refCompare(t, ref, "hop.se."+tag+"."+c.Term, c.StdError, bpTolSE, &ms)
		}
	}
	for _, nm := range []string{"athrho", "rho"} {
		a, _ := res.Aux(nm)
		refCompare(t, ref, "hop.est."+nm, a.Estimate, bpTolEst, &me)
		refCompare(t, ref, "hop.se."+nm, a.StdError, bpTolSE, &ms)
	}
	refCompare(t, ref, "hop.loglik", *res.LogLik, bpTolLL, &ml)
	lr, _ := res.Test("lr_rho0")
	if want := 2 * (ref["hop.loglik"] - ref["hop.ll0"]); relDiff(lr.Statistic, want) > 1e-6 {
		t.Errorf("lr_rho0 %.10g, R (glm + polr) %.10g", lr.Statistic, want)
	}
	t.Logf("heckoprobit vs R: max rel. diff estimates %.2g, SEs %.2g, log-likelihood %.2g; LR %.4f; %d Newton steps", me, ms, ml, lr.Statistic, res.Iterations)
}

func TestHeckOProbitErrors(t *testing.T) {
	tb := loadTable(t, "heckoprobit_sim.csv")
	Z, zn := tb.design(true, "x1", "z1")
	X, xn := tb.design(false, "x1", "x2")
	Xi, xin := tb.design(true, "x1", "x2")
	s, y := tb.cols["s"], tb.cols["y"]
	y1 := make([]float64, len(y))
	for i := range y1 {
		y1[i] = 2
	}
	for _, c := range []struct {
		name string
		run  func() error
		want string
	}{
		{"constant column", func() error { _, err := HeckOProbit(Z, s, zn, Xi, y, xin, Options{}); return err }, `column "(Intercept)" is collinear`},
		{"one category", func() error { _, err := HeckOProbit(Z, s, zn, X, y1, xn, Options{}); return err }, "no variation"},
		{"none selected", func() error { _, err := HeckOProbit(Z, make([]float64, len(s)), zn, X, y, xn, Options{}); return err }, "no selected observations"},
		{"max iter", func() error { _, err := HeckOProbit(Z, s, zn, X, y, xn, Options{MaxIter: 1}); return err }, "did not converge after 1 iterations"},
	} {
		err := c.run()
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "heckoprobit: ") {
			t.Errorf("%s: error %v, want one containing %q", c.name, err, c.want)
		}
	}
}

// TestHeckOProbitMonteCarlo: the DGP of heckoprobit_sim.csv (n = 2000,
// ρ = 0.5, cutpoints −0.4 and 0.6, 150 replications): the slope of x1,
// the second cutpoint and ρ̂ are unbiased and the 95% intervals of the
// slope and of atanh ρ cover the truth 95% of the time, within 3 Monte
// Carlo standard errors.
func TestHeckOProbitMonteCarlo(t *testing.T) {
	const (
		reps  = 150
		n     = 2000
		rho   = 0.5
		truth = 0.5
	)
	zn := []string{"(Intercept)", "x1", "z1"}
	xn := []string{"x1", "x2"}
	var slope, cut2, rhos []float64
	covered, coveredRho := 0, 0
	c := math.Sqrt(1 - rho*rho)
	for rep := 0; rep < reps; rep++ {
		r := rand.New(rand.NewPCG(20261205, uint64(rep)))
		Z, X := mat.NewDense(n, 3, nil), mat.NewDense(n, 2, nil)
		s, y := make([]float64, n), make([]float64, n)
		for i := 0; i < n; i++ {
			x1, x2, z1 := r.NormFloat64(), r.NormFloat64(), r.NormFloat64()
			u, v := r.NormFloat64(), r.NormFloat64()
			Z.SetRow(i, []float64{1, x1, z1})
			X.SetRow(i, []float64{x1, x2})
			if 0.2+0.4*x1+0.8*z1+u > 0 {
				s[i] = 1
			}
			ys := 0.5*x1 - 0.6*x2 + rho*u + c*v
			y[i] = 1
			if ys > -0.4 {
				y[i]++
			}
			if ys > 0.6 {
				y[i]++
			}
		}
		res, err := HeckOProbit(Z, s, zn, X, y, xn, Options{})
		if err != nil {
			t.Fatalf("replication %d: %v", rep, err)
		}
		b, _ := res.Equations[1].Coef("x1")
		slope = append(slope, b.Estimate)
		if lo, hi := b.CI95(); lo <= truth && truth <= hi {
			covered++
		}
		k, _ := res.Equations[2].Coef("cut2")
		cut2 = append(cut2, k.Estimate)
		a, _ := res.Aux("athrho")
		rr, _ := res.Aux("rho")
		rhos = append(rhos, rr.Estimate)
		if lo, hi := (Coef{Estimate: a.Estimate, StdError: a.StdError}).CI95(); lo <= math.Atanh(rho) && math.Atanh(rho) <= hi {
			coveredRho++
		}
	}
	sm, sse := mcStats(slope)
	km, kse := mcStats(cut2)
	rm, rse := mcStats(rhos)
	cov, covRho := float64(covered)/reps, float64(coveredRho)/reps
	covMCSE := math.Sqrt(0.95 * 0.05 / reps)
	t.Logf("heckoprobit slope %.4f (MCSE %.4f; truth %v), cut2 %.4f (MCSE %.4f; truth 0.6), rho %.4f (MCSE %.4f; truth %v); 95%% coverage slope %.3f, athrho %.3f (MCSE %.3f)",
		sm, sse, truth, km, kse, rm, rse, rho, cov, covRho, covMCSE)
	if math.Abs(sm-truth) > 3*sse {
		t.Errorf("slope is biased: mean %.4f, MCSE %.4f", sm, sse)
	}
	if math.Abs(km-0.6) > 3*kse {
		t.Errorf("cut2 is biased: mean %.4f, MCSE %.4f", km, kse)
	}
	if math.Abs(rm-rho) > 3*rse {
		t.Errorf("rho is biased: mean %.4f, MCSE %.4f", rm, rse)
	}
	if math.Abs(cov-0.95) > 3*covMCSE || math.Abs(covRho-0.95) > 3*covMCSE {
		t.Errorf("95%% interval coverage slope %.3f, athrho %.3f, want 0.95 ± %.3f", cov, covRho, 3*covMCSE)
	}
}

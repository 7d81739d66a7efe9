package estimators

import (
	"math"
	"math/rand/v2"
	"strconv"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// TestAIPWVsR checks the estimates and the influence-only SEs against R
// by hand (reference_te.R) on te_sim.csv.
func TestAIPWVsR(t *testing.T) {
	tb := loadTable(t, "te_sim.csv")
	Z, zn := tb.design(true, "x1", "x2")
	res, err := AIPW(Z, tb.cols["d"], zn, Z, tb.cols["y"], zn, Options{EffectVCE: Influence})
	if err != nil {
		t.Fatal(err)
	}
	var me, ms float64
	for _, e := range []string{"ate", "att", "atu"} {
		a := effect(t, res, e)
		refCompare(t, rRefTE, "aipw."+e+".est", a.Estimate, 1e-6, &me)
		refCompare(t, rRefTE, "aipw."+e+".se", a.StdError, 1e-4, &ms)
	}
	for tag, eqName := range map[string]string{"out1": "outcome_treated", "out0": "outcome_untreated"} {
		eq, ok := res.Equation(eqName)
		if !ok {
			t.Fatalf("no equation %s", eqName)
		}
		for _, c := range eq.Coefs {
			refCompare(t, rRefTE, "aipw."+tag+".est."+c.Term, c.Estimate, 1e-6, &me)
		}
	}
	t.Logf("AIPW vs R (by hand): max rel. diff estimates %.2g, std. errors %.2g", me, ms)
}

// TestAIPWStackedVsR checks the stacked SEs against R's sandwich of the
// stacked estimating equations with a numerical Jacobian
// (testdata/r_aipw_stacked.R) on te_sim.csv, where both models are nearly
// right, and on the Lalonde NSW/PSID data, where they are not and the
// influence-only SE of the ATE is too small (the 925 against 1180 that
// Stata's teffects aipw reports).
func TestAIPWStackedVsR(t *testing.T) {
	ref := map[[2]string][2]float64{}
	for _, r := range readReference(t, "testdata/r_aipw_stacked.csv")[1:] {
		est, err1 := strconv.ParseFloat(r[2], 64)
		se, err2 := strconv.ParseFloat(r[3], 64)
		if err1 != nil || err2 != nil {
			t.Fatalf("r_aipw_stacked.csv row %v: %v %v", r, err1, err2)
		}
		ref[[2]string{r[0], r[1]}] = [2]float64{est, se}
	}
	for _, tc := range []struct {
		data, d, y string
		covs       []string
		// ratio bounds the stacked SE of the ATE over the influence-only one.
		lo, hi float64
	}{
		{"te_sim", "d", "y", []string{"x1", "x2"}, 0.9, 1.1},
		{"lalonde", "treat", "re78", []string{"age", "educ", "black", "hispan", "married", "nodegree", "re74", "re75"}, 1.2, 1.4},
	} {
		tb := loadTable(t, tc.data+".csv")
		Z, zn := tb.design(true, tc.covs...)
		st, err := AIPW(Z, tb.cols[tc.d], zn, Z, tb.cols[tc.y], zn, Options{})
		if err != nil {
			t.Fatal(err)
		}
		inf, err := AIPW(Z, tb.cols[tc.d], zn, Z, tb.cols[tc.y], zn, Options{EffectVCE: Influence})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range []string{"ate", "att", "atu"} {
			a, b, want := effect(t, st, e), effect(t, inf, e), ref[[2]string{tc.data, e}]
			for _, c := range []struct {
				what           string
				got, want, tol float64
			}{{"estimate", a.Estimate, want[0], 1e-6}, {"stacked SE", a.StdError, want[1], 1e-4}, {"influence-only estimate", b.Estimate, a.Estimate, 1e-12}} {
				if d := math.Abs(c.got-c.want) / math.Abs(c.want); d > c.tol {
					t.Errorf("%s %s %s: got %.10g, want %.10g (rel. diff %.2g > %g)", tc.data, e, c.what, c.got, c.want, d, c.tol)
				}
			}
			t.Logf("%s %s: estimate %.6g, stacked SE %.6g (R %.6g), influence-only SE %.6g", tc.data, e, a.Estimate, a.StdError, want[1], b.StdError)
		}
		a, b := effect(t, st, "ate"), effect(t, inf, "ate")
		if r := a.StdError / b.StdError; r < tc.lo || r > tc.hi {
			t.Errorf("%s: ATE stacked/influence SE ratio %.3f outside [%g, %g]", tc.data, r, tc.lo, tc.hi)
		}
	}
}

func TestAIPWErrors(t *testing.T) {
	teErrorCases(t, func(Z *mat.Dense, d []float64, zn []string, y []float64) error {
		_, err := AIPW(Z, d, zn, Z, y, zn, Options{})
		return err
	})
}

// mcStats returns the mean of v and its Monte Carlo standard error.
func mcStats(v []float64) (m, mcse float64) {
	for _, x := range v {
		m += x
	}
	m /= float64(len(v))
	var ss float64
	for _, x := range v {
		ss += (x - m) * (x - m)
	}
	return m, math.Sqrt(ss / float64(len(v)-1) / float64(len(v)))
}

// observablesDGP draws n rows with selection on observables only:
//
//	d = 1{−0.3 + 0.8x1 − 0.5x2 + ℓ > 0}, ℓ standard logistic,
//	y = 1 + x1 + 0.5x2 + d(1 + 0.5x1) + e,  x1, x2, e ~ N(0, 1),
//
// so the propensity is a logit in (1, x1, x2), each group's outcome is
// linear in them, and the ATE is 1. It returns X = [1 x1 x2], d and y.
func observablesDGP(r *rand.Rand, n int) (*mat.Dense, []float64, []float64) {
	X := mat.NewDense(n, 3, nil)
	d := make([]float64, n)
	y := make([]float64, n)
	for i := 0; i < n; i++ {
		x1, x2 := r.NormFloat64(), r.NormFloat64()
		u := r.Float64()
		X.Set(i, 0, 1)
		X.Set(i, 1, x1)
		X.Set(i, 2, x2)
		if -0.3+0.8*x1-0.5*x2+math.Log(u/(1-u)) > 0 {
			d[i] = 1
		}
		y[i] = 1 + x1 + 0.5*x2 + d[i]*(1+0.5*x1) + r.NormFloat64()
	}
	return X, d, y
}

// TestTreatmentEffectsMonteCarlo: under selection on observables IPW,
// AIPW (and PSM) are unbiased for the ATE and IPW's and AIPW's 95%
// intervals cover it 95% of the time; under selection on an unobservable
// v, IPW and AIPW are biased while IV with a valid instrument is not.
func TestTreatmentEffectsMonteCarlo(t *testing.T) {
	const (
		reps = 400
		n    = 1000
		ate  = 1.0
	)
	names := []string{"(Intercept)", "x1", "x2"}
	est := map[string][]float64{}
	cover := map[string]int{}
	for rep := 0; rep < reps; rep++ {
		X, d, y := observablesDGP(rand.New(rand.NewPCG(20260325, uint64(rep))), n)
		fits := map[string]func() (*Result, error){
			"ipw":  func() (*Result, error) { return IPW(X, d, names, y, Options{}) },
			"aipw": func() (*Result, error) { return AIPW(X, d, names, X, y, names, Options{}) },
			"psm":  func() (*Result, error) { return PSM(X, d, names, y, 1, Options{}) },
		}
		for name, fit := range fits {
			res, err := fit()
			if err != nil {
				t.Fatalf("replication %d %s: %v", rep, name, err)
			}
			a := effect(t, res, "ate")
			est[name] = append(est[name], a.Estimate)
			if lo, hi := (Coef{Estimate: a.Estimate, StdError: a.StdError}).CI95(); lo <= ate && ate <= hi {
				cover[name]++
			}
		}
	}
	covMCSE := math.Sqrt(0.95 * 0.05 / reps)
	for _, name := range []string{"ipw", "aipw", "psm"} {
		m, mcse := mcStats(est[name])
		cov := float64(cover[name]) / reps
		t.Logf("observables: %s ATE mean %.4f (MCSE %.4f, truth %v), 95%% coverage %.3f (MCSE %.3f)", name, m, mcse, ate, cov, covMCSE)
		if math.Abs(m-ate) > 4*mcse {
			t.Errorf("%s is biased: mean %.4f, truth %v, MCSE %.4f", name, m, ate, mcse)
		}
		if name != "psm" && math.Abs(cov-0.95) > 3*covMCSE {
			t.Errorf("%s 95%% interval coverage %.3f, want 0.95 ± %.3f", name, cov, 3*covMCSE)
		}
	}

	// Selection on the unobservable v, with instrument z:
	//   d = 1{−0.2 + 0.5x1 + z + v > 0},  y = 1 + d + x1 + 0.8v + e.
	const reps2 = 200
	est = map[string][]float64{}
	xn := []string{"(Intercept)", "x1"}
	for rep := 0; rep < reps2; rep++ {
		r := rand.New(rand.NewPCG(777, uint64(rep)))
		X := mat.NewDense(n, 2, nil)
		Zx := mat.NewDense(n, 1, nil)
		D := mat.NewDense(n, 1, nil)
		d := make([]float64, n)
		y := make([]float64, n)
		for i := 0; i < n; i++ {
			x1, z, v := r.NormFloat64(), r.NormFloat64(), r.NormFloat64()
			X.Set(i, 0, 1)
			X.Set(i, 1, x1)
			Zx.Set(i, 0, z)
			if -0.2+0.5*x1+z+v > 0 {
				d[i] = 1
			}
			D.Set(i, 0, d[i])
			y[i] = 1 + d[i] + x1 + 0.8*v + r.NormFloat64()
		}
		for name, fit := range map[string]func() (*Result, error){
			"ipw":  func() (*Result, error) { return IPW(X, d, xn, y, Options{}) },
			"aipw": func() (*Result, error) { return AIPW(X, d, xn, X, y, xn, Options{}) },
			"iv":   func() (*Result, error) { return IV(X, xn, D, []string{"d"}, Zx, []string{"z"}, y, Options{VCE: HC1}) },
		} {
			res, err := fit()
			if err != nil {
				t.Fatalf("replication %d %s: %v", rep, name, err)
			}
			est[name] = append(est[name], effect(t, res, "ate").Estimate)
		}
	}
	for _, name := range []string{"ipw", "aipw", "iv"} {
		m, mcse := mcStats(est[name])
		t.Logf("unobservables: %s ATE mean %.4f (MCSE %.4f, truth %v)", name, m, mcse, ate)
		biased := math.Abs(m-ate) > 4*mcse
		if name == "iv" && biased {
			t.Errorf("IV is biased: mean %.4f, MCSE %.4f", m, mcse)
		}
		if name != "iv" && !biased {
			t.Errorf("%s is not detectably biased under selection on unobservables: mean %.4f, MCSE %.4f", name, m, mcse)
		}
	}
}

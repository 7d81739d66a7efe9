package estimators

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// loadTreatSim reads testdata/treatreg_sim.csv (written by
// testdata/reference_ml.R): Z = [1 x1 z1], d, X = [1 x1], y.
func loadTreatSim(t *testing.T) (Z *mat.Dense, d []float64, X *mat.Dense, y []float64) {
	t.Helper()
	tb := loadTable(t, "treatreg_sim.csv")
	if tb.n != 1000 {
		t.Fatalf("treatreg_sim.csv has %d rows", tb.n)
	}
	Z, _ = tb.design(true, "x1", "z1")
	X, _ = tb.design(true, "x1")
	return Z, tb.cols["d"], X, tb.cols["y"]
}

var (
	trZNames = []string{"(Intercept)", "x1", "z1"}
	trXNames = []string{"(Intercept)", "x1"}
)

func TestTreatRegReference(t *testing.T) {
	Z, d, X, y := loadTreatSim(t)

	// Two-step: SPEC §9 tolerances for two-step estimators.
	two, err := TreatRegTwoStep(Z, d, trZNames, X, y, trXNames, "", Options{})
	if err != nil {
		t.Fatal(err)
	}
	var m2s, m2o maxRel
	compareEq(t, rRefML, two.Equations[0], "treat2.sel.est", "treat2.sel.se", 1e-6, 1e-4, &m2s)
	compareEq(t, rRefML, two.Equations[1], "treat2.out.est", "treat2.out.se", 1e-6, 1e-4, &m2o)
	lam, _ := two.Aux("lambda")
	checkRel(t, "lambda", lam.Estimate, rRefML["treat2.out.est.lambda"], lam.StdError, rRefML["treat2.out.se.lambda"], 1e-6, 1e-4, &m2o)
	sig, _ := two.Aux("sigma")
	rho, _ := two.Aux("rho")
	checkRel(t, "sigma/rho", sig.Estimate, rRefML["treat2.sigma"], rho.Estimate, rRefML["treat2.rho"], 1e-6, 1e-6, &m2o)
	if two.Method != "treatreg-twostep" || two.Equations[0].Name != "treatment" || two.Equations[1].Coefs[2].Term != "treatment" {
		t.Errorf("method %q, equations %q/%q", two.Method, two.Equations[0].Name, two.Equations[1].Coefs[2].Term)
	}
	delta := two.Equations[1].Coefs[2]
	for _, nm := range []string{"ate", "att", "atu"} {
		var e Aux
		for _, a := range two.Effects {
			if a.Name == nm {
				e = a
			}
		}
		if e.Estimate != delta.Estimate || e.StdError != delta.StdError || !e.HasSE {
			t.Errorf("two-step effect %s = %+v, want δ = %+v", nm, e, delta)
		}
	}
	t.Logf("treatreg two-step vs R: max rel. diff treatment est %.2g SE %.2g; outcome est %.2g SE %.2g", m2s.est, m2s.se, m2o.est, m2o.se)

	// ML.
	ml, err := TreatRegML(Z, d, trZNames, X, y, trXNames, "", Options{})
	if err != nil {
		t.Fatal(err)
	}
	var mms, mmo, mma maxRel
	compareEq(t, rRefML, ml.Equations[0], "treatML.sel.est", "treatML.sel.se", mlTolEst, mlTolSE, &mms)
	compareEq(t, rRefML, ml.Equations[1], "treatML.out.est", "treatML.out.se", mlTolEst, mlTolSE, &mmo)
	compareAux(t, ml, "treatML", mlTolEst, mlTolSE, &mma)
	if d := relDiff(*ml.LogLik, rRefML["treatML.loglik"]); d > 1e-10 {
		t.Errorf("log-likelihood %.12g, R %.12g", *ml.LogLik, rRefML["treatML.loglik"])
	}
	checkRhoTests(t, ml, "treatML")
	if ml.Method != "treatreg" || ml.NSelected != two.NSelected || len(ml.Effects) != 3 ||
		ml.Effects[0].Estimate != ml.Equations[1].Coefs[2].Estimate {
		t.Errorf("treatreg-ml result: %+v", ml)
	}
	t.Logf("treatreg ML vs R: max rel. diff treatment est %.2g SE %.2g; outcome est %.2g SE %.2g; aux est %.2g SE %.2g; %d iterations",
		mms.est, mms.se, mmo.est, mmo.se, mma.est, mma.se, ml.Iterations)
}

// treatDGP draws n rows of the textbook endogenous-treatment model
//
//	d = 1{0.2 + 1.0·z1 + 0.5·x1 + u > 0},  y = 1 + 1.0·x1 + δ·d + ε,
//	ε = ρu + √(1−ρ²)v,  u, v ~ N(0, 1),
//
// with z1 the excluded instrument. Z = [1 z1 x1], X = [1 x1].
func treatDGP(r *rand.Rand, n int, rho, delta float64) (Z *mat.Dense, d []float64, X *mat.Dense, y []float64) {
	Z = mat.NewDense(n, 3, nil)
	X = mat.NewDense(n, 2, nil)
	d = make([]float64, n)
	y = make([]float64, n)
	c := math.Sqrt(1 - rho*rho)
	for i := 0; i < n; i++ {
		z1, x1 := r.NormFloat64(), r.NormFloat64()
		u, v := r.NormFloat64(), r.NormFloat64()
		Z.SetRow(i, []float64{1, z1, x1})
		X.SetRow(i, []float64{1, x1})
		if 0.2+z1+0.5*x1+u > 0 {
			d[i] = 1
		}
		y[i] = 1 + x1 + delta*d[i] + rho*u + c*v
	}
	return
}

// TestTreatRegMonteCarlo: with ρ = 0.6 the naive difference is biased,
// while δ̂ of the two-step and the ML estimator is unbiased and their 95%
// intervals cover δ 95% of the time, within Monte Carlo error.
func TestTreatRegMonteCarlo(t *testing.T) {
	const (
		reps  = 150
		n     = 2000
		rho   = 0.6
		truth = 1.0
	)
	zn := []string{"(Intercept)", "z1", "x1"}
	xn := []string{"(Intercept)", "x1"}
	est := map[string][]float64{}
	covered := map[string]int{}
	for rep := 0; rep < reps; rep++ {
		Z, d, X, y := treatDGP(rand.New(rand.NewPCG(20260303, uint64(rep))), n, rho, truth)
		for _, m := range []struct {
			name string
			fit  func(*mat.Dense, []float64, []string, *mat.Dense, []float64, []string, string, Options) (*Result, error)
		}{{"twostep", TreatRegTwoStep}, {"ml", TreatRegML}} {
			res, err := m.fit(Z, d, zn, X, y, xn, "d", Options{})
			if err != nil {
				t.Fatalf("%s replication %d: %v", m.name, rep, err)
			}
			c, ok := res.Equations[1].Coef("d")
			if !ok {
				t.Fatalf("%s: no coefficient named d", m.name)
			}
			est[m.name] = append(est[m.name], c.Estimate)
			if lo, hi := c.CI95(); lo <= truth && truth <= hi {
				covered[m.name]++
			}
		}
	}
	covMCSE := math.Sqrt(0.95 * 0.05 / reps)
	for _, nm := range []string{"twostep", "ml"} {
		m, se := mcStats(est[nm])
		cov := float64(covered[nm]) / reps
		t.Logf("treatreg %s: delta %.4f (MCSE %.4f), 95%% coverage %.3f (MCSE %.3f)", nm, m, se, cov, covMCSE)
		if math.Abs(m-truth) > 4*se {
			t.Errorf("treatreg %s: delta is biased: mean %.4f, truth %v, MCSE %.4f", nm, m, truth, se)
		}
		if math.Abs(cov-0.95) > 3*covMCSE {
			t.Errorf("treatreg %s: 95%% coverage %.3f, want 0.95 ± %.3f", nm, cov, 3*covMCSE)
		}
	}
}

func TestTreatRegRhoZero(t *testing.T) {
	zn := []string{"(Intercept)", "z1", "x1"}
	xn := []string{"(Intercept)", "x1"}
	for rep := 0; rep < 20; rep++ {
		Z, d, X, y := treatDGP(rand.New(rand.NewPCG(77, uint64(rep))), 500, 0, 0.5)
		res, err := TreatRegML(Z, d, zn, X, y, xn, "", Options{})
		if err != nil {
			t.Fatalf("replication %d: %v", rep, err)
		}
		rho, _ := res.Aux("rho")
		if math.Abs(rho.Estimate) > 4*rho.StdError+0.05 {
			t.Errorf("replication %d: rho %.4f (SE %.4f)", rep, rho.Estimate, rho.StdError)
		}
	}
}

func TestTreatRegErrors(t *testing.T) {
	Z, d, X, y := treatDGP(rand.New(rand.NewPCG(4, 4)), 400, 0.5, 1)
	zn := []string{"(Intercept)", "z1", "x1"}
	xn := []string{"(Intercept)", "x1"}
	fill := func(v float64) []float64 {
		o := make([]float64, len(d))
		for i := range o {
			o[i] = v
		}
		return o
	}
	// The treatment collinear with X: X holds a copy of d.
	Xd := mat.NewDense(400, 3, nil)
	for i := 0; i < 400; i++ {
		Xd.SetRow(i, []float64{1, X.At(i, 1), d[i]})
	}
	for _, fit := range []struct {
		prefix string
		f      func(*mat.Dense, []float64, []string, *mat.Dense, []float64, []string, string, Options) (*Result, error)
	}{{"treatreg-twostep: ", TreatRegTwoStep}, {"treatreg: ", TreatRegML}} {
		for _, c := range []struct {
			name string
			run  func() error
			want string
		}{
			{"none treated", func() error { _, err := fit.f(Z, fill(0), zn, X, y, xn, "", Options{}); return err }, "no treated observations"},
			{"all treated", func() error { _, err := fit.f(Z, fill(1), zn, X, y, xn, "", Options{}); return err }, "no untreated observations"},
			{"not 0/1", func() error {
				d2 := append([]float64(nil), d...)
				d2[5] = 0.5
				_, err := fit.f(Z, d2, zn, X, y, xn, "", Options{})
				return err
			}, "must be 0 or 1"},
			{"collinear treatment", func() error {
				_, err := fit.f(Z, d, zn, Xd, y, []string{"(Intercept)", "x1", "dcopy"}, "d", Options{})
				return err
			}, `column "d" is collinear`},
			{"NaN outcome", func() error {
				y2 := append([]float64(nil), y...)
				y2[7] = math.NaN()
				_, err := fit.f(Z, d, zn, X, y2, xn, "", Options{})
				return err
			}, "outcome is NaN in row 8"},
		} {
			err := c.run()
			if err == nil || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), fit.prefix) {
				t.Errorf("%s%s: error %v, want one containing %q", fit.prefix, c.name, err, c.want)
			}
		}
	}
	if _, err := TreatRegML(Z, d, zn, X, y, xn, "", Options{MaxIter: 1}); err == nil || !strings.Contains(err.Error(), "did not converge after 1 iterations") {
		t.Errorf("MaxIter 1: %v", err)
	}
}

// BenchmarkTreatRegML: 1,000,000 rows × 10 regressors per equation (the
// selection indicator of benchData as the treatment).
func BenchmarkTreatRegML(b *testing.B) {
	Z, d, X, y, zn, xn := benchData(1_000_000, 10)
	b.ResetTimer()
	for b.Loop() {
		if _, err := TreatRegML(Z, d, zn, X, y, xn, "", Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

package estimators

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

func biprobitSim(t *testing.T) (Z *mat.Dense, d []float64, zn []string, X *mat.Dense, y []float64, xn []string) {
	tb := loadTable(t, "biprobit_sim.csv")
	if tb.n != 2000 {
		t.Fatalf("biprobit_sim.csv has %d rows", tb.n)
	}
	Z, zn = tb.design(true, "x1", "z1")
	X, xn = tb.design(true, "x1", "x2")
	return Z, tb.cols["d"], zn, X, tb.cols["y"], xn
}

// TestBiProbitVsR compares BiProbit with the recursive bivariate probit
// likelihood maximised in R (pbivnorm, optim, numDeriv Hessian) and the
// effects with R's delta method by numDeriv::jacobian.
func TestBiProbitVsR(t *testing.T) {
	ref := readKeyValues(t, "testdata/r_binprobit_reference.csv")
	Z, d, zn, X, y, xn := biprobitSim(t)
	res, err := BiProbit(Z, d, zn, X, y, xn, "", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Method != "biprobit" || res.N != 2000 || !res.Converged || res.Params != 8 {
		t.Fatalf("method %q n %d converged %v params %d", res.Method, res.N, res.Converged, res.Params)
	}
	var me, ms, mfe, mfs, ml float64
	for eq, tag := range map[string]string{"treatment": "sel", "outcome": "out"} {
		e, ok := res.Equation(eq)
		if !ok {
			t.Fatalf("no equation %q", eq)
		}
		for _, c := range e.Coefs {
			refCompare(t, ref, "bp."+tag+".est."+c.Term, c.Estimate, bpTolEst, &me)
			refCompare(t, ref, "bp."+tag+".se."+c.Term, c.StdError, bpTolSE, &ms)
		}
	}
	for _, nm := range []string{"rho", "athrho"} {
		a, _ := res.Aux(nm)
		refCompare(t, ref, "bp."+nm+".est", a.Estimate, bpTolEst, &me)
		refCompare(t, ref, "bp."+nm+".se", a.StdError, bpTolSE, &ms)
	}
	for _, nm := range []string{"ate", "att", "atu"} {
		a := effect(t, res, nm)
		refCompare(t, ref, "bp.eff.est."+nm, a.Estimate, bpTolEst, &mfe)
		refCompare(t, ref, "bp.eff.se."+nm, a.StdError, bpTolSE, &mfs)
	}
	refCompare(t, ref, "bp.loglik", *res.LogLik, bpTolLL, &ml)
	lr, _ := res.Test("lr_rho0")
	if want := 2 * (ref["bp.loglik"] - ref["bp.ll0"]); relDiff(lr.Statistic, want) > 1e-6 {
		t.Errorf("lr_rho0 %.10g, R %.10g", lr.Statistic, want)
	}
	t.Logf("biprobit vs R: max rel. diff estimates %.2g, SEs %.2g; effects %.2g, their SEs %.2g; log-likelihood %.2g; LR %.4f; %d Newton steps",
		me, ms, mfe, mfs, ml, lr.Statistic, res.Iterations)
	if _, err := res.MarshalJSON(); err != nil {
		t.Error(err)
	}
}

// biprobitDGP draws n rows of the recursive bivariate probit
//
//	d = 1{−0.2 + 0.4·x1 + 0.8·z1 + u > 0},
//	y = 1{0.1 + 0.6·x1 − 0.4·x2 + δ·d + ε > 0},  ε = ρu + √(1−ρ²)v,
//
// with z1 the excluded instrument. It returns Z = [1 x1 z1], d,
// X = [1 x1 x2] and y.
func biprobitDGP(r *rand.Rand, n int, rho, delta float64) (Z *mat.Dense, d []float64, X *mat.Dense, y []float64) {
	Z, X = mat.NewDense(n, 3, nil), mat.NewDense(n, 3, nil)
	d, y = make([]float64, n), make([]float64, n)
	c := math.Sqrt(1 - rho*rho)
	for i := 0; i < n; i++ {
		x1, x2, z1 := r.NormFloat64(), r.NormFloat64(), r.NormFloat64()
		u, v := r.NormFloat64(), r.NormFloat64()
		Z.SetRow(i, []float64{1, x1, z1})
		X.SetRow(i, []float64{1, x1, x2})
		if -0.2+0.4*x1+0.8*z1+u > 0 {
			d[i] = 1
		}
		if 0.1+0.6*x1-0.4*x2+delta*d[i]+rho*u+c*v > 0 {
			y[i] = 1
		}
	}
	return
}

// TestBiProbitMonteCarlo: with an endogenous treatment (ρ = 0.5, n = 2000,
// 250 replications) the ML estimates of δ and ρ and the ATE are unbiased,
// and the 95% intervals of δ and of the ATE cover the truth 95% of the
// time, within 3 Monte Carlo standard errors. The ATE's truth in each
// replication is the sample mean of Φ(x'β + δ) − Φ(x'β) at the true
// parameters — the estimand whose sampling variance the delta method
// (x held fixed) estimates. The single-equation probit's δ is visibly
// biased.
func TestBiProbitMonteCarlo(t *testing.T) {
	const (
		reps  = 250
		n     = 2000
		rho   = 0.5
		delta = 0.7
	)
	zn := []string{"(Intercept)", "x1", "z1"}
	xn := []string{"(Intercept)", "x1", "x2"}
	var deltas, rhos, ateErr, naive []float64
	covD, covATE := 0, 0
	for rep := 0; rep < reps; rep++ {
		Z, d, X, y := biprobitDGP(rand.New(rand.NewPCG(20261204, uint64(rep))), n, rho, delta)
		res, err := BiProbit(Z, d, zn, X, y, xn, "d", Options{})
		if err != nil {
			t.Fatalf("replication %d: %v", rep, err)
		}
		b, ok := res.Equations[1].Coef("d")
		if !ok {
			t.Fatal("no coefficient d")
		}
		deltas = append(deltas, b.Estimate)
		if lo, hi := b.CI95(); lo <= delta && delta <= hi {
			covD++
		}
		r, _ := res.Aux("rho")
		rhos = append(rhos, r.Estimate)
		var ate0 float64
		for i := 0; i < n; i++ {
			e := 0.1 + 0.6*X.At(i, 1) - 0.4*X.At(i, 2)
			ate0 += normCDF(e+delta) - normCDF(e)
		}
		ate0 /= n
		a := effect(t, res, "ate")
		ateErr = append(ateErr, a.Estimate-ate0)
		if lo, hi := (Coef{Estimate: a.Estimate, StdError: a.StdError}).CI95(); lo <= ate0 && ate0 <= hi {
			covATE++
		}
		Xd := mat.NewDense(n, 4, nil)
		for i := 0; i < n; i++ {
			Xd.SetRow(i, []float64{1, X.At(i, 1), X.At(i, 2), d[i]})
		}
		pr, err := Probit(Xd, y, []string{"(Intercept)", "x1", "x2", "d"}, Options{})
		if err != nil {
			t.Fatal(err)
		}
		naive = append(naive, pr.Equations[0].Coefs[3].Estimate)
	}
	dm, dse := mcStats(deltas)
	rm, rse := mcStats(rhos)
	am, ase := mcStats(ateErr)
	nm, nse := mcStats(naive)
	cd, ca := float64(covD)/reps, float64(covATE)/reps
	covMCSE := math.Sqrt(0.95 * 0.05 / reps)
	t.Logf("biprobit delta %.4f (MCSE %.4f; truth %v), rho %.4f (MCSE %.4f; truth %v), ATE − sample truth %.5f (MCSE %.5f); 95%% coverage delta %.3f, ATE %.3f (MCSE %.3f); single-equation probit delta %.4f (MCSE %.4f)",
		dm, dse, delta, rm, rse, rho, am, ase, cd, ca, covMCSE, nm, nse)
	if math.Abs(dm-delta) > 3*dse {
		t.Errorf("delta is biased: mean %.4f, truth %v, MCSE %.4f", dm, delta, dse)
	}
	if math.Abs(rm-rho) > 3*rse {
		t.Errorf("rho is biased: mean %.4f, truth %v, MCSE %.4f", rm, rho, rse)
	}
	if math.Abs(am) > 3*ase {
		t.Errorf("ATE is biased: mean error %.5f, MCSE %.5f", am, ase)
	}
	if math.Abs(nm-delta) <= 3*nse {
		t.Errorf("the single-equation probit is not detectably biased: mean %.4f, MCSE %.4f", nm, nse)
	}
	for _, c := range []struct {
		what string
		v    float64
	}{{"delta", cd}, {"ATE", ca}} {
		if math.Abs(c.v-0.95) > 3*covMCSE {
			t.Errorf("%s 95%% interval coverage %.3f, want 0.95 ± %.3f", c.what, c.v, 3*covMCSE)
		}
	}
}

func TestBiProbitErrors(t *testing.T) {
	zn := []string{"(Intercept)", "x1", "z1"}
	xn := []string{"(Intercept)", "x1", "x2"}
	Z, d, X, y := biprobitDGP(rand.New(rand.NewPCG(4, 4)), 600, 0.5, 0.7)
	cp := func(v []float64) []float64 { return append([]float64(nil), v...) }
	fill := func(v float64) []float64 {
		o := make([]float64, len(d))
		for i := range o {
			o[i] = v
		}
		return o
	}
	Xc := mat.NewDense(600, 4, nil)
	for i := 0; i < 600; i++ {
		Xc.SetRow(i, []float64{1, X.At(i, 1), X.At(i, 2), X.At(i, 1) - X.At(i, 2)})
	}
	for _, c := range []struct {
		name string
		run  func() error
		want string
	}{
		{"treatment not 0/1", func() error {
			d2 := cp(d)
			d2[7] = 2
			_, err := BiProbit(Z, d2, zn, X, y, xn, "", Options{})
			return err
		}, "treatment must be 0 or 1"},
		{"outcome not 0/1", func() error {
			y2 := cp(y)
			y2[7] = -1
			_, err := BiProbit(Z, d, zn, X, y2, xn, "", Options{})
			return err
		}, "outcome must be 0 or 1"},
		{"none treated", func() error { _, err := BiProbit(Z, fill(0), zn, X, y, xn, "", Options{}); return err }, "no treated observations"},
		{"all treated", func() error { _, err := BiProbit(Z, fill(1), zn, X, y, xn, "", Options{}); return err }, "no untreated observations"},
		{"outcome constant", func() error { _, err := BiProbit(Z, d, zn, X, fill(1), xn, "", Options{}); return err }, "outcome probit: outcome is 1 in every row"},
		{"outcome = treatment (separation)", func() error { _, err := BiProbit(Z, d, zn, X, cp(d), xn, "", Options{}); return err }, "outcome probit: perfect or quasi-complete separation"},
		{"collinear outcome", func() error {
			_, err := BiProbit(Z, d, zn, Xc, y, []string{"(Intercept)", "x1", "x2", "x3"}, "", Options{})
			return err
		}, `column "x3" is collinear`},
		{"NaN", func() error {
			y2 := cp(y)
			y2[3] = math.NaN()
			_, err := BiProbit(Z, d, zn, X, y2, xn, "", Options{})
			return err
		}, "outcome is NaN in row 4"},
		{"max iter", func() error { _, err := BiProbit(Z, d, zn, X, y, xn, "", Options{MaxIter: 1}); return err }, "did not converge after 1 iterations"},
	} {
		err := c.run()
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "biprobit: ") {
			t.Errorf("%s: error %v, want one containing %q", c.name, err, c.want)
		}
	}
}

// TestBiProbitDeterministic: bit-for-bit the same result with one or
// several goroutines (several blocks of rows), with and without clusters.
func TestBiProbitDeterministic(t *testing.T) {
	zn := []string{"(Intercept)", "x1", "z1"}
	xn := []string{"(Intercept)", "x1", "x2"}
	Z, d, X, y := biprobitDGP(rand.New(rand.NewPCG(6, 6)), 3*blockRows+5, -0.3, 0.5)
	checkDeterministic(t, func() (*Result, error) { return BiProbit(Z, d, zn, X, y, xn, "", Options{}) })
	checkDeterministic(t, func() (*Result, error) {
		return BiProbit(Z, d, zn, X, y, xn, "", Options{Clusters: sqrtClusters(len(y))})
	})
}

// BenchmarkBiProbit: 1,000,000 rows, 10 regressors per equation.
func BenchmarkBiProbit(b *testing.B) {
	Z, d, X, _, zn, xn := benchData(1_000_000, 10)
	y := make([]float64, len(d))
	r := rand.New(rand.NewPCG(1, 4))
	for i := range y {
		if X.At(i, 1)+0.5*d[i]+r.NormFloat64() > 0 {
			y[i] = 1
		}
	}
	b.ResetTimer()
	for b.Loop() {
		if _, err := BiProbit(Z, d, zn, X, y, xn, "", Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

package estimators

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// checkRhoTests checks res's tests of ρ = 0 against R: the LR statistic
// 2(ℓ − ℓ₀), ℓ₀ = logLik(probit glm) + logLik(lm) (rRefML[tag.ll0]),
// to 1e-6, and the Wald statistic against (athrho/SE)².
func checkRhoTests(t *testing.T, res *Result, tag string) {
	t.Helper()
	lr, ok1 := res.Test("lr_rho0")
	w, ok2 := res.Test("wald_rho0")
	if !ok1 || !ok2 || len(res.Tests) != 2 {
		t.Fatalf("%s: tests %+v, want lr_rho0 and wald_rho0", tag, res.Tests)
	}
	want := 2 * (rRefML[tag+".loglik"] - rRefML[tag+".ll0"])
	if math.Abs(lr.Statistic-want) > 1e-6 || lr.DF != 1 {
		t.Errorf("%s: LR test of ρ = 0 %+v, R χ²(1) = %.10f", tag, lr, want)
	}
	ath, _ := res.Aux("athrho")
	if relDiff(w.Statistic, math.Pow(ath.Estimate/ath.StdError, 2)) > 1e-12 || w.DF != 1 {
		t.Errorf("%s: Wald test of ρ = 0 %+v", tag, w)
	}
	t.Logf("%s: LR χ²(1) = %.6f (p %.4f), R %.6f; Wald %.6f (p %.4f)", tag, lr.Statistic, lr.PValue, want, w.Statistic, w.PValue)
}

func checkRel(t *testing.T, what string, est, wantEst, se, wantSE, tolE, tolS float64, mr *maxRel) {
	t.Helper()
	de, ds := relDiff(est, wantEst), relDiff(se, wantSE)
	mr.est, mr.se = math.Max(mr.est, de), math.Max(mr.se, ds)
	if !(de <= tolE) {
		t.Errorf("%s: estimate %.12g, R %.12g (rel. diff %.2g)", what, est, wantEst, de)
	}
	if !(ds <= tolS) {
		t.Errorf("%s: std. error %.12g, R %.12g (rel. diff %.2g)", what, se, wantSE, ds)
	}
}

// compareAux checks the auxiliary parameters of a bivariate ML fit.
func compareAux(t *testing.T, res *Result, tag string, tolE, tolS float64, mr *maxRel) {
	t.Helper()
	for _, nm := range []string{"athrho", "lnsigma", "rho", "sigma", "lambda"} {
		a, ok := res.Aux(nm)
		if !ok || !a.HasSE {
			t.Errorf("%s: auxiliary %q missing or without SE", tag, nm)
			continue
		}
		checkRel(t, tag+" "+nm, a.Estimate, rRefML[tag+".aux.est."+nm], a.StdError, rRefML[tag+".aux.se."+nm], tolE, tolS, mr)
	}
}

// Tolerances against R for maximum-likelihood fits: estimates to 1e-4
// relative (SPEC §9). Standard errors to 1e-3 relative: R's come from
// numDeriv's finite-difference Hessian of the likelihood at its own
// optimum, Go's from the analytic Hessian, so they agree only to the
// accuracy of numerical second derivatives (observed: ~1e-6).
const (
	mlTolEst = 1e-4
	mlTolSE  = 1e-3
)

func mrozHeckmanW(t *testing.T) (Z *mat.Dense, s []float64, zn []string, X *mat.Dense, y []float64, xn []string) {
	m := loadMroz(t)
	Z, zn = m.design(nil, "nwifeinc", "educ", "exper", "expersq", "age", "kidslt6", "kidsge6")
	X, xn = m.design(nil, "educ", "exper", "expersq")
	return Z, m.col(nil, "inlf"), zn, X, m.col(nil, "lwage"), xn
}

// TestRhoTestsClustered: with clusters the LR test of ρ = 0 is dropped
// (it has no χ² distribution) and the Wald test uses the cluster-robust
// standard error of atanh ρ.
func TestRhoTestsClustered(t *testing.T) {
	Z, s, zn, X, y, xn := mrozHeckmanW(t)
	ids := make([]int, len(s))
	for i := range ids {
		ids[i] = i / 3
	}
	res, err := Heckman(Z, s, zn, X, y, xn, Options{Clusters: ids})
	if err != nil {
		t.Fatal(err)
	}
	ath, _ := res.Aux("athrho")
	if len(res.Tests) != 1 || res.Tests[0].Name != "wald_rho0" ||
		relDiff(res.Tests[0].Statistic, math.Pow(ath.Estimate/ath.StdError, 2)) > 1e-12 {
		t.Errorf("clustered tests %+v, athrho %+v", res.Tests, ath)
	}
}

func TestMrozHeckmanML(t *testing.T) {
	Z, s, zn, X, y, xn := mrozHeckmanW(t)
	res, err := Heckman(Z, s, zn, X, y, xn, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Method != "heckman" || res.N != 753 || res.NSelected != 428 || !res.Converged || res.LogLik == nil {
		t.Fatalf("method %q n %d n_selected %d converged %v", res.Method, res.N, res.NSelected, res.Converged)
	}
	var ms, mo, ma maxRel
	compareEq(t, rRefML, res.Equations[0], "heckmanW.sel.est", "heckmanW.sel.se", mlTolEst, mlTolSE, &ms)
	compareEq(t, rRefML, res.Equations[1], "heckmanW.out.est", "heckmanW.out.se", mlTolEst, mlTolSE, &mo)
	compareAux(t, res, "heckmanW", mlTolEst, mlTolSE, &ma)
	if d := relDiff(*res.LogLik, rRefML["heckmanW.loglik"]); d > 1e-10 {
		t.Errorf("log-likelihood %.12g, R %.12g", *res.LogLik, rRefML["heckmanW.loglik"])
	}
	checkRhoTests(t, res, "heckmanW")
	// Stata `heckman lwage educ exper expersq, select(inlf = nwifeinc educ
	// exper expersq age kidslt6 kidsge6)`, as printed: educ .1083502
	// (.0148607), log likelihood −832.88509, rho .0266078.
	educ, _ := res.Equations[1].Coef("educ")
	rho, _ := res.Aux("rho")
	if math.Abs(educ.Estimate-0.1083502) > 1e-7 || math.Abs(educ.StdError-0.0148607) > 1e-7 ||
		math.Abs(*res.LogLik+832.88509) > 1e-5 || math.Abs(rho.Estimate-0.0266078) > 1e-7 {
		t.Errorf("published: educ %.7f (%.7f), ll %.5f, rho %.7f", educ.Estimate, educ.StdError, *res.LogLik, rho.Estimate)
	}
	t.Logf("heckman ML vs R (optim + numDeriv): max rel. diff selection est %.2g SE %.2g; outcome est %.2g SE %.2g; aux est %.2g SE %.2g; %d iterations",
		ms.est, ms.se, mo.est, mo.se, ma.est, ma.se, res.Iterations)
}

// TestBVDerivatives checks the analytic gradient against central
// differences of ℓ and the analytic Hessian against central differences
// of the analytic gradient, away from the maximum, for both row kinds.
func TestBVDerivatives(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	Z, s, X, y := heckmanDGP(r, 300, 0.5)
	d := make([]float64, 300)
	for i := range d {
		d[i] = float64(r.IntN(2))
	}
	zr, xr := Z.RawMatrix(), X.RawMatrix()
	for _, c := range []struct {
		name string
		kind func(i int) int8
		dcol []float64
	}{
		{"selection", func(i int) int8 { return int8(s[i]) }, nil},
		{"treatment", func(i int) int8 { return int8(2*d[i] - 1) }, d},
	} {
		kind := make([]int8, 300)
		for i := range kind {
			kind[i] = c.kind(i)
		}
		m := newBVModel(300, 3, zr.Data, zr.Stride, xr.Data, xr.Stride, 2, c.dcol, y, kind)
		theta := []float64{0.1, 0.8, 0.4, 0.9, 1.2, 0.7, -0.3}
		if c.dcol != nil {
			theta = []float64{0.1, 0.8, 0.4, 0.9, 1.2, 0.5, 0.7, -0.3}
		}
		checkDerivatives(t, c.name, m.eval, m.scorer, 300, theta, 1e-5, 1e-6, 1e-6)
	}
}

// TestHeckmanMonteCarlo: on the textbook DGP (n = 2000, ρ = 0.6, strong
// exclusion restriction) the ML slope is unbiased and its 95% interval
// covers the truth 95% of the time, within Monte Carlo error; so are ρ̂
// and σ̂ (truth 0.6 and 1).
func TestHeckmanMonteCarlo(t *testing.T) {
	const (
		reps  = 150
		n     = 2000
		rho   = 0.6
		truth = 1.0
	)
	zn := []string{"(Intercept)", "z1", "x1"}
	xn := []string{"(Intercept)", "x1"}
	var slope, rhos, iters []float64
	covered, coveredRho := 0, 0
	for rep := 0; rep < reps; rep++ {
		Z, s, X, y := heckmanDGP(rand.New(rand.NewPCG(20260202, uint64(rep))), n, rho)
		res, err := Heckman(Z, s, zn, X, y, xn, Options{})
		if err != nil {
			t.Fatalf("replication %d: %v", rep, err)
		}
		b, _ := res.Equations[1].Coef("x1")
		slope = append(slope, b.Estimate)
		if lo, hi := b.CI95(); lo <= truth && truth <= hi {
			covered++
		}
		a, _ := res.Aux("athrho")
		rhos = append(rhos, math.Tanh(a.Estimate))
		if lo, hi := (Coef{Estimate: a.Estimate, StdError: a.StdError}).CI95(); lo <= math.Atanh(rho) && math.Atanh(rho) <= hi {
			coveredRho++
		}
		iters = append(iters, float64(res.Iterations))
	}
	sm, sse := mcStats(slope)
	rm, rse := mcStats(rhos)
	it, _ := mcStats(iters)
	cov := float64(covered) / reps
	covRho := float64(coveredRho) / reps
	covMCSE := math.Sqrt(0.95 * 0.05 / reps)
	t.Logf("heckman ML slope %.4f (MCSE %.4f), rho %.4f (MCSE %.4f), 95%% coverage slope %.3f, athrho %.3f (MCSE %.3f); %.1f Newton steps on average",
		sm, sse, rm, rse, cov, covRho, covMCSE, it)
	if math.Abs(sm-truth) > 4*sse {
		t.Errorf("heckman slope is biased: mean %.4f, truth %v, MCSE %.4f", sm, truth, sse)
	}
	if math.Abs(cov-0.95) > 3*covMCSE {
		t.Errorf("heckman 95%% interval coverage %.3f, want 0.95 ± %.3f", cov, 3*covMCSE)
	}
	if math.Abs(covRho-0.95) > 3*covMCSE {
		t.Errorf("athrho 95%% interval coverage %.3f, want 0.95 ± %.3f", covRho, 3*covMCSE)
	}
}

// TestHeckmanRhoZero: with no selection on unobservables (ρ = 0) the ML
// fit converges, from a two-step start that may have |ρ̂| anywhere, and
// ρ̂ is near 0.
func TestHeckmanRhoZero(t *testing.T) {
	zn := []string{"(Intercept)", "z1", "x1"}
	xn := []string{"(Intercept)", "x1"}
	for rep := 0; rep < 20; rep++ {
		Z, s, X, y := heckmanDGP(rand.New(rand.NewPCG(99, uint64(rep))), 500, 0)
		res, err := Heckman(Z, s, zn, X, y, xn, Options{})
		if err != nil {
			t.Fatalf("replication %d: %v", rep, err)
		}
		rho, _ := res.Aux("rho")
		if !res.Converged || math.Abs(rho.Estimate) > 4*rho.StdError+0.05 {
			t.Errorf("replication %d: rho %.4f (SE %.4f)", rep, rho.Estimate, rho.StdError)
		}
	}
}

// TestHeckmanDeterministic: the result is bit-for-bit the same with one
// or several goroutines (several blocks of rows), with and without clusters.
func TestHeckmanDeterministic(t *testing.T) {
	Z, s, X, y := heckmanDGP(rand.New(rand.NewPCG(5, 5)), 3*blockRows+17, 0.4)
	zn := []string{"(Intercept)", "z1", "x1"}
	xn := []string{"(Intercept)", "x1"}
	checkDeterministic(t, func() (*Result, error) { return Heckman(Z, s, zn, X, y, xn, Options{}) })
	checkDeterministic(t, func() (*Result, error) { return Heckman(Z, s, zn, X, y, xn, Options{Clusters: sqrtClusters(len(y))}) })
}

func TestHeckmanErrors(t *testing.T) {
	Z, s, X, y := heckmanDGP(rand.New(rand.NewPCG(3, 3)), 400, 0.5)
	zn := []string{"(Intercept)", "z1", "x1"}
	xn := []string{"(Intercept)", "x1"}
	// Unselected rows may hold NaN in X and y.
	for i := range s {
		if s[i] == 0 {
			y[i] = math.NaN()
			X.Set(i, 1, math.NaN())
		}
	}
	if _, err := Heckman(Z, s, zn, X, y, xn, Options{}); err != nil {
		t.Fatalf("NaN in unselected rows: %v", err)
	}
	fill := func(v float64) []float64 {
		o := make([]float64, len(s))
		for i := range o {
			o[i] = v
		}
		return o
	}
	Xc := mat.NewDense(400, 3, nil)
	for i := 0; i < 400; i++ {
		Xc.Set(i, 0, 1)
		Xc.Set(i, 1, X.At(i, 1))
		Xc.Set(i, 2, 2*X.At(i, 1)+1)
	}
	Zc := mat.NewDense(400, 4, nil)
	for i := 0; i < 400; i++ {
		for j := 0; j < 3; j++ {
			Zc.Set(i, j, Z.At(i, j))
		}
		Zc.Set(i, 3, Z.At(i, 1)-Z.At(i, 2))
	}
	yAll := append([]float64(nil), y...)
	for i := range yAll {
		if math.IsNaN(yAll[i]) {
			yAll[i] = 0
		}
	}
	for _, c := range []struct {
		name string
		run  func() error
		want string
	}{
		{"none selected", func() error { _, err := Heckman(Z, fill(0), zn, X, y, xn, Options{}); return err }, "no selected observations"},
		{"all selected", func() error { _, err := Heckman(Z, fill(1), zn, X, yAll, xn, Options{}); return err }, "no unselected observations"},
		{"not 0/1", func() error { s2 := fill(1); s2[3] = 2; _, err := Heckman(Z, s2, zn, X, y, xn, Options{}); return err }, "must be 0 or 1"},
		{"max iter", func() error { _, err := Heckman(Z, s, zn, X, y, xn, Options{MaxIter: 1}); return err }, "did not converge after 1 iterations"},
		{"collinear outcome", func() error {
			_, err := Heckman(Z, s, zn, Xc, y, []string{"(Intercept)", "x1", "x2"}, Options{})
			return err
		}, `column "x2" is collinear`},
		{"collinear selection", func() error {
			_, err := Heckman(Zc, s, []string{"(Intercept)", "z1", "x1", "zx"}, X, y, xn, Options{})
			return err
		}, `"zx"`},
		{"NaN in selected row", func() error {
			y2 := append([]float64(nil), y...)
			for i := range s {
				if s[i] == 1 {
					y2[i] = math.Inf(1)
					break
				}
			}
			_, err := Heckman(Z, s, zn, X, y2, xn, Options{})
			return err
		}, "outcome is +Inf in selected row"},
	} {
		err := c.run()
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "heckman: ") {
			t.Errorf("%s: error %v, want one containing %q", c.name, err, c.want)
		}
	}
}

// BenchmarkHeckman: 1,000,000 rows × 10 regressors per equation (SPEC §12
// target: under 3 s).
func BenchmarkHeckman(b *testing.B) {
	Z, s, X, y, zn, xn := benchData(1_000_000, 10)
	b.ResetTimer()
	for b.Loop() {
		if _, err := Heckman(Z, s, zn, X, y, xn, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// TestBVNonConvergence: the Newton iterations of the ML fit itself (not
// only the starting probit) stop with an error naming the count.
func TestBVNonConvergence(t *testing.T) {
	Z, s, X, y := heckmanDGP(rand.New(rand.NewPCG(8, 8)), 1000, 0.6)
	kind := make([]int8, len(s))
	for i, v := range s {
		kind[i] = int8(v)
	}
	zr, xr := Z.RawMatrix(), X.RawMatrix()
	m := newBVModel(1000, 3, zr.Data, zr.Stride, xr.Data, xr.Stride, 2, nil, y, kind)
	names := []string{"(Intercept)", "z1", "x1", "(Intercept)", "x1", "athrho", "lnsigma"}
	start := []float64{0, 0, 0, 0, 0, 0, 0}
	if _, err := newtonMax(m.eval, start, names, 2); err == nil || !strings.Contains(err.Error(), "did not converge after 2 iterations") {
		t.Errorf("maxIter 2 from zero: %v", err)
	}
	fit, err := newtonMax(m.eval, start, names, 100)
	if err != nil {
		t.Fatalf("from zero: %v", err)
	}
	t.Logf("from θ = 0: converged in %d Newton steps, rho %.4f", fit.iter, math.Tanh(fit.theta[5]))
}

package estimators

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// refCompare checks got against ref[key] to a relative tol, recording the
// largest relative difference in *mx.
func refCompare(t *testing.T, ref map[string]float64, key string, got, tol float64, mx *float64) {
	t.Helper()
	want, ok := ref[key]
	if !ok {
		t.Errorf("no R reference %q", key)
		return
	}
	d := relDiff(got, want)
	*mx = math.Max(*mx, d)
	if !(d <= tol) {
		t.Errorf("%s: %.12g, R %.12g (rel. diff %.2g)", key, got, want, d)
	}
}

// Tolerances of the bivariate probit models against R: the brief's 1e-4
// for estimates and standard errors (both R fits are converged to a
// gradient below 1e-8 and their Hessians are numerical, so agreement is
// in fact far closer: see the logged numbers), 1e-6 for ℓ.
const (
	bpTolEst = 1e-4
	bpTolSE  = 1e-4
	bpTolLL  = 1e-6
)

func heckprobitSim(t *testing.T) (Z *mat.Dense, s []float64, zn []string, X *mat.Dense, y []float64, xn []string) {
	tb := loadTable(t, "heckprobit_sim.csv")
	if tb.n != 2000 {
		t.Fatalf("heckprobit_sim.csv has %d rows", tb.n)
	}
	Z, zn = tb.design(true, "x1", "z1")
	X, xn = tb.design(true, "x1", "x2")
	return Z, tb.cols["s"], zn, X, tb.cols["y"], xn
}

// TestHeckProbitVsR compares HeckProbit with sampleSelection's
// selection(method = "ml") on a binary outcome (maximised by
// Newton–Raphson, covariance from maxLik's Hessian) and with the textbook
// likelihood maximised in R with pbivnorm and numDeriv.
func TestHeckProbitVsR(t *testing.T) {
	ref := readKeyValues(t, "testdata/r_binprobit_reference.csv")
	Z, s, zn, X, y, xn := heckprobitSim(t)
	res, err := HeckProbit(Z, s, zn, X, y, xn, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Method != "heckprobit" || res.N != 2000 || res.NSelected != int(sumOf(s)) || !res.Converged || res.Params != 7 {
		t.Fatalf("method %q n %d selected %d converged %v params %d", res.Method, res.N, res.NSelected, res.Converged, res.Params)
	}
	for _, src := range []string{"ss", "own"} {
		var me, ms float64
		pre := "hp." + src + "."
		for eq, tag := range map[string]string{"selection": "sel", "outcome": "out"} {
			e, _ := res.Equation(eq)
			for _, c := range e.Coefs {
				refCompare(t, ref, pre+tag+".est."+c.Term, c.Estimate, bpTolEst, &me)
				refCompare(t, ref, pre+tag+".se."+c.Term, c.StdError, bpTolSE, &ms)
			}
		}
		for _, nm := range []string{"rho", "athrho"} {
			a, _ := res.Aux(nm)
			refCompare(t, ref, pre+nm+".est", a.Estimate, bpTolEst, &me)
			refCompare(t, ref, pre+nm+".se", a.StdError, bpTolSE, &ms)
		}
		var ml float64
		refCompare(t, ref, pre+"loglik", *res.LogLik, bpTolLL, &ml)
		t.Logf("heckprobit vs R (%s): max rel. diff estimates %.2g, SEs %.2g, log-likelihood %.2g; %d Newton steps", src, me, ms, ml, res.Iterations)
	}
	// The LR test of ρ = 0 against the two separate probits (R's glm).
	lr, _ := res.Test("lr_rho0")
	if want := 2 * (ref["hp.own.loglik"] - ref["hp.own.ll0"]); relDiff(lr.Statistic, want) > 1e-6 {
		t.Errorf("lr_rho0 %.10g, R %.10g", lr.Statistic, want)
	}
	if lr.DF != 1 || math.Abs(lr.PValue-math.Erfc(math.Sqrt(lr.Statistic/2))) > 1e-15 {
		t.Errorf("lr_rho0 %+v", lr)
	}
	ath, _ := res.Aux("athrho")
	w, _ := res.Test("wald_rho0")
	if relDiff(w.Statistic, math.Pow(ath.Estimate/ath.StdError, 2)) > 1e-12 {
		t.Errorf("wald_rho0 %g", w.Statistic)
	}
	if _, err := res.MarshalJSON(); err != nil {
		t.Error(err)
	}
}

// TestBPDerivatives checks the analytic gradient of the bivariate probit
// likelihood against central differences of ℓ and the analytic Hessian
// against central differences of the gradient, for both row kinds and
// both signs of ρ.
func TestBPDerivatives(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 11))
	const n = 400
	Z := mat.NewDense(n, 3, nil)
	X := mat.NewDense(n, 3, nil)
	q1, q2, q2h := make([]int8, n), make([]int8, n), make([]int8, n)
	for i := 0; i < n; i++ {
		Z.SetRow(i, []float64{1, r.NormFloat64(), r.NormFloat64()})
		X.SetRow(i, []float64{1, r.NormFloat64(), float64(r.IntN(2))})
		q1[i] = int8(2*r.IntN(2) - 1)
		q2[i] = int8(2*r.IntN(2) - 1)
		if q1[i] > 0 {
			q2h[i] = q2[i]
		}
	}
	zr, xr := Z.RawMatrix(), X.RawMatrix()
	for _, c := range []struct {
		name string
		q2   []int8
		a    float64
	}{{"biprobit ρ>0", q2, 0.6}, {"biprobit ρ<0", q2, -1.2}, {"heckprobit", q2h, 0.4}, {"heckprobit ρ<0", q2h, -2}} {
		m := newBPModel(n, 3, zr.Data, zr.Stride, xr.Data, xr.Stride, 3, q1, c.q2)
		theta := []float64{0.2, 0.9, -0.5, -0.3, 1.1, 0.8, c.a}
		checkDerivatives(t, c.name, m.eval, m.scorer, n, theta, 1e-5, 1e-6, 1e-6)
	}
}

// heckprobitDGP draws n rows of the probit model with selection
//
//	s = 1{0.3 + 0.5·x1 + 0.9·z1 + u > 0},
//	y = 1{−0.2 + 0.8·x1 − 0.5·x2 + ε > 0} (observed if s = 1),
//	ε = ρu + √(1−ρ²)v,  u, v ~ N(0, 1),
//
// with z1 excluded from the outcome. It returns Z = [1 x1 z1], s,
// X = [1 x1 x2] and y (drawn in every row; only selected rows are used).
func heckprobitDGP(r *rand.Rand, n int, rho float64) (Z *mat.Dense, s []float64, X *mat.Dense, y []float64) {
	Z, X = mat.NewDense(n, 3, nil), mat.NewDense(n, 3, nil)
	s, y = make([]float64, n), make([]float64, n)
	c := math.Sqrt(1 - rho*rho)
	for i := 0; i < n; i++ {
		x1, x2, z1 := r.NormFloat64(), r.NormFloat64(), r.NormFloat64()
		u, v := r.NormFloat64(), r.NormFloat64()
		Z.SetRow(i, []float64{1, x1, z1})
		X.SetRow(i, []float64{1, x1, x2})
		if 0.3+0.5*x1+0.9*z1+u > 0 {
			s[i] = 1
		}
		if -0.2+0.8*x1-0.5*x2+rho*u+c*v > 0 {
			y[i] = 1
		}
	}
	return
}

var (
	hpZNames = []string{"(Intercept)", "x1", "z1"}
	hpXNames = []string{"(Intercept)", "x1", "x2"}
)

// TestHeckProbitMonteCarlo: on the textbook DGP (n = 2000, ρ = 0.6, 250
// replications) the ML slope of x1 and ρ̂ are unbiased and the 95%
// intervals of the slope and of atanh ρ cover the truth 95% of the time,
// all within 3 Monte Carlo standard errors; the probit of y on the
// selected rows alone is visibly biased.
func TestHeckProbitMonteCarlo(t *testing.T) {
	const (
		reps  = 250
		n     = 2000
		rho   = 0.6
		truth = 0.8
	)
	var slope, rhos, naive, iters []float64
	covered, coveredRho := 0, 0
	for rep := 0; rep < reps; rep++ {
		Z, s, X, y := heckprobitDGP(rand.New(rand.NewPCG(20261203, uint64(rep))), n, rho)
		res, err := HeckProbit(Z, s, hpZNames, X, y, hpXNames, Options{})
		if err != nil {
			t.Fatalf("replication %d: %v", rep, err)
		}
		b, _ := res.Equations[1].Coef("x1")
		slope = append(slope, b.Estimate)
		if lo, hi := b.CI95(); lo <= truth && truth <= hi {
			covered++
		}
		a, _ := res.Aux("athrho")
		r, _ := res.Aux("rho")
		rhos = append(rhos, r.Estimate)
		if lo, hi := (Coef{Estimate: a.Estimate, StdError: a.StdError}).CI95(); lo <= math.Atanh(rho) && math.Atanh(rho) <= hi {
			coveredRho++
		}
		iters = append(iters, float64(res.Iterations))
		// The outcome probit on the selected rows only.
		var rows, ys []float64
		for i := range s {
			if s[i] == 1 {
				rows = append(rows, X.RawRowView(i)...)
				ys = append(ys, y[i])
			}
		}
		pr, err := Probit(mat.NewDense(len(ys), 3, rows), ys, hpXNames, Options{})
		if err != nil {
			t.Fatal(err)
		}
		c, _ := pr.Equations[0].Coef("x1")
		naive = append(naive, c.Estimate)
	}
	sm, sse := mcStats(slope)
	rm, rse := mcStats(rhos)
	nm, nse := mcStats(naive)
	it, _ := mcStats(iters)
	cov, covRho := float64(covered)/reps, float64(coveredRho)/reps
	covMCSE := math.Sqrt(0.95 * 0.05 / reps)
	t.Logf("heckprobit slope %.4f (MCSE %.4f; truth %v), rho %.4f (MCSE %.4f; truth %v), 95%% coverage slope %.3f, athrho %.3f (MCSE %.3f); selected-rows probit slope %.4f (MCSE %.4f); %.1f Newton steps on average",
		sm, sse, truth, rm, rse, rho, cov, covRho, covMCSE, nm, nse, it)
	if math.Abs(sm-truth) > 3*sse {
		t.Errorf("heckprobit slope is biased: mean %.4f, truth %v, MCSE %.4f", sm, truth, sse)
	}
	if math.Abs(rm-rho) > 3*rse {
		t.Errorf("heckprobit rho is biased: mean %.4f, truth %v, MCSE %.4f", rm, rho, rse)
	}
	if math.Abs(nm-truth) <= 3*nse {
		t.Errorf("the selected-rows probit is not detectably biased: mean %.4f, MCSE %.4f", nm, nse)
	}
	for _, c := range []struct {
		what string
		v    float64
	}{{"slope", cov}, {"athrho", covRho}} {
		if math.Abs(c.v-0.95) > 3*covMCSE {
			t.Errorf("%s 95%% interval coverage %.3f, want 0.95 ± %.3f", c.what, c.v, 3*covMCSE)
		}
	}
}

func TestHeckProbitErrors(t *testing.T) {
	Z, s, X, y := heckprobitDGP(rand.New(rand.NewPCG(3, 3)), 600, 0.5)
	X0, y0 := mat.DenseCopyOf(X), append([]float64(nil), y...)
	// Unselected rows may hold anything in X and y.
	for i := range s {
		if s[i] == 0 {
			y[i] = math.NaN()
			X.Set(i, 1, math.NaN())
		}
	}
	if _, err := HeckProbit(Z, s, hpZNames, X, y, hpXNames, Options{}); err != nil {
		t.Fatalf("NaN in unselected rows: %v", err)
	}
	fill := func(v float64) []float64 {
		o := make([]float64, len(s))
		for i := range o {
			o[i] = v
		}
		return o
	}
	yAll := append([]float64(nil), y...)
	for i := range yAll {
		if math.IsNaN(yAll[i]) {
			yAll[i] = 0
		}
	}
	Xc := mat.NewDense(600, 4, nil)
	for i := 0; i < 600; i++ {
		Xc.SetRow(i, []float64{1, X.At(i, 1), X.At(i, 2), 2*X.At(i, 1) + 1})
	}
	Zc := mat.NewDense(600, 4, nil)
	for i := 0; i < 600; i++ {
		Zc.SetRow(i, []float64{1, Z.At(i, 1), Z.At(i, 2), Z.At(i, 1) - Z.At(i, 2)})
	}
	with := func(f func(y2 []float64)) []float64 {
		y2 := append([]float64(nil), y...)
		f(y2)
		return y2
	}
	for _, c := range []struct {
		name string
		run  func() error
		want string
	}{
		{"none selected", func() error { _, err := HeckProbit(Z, fill(0), hpZNames, X, y, hpXNames, Options{}); return err }, "no selected observations"},
		{"all selected", func() error { _, err := HeckProbit(Z, fill(1), hpZNames, X, yAll, hpXNames, Options{}); return err }, "no unselected observations"},
		{"outcome not 0/1", func() error {
			y2 := with(func(y2 []float64) {
				for i := range s {
					if s[i] == 1 {
						y2[i] = 0.5
						return
					}
				}
			})
			_, err := HeckProbit(Z, s, hpZNames, X, y2, hpXNames, Options{})
			return err
		}, "outcome must be 0 or 1"},
		{"outcome constant", func() error {
			y2 := with(func(y2 []float64) {
				for i := range s {
					if s[i] == 1 {
						y2[i] = 1
					}
				}
			})
			_, err := HeckProbit(Z, s, hpZNames, X, y2, hpXNames, Options{})
			return err
		}, "outcome probit on the selected rows: outcome is 1 in every row"},
		{"outcome separation", func() error {
			y2 := with(func(y2 []float64) {
				for i := range s {
					if s[i] == 1 {
						y2[i] = 0
						if X.At(i, 1) > 0.1 {
							y2[i] = 1
						}
					}
				}
			})
			_, err := HeckProbit(Z, s, hpZNames, X, y2, hpXNames, Options{})
			return err
		}, "separation"},
		{"selection separation", func() error {
			s2 := make([]float64, len(s))
			for i := range s2 {
				if Z.At(i, 2) > 0 {
					s2[i] = 1
				}
			}
			_, err := HeckProbit(Z, s2, hpZNames, X0, y0, hpXNames, Options{})
			return err
		}, "selection probit: perfect or quasi-complete separation"},
		{"collinear outcome", func() error {
			_, err := HeckProbit(Z, s, hpZNames, Xc, y, []string{"(Intercept)", "x1", "x2", "x3"}, Options{})
			return err
		}, `column "x3" is collinear`},
		{"collinear selection", func() error {
			_, err := HeckProbit(Zc, s, []string{"(Intercept)", "x1", "z1", "zx"}, X, y, hpXNames, Options{})
			return err
		}, `rank-deficient design: column "zx"`},
		{"max iter", func() error { _, err := HeckProbit(Z, s, hpZNames, X, y, hpXNames, Options{MaxIter: 1}); return err }, "did not converge after 1 iterations"},
	} {
		err := c.run()
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "heckprobit: ") {
			t.Errorf("%s: error %v, want one containing %q", c.name, err, c.want)
		}
	}
}

// TestBPNonConvergence: the Newton iterations of the joint fit itself
// (not only the starting probits) stop with an error naming the count,
// and from θ = 0 the fit still converges with enough iterations.
func TestBPNonConvergence(t *testing.T) {
	Z, s, X, y := heckprobitDGP(rand.New(rand.NewPCG(8, 8)), 1000, 0.6)
	q1, q2 := make([]int8, len(s)), make([]int8, len(s))
	for i := range s {
		q1[i] = int8(2*s[i] - 1)
		if s[i] == 1 {
			q2[i] = int8(2*y[i] - 1)
		}
	}
	zr, xr := Z.RawMatrix(), X.RawMatrix()
	m := newBPModel(1000, 3, zr.Data, zr.Stride, xr.Data, xr.Stride, 3, q1, q2)
	names := append(append(append([]string(nil), hpZNames...), hpXNames...), "athrho")
	start := make([]float64, 7)
	if _, err := newtonMax(m.eval, start, names, 2); err == nil || !strings.Contains(err.Error(), "did not converge after 2 iterations") {
		t.Errorf("maxIter 2 from zero: %v", err)
	}
	fit, err := newtonMax(m.eval, start, names, 100)
	if err != nil {
		t.Fatalf("from zero: %v", err)
	}
	res, err := HeckProbit(Z, s, hpZNames, X, y, hpXNames, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if d := math.Abs(fit.ll - *res.LogLik); d > 1e-8 {
		t.Errorf("from zero ℓ = %.10f, from the probits %.10f", fit.ll, *res.LogLik)
	}
	t.Logf("from θ = 0: converged in %d Newton steps (from the separate probits: %d), rho %.4f", fit.iter, res.Iterations, math.Tanh(fit.theta[6]))
}

// TestHeckProbitDeterministic: bit-for-bit the same result with one or
// several goroutines (several blocks of rows), with and without clusters.
func TestHeckProbitDeterministic(t *testing.T) {
	Z, s, X, y := heckprobitDGP(rand.New(rand.NewPCG(5, 5)), 3*blockRows+17, 0.4)
	checkDeterministic(t, func() (*Result, error) { return HeckProbit(Z, s, hpZNames, X, y, hpXNames, Options{}) })
	checkDeterministic(t, func() (*Result, error) {
		return HeckProbit(Z, s, hpZNames, X, y, hpXNames, Options{Clusters: sqrtClusters(len(y))})
	})
}

// BenchmarkHeckProbit: 1,000,000 rows × 10 regressors per equation.
func BenchmarkHeckProbit(b *testing.B) {
	Z, s, X, _, zn, xn := benchData(1_000_000, 10)
	y := make([]float64, len(s))
	r := rand.New(rand.NewPCG(1, 2))
	for i := range y {
		if X.At(i, 1)+0.5*r.NormFloat64() > 0 {
			y[i] = 1
		}
	}
	b.ResetTimer()
	for b.Loop() {
		if _, err := HeckProbit(Z, s, zn, X, y, xn, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBPEval: one evaluation of ℓ, the gradient and the Hessian of
// the bivariate probit likelihood, 100,000 rows × 10 regressors per
// equation (reports allocations: none grow with the rows).
func BenchmarkBPEval(b *testing.B) {
	const n = 100_000
	Z, s, X, _, _, _ := benchData(n, 10)
	q1, q2 := make([]int8, n), make([]int8, n)
	r := rand.New(rand.NewPCG(1, 3))
	for i := range s {
		q1[i] = int8(2*s[i] - 1)
		if s[i] == 1 {
			q2[i] = int8(2*r.IntN(2) - 1)
		}
	}
	zr, xr := Z.RawMatrix(), X.RawMatrix()
	m := newBPModel(n, 10, zr.Data, zr.Stride, xr.Data, xr.Stride, 10, q1, q2)
	p := m.dim()
	theta := make([]float64, p)
	for j := range theta {
		theta[j] = 0.1
	}
	g, H := make([]float64, p), make([]float64, p*p)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		m.eval(theta, g, H)
	}
}

// TestHeckProbitBoundary: on a sample whose likelihood keeps rising as
// ρ → 1 (ρ = 0.99 and strong indices in the simulation), the fit fails
// with the iteration count and says that ρ runs to the boundary.
func TestHeckProbitBoundary(t *testing.T) {
	const n, rho = 3000, 0.99
	r := rand.New(rand.NewPCG(1, 9))
	Z, X := mat.NewDense(n, 3, nil), mat.NewDense(n, 3, nil)
	s, y := make([]float64, n), make([]float64, n)
	c := math.Sqrt(1 - rho*rho)
	for i := 0; i < n; i++ {
		x1, x2, z1 := r.NormFloat64(), r.NormFloat64(), r.NormFloat64()
		u, v := r.NormFloat64(), r.NormFloat64()
		Z.SetRow(i, []float64{1, x1, z1})
		X.SetRow(i, []float64{1, x1, x2})
		if 0.3+1.5*x1+3*z1+u > 0 {
			s[i] = 1
		}
		if -0.2+2.5*x1-3*x2+rho*u+c*v > 0 {
			y[i] = 1
		}
	}
	_, err := HeckProbit(Z, s, hpZNames, X, y, hpXNames, Options{})
	if err == nil || !strings.HasPrefix(err.Error(), "heckprobit: ") || !strings.Contains(err.Error(), "rho is running to +1") {
		t.Errorf("error %v, want one saying that rho runs to +1", err)
	}
	t.Log(err)
}

package estimators

import (
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// refGet returns ref[key], failing the test when it is missing.
func refGet(t *testing.T, ref map[string]float64, key string) float64 {
	t.Helper()
	v, ok := ref[key]
	if !ok {
		t.Fatalf("no R reference %q", key)
	}
	return v
}

// TestOProbitVsR compares OProbit with MASS::polr(method = "probit") on
// testdata/oprobit_sim.csv: estimates and cutpoints to 1e-6 absolute,
// standard errors to 1e-4 relative against polr's (optim's numerical
// Hessian) and against numDeriv's Hessian of an R log-likelihood at the
// optimum, the log-likelihood to 1e-6.
func TestOProbitVsR(t *testing.T) {
	ref := readKeyValues(t, "testdata/r_ordswitch.csv")
	tb := loadTable(t, "oprobit_sim.csv")
	X, names := tb.design(false, "wait", "resolved", "contacts")
	res, err := OProbit(X, tb.cols["score"], names, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var maxE, maxS, maxSP float64
	check := func(what string, est, se float64, kEst, kSE string) {
		t.Helper()
		for _, src := range []string{"polr", "op"} {
			de := math.Abs(est - refGet(t, ref, src+"."+kEst))
			ds := relDiff(se, refGet(t, ref, src+"."+kSE))
			maxE = math.Max(maxE, de)
			if src == "op" {
				maxS = math.Max(maxS, ds)
			} else {
				maxSP = math.Max(maxSP, ds)
			}
			if de > 1e-6 {
				t.Errorf("%s: estimate %.10g, R (%s) %.10g", what, est, src, refGet(t, ref, src+"."+kEst))
			}
			if ds > 1e-4 {
				t.Errorf("%s: std. error %.10g, R (%s) %.10g", what, se, src, refGet(t, ref, src+"."+kSE))
			}
		}
	}
	eq := res.Equations[0]
	for _, c := range eq.Coefs {
		check(c.Term, c.Estimate, c.StdError, "est."+c.Term, "se."+c.Term)
	}
	cuts := res.Equations[1].Coefs
	if res.Equations[1].Name != "cutpoints" || len(cuts) != 4 {
		t.Fatalf("equation %q with %d cutpoints, want cutpoints with 4", res.Equations[1].Name, len(cuts))
	}
	for _, a := range cuts {
		check(a.Term, a.Estimate, a.StdError, "cut."+a.Term, "cutse."+a.Term)
	}
	if n, _ := res.Cov.Dims(); n != 7 || len(res.CovNames) != 7 || res.CovNames[3] != "cutpoints:cut1" ||
		math.Abs(math.Sqrt(res.Cov.At(3, 3))-cuts[0].StdError) > 1e-15 {
		t.Errorf("Cov %v names %v", n, res.CovNames)
	}
	// Average marginal effects on each P(y = j) against numDeriv's
	// jacobian; they sum to zero over the categories.
	var maxAE, maxAS float64
	sum := make([]float64, len(names))
	for j := 1; j <= 5; j++ {
		me, ok := res.Equation("marginal_effects_" + strconv.Itoa(j))
		if !ok || len(me.Coefs) != len(names) {
			t.Fatalf("equation marginal_effects_%d missing or wrong: %+v", j, me)
		}
		for l, c := range me.Coefs {
			key := strconv.Itoa(j) + "." + c.Term
			we, ws := refGet(t, ref, "op.ame.est."+key), refGet(t, ref, "op.ame.se."+key)
			de, ds := math.Abs(c.Estimate-we), relDiff(c.StdError, ws)
			maxAE, maxAS = math.Max(maxAE, de), math.Max(maxAS, ds)
			if de > 1e-7 || ds > 1e-4 {
				t.Errorf("AME on P(y = %d) of %s: %.10g (%.10g), R %.10g (%.10g)", j, c.Term, c.Estimate, c.StdError, we, ws)
			}
			sum[l] += c.Estimate
		}
	}
	for l, v := range sum {
		if math.Abs(v) > 1e-12 {
			t.Errorf("AMEs of %s sum to %v over the categories", names[l], v)
		}
	}
	t.Logf("marginal effects: max |Δ estimate| %.2g, max rel. Δ SE %.2g", maxAE, maxAS)
	for _, src := range []string{"polr", "op"} {
		if d := math.Abs(*res.LogLik - refGet(t, ref, src+".loglik")); d > 1e-6 {
			t.Errorf("log-likelihood %.10f, R (%s) %.10f", *res.LogLik, src, refGet(t, ref, src+".loglik"))
		}
	}
	t.Logf("max |Δ estimate| %.2g; max rel. Δ SE vs numDeriv %.2g, vs polr %.2g; log-likelihood %.10f (R %.10f); %d iterations",
		maxE, maxS, maxSP, *res.LogLik, ref["op.loglik"], res.Iterations)
	if res.Params != 7 || res.N != 2000 || res.Method != "oprobit" {
		t.Errorf("params %d, n %d, method %q", res.Params, res.N, res.Method)
	}
}

// TestOProbitTerms checks log P, A and B of opTerms against their
// definitions far in both tails: the derivatives of log P by central
// differences, the mirror symmetry P(a, b) = P(−b, −a), and values where
// the direct difference Φ(b) − Φ(a) is still exact.
func TestOProbitTerms(t *testing.T) {
	for _, ab := range [][2]float64{{-40, -39}, {-39.5, -39.49}, {-8, -7}, {-1, 0.5}, {-1e-9, 1e-9}, {0.2, 0.3}, {7, 8}, {39, 40}, {-3, 30}} {
		a, b := ab[0], ab[1]
		lp, A, B := opTerms(a, b, true, true)
		if math.IsInf(lp, 0) || math.IsNaN(lp) || !(A > 0) || !(B > 0) {
			t.Errorf("(%v, %v): log P %v, A %v, B %v", a, b, lp, A, B)
			continue
		}
		h := 1e-4 * math.Min(1, b-a)
		// Central differences of log P lose about ε|log P|/h.
		slack := 4 * 2.2e-16 * math.Abs(lp) / h
		lpb1, _, _ := opTerms(a, b+h, true, true)
		lpb0, _, _ := opTerms(a, b-h, true, true)
		lpa1, _, _ := opTerms(a+h, b, true, true)
		lpa0, _, _ := opTerms(a-h, b, true, true)
		if d := math.Abs((lpb1-lpb0)/(2*h) - B); d > 1e-5*B+slack {
			t.Errorf("(%v, %v): B = %v, d log P/db = %v", a, b, B, (lpb1-lpb0)/(2*h))
		}
		if d := math.Abs(-(lpa1-lpa0)/(2*h) - A); d > 1e-5*A+slack {
			t.Errorf("(%v, %v): A = %v, −d log P/da = %v", a, b, A, -(lpa1-lpa0)/(2*h))
		}
		mlp, mA, mB := opTerms(-b, -a, true, true)
		if relDiff(mlp, lp) > 1e-13 || relDiff(mA, B) > 1e-12 || relDiff(mB, A) > 1e-12 {
			t.Errorf("(%v, %v) not symmetric: %v %v %v vs %v %v %v", a, b, lp, A, B, mlp, mB, mA)
		}
		if a > -5 && b < 5 && b-a > 0.1 {
			if d := relDiff(lp, math.Log(normCDF(b)-normCDF(a))); d > 1e-13 {
				t.Errorf("(%v, %v): log P %v, direct %v", a, b, lp, math.Log(normCDF(b)-normCDF(a)))
			}
		}
	}
	// Far tail against the asymptotic form: P ≈ Φ(b) − Φ(a) with both
	// from the Mills series, log P = log Φ(b) + log(1 − Φ(a)/Φ(b)).
	lp, _, _ := opTerms(-40, -39, true, true)
	want := logNormCDF(-39) + math.Log1p(-math.Exp(logNormCDF(-40)-logNormCDF(-39)))
	if relDiff(lp, want) > 1e-14 {
		t.Errorf("log P(−40 < z ≤ −39) = %v, want %v", lp, want)
	}
}

// oprobitDGP draws n rows of y* = −0.5·x1 + 0.8·x2 + ε, x1 ~ N(0, 1),
// x2 ~ Bernoulli(0.4), cut at κ = (−1, −0.2, 0.5, 1.3) into 1 … 5.
func oprobitDGP(r *rand.Rand, n int) (*mat.Dense, []float64) {
	X := mat.NewDense(n, 2, nil)
	y := make([]float64, n)
	cuts := []float64{-1, -0.2, 0.5, 1.3}
	for i := 0; i < n; i++ {
		x1 := r.NormFloat64()
		var x2 float64
		if r.Float64() < 0.4 {
			x2 = 1
		}
		X.Set(i, 0, x1)
		X.Set(i, 1, x2)
		ys := -0.5*x1 + 0.8*x2 + r.NormFloat64()
		y[i] = 1
		for _, c := range cuts {
			if ys > c {
				y[i]++
			}
		}
	}
	return X, y
}

// TestOProbitMonteCarlo: 250 replications of n = 2000 from oprobitDGP.
// The mean of every estimate (β and cutpoints) is within 3 Monte Carlo
// standard errors of the truth, and every 95% interval covers it in
// 95% ± 3 MCSE of the replications.
func TestOProbitMonteCarlo(t *testing.T) {
	const reps, n = 250, 2000
	truth := []float64{-0.5, 0.8, -1, -0.2, 0.5, 1.3}
	label := []string{"x1", "x2", "cut1", "cut2", "cut3", "cut4"}
	est := make([][]float64, len(truth))
	covered := make([]int, len(truth))
	for rep := 0; rep < reps; rep++ {
		X, y := oprobitDGP(rand.New(rand.NewPCG(20261203, uint64(rep))), n)
		res, err := OProbit(X, y, []string{"x1", "x2"}, Options{})
		if err != nil {
			t.Fatalf("replication %d: %v", rep, err)
		}
		var cs []Coef
		cs = append(cs, res.Equations[0].Coefs...)
		cs = append(cs, res.Equations[1].Coefs...)
		for j, c := range cs {
			est[j] = append(est[j], c.Estimate)
			if lo, hi := c.CI95(); lo <= truth[j] && truth[j] <= hi {
				covered[j]++
			}
		}
	}
	covMCSE := math.Sqrt(0.95 * 0.05 / reps)
	for j := range truth {
		m, se := mcStats(est[j])
		cov := float64(covered[j]) / reps
		t.Logf("%-5s truth %5.2f mean %.4f (MCSE %.4f, bias/MCSE %+.2f), coverage %.3f", label[j], truth[j], m, se, (m-truth[j])/se, cov)
		if math.Abs(m-truth[j]) > 3*se {
			t.Errorf("%s: mean %.4f, truth %v, MCSE %.4f", label[j], m, truth[j], se)
		}
		if math.Abs(cov-0.95) > 3*covMCSE {
			t.Errorf("%s: 95%% coverage %.3f, want 0.95 ± %.3f", label[j], cov, 3*covMCSE)
		}
	}
}

func TestOProbitErrors(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	X, y := oprobitDGP(r, 300)
	names := []string{"x1", "x2"}
	withCol := func(f func(i int) float64) *mat.Dense {
		Z := mat.NewDense(300, 3, nil)
		for i := 0; i < 300; i++ {
			Z.Set(i, 0, X.At(i, 0))
			Z.Set(i, 1, X.At(i, 1))
			Z.Set(i, 2, f(i))
		}
		return Z
	}
	ones := make([]float64, 300)
	for i := range ones {
		ones[i] = 3
	}
	gap := append([]float64(nil), y...)
	for i := range gap {
		if gap[i] == 3 {
			gap[i] = 2
		}
	}
	// Categories perfectly predicted: y = 1 + 1{x1 > −0.5} + 1{x1 > 0.5}.
	sep := make([]float64, 300)
	for i := range sep {
		sep[i] = 1
		for _, c := range []float64{-0.5, 0.5} {
			if X.At(i, 0) > c {
				sep[i]++
			}
		}
	}
	for _, tc := range []struct {
		name  string
		X     *mat.Dense
		y     []float64
		names []string
		want  string
	}{
		{"one category", X, ones, names, "too few categories"},
		{"empty category", X, gap, names, "category 3 has no observations"},
		{"intercept", withCol(func(int) float64 { return 1 }), y, []string{"x1", "x2", "(Intercept)"}, `column "(Intercept)" is constant`},
		{"collinear", withCol(func(i int) float64 { return 2*X.At(i, 0) - X.At(i, 1) }), y, []string{"x1", "x2", "x3"}, `rank-deficient design: column "x3"`},
		{"collinear with a constant", withCol(func(i int) float64 { return X.At(i, 0) + 5 }), y, []string{"x1", "x2", "x3"}, `rank-deficient design: column "x3"`},
		{"dummy trap", withCol(func(i int) float64 { return 1 - X.At(i, 1) }), y, []string{"x1", "x2", "not_x2"}, `rank-deficient design: column "not_x2" is collinear with the columns before it and a constant`},
		{"separation", X, sep, names, "did not converge"},
		{"nan", X, append(append([]float64(nil), y[:299]...), math.NaN()), names, "outcome is NaN"},
	} {
		_, err := OProbit(tc.X, tc.y, tc.names, Options{})
		if err == nil || !strings.HasPrefix(err.Error(), "oprobit: ") || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want oprobit: …%s…", tc.name, err, tc.want)
		}
	}
}

// TestOProbitTwoCategories: with K = 2 the model is the probit, with
// κ₁ = −intercept.
func TestOProbitTwoCategories(t *testing.T) {
	X, y := oprobitDGP(rand.New(rand.NewPCG(3, 4)), 1000)
	for i := range y {
		if y[i] >= 3 {
			y[i] = 1
		} else {
			y[i] = 0
		}
	}
	op, err := OProbit(X, y, []string{"x1", "x2"}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	Z := mat.NewDense(1000, 3, nil)
	for i := 0; i < 1000; i++ {
		Z.Set(i, 0, 1)
		Z.Set(i, 1, X.At(i, 0))
		Z.Set(i, 2, X.At(i, 1))
	}
	pr, err := Probit(Z, y, []string{"(Intercept)", "x1", "x2"}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	pc := pr.Equations[0].Coefs
	cut := op.Equations[1].Coefs[0]
	if relDiff(cut.Estimate, -pc[0].Estimate) > 1e-8 || relDiff(cut.StdError, pc[0].StdError) > 1e-6 {
		t.Errorf("cut1 %v (%v), probit intercept %v (%v)", cut.Estimate, cut.StdError, pc[0].Estimate, pc[0].StdError)
	}
	for j, c := range op.Equations[0].Coefs {
		if relDiff(c.Estimate, pc[j+1].Estimate) > 1e-8 || relDiff(c.StdError, pc[j+1].StdError) > 1e-6 {
			t.Errorf("%s: %v (%v), probit %v (%v)", c.Term, c.Estimate, c.StdError, pc[j+1].Estimate, pc[j+1].StdError)
		}
	}
	if math.Abs(*op.LogLik-*pr.LogLik) > 1e-8 {
		t.Errorf("log-likelihood %v, probit %v", *op.LogLik, *pr.LogLik)
	}
}

// TestOProbitEquivariance: the fit depends on the categories only
// through their order (non-integer values allowed), and rescaling a
// regressor by 1000 rescales its coefficient and standard error by 1/1000
// while everything else is unchanged (large linear predictors in the
// start's tails).
func TestOProbitEquivariance(t *testing.T) {
	X, y := oprobitDGP(rand.New(rand.NewPCG(11, 12)), 1500)
	names := []string{"x1", "x2"}
	base, err := OProbit(X, y, names, Options{})
	if err != nil {
		t.Fatal(err)
	}
	y2 := make([]float64, len(y))
	for i, v := range y {
		y2[i] = math.Exp(v) / 7 // monotone, not integer
	}
	Xs := mat.DenseCopyOf(X)
	for i := 0; i < 1500; i++ {
		Xs.Set(i, 0, 1000*X.At(i, 0))
	}
	for _, tc := range []struct {
		name  string
		X     *mat.Dense
		y     []float64
		scale []float64
	}{{"relabelled", X, y2, []float64{1, 1}}, {"rescaled", Xs, y, []float64{1e-3, 1}}} {
		res, err := OProbit(tc.X, tc.y, names, Options{})
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		for j, c := range res.Equations[0].Coefs {
			w := base.Equations[0].Coefs[j]
			if relDiff(c.Estimate, w.Estimate*tc.scale[j]) > 1e-8 || relDiff(c.StdError, w.StdError*tc.scale[j]) > 1e-6 {
				t.Errorf("%s %s: %v (%v), want %v (%v)", tc.name, c.Term, c.Estimate, c.StdError, w.Estimate*tc.scale[j], w.StdError*tc.scale[j])
			}
		}
		for j, a := range res.Equations[1].Coefs {
			w := base.Equations[1].Coefs[j]
			if math.Abs(a.Estimate-w.Estimate) > 1e-8 || relDiff(a.StdError, w.StdError) > 1e-6 {
				t.Errorf("%s %s: %v (%v), want %v (%v)", tc.name, a.Term, a.Estimate, a.StdError, w.Estimate, w.StdError)
			}
		}
		if math.Abs(*res.LogLik-*base.LogLik) > 1e-8 {
			t.Errorf("%s: log-likelihood %v, want %v", tc.name, *res.LogLik, *base.LogLik)
		}
	}
	if _, ok := func() (Equation, bool) {
		res, _ := OProbit(X, y2, names, Options{})
		return res.Equation("marginal_effects_" + strconv.FormatFloat(math.Exp(1)/7, 'g', -1, 64))
	}(); !ok {
		t.Errorf("marginal effects are not named by the category value")
	}
}

// TestOPDerivatives checks the ordered probit's analytic gradient, Hessian
// and per-row scores (see checkDerivatives), with five categories.
func TestOPDerivatives(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 13))
	const n, K = 400, 5
	X := mat.NewDense(n, 2, nil)
	code := make([]int32, n)
	for i := 0; i < n; i++ {
		X.SetRow(i, []float64{r.NormFloat64(), float64(r.IntN(2))})
		code[i] = int32(r.IntN(K))
	}
	xr := X.RawMatrix()
	m := newOPModel(n, 2, K, xr.Data, xr.Stride, code)
	checkDerivatives(t, "oprobit", m.eval, m.scorer, n, []float64{0.4, -0.7, -1.2, -0.3, 0.5, 1.4}, 1e-5, 1e-6, 1e-6)
}

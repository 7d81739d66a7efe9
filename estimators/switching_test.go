package estimators

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

func loadSwitchingSim(t *testing.T) (Z *mat.Dense, d []float64, X *mat.Dense, y []float64) {
	tb := loadTable(t, "switching_sim.csv")
	Z, _ = tb.design(true, "x1", "z1")
	X, _ = tb.design(true, "x1", "x2")
	return Z, tb.cols["d"], X, tb.cols["y"]
}

var (
	swZNames = []string{"(Intercept)", "x1", "z1"}
	swXNames = []string{"(Intercept)", "x1", "x2"}
)

// TestSwitchingVsR compares Switching with sampleSelection's tobit-5
// maximum likelihood ("ss": its first outcome equation is the d = 0
// regime) and with numDeriv on an R log-likelihood ("sw": standard
// errors, ρ/σ, the effects with numerical-jacobian delta-method SEs, and
// the LR and Wald tests) on testdata/switching_sim.csv: estimates to 1e-6
// absolute, standard errors to 1e-4 relative, log-likelihoods to 1e-6.
func TestSwitchingVsR(t *testing.T) {
	ref := readKeyValues(t, "testdata/r_ordswitch.csv")
	Z, d, X, y := loadSwitchingSim(t)
	res, err := Switching(Z, d, swZNames, X, swXNames, X, swXNames, y, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var maxE, maxS float64
	check := func(src, what string, est, se float64, kEst, kSE string) {
		t.Helper()
		we, ws := refGet(t, ref, src+"."+kEst), refGet(t, ref, src+"."+kSE)
		de, ds := math.Abs(est-we), relDiff(se, ws)
		maxE, maxS = math.Max(maxE, de), math.Max(maxS, ds)
		if de > 1e-6 {
			t.Errorf("%s %s: estimate %.10g, R %.10g", src, what, est, we)
		}
		if ds > 1e-4 {
			t.Errorf("%s %s: std. error %.10g, R %.10g", src, what, se, ws)
		}
	}
	eqKey := map[string]string{"selection": "sel", "outcome1": "out1", "outcome0": "out0"}
	if len(res.Equations) != 3 {
		t.Fatalf("%d equations", len(res.Equations))
	}
	for _, src := range []string{"ss", "sw"} {
		for _, eq := range res.Equations {
			for _, c := range eq.Coefs {
				check(src, eq.Name+" "+c.Term, c.Estimate, c.StdError, eqKey[eq.Name]+".est."+c.Term, eqKey[eq.Name]+".se."+c.Term)
			}
		}
		names := []string{"rho1", "rho0", "sigma1", "sigma0"}
		if src == "sw" {
			names = append(names, "athrho1", "athrho0", "lnsigma1", "lnsigma0")
		}
		for _, nm := range names {
			a, ok := res.Aux(nm)
			if !ok {
				t.Fatalf("no auxiliary %q", nm)
			}
			check(src, nm, a.Estimate, a.StdError, "aux.est."+nm, "aux.se."+nm)
		}
		if dl := math.Abs(*res.LogLik - refGet(t, ref, src+".loglik")); dl > 1e-6 {
			t.Errorf("log-likelihood %.10f, R (%s) %.10f", *res.LogLik, src, ref[src+".loglik"])
		}
	}
	for _, e := range res.Effects {
		check("sw", e.Name, e.Estimate, e.StdError, "eff.est."+e.Name, "eff.se."+e.Name)
	}
	if len(res.Effects) != 3 {
		t.Errorf("%d effects, want att, atu, ate", len(res.Effects))
	}
	lrT, _ := res.Test("lr_independent")
	waldT, _ := res.Test("wald_independent")
	for _, c := range []struct {
		name      string
		got, want float64
	}{
		{"log-likelihood under independence", *res.LogLik - lrT.Statistic/2, ref["sw.loglik_indep"]},
		{"LR statistic", lrT.Statistic, ref["sw.lr"]},
	} {
		if math.Abs(c.got-c.want) > 1e-6 {
			t.Errorf("%s %.10f, R %.10f", c.name, c.got, c.want)
		}
	}
	if relDiff(waldT.Statistic, ref["sw.wald"]) > 1e-4 {
		t.Errorf("Wald statistic %.10f, R %.10f", waldT.Statistic, ref["sw.wald"])
	}
	if lrT.DF != 2 || waldT.DF != 2 || relDiff(lrT.PValue, math.Exp(-lrT.Statistic/2)) > 1e-10 {
		t.Errorf("tests %+v %+v", lrT, waldT)
	}
	att, _ := res.effect("att")
	atu, _ := res.effect("atu")
	t.Logf("max |Δ estimate| %.2g, max rel. Δ SE %.2g; ℓ %.8f; att %.4f (%.4f), atu %.4f (%.4f); LR %.4f, Wald %.4f; %d iterations",
		maxE, maxS, *res.LogLik, att.Estimate, att.StdError, atu.Estimate, atu.StdError, lrT.Statistic, waldT.Statistic, res.Iterations)

	// JSON: the Result's object with the tests appended.
	b, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	var obj map[string]any
	if err := json.Unmarshal(b, &obj); err != nil {
		t.Fatalf("%v in %s", err, b)
	}
	tests, _ := obj["tests"].(map[string]any)
	lr, _ := tests["lr_independent"].(map[string]any)
	if obj["method"] != "switching" || lr == nil || lr["df"] != 2.0 || tests["wald_independent"] == nil || obj["effects"] == nil {
		t.Errorf("JSON %s", b)
	}
}

// test returns r's test called name, failing t without it.
func test(t *testing.T, r *Result, name string) ChiSquareTest {
	t.Helper()
	c, ok := r.Test(name)
	if !ok {
		t.Fatalf("%s: no test %q", r.Method, name)
	}
	return c
}

func (r *Result) effect(name string) (Aux, bool) {
	for _, a := range r.Effects {
		if a.Name == name {
			return a, true
		}
	}
	return Aux{}, false
}

// Parameters of switchingDGP (those of testdata/reference_ordswitch.R).
var (
	swGamma = []float64{0.1, 0.5, 0.8}
	swBeta1 = []float64{2, 1, 0.5}
	swBeta0 = []float64{1, 0.4, 0.3}
)

const swRho1, swRho0, swSigma1, swSigma0 = 0.5, -0.3, 1.0, 1.5

// switchingDGP draws n rows of d = 1{0.1 + 0.5x1 + 0.8z1 + u > 0},
// y₁ = 2 + x1 + 0.5x2 + ε₁, y₀ = 1 + 0.4x1 + 0.3x2 + ε₀, x1, z1 ~ N(0, 1),
// x2 ~ Bernoulli(0.5), σ₁ = 1, ρ₁ = 0.5, σ₀ = 1.5, ρ₀ = −0.3. It also
// returns the conditional effects at the true parameters on the sample:
// att, atu, ate.
func switchingDGP(r *rand.Rand, n int) (Z *mat.Dense, d []float64, X *mat.Dense, y []float64, truth [3]float64) {
	Z = mat.NewDense(n, 3, nil)
	X = mat.NewDense(n, 3, nil)
	d = make([]float64, n)
	y = make([]float64, n)
	kappa := swSigma1*swRho1 - swSigma0*swRho0
	var cnt [3]float64
	for i := 0; i < n; i++ {
		x1, z1 := r.NormFloat64(), r.NormFloat64()
		var x2 float64
		if r.Float64() < 0.5 {
			x2 = 1
		}
		u, v1, v0 := r.NormFloat64(), r.NormFloat64(), r.NormFloat64()
		Z.Set(i, 0, 1)
		Z.Set(i, 1, x1)
		Z.Set(i, 2, z1)
		X.Set(i, 0, 1)
		X.Set(i, 1, x1)
		X.Set(i, 2, x2)
		c := swGamma[0] + swGamma[1]*x1 + swGamma[2]*z1
		x1b := swBeta1[0] + swBeta1[1]*x1 + swBeta1[2]*x2
		x0b := swBeta0[0] + swBeta0[1]*x1 + swBeta0[2]*x2
		truth[2] += x1b - x0b
		cnt[2]++
		if c+u > 0 {
			d[i] = 1
			y[i] = x1b + swSigma1*(swRho1*u+math.Sqrt(1-swRho1*swRho1)*v1)
			truth[0] += x1b - x0b + kappa*invMills(c)
			cnt[0]++
		} else {
			y[i] = x0b + swSigma0*(swRho0*u+math.Sqrt(1-swRho0*swRho0)*v0)
			truth[1] += x1b - x0b - kappa*invMills(-c)
			cnt[1]++
		}
	}
	for j := range truth {
		truth[j] /= cnt[j]
	}
	return
}

// TestSwitchingMonteCarlo: 250 replications of n = 2000 from
// switchingDGP. For β₁, β₀, ρ₁, ρ₀ and the effects (against their
// conditional values at the true parameters in each sample) the mean error
// is within 3 Monte Carlo standard errors of 0 and 95% intervals cover in
// 95% ± 3 MCSE of the replications; the att and atu differ (the model's
// point: σ₁ρ₁ ≠ σ₀ρ₀).
func TestSwitchingMonteCarlo(t *testing.T) {
	const reps, n = 250, 2000
	type target struct {
		name  string
		truth func(tr [3]float64) float64
		get   func(r *Result) (float64, float64)
	}
	coef := func(eq string, j int) func(r *Result) (float64, float64) {
		return func(r *Result) (float64, float64) {
			e, _ := r.Equation(eq)
			return e.Coefs[j].Estimate, e.Coefs[j].StdError
		}
	}
	fixed := func(v float64) func([3]float64) float64 { return func([3]float64) float64 { return v } }
	var targets []target
	for j := range swBeta1 {
		targets = append(targets, target{"outcome1 " + swXNames[j], fixed(swBeta1[j]), coef("outcome1", j)})
	}
	for j := range swBeta0 {
		targets = append(targets, target{"outcome0 " + swXNames[j], fixed(swBeta0[j]), coef("outcome0", j)})
	}
	// ρ's interval is built on the atanh scale, as Stata does.
	for _, rc := range []struct {
		name string
		v    float64
	}{{"athrho1", math.Atanh(swRho1)}, {"athrho0", math.Atanh(swRho0)}} {
		targets = append(targets, target{rc.name, fixed(rc.v), func(r *Result) (float64, float64) {
			a, _ := r.Aux(rc.name)
			return a.Estimate, a.StdError
		}})
	}
	for j, nm := range []string{"att", "atu", "ate"} {
		targets = append(targets, target{nm, func(tr [3]float64) float64 { return tr[j] }, func(r *Result) (float64, float64) {
			a, _ := r.effect(nm)
			return a.Estimate, a.StdError
		}})
	}
	errs := make([][]float64, len(targets))
	covered := make([]int, len(targets))
	var attMinusAtu []float64
	var rho1s, rho0s []float64
	for rep := 0; rep < reps; rep++ {
		Z, d, X, y, tr := switchingDGP(rand.New(rand.NewPCG(20261204, uint64(rep))), n)
		res, err := Switching(Z, d, swZNames, X, swXNames, X, swXNames, y, Options{})
		if err != nil {
			t.Fatalf("replication %d: %v", rep, err)
		}
		for j, tg := range targets {
			est, se := tg.get(res)
			truth := tg.truth(tr)
			errs[j] = append(errs[j], est-truth)
			if math.Abs(est-truth) <= 1.959963984540054*se {
				covered[j]++
			}
		}
		att, _ := res.effect("att")
		atu, _ := res.effect("atu")
		attMinusAtu = append(attMinusAtu, att.Estimate-atu.Estimate)
		r1, _ := res.Aux("rho1")
		r0, _ := res.Aux("rho0")
		rho1s, rho0s = append(rho1s, r1.Estimate), append(rho0s, r0.Estimate)
	}
	covMCSE := math.Sqrt(0.95 * 0.05 / reps)
	for j, tg := range targets {
		m, se := mcStats(errs[j])
		cov := float64(covered[j]) / reps
		t.Logf("%-22s mean error %+.4f (MCSE %.4f, %+.2f MCSE), coverage %.3f", tg.name, m, se, m/se, cov)
		if math.Abs(m) > 3*se {
			t.Errorf("%s: mean error %.4f, MCSE %.4f", tg.name, m, se)
		}
		if math.Abs(cov-0.95) > 3*covMCSE {
			t.Errorf("%s: 95%% coverage %.3f, want 0.95 ± %.3f", tg.name, cov, 3*covMCSE)
		}
	}
	for _, rc := range []struct {
		name      string
		v         []float64
		truth     float64
		tolFactor float64
	}{{"rho1", rho1s, swRho1, 3}, {"rho0", rho0s, swRho0, 3}} {
		m, se := mcStats(rc.v)
		t.Logf("%s mean %.4f (MCSE %.4f), truth %v", rc.name, m, se, rc.truth)
		if math.Abs(m-rc.truth) > rc.tolFactor*se {
			t.Errorf("%s: mean %.4f, truth %v, MCSE %.4f", rc.name, m, rc.truth, se)
		}
	}
	m, se := mcStats(attMinusAtu)
	t.Logf("att − atu: mean %.4f (MCSE %.4f)", m, se)
	if m < 10*se {
		t.Errorf("att − atu %.4f (MCSE %.4f): the effects on the treated and the untreated do not differ", m, se)
	}
}

func TestSwitchingErrors(t *testing.T) {
	Z, d, X, y, _ := switchingDGP(rand.New(rand.NewPCG(5, 6)), 400)
	ones := make([]float64, 400)
	for i := range ones {
		ones[i] = 1
	}
	d2 := append([]float64(nil), d...)
	d2[7] = 2
	// x2 constant in regime 1 only: collinear with the intercept there.
	Xc := mat.DenseCopyOf(X)
	for i := range d {
		if d[i] == 1 {
			Xc.Set(i, 2, 1)
		}
	}
	Xn := mat.DenseCopyOf(X)
	Xn.Set(3, 1, math.NaN())
	// Five rows in regime 0.
	dFew := append([]float64(nil), ones...)
	for i := 0; i < 5; i++ {
		dFew[i] = 0
	}
	for _, tc := range []struct {
		name   string
		d      []float64
		X1, X0 *mat.Dense
		opts   Options
		want   string
	}{
		{"one regime", ones, X, X, Options{}, "all 400 observations are in regime 1"},
		{"bad indicator", d2, X, X, Options{}, "must be 0 or 1, is 2 in row 8"},
		{"few in regime", dFew, X, X, Options{}, "5 observations in regime 0 are too few"},
		{"rank", d, Xc, X, Options{}, `regime 1: rank-deficient design: column "x2"`},
		{"nan", d, X, Xn, Options{}, `column "x1" of the regime 0 outcome design is NaN in row 4`},
		{"iterations", d, X, X, Options{MaxIter: 1}, "did not converge after 1 iterations"},
	} {
		_, err := Switching(Z, tc.d, swZNames, tc.X1, swXNames, tc.X0, swXNames, y, tc.opts)
		if err == nil || !strings.HasPrefix(err.Error(), "switching: ") || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want switching: …%s…", tc.name, err, tc.want)
		}
	}
}

// TestSwitchingIndependent: with ρ₁ = ρ₀ = 0 in the data the LR test does
// not reject in most samples, and with the true ρ's it does in all.
func TestSwitchingIndependentTests(t *testing.T) {
	Z, d, X, y, _ := switchingDGP(rand.New(rand.NewPCG(7, 8)), 2000)
	res, err := Switching(Z, d, swZNames, X, swXNames, X, swXNames, y, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if lrT, waldT := test(t, res, "lr_independent"), test(t, res, "wald_independent"); lrT.PValue > 1e-4 || waldT.PValue > 1e-4 {
		t.Errorf("independence not rejected: LR %+v, Wald %+v", lrT, waldT)
	}
	// Independent equations: redraw y with the regime errors independent
	// of u (y keeps the same regime means).
	r := rand.New(rand.NewPCG(9, 10))
	yi := make([]float64, len(y))
	rejected := 0
	const reps = 100
	for rep := 0; rep < reps; rep++ {
		for i := range yi {
			if d[i] == 1 {
				yi[i] = swBeta1[0] + swBeta1[1]*X.At(i, 1) + swBeta1[2]*X.At(i, 2) + swSigma1*r.NormFloat64()
			} else {
				yi[i] = swBeta0[0] + swBeta0[1]*X.At(i, 1) + swBeta0[2]*X.At(i, 2) + swSigma0*r.NormFloat64()
			}
		}
		res, err := Switching(Z, d, swZNames, X, swXNames, X, swXNames, yi, Options{})
		if err != nil {
			t.Fatalf("replication %d: %v", rep, err)
		}
		if test(t, res, "lr_independent").PValue < 0.05 {
			rejected++
		}
	}
	t.Logf("LR test of ρ₁ = ρ₀ = 0 at 5%% under the null: rejected %d of %d", rejected, reps)
	if rejected > 12 {
		t.Errorf("LR test rejects a true null in %d of %d samples at 5%%", rejected, reps)
	}
}

// TestSwitchingRelabel: exchanging the regimes (d → 1 − d, γ → −γ)
// exchanges the outcome equations and σ's, flips the sign of the ρ's
// (Corr(−u, εⱼ) = −ρⱼ) and turns the att into minus the atu; the ate
// changes sign; the log-likelihood and the tests are unchanged.
func TestSwitchingRelabel(t *testing.T) {
	Z, d, X, y := loadSwitchingSim(t)
	a, err := Switching(Z, d, swZNames, X, swXNames, X, swXNames, y, Options{})
	if err != nil {
		t.Fatal(err)
	}
	d2 := make([]float64, len(d))
	for i, v := range d {
		d2[i] = 1 - v
	}
	b, err := Switching(Z, d2, swZNames, X, swXNames, X, swXNames, y, Options{})
	if err != nil {
		t.Fatal(err)
	}
	near := func(what string, got, want float64) {
		t.Helper()
		if math.Abs(got-want) > 1e-7*(1+math.Abs(want)) {
			t.Errorf("%s: %.10g, want %.10g", what, got, want)
		}
	}
	for _, m := range []struct {
		ea, eb string
		sign   float64
	}{{"selection", "selection", -1}, {"outcome1", "outcome0", 1}, {"outcome0", "outcome1", 1}} {
		ea, _ := a.Equation(m.ea)
		eb, _ := b.Equation(m.eb)
		for j := range ea.Coefs {
			near(m.ea+" "+ea.Coefs[j].Term, eb.Coefs[j].Estimate, m.sign*ea.Coefs[j].Estimate)
			near(m.ea+" "+ea.Coefs[j].Term+" SE", eb.Coefs[j].StdError, ea.Coefs[j].StdError)
		}
	}
	for _, m := range []struct {
		na, nb string
		sign   float64
	}{{"rho1", "rho0", -1}, {"rho0", "rho1", -1}, {"sigma1", "sigma0", 1}, {"sigma0", "sigma1", 1}} {
		xa, _ := a.Aux(m.na)
		xb, _ := b.Aux(m.nb)
		near(m.na, xb.Estimate, m.sign*xa.Estimate)
		near(m.na+" SE", xb.StdError, xa.StdError)
	}
	for _, m := range [][2]string{{"att", "atu"}, {"atu", "att"}, {"ate", "ate"}} {
		xa, _ := a.effect(m[0])
		xb, _ := b.effect(m[1])
		near(m[0], xb.Estimate, -xa.Estimate)
		near(m[0]+" SE", xb.StdError, xa.StdError)
	}
	near("log-likelihood", *b.LogLik, *a.LogLik)
	for _, name := range []string{"lr_independent", "wald_independent"} {
		near(name, test(t, b, name).Statistic, test(t, a, name).Statistic)
	}
}

// TestSwitchingDifferentRegressorsVsR: x2 enters regime 1 only (k₁ = 3,
// k₀ = 2), against sampleSelection (estimates, SEs, log-likelihood) and
// the effects by numDeriv in R.
func TestSwitchingDifferentRegressorsVsR(t *testing.T) {
	ref := readKeyValues(t, "testdata/r_ordswitch.csv")
	Z, d, X, y := loadSwitchingSim(t)
	X0 := mat.NewDense(len(y), 2, nil)
	X0.Copy(X.Slice(0, len(y), 0, 2))
	res, err := Switching(Z, d, swZNames, X, swXNames, X0, swXNames[:2], y, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var maxE, maxS float64
	check := func(what string, est, se float64, kEst, kSE string) {
		t.Helper()
		we, ws := refGet(t, ref, "sw2."+kEst), refGet(t, ref, "sw2."+kSE)
		de, ds := math.Abs(est-we), relDiff(se, ws)
		maxE, maxS = math.Max(maxE, de), math.Max(maxS, ds)
		if de > 1e-6 || ds > 1e-4 {
			t.Errorf("%s: %.10g (%.10g), R %.10g (%.10g)", what, est, se, we, ws)
		}
	}
	eqKey := map[string]string{"selection": "sel", "outcome1": "out1", "outcome0": "out0"}
	for _, eq := range res.Equations {
		for _, c := range eq.Coefs {
			k := eqKey[eq.Name]
			check(eq.Name+" "+c.Term, c.Estimate, c.StdError, k+".est."+c.Term, k+".se."+c.Term)
		}
	}
	for _, nm := range []string{"rho1", "rho0", "sigma1", "sigma0"} {
		a, _ := res.Aux(nm)
		check(nm, a.Estimate, a.StdError, "aux.est."+nm, "aux.se."+nm)
	}
	for _, e := range res.Effects {
		check(e.Name, e.Estimate, e.StdError, "eff.est."+e.Name, "eff.se."+e.Name)
	}
	if dl := math.Abs(*res.LogLik - refGet(t, ref, "sw2.loglik")); dl > 1e-6 {
		t.Errorf("log-likelihood %.10f, R %.10f", *res.LogLik, ref["sw2.loglik"])
	}
	t.Logf("max |Δ estimate| %.2g, max rel. Δ SE %.2g", maxE, maxS)
}

// TestSwitchDerivatives checks the switching likelihood's analytic
// gradient, Hessian and per-row scores (see checkDerivatives), with
// different regressors in the two regimes.
func TestSwitchDerivatives(t *testing.T) {
	Z, d, X, y, _ := switchingDGP(rand.New(rand.NewPCG(14, 14)), 300)
	var rows1, rows0 []int
	for i, v := range d {
		if v == 1 {
			rows1 = append(rows1, i)
		} else {
			rows0 = append(rows0, i)
		}
	}
	x0 := mat.DenseCopyOf(X.Slice(0, 300, 0, 2))
	m := newSwitchModel(Z.RawMatrix(), X.RawMatrix(), x0.RawMatrix(), y, rows1, rows0, 3, 3, 2)
	theta := []float64{0.1, 0.5, 0.8, 1.9, 1.1, 0.4, 0.9, 0.3, 0.6, -0.4, 0.1, 0.3}
	checkDerivatives(t, "switching", m.eval, m.scorer, 300, theta, 1e-5, 1e-6, 1e-6)
}

package estimators

import (
	"math"
	"math/rand/v2"
	"strconv"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// binprobitRef reads testdata/r_binprobit_reference.csv (key,value rows
// written by testdata/r_binprobit_reference.R).
func binprobitRef(t *testing.T) map[string]float64 {
	t.Helper()
	recs := readReference(t, "testdata/r_binprobit_reference.csv")
	ref := make(map[string]float64, len(recs))
	for _, r := range recs[1:] {
		v, err := strconv.ParseFloat(r[1], 64)
		if err != nil {
			t.Fatalf("%s: %v", r[0], err)
		}
		ref[r[0]] = v
	}
	return ref
}

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
	ref := binprobitRef(t)
	Z, s, zn, X, y, xn := heckprobitSim(t)
	res, err := HeckProbit(Z, s, zn, X, y, xn, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Method != "heckprobit" || res.N != 2000 || res.NSelected != int(sum(s)) || !res.Converged || res.Params != 7 {
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
	lr, _ := res.Aux("lr_rho0")
	if want := 2 * (ref["hp.own.loglik"] - ref["hp.own.ll0"]); relDiff(lr.Estimate, want) > 1e-6 {
		t.Errorf("lr_rho0 %.10g, R %.10g", lr.Estimate, want)
	}
	lp, _ := res.Aux("lr_rho0_p")
	if math.Abs(lp.Estimate-math.Erfc(math.Sqrt(lr.Estimate/2))) > 1e-15 {
		t.Errorf("lr_rho0_p %g", lp.Estimate)
	}
	ath, _ := res.Aux("athrho")
	w, _ := res.Aux("wald_rho0")
	if relDiff(w.Estimate, math.Pow(ath.Estimate/ath.StdError, 2)) > 1e-12 {
		t.Errorf("wald_rho0 %g", w.Estimate)
	}
	if _, err := res.MarshalJSON(); err != nil {
		t.Error(err)
	}
}

func sum(v []float64) float64 {
	var s float64
	for _, x := range v {
		s += x
	}
	return s
}

// TestBPDerivatives checks the analytic gradient of the bivariate probit
// likelihood against central differences of ℓ and the analytic Hessian
// against central differences of the gradient, for both row kinds and
// both signs of ρ. (The step is 1e-4: with smaller steps the differences
// are dominated by the ~1e-10 relative error of Φ₂ near bvnTailCut.)
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
		p := m.dim()
		theta := []float64{0.2, 0.9, -0.5, -0.3, 1.1, 0.8, c.a}
		g, H := make([]float64, p), make([]float64, p*p)
		m.eval(theta, g, H)
		gp, gm, scratch := make([]float64, p), make([]float64, p), make([]float64, p*p)
		var maxG, maxH float64
		for j := 0; j < p; j++ {
			h := 1e-4
			tp := append([]float64(nil), theta...)
			tm := append([]float64(nil), theta...)
			tp[j] += h
			tm[j] -= h
			lp := m.eval(tp, gp, scratch)
			lm := m.eval(tm, gm, scratch)
			maxG = math.Max(maxG, math.Abs((lp-lm)/(2*h)-g[j])/(1+math.Abs(g[j])))
			for k := 0; k < p; k++ {
				fd := -(gp[k] - gm[k]) / (2 * h)
				maxH = math.Max(maxH, math.Abs(fd-H[j*p+k])/(1+math.Abs(H[j*p+k])))
			}
		}
		if maxG > 1e-6 || maxH > 2e-6 {
			t.Errorf("%s: gradient rel. error %.2g, Hessian rel. error %.2g", c.name, maxG, maxH)
		}
		t.Logf("%s: analytic vs central differences: gradient %.2g, Hessian %.2g", c.name, maxG, maxH)
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

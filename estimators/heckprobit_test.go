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

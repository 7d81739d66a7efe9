package estimators

import (
	"errors"
	"math"
	"runtime"
	"strings"
	"testing"
)

// TestNewtonMaxDiverging: ℓ(θ) = −e^{−θ} has no maximum; its Newton
// decrement e^{−θ} vanishes while every Newton step stays 1, which must be
// reported as non-convergence, not as a maximum. ℓ(θ) = −(θ − 2)²/2 − θ⁴/4
// converges.
func TestNewtonMaxDiverging(t *testing.T) {
	div := func(th, g, h []float64) float64 {
		e := math.Exp(-th[0])
		g[0], h[0] = e, e
		return -e
	}
	_, err := newtonMax(div, []float64{0}, []string{"theta"}, 100)
	if !errors.Is(err, errNotConverged) || !strings.Contains(err.Error(), "after 100 iterations") {
		t.Errorf("diverging: error %v", err)
	}
	conv := func(th, g, h []float64) float64 {
		x := th[0]
		g[0] = -(x - 2) - x*x*x
		h[0] = 1 + 3*x*x
		return -(x-2)*(x-2)/2 - x*x*x*x/4
	}
	fit, err := newtonMax(conv, []float64{5}, []string{"theta"}, 100)
	if err != nil {
		t.Fatal(err)
	}
	// The maximum solves x³ + x − 2 = 0: x = 1.
	if math.Abs(fit.theta[0]-1) > 1e-6 || math.Abs(fit.cov[0]-0.25) > 1e-6 { // to the convergence criterion
		t.Errorf("maximum at %v with variance %v, want 1 and 1/4", fit.theta[0], fit.cov[0])
	}
}

// checkDerivatives compares a log-likelihood's analytic gradient with
// central differences (step h) of ℓ and its −Hessian with central
// differences of the gradient, as relative errors |fd − a|/(1 + |a|),
// failing above tolG and tolH; and the sum over the n rows of the scores that
// scorer(θ) adds with the gradient, to 1e-10 relative (the scores the
// cluster-robust covariance uses are the per-row terms of the gradient).
func checkDerivatives(t *testing.T, name string, eval func(theta, g, negH []float64) float64,
	scorer func([]float64) func(int, []float64), n int, theta []float64, h, tolG, tolH float64) {
	t.Helper()
	p := len(theta)
	g, H := make([]float64, p), make([]float64, p*p)
	eval(theta, g, H)
	gp, gm, scratch := make([]float64, p), make([]float64, p), make([]float64, p*p)
	var maxG, maxH, maxS float64
	for j := 0; j < p; j++ {
		tp := append([]float64(nil), theta...)
		tm := append([]float64(nil), theta...)
		tp[j] += h
		tm[j] -= h
		lp := eval(tp, gp, scratch)
		lm := eval(tm, gm, scratch)
		maxG = math.Max(maxG, math.Abs((lp-lm)/(2*h)-g[j])/(1+math.Abs(g[j])))
		for k := 0; k < p; k++ {
			fd := -(gp[k] - gm[k]) / (2 * h)
			maxH = math.Max(maxH, math.Abs(fd-H[j*p+k])/(1+math.Abs(H[j*p+k])))
		}
	}
	sum := make([]float64, p)
	score := scorer(theta)
	for i := 0; i < n; i++ {
		score(i, sum)
	}
	for j := range sum {
		maxS = math.Max(maxS, math.Abs(sum[j]-g[j])/(1+math.Abs(g[j])))
	}
	if !(maxG <= tolG && maxH <= tolH && maxS <= 1e-10) {
		t.Errorf("%s: gradient rel. error %.2g, Hessian %.2g, score sum %.2g", name, maxG, maxH, maxS)
	}
	t.Logf("%s: analytic vs central differences: gradient %.2g, Hessian %.2g; Σ scores vs gradient %.2g", name, maxG, maxH, maxS)
}

// checkDeterministic requires fit to give bit-for-bit the same result
// with GOMAXPROCS goroutines and with one (the data should span several
// blocks of rows).
func checkDeterministic(t *testing.T, fit func() (*Result, error)) {
	t.Helper()
	a, err := fit()
	if err != nil {
		t.Fatal(err)
	}
	old := runtime.GOMAXPROCS(1)
	b, err := fit()
	runtime.GOMAXPROCS(old)
	if err != nil {
		t.Fatal(err)
	}
	ja, _ := a.MarshalJSON()
	jb, _ := b.MarshalJSON()
	if string(ja) != string(jb) {
		t.Errorf("results differ with GOMAXPROCS:\n%s\n%s", ja, jb)
	}
}

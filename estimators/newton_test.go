package estimators

import (
	"errors"
	"math"
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

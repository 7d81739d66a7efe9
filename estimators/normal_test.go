package estimators

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestLogProd: the log of the rescaled product of Φ(tᵢ) is Σ log Φ(tᵢ)
// (summed with logPhiMills) to a relative 1e-13 plus an absolute 1e-16
// per term (the rounding of Φ near 1), over the central range,
// the tails, underflowing products and factors below 2⁻⁶⁴, and phiMills
// returns logPhiMills's λ bit for bit.
func TestLogProd(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, c := range []struct {
		name   string
		n      int
		lo, hi float64 // tᵢ uniform on [lo, hi]
	}{
		{"central", 2000, -3, 3},
		{"one term", 1, -1, -1},
		{"upper tail", 1000, 4, 9},
		{"lower tail", 1000, -45, -30},
		{"factors below 2^-64", 500, -12, -9},
		{"long product", 100000, -2.5, 0.5},
	} {
		var want float64
		p := logProd{m: 1}
		for range c.n {
			x := c.lo + (c.hi-c.lo)*r.Float64()
			lp, lam := logPhiMills(x)
			want += lp
			if got := p.phiMills(x); got != lam {
				t.Fatalf("%s: phiMills(%v) = %v, logPhiMills's λ %v", c.name, x, got, lam)
			}
		}
		if got := p.log(); math.Abs(got-want) > 1e-13*math.Abs(want)+1e-16*float64(c.n) {
			t.Errorf("%s: log of the product %.17g, sum of logs %.17g (rel. diff %.2g)", c.name, got, want, math.Abs(got-want)/math.Abs(want))
		}
	}
}

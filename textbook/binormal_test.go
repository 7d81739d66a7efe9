package textbook

import (
	"math"
	"testing"
)

// TestBiNormCDF checks Φ₂ against R's pbivnorm (values printed by
// `pbivnorm(a, b, r)`, pbivnorm 0.6.0), the closed form at the origin
// Φ₂(0, 0; ρ) = 1/4 + asin(ρ)/(2π), and independence Φ₂(a, b; 0) =
// Φ(a)Φ(b), to 1e-10.
func TestBiNormCDF(t *testing.T) {
	for _, c := range []struct{ a, b, r, want float64 }{
		{-1.3, 0.7, 0.6, 0.095171612249390192},
		{0.4, -0.5, -0.6, 0.11503727069465691},
		{2.1, 1.1, 0.9, 0.8641224573635341},
		{-0.2, -2.2, 0.3, 0.010042045740426719},
		{0.9, 0.3, -0.95, 0.43385341841875108},
		{0, 0, 0.8, 0.25 + math.Asin(0.8)/(2*math.Pi)},
		{0, 0, -0.5, 0.25 + math.Asin(-0.5)/(2*math.Pi)},
		{0.7, -1.2, 0, normalCDF(0.7) * normalCDF(-1.2)},
		{3, 20, 0.5, normalCDF(3)},
	} {
		if got := biNormCDF(c.a, c.b, c.r); math.Abs(got-c.want) > 1e-10 {
			t.Errorf("Φ₂(%g, %g; %g) = %.15g, want %.15g", c.a, c.b, c.r, got, c.want)
		}
	}
}

package estimators

import (
	"math"
	"strconv"
	"testing"
)

// TestBiNormCDFVsR checks Φ₂ against R's pbivnorm and mvtnorm::pmvnorm
// (testdata/r_binormal_reference.csv, from testdata/r_binormal_reference.R)
// to 1e-12 absolutely on a grid of a, b in [−9, 8.5] and r in
// [−0.999, 0.999], and log Φ₂ in the lower tails (Φ₂ < 1e-7, down to
// e^−81017) against R's adaptive quadrature to 1e-9 relatively.
func TestBiNormCDFVsR(t *testing.T) {
	recs := readReference(t, "testdata/r_binormal_reference.csv")
	if got := len(recs[0]); got != 6 {
		t.Fatalf("header %v", recs[0])
	}
	num := func(s string) float64 {
		if s == "NA" {
			return math.NaN()
		}
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	var maxAbs, maxAbsMV, maxLogRel, maxGenzRel float64
	tails := 0
	for _, r := range recs[1:] {
		a, b, rho := num(r[0]), num(r[1]), num(r[2])
		p, pmv, logp := num(r[3]), num(r[4]), num(r[5])
		got := biNormCDF(a, b, rho)
		maxAbs = math.Max(maxAbs, math.Abs(got-p))
		maxAbsMV = math.Max(maxAbsMV, math.Abs(got-pmv))
		if math.Abs(got-p) > 1e-12 || math.Abs(got-pmv) > 1e-12 {
			t.Errorf("Φ₂(%v, %v; %v) = %.17g, pbivnorm %.17g, pmvnorm %.17g", a, b, rho, got, p, pmv)
		}
		lg := logBiNormCDF(a, b, rho)
		if !math.IsNaN(logp) {
			tails++
			d := math.Abs(lg-logp) / math.Max(1, math.Abs(logp))
			maxLogRel = math.Max(maxLogRel, d)
			if d > 1e-9 {
				t.Errorf("log Φ₂(%v, %v; %v) = %.17g, R quadrature %.17g", a, b, rho, lg, logp)
			}
		} else if d := math.Abs(lg - math.Log(p)); d > 1e-9 {
			t.Errorf("log Φ₂(%v, %v; %v) = %.17g, log pbivnorm %.17g", a, b, rho, lg, math.Log(p))
		}
		if p >= bvnTailCut && p < 1e-2 && math.Abs(rho) < 1 {
			// Above the switch, the Genz sum is still accurate
			// relatively: check log Φ₂ against the tail quadrature.
			c := newBVN(rho)
			maxGenzRel = math.Max(maxGenzRel, math.Abs(bvnLogTail(rho, c.s, a, b)-lg))
		}
	}
	t.Logf("Φ₂ vs pbivnorm max abs diff %.2g, vs pmvnorm %.2g; log Φ₂ in %d tail points vs R quadrature max rel diff %.2g; log Φ₂ vs the tail quadrature for Φ₂ in [1e-7, 1e-2) max abs diff %.2g",
		maxAbs, maxAbsMV, tails, maxLogRel, maxGenzRel)
	if maxGenzRel > 1e-12 {
		t.Errorf("log Φ₂ and the tail quadrature disagree by %.2g", maxGenzRel)
	}
}

// TestLogBiNormRelative: on a grid (r from −0.999 to 0.99, Φ₂ from
// 1e-12 to 0.1) log Φ₂ agrees with the tail quadrature to 1e-12, i.e. Φ₂
// is accurate relatively, not only absolutely, on both sides of the
// switches bvnTailCut and bvnTailCutNeg.
func TestLogBiNormRelative(t *testing.T) {
	var worst float64
	for _, r := range []float64{-0.999, -0.95, -0.9, -0.6, -0.2, 0.4, 0.8, 0.93, 0.99} {
		c := newBVN(r)
		for a := -8.0; a <= 6; a += 0.373 {
			for b := -8.0; b <= 6; b += 0.391 {
				p := c.cdf(a, b)
				if p < 1e-12 || p > 0.1 {
					continue
				}
				d := math.Abs(c.logCDF(a, b) - bvnLogTail(r, c.s, a, b))
				worst = math.Max(worst, d)
				if d > 1e-12 {
					t.Errorf("Φ₂(%v, %v; %v) = %.3g: log %.17g, quadrature %.17g", a, b, r, p, c.logCDF(a, b), bvnLogTail(r, c.s, a, b))
				}
			}
		}
	}
	t.Logf("max |log Φ₂ − quadrature| %.2g", worst)
}

// TestBiNormDerivatives checks ∂Φ₂/∂a = φ(a)Φ((b − ra)/s) and
// ∂Φ₂/∂r = φ₂ against central differences of Φ₂, and the symmetry and
// limiting identities Φ₂(a, b; 0) = Φ(a)Φ(b), Φ₂(a, b; r) = Φ₂(b, a; r),
// Φ₂(a, b; r) + Φ₂(a, −b; −r) = Φ(a).
func TestBiNormDerivatives(t *testing.T) {
	var maxD float64
	for _, a := range []float64{-3, -1, 0, 0.4, 2} {
		for _, b := range []float64{-2.5, -0.5, 0, 1, 3} {
			for _, r := range []float64{-0.95, -0.6, -0.2, 0, 0.3, 0.8, 0.93} {
				s := math.Sqrt(1 - r*r)
				h := 1e-5
				da := (biNormCDF(a+h, b, r) - biNormCDF(a-h, b, r)) / (2 * h)
				dr := (biNormCDF(a, b, r+h) - biNormCDF(a, b, r-h)) / (2 * h)
				wa := normPDF(a) * normCDF((b-r*a)/s)
				wr := biNormPDF(a, b, r)
				maxD = math.Max(maxD, math.Max(math.Abs(da-wa), math.Abs(dr-wr)))
				if math.Abs(da-wa) > 1e-8 || math.Abs(dr-wr) > 1e-8 {
					t.Errorf("(%v, %v; %v): ∂a %.12g vs %.12g, ∂r %.12g vs %.12g", a, b, r, da, wa, dr, wr)
				}
				if d := math.Abs(biNormCDF(a, b, r) - biNormCDF(b, a, r)); d > 1e-15 {
					t.Errorf("(%v, %v; %v): not symmetric (%.2g)", a, b, r, d)
				}
				if d := math.Abs(biNormCDF(a, b, r) + biNormCDF(a, -b, -r) - normCDF(a)); d > 2e-15 {
					t.Errorf("(%v, %v; %v): Φ₂(a,b;r) + Φ₂(a,−b;−r) − Φ(a) = %.2g", a, b, r, d)
				}
			}
			if d := math.Abs(biNormCDF(a, b, 0) - normCDF(a)*normCDF(b)); d > 1e-16 {
				t.Errorf("(%v, %v; 0): %.2g", a, b, d)
			}
		}
	}
	t.Logf("derivatives vs central differences: max abs diff %.2g", maxD)
}

func BenchmarkLogBiNormCDF(b *testing.B) {
	c := newBVN(0.6)
	var s float64
	for b.Loop() {
		for i := 0; i < 100; i++ {
			x := -3 + 0.06*float64(i)
			s += c.logCDF(x, 0.5-x/2)
		}
	}
	_ = s
}

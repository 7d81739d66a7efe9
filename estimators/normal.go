package estimators

import "math"

const (
	invSqrt2Pi = 0.3989422804014327  // 1/√(2π)
	logSqrt2Pi = 0.91893853320467274 // log √(2π)
	// Below this argument Φ(x) = ½erfc(−x/√2) underflows towards the
	// subnormal range; the asymptotic series is used instead.
	tailCut = -37.0
)

// normPDF is the standard normal density φ(x).
func normPDF(x float64) float64 { return invSqrt2Pi * math.Exp(-0.5*x*x) }

// normCDF is Φ(x) = ½·erfc(−x/√2), accurate in both tails (no 1−Φ
// cancellation).
func normCDF(x float64) float64 { return 0.5 * math.Erfc(-x/math.Sqrt2) }

// millsSeries returns S(x) = 1 − 1/x² + 3/x⁴ − 15/x⁶ + …, the asymptotic
// series with Φ(x) ≈ φ(x)/(−x)·S(x) for x → −∞. Used for x < −37, where
// ten terms are accurate to far below machine precision.
func millsSeries(x float64) float64 {
	x2 := 1 / (x * x)
	s, t := 1.0, 1.0
	for n := 1; n <= 10; n++ {
		t *= -float64(2*n-1) * x2
		s += t
	}
	return s
}

// logNormCDF is log Φ(x), finite for every finite x.
func logNormCDF(x float64) float64 {
	switch {
	case x > 5:
		// Φ(x) = 1 − ½erfc(x/√2); log1p keeps the tiny tail exact.
		return math.Log1p(-0.5 * math.Erfc(x/math.Sqrt2))
	case x >= tailCut:
		return math.Log(0.5 * math.Erfc(-x/math.Sqrt2))
	default:
		return -0.5*x*x - logSqrt2Pi - math.Log(-x) + math.Log(millsSeries(x))
	}
}

// invMills is the inverse Mills ratio λ(x) = φ(x)/Φ(x), finite and
// accurate for every finite x (λ(x) ≈ −x for x → −∞).
func invMills(x float64) float64 {
	if x >= tailCut {
		return normPDF(x) / normCDF(x)
	}
	return -x / millsSeries(x)
}

// logProd accumulates a log-likelihood Σ log Φ(tᵢ) as the logarithm of
// the product ΠΦ(tᵢ), so that a term costs a multiplication instead of a
// logarithm (the logarithm is as costly as the erfc behind Φ). The
// product is held as m·2ᵉ with m ∈ [2⁻⁹⁰⁰, 1] between terms, rescaled by
// an exact power of two (math.Frexp) when it falls below 2⁻⁹⁰⁰; a factor
// below 2⁻⁶⁴ would risk underflow and is added as its logarithm to s.
// The rounding of the product, a relative 2⁻⁵³ per factor, is an error
// of about n·1.1e-16 in ℓ at worst, the order of the rounding of the sum
// of n logarithms.
type logProd struct {
	m float64 // the product's mantissa part (1 when empty)
	e int     // its binary exponent
	s float64 // the logarithms of the factors kept out of the product
}

// mul multiplies the product by c ∈ (0, 1].
func (a *logProd) mul(c float64) {
	if c < 0x1p-64 {
		a.s += math.Log(c)
		return
	}
	a.m *= c
	if a.m < 0x1p-900 {
		f, e := math.Frexp(a.m)
		a.m, a.e = f, a.e+e
	}
}

// log returns the logarithm of the product.
func (a *logProd) log() float64 {
	return math.Log(a.m) + float64(a.e)*math.Ln2 + a.s
}

// phiMills multiplies the product by Φ(t) and returns λ(t) = φ(t)/Φ(t),
// bit for bit the λ of logPhiMills: one erfc in the central range
// −37 ≤ t ≤ 5, the tail-safe forms (and a logarithm) elsewhere.
func (a *logProd) phiMills(t float64) float64 {
	if t >= tailCut && t <= 5 {
		c := 0.5 * math.Erfc(-t/math.Sqrt2)
		a.mul(c)
		return normPDF(t) / c
	}
	a.s += logNormCDF(t)
	return invMills(t)
}

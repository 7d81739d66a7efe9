package textbook

import (
	"math"

	"gonum.org/v1/gonum/integrate/quad"
	"gonum.org/v1/gonum/stat/distuv"
)

// biNormCDF is the standard bivariate normal distribution function
// Φ₂(a, b; ρ) = Pr(X ≤ a, Y ≤ b), corr(X, Y) = ρ, |ρ| < 1. For |ρ| ≤ 0.9
// it integrates Plackett's (1954) identity ∂Φ₂/∂ρ = φ₂ in the angle
// θ = asin r (Drezner & Wesolowsky 1990, J. Statist. Comput. Simul. 35),
//
//	Φ₂(a, b; ρ) = Φ(a)Φ(b) + (1/2π) ∫_0^{asin ρ} exp(−(a² + b² − 2ab sin θ)/(2cos²θ)) dθ,
//
// by 24-point Gauss–Legendre quadrature, the integrand being smooth
// there; beyond, where it is not, the integral over the second variable
//
//	Φ₂(a, b; ρ) = ∫_{−∞}^{b} φ(t) Φ((a − ρt)/√(1 − ρ²)) dt
//
// by 96 points on [−12, min(b, 12)] (φ(−12) is below 1e-32). It is
// written apart from the estimators' Φ₂ (Genz's algorithm in Owen's T
// form), so that the truth does not rest on the code it scores; the test
// checks it against R's pbivnorm.
func biNormCDF(a, b, rho float64) float64 {
	if math.Abs(rho) <= 0.9 {
		h := (a*a + b*b) / 2
		f := func(th float64) float64 {
			sn, cs := math.Sincos(th)
			return math.Exp(-(h - a*b*sn) / (cs * cs))
		}
		lo, hi, sign := 0.0, math.Asin(rho), 1.0
		if hi < 0 {
			lo, hi, sign = hi, 0, -1
		}
		p := normalCDF(a) * normalCDF(b)
		if rho == 0 {
			return p
		}
		return p + sign*quad.Fixed(f, lo, hi, 24, quad.Legendre{}, 0)/(2*math.Pi)
	}
	const lo, hi = -12.0, 12.0
	b = min(b, hi)
	if b <= lo {
		return 0
	}
	s := math.Sqrt(1 - rho*rho)
	f := func(t float64) float64 { return distuv.UnitNormal.Prob(t) * normalCDF((a-rho*t)/s) }
	return quad.Fixed(f, lo, b, 96, quad.Legendre{}, 0)
}

// normalCDF is Φ.
func normalCDF(x float64) float64 { return distuv.UnitNormal.CDF(x) }

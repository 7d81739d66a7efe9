package estimators

import "math"

// The standard bivariate normal distribution with correlation r:
//
//	Φ₂(a, b; r) = Pr(X ≤ a, Y ≤ b),  (X, Y) ~ N(0, [1 r; r 1]),
//	φ₂(a, b; r) = exp(−(a² − 2rab + b²)/(2(1 − r²))) / (2π√(1 − r²)),
//
// with the derivatives used by the bivariate probit likelihoods
//
//	∂Φ₂/∂a = φ(a)Φ((b − ra)/√(1 − r²)),  ∂Φ₂/∂b = φ(b)Φ((a − rb)/√(1 − r²)),
//	∂Φ₂/∂r = φ₂(a, b; r)  (Plackett's identity).
//
// Φ₂ is computed by the algorithm of Drezner & Wesolowsky (1990, J. Statist.
// Comput. Simul. 35) as refined by Genz (2004, Statistics and Computing
// 14(3), "Numerical computation of rectangular bivariate and trivariate
// normal and t probabilities"): Gauss–Legendre quadrature with 6, 12 or 20
// points of Plackett's integral over asin r for |r| < 0.925, and of the
// integral in √(1 − r²) with the singular part taken out in closed form
// for |r| ≥ 0.925. It is the algorithm of R's pbivnorm and of mvtnorm's
// pmvnorm in two dimensions, accurate to about 1e-15 absolutely.
//
// Absolute accuracy is not enough for the logarithm of a tiny probability
// (for r < 0 the Genz sum cancels), so logBiNormCDF switches below
// bvnTailCut (r ≥ 0) or bvnTailCutNeg (r < 0) to a direct quadrature of
// log Φ₂ = log ∫_{−∞}^{a} φ(x)Φ((b − rx)/√(1 − r²)) dx scaled by its
// maximum (see bvnLogTail), which is accurate relatively however small Φ₂
// is.

// Gauss–Legendre abscissae (negative half) and weights with 6, 12 and 20
// points (Genz 2004).
var (
	glX6  = [...]float64{-0.9324695142031522, -0.6612093864662647, -0.2386191860831970}
	glW6  = [...]float64{0.1713244923791705, 0.3607615730481384, 0.4679139345726904}
	glX12 = [...]float64{-0.9815606342467191, -0.9041172563704750, -0.7699026741943050,
		-0.5873179542866171, -0.3678314989981802, -0.1252334085114692}
	glW12 = [...]float64{0.04717533638651177, 0.1069393259953183, 0.1600783285433464,
		0.2031674267230659, 0.2334925365383547, 0.2491470458134029}
	glX20 = [...]float64{-0.9931285991850949, -0.9639719272779138, -0.9122344282513259,
		-0.8391169718222188, -0.7463319064601508, -0.6360536807265150,
		-0.5108670019508271, -0.3737060887154196, -0.2277858511416451,
		-0.07652652113349733}
	glW20 = [...]float64{0.01761400713915212, 0.04060142980038694, 0.06267204833410906,
		0.08327674157670475, 0.1019301198172404, 0.1181945319615184,
		0.1316886384491766, 0.1420961093183821, 0.1491729864726037,
		0.1527533871307259}
)

// Below these values of Φ₂ from the Genz sum, log Φ₂ is recomputed by
// bvnLogTail. The Genz sum is accurate to ~5e-16 absolutely; relatively,
// for r > 0 (all its terms positive) to ≤ 2e-13 down to Φ₂ = 1e-7, but for
// r < 0 (its integral cancels against Φ(a)Φ(b)) only to about 1e-17/Φ₂ —
// measured: 2.4e-13 for Φ₂ in [1e-4, 1e-3), 9e-11 in [1e-7, 1e-6) — so
// the switch is earlier there. With the quadrature's ~1e-14, log Φ₂ is
// accurate to about 6e-13 relatively (in Φ₂) everywhere.
const (
	bvnTailCut    = 1e-7
	bvnTailCutNeg = 1e-4
)

// bvn holds the parts of the Genz algorithm that depend on r only, so that
// a likelihood evaluating Φ₂ at many (a, b) with the same r computes the
// sines and square roots once.
type bvn struct {
	r  float64
	ng int // terms summed: 2·(3, 6 or 10) for |r| < 0.925, else 10
	// |r| < 0.925: node k of Plackett's integral, sn = sin(asin r·(1±x)/2),
	// stored as sn and 1/(1 − sn²), with weight w·asin r/(4π).
	sn, isn, w [20]float64
	// |r| ≥ 0.925 (|r| < 1): as = 1 − r², a = √as, and the nodes xs, rs =
	// √(1 − xs) of the two sums with weight a/2·w.
	as, a      float64
	xs1, rs1   [10]float64
	xs2, rs2   [10]float64
	wa         [10]float64
	s, invS2   float64 // √(1 − r²) and 1/(1 − r²)
	logNormPDF float64 // −log(2π√(1 − r²))
}

// newBVN prepares the evaluation of Φ₂(·, ·; r) for −1 ≤ r ≤ 1.
func newBVN(r float64) bvn {
	c := bvn{r: r}
	var xs, ws []float64
	switch ar := math.Abs(r); {
	case ar < 0.3:
		xs, ws = glX6[:], glW6[:]
	case ar < 0.75:
		xs, ws = glX12[:], glW12[:]
	default:
		xs, ws = glX20[:], glW20[:]
	}
	lg := len(xs)
	if math.Abs(r) < 0.925 {
		asr := math.Asin(r)
		c.ng = 2 * lg
		for i := 0; i < lg; i++ {
			for j, x := range [2]float64{xs[i], -xs[i]} {
				sn := math.Sin(asr * (x + 1) / 2)
				c.sn[2*i+j] = sn
				c.isn[2*i+j] = 1 / (1 - sn*sn)
				c.w[2*i+j] = ws[i] * asr / (4 * math.Pi)
			}
		}
	} else {
		c.ng = lg
		c.as = (1 - r) * (1 + r)
		c.a = math.Sqrt(c.as)
		ha := c.a / 2
		for i := 0; i < lg; i++ {
			x1 := ha * (xs[i] + 1)
			c.xs1[i] = x1 * x1
			c.rs1[i] = math.Sqrt(1 - c.xs1[i])
			c.xs2[i] = c.as * (1 - xs[i]) * (1 - xs[i]) / 4
			c.rs2[i] = math.Sqrt(1 - c.xs2[i])
			c.wa[i] = ha * ws[i]
		}
	}
	s2 := (1 - r) * (1 + r)
	c.s = math.Sqrt(s2)
	c.invS2 = 1 / s2
	c.logNormPDF = -math.Log(2 * math.Pi * c.s)
	return c
}

// upper is Pr(X > h, Y > k), Genz's BVND.
func (c *bvn) upper(h, k float64) float64 {
	r := c.r
	hk := h * k
	if math.Abs(r) < 0.925 {
		hs := (h*h + k*k) / 2
		var sum float64
		for i := 0; i < c.ng; i++ {
			sum += c.w[i] * math.Exp((c.sn[i]*hk-hs)*c.isn[i])
		}
		return sum + normCDF(-h)*normCDF(-k)
	}
	if r < 0 {
		k, hk = -k, -hk
	}
	var p float64
	if math.Abs(r) < 1 {
		as, a := c.as, c.a
		bs := (h - k) * (h - k)
		cc := (4 - hk) / 8
		d := (12 - hk) / 16
		p = a * math.Exp(-(bs/as+hk)/2) * (1 - cc*(bs-as)*(1-d*bs/5)/3 + cc*d*as*as/5)
		if hk > -160 {
			b := math.Sqrt(bs)
			p -= math.Exp(-hk/2) * math.Sqrt(2*math.Pi) * normCDF(-b/a) * b * (1 - cc*bs*(1-d*bs/5)/3)
		}
		for i := 0; i < c.ng; i++ {
			xs, rs := c.xs1[i], c.rs1[i]
			p += c.wa[i] * (math.Exp(-bs/(2*xs)-hk/(1+rs))/rs - math.Exp(-(bs/xs+hk)/2)*(1+cc*xs*(1+d*xs)))
			xs, rs = c.xs2[i], c.rs2[i]
			p += c.wa[i] * math.Exp(-(bs/xs+hk)/2) * (math.Exp(-hk*(1-rs)/(2*(1+rs)))/rs - (1 + cc*xs*(1+d*xs)))
		}
		p = -p / (2 * math.Pi)
	}
	if r > 0 {
		return p + normCDF(-math.Max(h, k))
	}
	return -p + math.Max(0, normCDF(-h)-normCDF(-k))
}

// cdf is Φ₂(a, b; r), clamped into [0, 1].
func (c *bvn) cdf(a, b float64) float64 {
	return math.Max(0, math.Min(1, c.upper(-a, -b)))
}

// logCDF is log Φ₂(a, b; r), accurate relatively also far in the lower
// tails (see bvnLogTail); −Inf only when Φ₂ is 0 in exact arithmetic
// (r = −1 and a + b ≤ 0).
func (c *bvn) logCDF(a, b float64) float64 {
	p := c.cdf(a, b)
	if p >= bvnTailCut && (c.r >= 0 || p >= bvnTailCutNeg) {
		return math.Log(p)
	}
	return bvnLogTail(c.r, c.s, a, b)
}

// logPDF is log φ₂(a, b; r).
func (c *bvn) logPDF(a, b float64) float64 {
	return c.logNormPDF - (a*a-2*c.r*a*b+b*b)*c.invS2/2
}

// biNormCDF is Φ₂(a, b; r) for −1 ≤ r ≤ 1.
func biNormCDF(a, b, r float64) float64 {
	c := newBVN(r)
	return c.cdf(a, b)
}

// logBiNormCDF is log Φ₂(a, b; r) for −1 < r < 1, accurate relatively in
// the tails.
func logBiNormCDF(a, b, r float64) float64 {
	c := newBVN(r)
	return c.logCDF(a, b)
}

// biNormPDF is φ₂(a, b; r) for −1 < r < 1.
func biNormPDF(a, b, r float64) float64 {
	c := newBVN(r)
	return math.Exp(c.logPDF(a, b))
}

// bvnLogTail is log Φ₂(a, b; r) for small Φ₂ by quadrature of
//
//	Φ₂(a, b; r) = ∫_{−∞}^{a} exp(g(x)) dx,  g(x) = log φ(x) + log Φ((b − rx)/s),
//
// s = √(1 − r²). g is strongly concave (g″ ≤ −1, log Φ being concave), so
// with m its maximiser on (−∞, a], g(x) ≤ g(m) − (x − m)²/2 there: the
// integral over [m − 9, min(a, m + 9)] misses less than e^{−40} of it
// relatively. With ℓ the local scale of exp(g) at m (1/√(−g″(m)), or
// 1/g′(a) when the maximum is at the boundary and steeper), that interval
// is cut at m ± ℓ(2ᵏ − 1), k = 0, 1, …, and each piece is integrated by
// adaptive bisection with 20-point Gauss–Legendre rules on
// exp(g(x) − g(m)) to an absolute 1e-15·ℓ (about 1e-15 relatively, since
// the integral is of the order of ℓ) or a relative max(1e-14, 4e-16|g(m)|)
// (the rounding of g itself); log Φ₂ = g(m) + log(sum).
func bvnLogTail(r, s, a, b float64) float64 {
	if !(s > 0) {
		// r = ±1: Φ₂ = Φ(min(a, b)) or max(0, Φ(a) + Φ(b) − 1).
		if r > 0 {
			return logNormCDF(math.Min(a, b))
		}
		if a+b <= 0 {
			return math.Inf(-1)
		}
		return math.Log(normCDF(a) - normCDF(-b))
	}
	k := r / s
	g := func(x float64) float64 { return -x*x/2 - logSqrt2Pi + logNormCDF((b-r*x)/s) }
	dg := func(x float64) float64 { return -x - k*invMills((b-r*x)/s) }
	// Maximiser of g on (−∞, a]: dg is strictly decreasing.
	m := a
	if dg(a) < 0 {
		lo := math.Min(a, 0) - 1
		for dg(lo) <= 0 {
			lo = 2*lo - 1
		}
		hi := a
		for it := 0; it < 200 && hi-lo > 1e-13*(1+math.Abs(lo)); it++ {
			mid := (lo + hi) / 2
			if dg(mid) > 0 {
				lo = mid
			} else {
				hi = mid
			}
		}
		m = (lo + hi) / 2
	}
	gm := g(m)
	w := (b - r*m) / s
	lam := invMills(w)
	curv := 1 + k*k*lam*(w+lam) // −g″(m)
	ell := 1 / math.Sqrt(curv)
	if d := dg(m); m == a && d > 0 {
		ell = math.Min(ell, 1/d)
	}
	f := func(x float64) float64 { return math.Exp(g(x) - gm) }
	tol := 1e-15 * ell
	// exp(g − g(m)) carries the rounding error of g, ~|g(m)|·ε relatively.
	rel := math.Max(1e-14, 4e-16*math.Abs(gm))
	var sum float64
	for d0, d1 := 0.0, ell; d0 < 9; d0, d1 = d1, math.Min(9, 2*d1+ell) {
		sum += adaptGL(f, m-d1, m-d0, tol, rel, 0)
		if hi := math.Min(a, m+d1); hi > m+d0 {
			sum += adaptGL(f, m+d0, hi, tol, rel, 0)
		}
	}
	return gm + math.Log(sum)
}

// gl20 is the 20-point Gauss–Legendre rule for f on [lo, hi].
func gl20(f func(float64) float64, lo, hi float64) float64 {
	c, h := (lo+hi)/2, (hi-lo)/2
	var s float64
	for i, x := range glX20 {
		s += glW20[i] * (f(c+x*h) + f(c-x*h))
	}
	return s * h
}

// adaptGL integrates f over [lo, hi] by recursive bisection until the
// 20-point rule on the halves agrees with that on the whole to tol or
// relatively to rel (at most 20 levels).
func adaptGL(f func(float64) float64, lo, hi, tol, rel float64, depth int) float64 {
	whole := gl20(f, lo, hi)
	mid := (lo + hi) / 2
	l, r := gl20(f, lo, mid), gl20(f, mid, hi)
	if e := math.Abs(l + r - whole); e <= tol || e <= rel*(l+r) || depth >= 20 {
		return l + r
	}
	return adaptGL(f, lo, mid, tol, rel, depth+1) + adaptGL(f, mid, hi, tol, rel, depth+1)
}

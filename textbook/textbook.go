// Package textbook simulates the exact Heckman (1979) sample-selection and
// Maddala (1983) endogenous-treatment data-generating process, the
// "textbook" mode of a redress scenario (see scenarios.Textbook).
//
// For observation i = 0, …, n−1:
//
//	x1…xk, z   covariates and the excluded instrument (k = len(Beta)−1)
//	(u, ε)     errors with var(u) = var(ε) = 1 and corr(u, ε) = Rho
//	s* = γ0 + Σ γj xj + γz z + u,   s = 1{s* > 0}     (contact / selection)
//	y  = β0 + Σ βj xj + σ ε                          (satisfaction, observed when s = 1)
//	w  = β0 + Σ βj xj + δ s + σ ε                    (outcome, observed for all)
//
// with potential outcomes w(1) = y + δ and w(0) = y, so the treatment
// effect is δ for every unit and ATE = ATT = ATU = δ; selection on u makes
// the observed contrast of w between contacted and non-contacted units,
// and the mean of y among the contacted, biased whenever Rho ≠ 0.
//
// Outcome kinds. With Outcome "binary" y and w are 1{y* > 0}, and with
// "ordered" 1 + the number of Cutpoints below y*, where y* is the linear
// y (or w) above: the latent-index models of the probit family (heckprobit,
// biprobit, ordered probit with selection), on the same draws as the
// linear model. Their truth (Truth) is then on the probit scale β/σ.
//
// Covariates. "normal" draws standard normals; "uniform" draws uniforms on
// [−√3, √3] (mean 0, variance 1); "binary" draws 0/1 dummies with
// P(1) = 1/2. All k+1 variables (x1…xk, z) share the Pearson correlation
// CovariateCorrelation r, exactly, in every family. They are built from
// m = k+1 iid standard normals εj as
//
//	gj = √(1−ρ) εj + (√(1+kρ) − √(1−ρ)) ε̄,
//
// a one-factor (equicorrelation) construction with factor ε̄ that gives
// unit variances and correlation ρ for any ρ in (−1/k, 1]. Normal
// covariates are gj with ρ = r. Uniform covariates are √3·(2Φ(gj)−1), a
// Gaussian copula; their Pearson correlation is (6/π)·asin(ρ/2), so
// ρ = 2 sin(πr/6). Binary covariates are 1{gj > 0}; their correlation is
// (2/π)·asin(ρ) (Sheppard's arcsine law), so ρ = sin(πr/2). Because
// ρ ≠ r for those two families, the strongest negative correlations the
// scenario validator accepts (r > −1/k) are not all reachable: uniform
// needs r > (6/π)·asin(−1/(2k)) and binary r > (2/π)·asin(−1/k);
// Simulate reports an error otherwise.
//
// Errors. u = a1 and ε = Rho·a1 + √(1−Rho²)·a2, where a1 and a2 are iid
// draws, standardised analytically to mean 0 and variance 1, from the
// family Errors: "normal"; "t" (Student t with DF > 2 degrees of
// freedom, times √((DF−2)/DF)); "skew_normal" (shape α = Skew:
// δ|N0| + √(1−δ²) N1 with δ = α/√(1+α²), minus its mean δ√(2/π), over
// its sd √(1−2δ²/π)); "uniform" (on [−√3, √3]); "mixture"
// ((1−w)·N(0,1) + w·N(shift, scale²), minus its mean, over its sd). For
// "normal" (u, ε) is exactly bivariate normal with correlation Rho; for
// the others the correlation is exactly Rho but the joint law is not the
// one Heckman's correction assumes, which is the point of those families.
//
// Every draw comes from an rng stream keyed by (seed, replication,
// observation, purpose), so observation i is the same whatever n is, the
// covariates do not change when only the error settings change (and a1,
// a2 do not change when only Rho, Sigma or the coefficients change), and
// nothing depends on global state or on how work is split.
package textbook

import (
	"context"
	"errors"
	"fmt"
	"math"

	"github.com/redress-sim/redress/rng"
	"github.com/redress-sim/redress/scenarios"
)

// ctxEvery is how many observations Simulate draws between checks of
// its context.
const ctxEvery = 1 << 16

var sqrt3 = math.Sqrt(3)

// Sample is one simulated data set. Every slice has length N; X[j] is
// the column of covariate x(j+1). All slices share one allocation.
type Sample struct {
	// N is the number of observations.
	N int
	// Seed and Rep are the keys the sample was drawn with.
	Seed, Rep uint64
	// X holds the covariates x1…xk as columns.
	X [][]float64
	// Z is the excluded instrument.
	Z []float64
	// U is the selection error u, E the standardised outcome error ε
	// (the outcome error is Sigma·ε).
	U, E []float64
	// Y is the latent satisfaction y for every observation (the firm
	// observes it only where S is true).
	Y []float64
	// W is the observed outcome w; W1 and W0 are the potential outcomes
	// w(1) = y + δ and w(0) = y, so W[i] == W1[i] where S[i], else W0[i].
	W, W1, W0 []float64
	// S reports selection (contact): s = 1{s* > 0}.
	S []bool
}

// K returns the number of covariates (excluding the intercept and z).
func (s *Sample) K() int { return len(s.X) }

// Selected returns the number of observations with s = 1.
func (s *Sample) Selected() int {
	c := 0
	for _, b := range s.S {
		if b {
			c++
		}
	}
	return c
}

// Error families.
const (
	famNormal = iota
	famT
	famSkewNormal
	famUniform
	famMixture
)

// errorLaw draws standardised pairs (a1, a2) of one error family.
type errorLaw struct {
	family int
	// t: a = N·√((df−2)/χ²_df).
	df, dfm2 float64
	// skew normal: X = δ|N0| + c N1, a = (X − mean)/sd.
	delta, c, mean, sd float64
	// mixture: component 2 with probability w is shift + scale·N.
	w, shift, scale float64
}

func newErrorLaw(tb *scenarios.Textbook) (errorLaw, error) {
	var l errorLaw
	switch tb.Errors {
	case "normal":
		l.family = famNormal
	case "t":
		if !(tb.DF > 2) || math.IsNaN(tb.DF) {
			return l, fmt.Errorf("textbook.df = %v: t errors need more than 2 degrees of freedom (finite variance)", tb.DF)
		}
		if math.IsInf(tb.DF, 1) {
			l.family = famNormal
			break
		}
		l.family = famT
		l.df, l.dfm2 = tb.DF, tb.DF-2
	case "skew_normal":
		if math.IsNaN(tb.Skew) || math.IsInf(tb.Skew, 0) {
			return l, fmt.Errorf("textbook.skew = %v: the skew-normal shape must be a finite number", tb.Skew)
		}
		l.family = famSkewNormal
		l.delta = tb.Skew / math.Sqrt(1+tb.Skew*tb.Skew)
		l.c = math.Sqrt(1 - l.delta*l.delta)
		l.mean = l.delta * math.Sqrt(2/math.Pi)
		l.sd = math.Sqrt(1 - 2*l.delta*l.delta/math.Pi)
	case "uniform":
		l.family = famUniform
	case "mixture":
		w, m, sc := tb.MixtureWeight, tb.MixtureShift, tb.MixtureScale
		if !(w >= 0 && w <= 1) {
			return l, fmt.Errorf("textbook.mixture_weight = %v: a mixture weight must be in [0, 1]", w)
		}
		if !(sc > 0) || math.IsInf(sc, 1) {
			return l, fmt.Errorf("textbook.mixture_scale = %v: a standard deviation must be > 0", sc)
		}
		if math.IsNaN(m) || math.IsInf(m, 0) {
			return l, fmt.Errorf("textbook.mixture_shift = %v: the shift must be a finite number", m)
		}
		l.family = famMixture
		l.w, l.shift, l.scale = w, m, sc
		l.mean, l.sd = mixtureMoments(w, m, sc)
	default:
		return l, fmt.Errorf("textbook.errors = %q: must be one of normal, t, skew_normal, uniform, mixture", tb.Errors)
	}
	return l, nil
}

// mixtureMoments returns the mean and sd of (1−w)N(0,1) + wN(m, s²).
func mixtureMoments(w, m, s float64) (mean, sd float64) {
	mean = w * m
	// E[X²] = (1−w)·1 + w(s² + m²).
	v := (1-w)*1 + w*(s*s+m*m) - mean*mean
	return mean, math.Sqrt(v)
}

// one draws a single standardised value.
func (l *errorLaw) one(st *rng.Stream) float64 {
	switch l.family {
	case famT:
		return st.Normal() * math.Sqrt(l.dfm2/st.ChiSquare(l.df))
	case famSkewNormal:
		n0, n1 := st.Normal2()
		return (l.delta*math.Abs(n0) + l.c*n1 - l.mean) / l.sd
	case famUniform:
		return sqrt3 * (2*st.Float64() - 1)
	case famMixture:
		second := st.Float64() < l.w
		x := st.Normal()
		if second {
			x = l.shift + l.scale*x
		}
		return (x - l.mean) / l.sd
	}
	return st.Normal()
}

// pair draws (a1, a2), iid standardised.
func (l *errorLaw) pair(st *rng.Stream) (float64, float64) {
	if l.family == famNormal {
		return st.Normal2()
	}
	a1 := l.one(st)
	return a1, l.one(st)
}

// Covariate families.
const (
	covNormal = iota
	covUniform
	covBinary
)

// covariateLaw turns m iid standard normals into the covariates.
type covariateLaw struct {
	family int
	m      int
	a, b   float64 // g_j = a ε_j + b ε̄
}

func newCovariateLaw(tb *scenarios.Textbook) (covariateLaw, error) {
	l := covariateLaw{m: len(tb.Beta)}
	r := tb.CovariateCorrelation
	if math.IsNaN(r) || r < -1 || r > 1 {
		return l, fmt.Errorf("textbook.covariate_correlation = %v: a correlation must be in [−1, 1]", r)
	}
	rho := r
	switch tb.Covariates {
	case "normal":
		l.family = covNormal
	case "uniform":
		l.family = covUniform
		rho = 2 * math.Sin(math.Pi*r/6)
	case "binary":
		l.family = covBinary
		rho = math.Sin(math.Pi * r / 2)
	default:
		return l, fmt.Errorf("textbook.covariates = %q: must be one of normal, uniform, binary", tb.Covariates)
	}
	if k := l.m - 1; k >= 1 && !(rho > -1/float64(k)) {
		return l, fmt.Errorf("textbook.covariate_correlation = %v: with %d %s covariates and z the common correlation is not attainable (the underlying normal correlation %.6g must exceed −1/%d)", r, k, tb.Covariates, rho, k)
	}
	l.a = math.Sqrt(1 - rho)
	l.b = math.Sqrt(1+float64(l.m-1)*rho) - l.a
	return l, nil
}

// transform maps an equicorrelated standard normal to the family.
func (l *covariateLaw) transform(g float64) float64 {
	switch l.family {
	case covUniform:
		// 2Φ(g) − 1 = erf(g/√2).
		return sqrt3 * math.Erf(g/math.Sqrt2)
	case covBinary:
		if g > 0 {
			return 1
		}
		return 0
	}
	return g
}

// Check reports whether tb can be simulated: the checks Simulate makes
// before drawing anything.
func Check(tb scenarios.Textbook) error {
	_, _, err := compile(&tb)
	return err
}

func compile(tb *scenarios.Textbook) (covariateLaw, errorLaw, error) {
	if len(tb.Beta) == 0 {
		return covariateLaw{}, errorLaw{}, errors.New("textbook.beta is empty: it needs at least the intercept")
	}
	if len(tb.Gamma) != len(tb.Beta) {
		return covariateLaw{}, errorLaw{}, fmt.Errorf("textbook.gamma has %d values but beta has %d; they must have the same length (intercept first)", len(tb.Gamma), len(tb.Beta))
	}
	for _, x := range [...]struct {
		name string
		v    float64
	}{{"exclusion", tb.Exclusion}, {"sigma", tb.Sigma}, {"delta", tb.Delta}, {"rho", tb.Rho}} {
		if math.IsNaN(x.v) || math.IsInf(x.v, 0) {
			return covariateLaw{}, errorLaw{}, fmt.Errorf("textbook.%s = %v: must be a finite number", x.name, x.v)
		}
	}
	for j := range tb.Beta {
		if math.IsNaN(tb.Beta[j]) || math.IsInf(tb.Beta[j], 0) || math.IsNaN(tb.Gamma[j]) || math.IsInf(tb.Gamma[j], 0) {
			return covariateLaw{}, errorLaw{}, fmt.Errorf("textbook.beta[%d] / gamma[%d]: coefficients must be finite numbers", j, j)
		}
	}
	if tb.Rho < -1 || tb.Rho > 1 {
		return covariateLaw{}, errorLaw{}, fmt.Errorf("textbook.rho = %v: a correlation must be in [−1, 1]", tb.Rho)
	}
	if !(tb.Sigma > 0) {
		return covariateLaw{}, errorLaw{}, fmt.Errorf("textbook.sigma = %v: a standard deviation must be > 0", tb.Sigma)
	}
	if err := checkOutcome(tb); err != nil {
		return covariateLaw{}, errorLaw{}, err
	}
	cl, err := newCovariateLaw(tb)
	if err != nil {
		return cl, errorLaw{}, err
	}
	el, err := newErrorLaw(tb)
	return cl, el, err
}

// checkOutcome checks the outcome kind and its cutpoints.
func checkOutcome(tb *scenarios.Textbook) error {
	switch tb.Outcome {
	case "", "linear":
		return nil
	case "binary", "ordered":
	default:
		return fmt.Errorf("textbook.outcome = %q: must be one of linear, binary, ordered", tb.Outcome)
	}
	if tb.Errors != "normal" {
		return fmt.Errorf("textbook.outcome = %q needs normal errors (errors = %q): its truth is computed from the normal law", tb.Outcome, tb.Errors)
	}
	if tb.Outcome == "ordered" && len(tb.Cutpoints) == 0 {
		return errors.New("textbook.cutpoints is empty: an ordered outcome needs at least one cutpoint")
	}
	for j, c := range tb.Cutpoints {
		if math.IsNaN(c) || math.IsInf(c, 0) || (j > 0 && !(c > tb.Cutpoints[j-1])) {
			return fmt.Errorf("textbook.cutpoints = %v: cutpoints must be finite and strictly increasing", tb.Cutpoints)
		}
	}
	return nil
}

// Simulate draws n observations of the textbook DGP for replication rep
// under seed. Observation i depends only on (seed, rep, i) and tb, so a
// smaller n gives a prefix of a larger one. It returns ctx.Err() if ctx
// is cancelled (checked every 65,536 observations) and an error if tb
// cannot be simulated (see Check) or n < 1.
func Simulate(ctx context.Context, tb scenarios.Textbook, n int, seed, rep uint64) (*Sample, error) {
	if n < 1 {
		return nil, fmt.Errorf("textbook: n = %d observations; need at least 1", n)
	}
	cl, el, err := compile(&tb)
	if err != nil {
		return nil, err
	}
	k := len(tb.Beta) - 1
	m := k + 1

	// One backing array: k covariate columns, then Z, U, E, Y, W, W1, W0.
	cols := k + 7
	buf := make([]float64, cols*n)
	col := func(c int) []float64 { return buf[c*n : (c+1)*n : (c+1)*n] }
	s := &Sample{N: n, Seed: seed, Rep: rep, X: make([][]float64, k), S: make([]bool, n)}
	for j := range k {
		s.X[j] = col(j)
	}
	s.Z, s.U, s.E, s.Y = col(k), col(k+1), col(k+2), col(k+3)
	s.W, s.W1, s.W0 = col(k+4), col(k+5), col(k+6)

	eps := make([]float64, m+1) // +1: Normal2 fills pairs
	beta, gamma := tb.Beta, tb.Gamma
	rho := tb.Rho
	rhoC := math.Sqrt(1 - rho*rho)
	base := rng.Base(seed, rep)
	for i := range n {
		if i%ctxEvery == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		unit := base.Unit(uint64(i))

		// Covariates and z.
		cs := rng.NewStream(unit.Purpose(rng.PurposeCovariates))
		sum := 0.0
		for j := 0; j < m; j += 2 {
			eps[j], eps[j+1] = cs.Normal2()
			sum += eps[j]
			if j+1 < m {
				sum += eps[j+1]
			}
		}
		bbar := cl.b * (sum / float64(m))
		xb, xg := beta[0], gamma[0]
		for j := range k {
			x := cl.transform(cl.a*eps[j] + bbar)
			s.X[j][i] = x
			xb += beta[j+1] * x
			xg += gamma[j+1] * x
		}
		z := cl.transform(cl.a*eps[k] + bbar)
		s.Z[i] = z
		xg += tb.Exclusion * z

		// Errors.
		es := rng.NewStream(unit.Purpose(rng.PurposeErrors))
		a1, a2 := el.pair(&es)
		u := a1
		e := rho*a1 + rhoC*a2
		s.U[i], s.E[i] = u, e

		sel := xg+u > 0
		ys := xb + tb.Sigma*e
		y := observe(tb, ys)
		s.S[i] = sel
		s.Y[i] = y
		s.W0[i] = y
		w1 := observe(tb, ys+tb.Delta)
		s.W1[i] = w1
		if sel {
			s.W[i] = w1
		} else {
			s.W[i] = y
		}
	}
	return s, nil
}

// observe maps the latent y* = xβ + σε (plus δ for w(1)) to the
// observed value of the outcome kind: y* itself (linear), 1{y* > 0}
// (binary), or 1 + the number of cutpoints below y* (ordered).
func observe(tb scenarios.Textbook, ys float64) float64 {
	switch tb.Outcome {
	case "binary":
		if ys > 0 {
			return 1
		}
		return 0
	case "ordered":
		c := 1.0
		for _, k := range tb.Cutpoints {
			if ys > k {
				c++
			}
		}
		return c
	}
	return ys
}

// Index returns the selection index γ0 + Σ γj xj + γz z of observation i
// (s* minus u).
func Index(tb scenarios.Textbook, s *Sample, i int) float64 {
	q := tb.Gamma[0] + tb.Exclusion*s.Z[i]
	for j, x := range s.X {
		q += tb.Gamma[j+1] * x[i]
	}
	return q
}

package estimators

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// checkTreatment reports an error unless d has n values, each 0 or 1, with
// at least one of each; it returns the number of treated rows.
func checkTreatment(d []float64, n int) (n1 int, err error) {
	if len(d) != n {
		return 0, fmt.Errorf("design has %d rows but the treatment has %d values", n, len(d))
	}
	for i, v := range d {
		switch v {
		case 1:
			n1++
		case 0:
		default:
			return 0, fmt.Errorf("treatment must be 0 or 1, is %v in row %d", v, i+1)
		}
	}
	if n1 == 0 {
		return 0, fmt.Errorf("no treated observations (the treatment is 0 in all %d rows)", n)
	}
	if n1 == n {
		return 0, fmt.Errorf("no untreated observations (the treatment is 1 in all %d rows)", n)
	}
	return n1, nil
}

// checkOutcome reports an error unless y has n finite values.
func checkOutcome(y []float64, n int) error {
	if len(y) != n {
		return fmt.Errorf("design has %d rows but the outcome has %d values", n, len(y))
	}
	for i, v := range y {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("outcome is %v in row %d", v, i+1)
		}
	}
	return nil
}

// propFit is a logit propensity score fit.
type propFit struct {
	fit  *binFit
	p, q []float64 // p̂ᵢ = Λ(zᵢ'γ̂) and 1 − p̂ᵢ, each computed without cancellation
	eq   Equation  // "propensity"
	n1   int
}

// fitPropensity checks the treatment and outcome, fits the logit of d on Z
// and returns the fitted propensities. A propensity within
// overlapTolerance of 0 or 1 is an ErrOverlap; perfect separation is
// reported by the logit.
func fitPropensity(Z *mat.Dense, d []float64, zNames []string, y []float64, opts Options) (*propFit, error) {
	if Z == nil {
		return nil, fmt.Errorf("propensity design matrix is nil")
	}
	n, _ := Z.Dims()
	n1, err := checkTreatment(d, n)
	if err != nil {
		return nil, err
	}
	if err := checkOutcome(y, n); err != nil {
		return nil, err
	}
	fit, err := fitBinary(logitLink, Z, d, zNames, opts)
	if err != nil {
		return nil, fmt.Errorf("propensity logit: %w", err)
	}
	cov := fit.cov
	if opts.Clusters != nil {
		if cov, err = fit.clusterCov(Z, d, opts.Clusters, stataFactor); err != nil {
			return nil, err
		}
	}
	eq, err := equation("propensity", zNames, fit.beta, cov)
	if err != nil {
		return nil, err
	}
	pf := &propFit{fit: fit, p: make([]float64, n), q: make([]float64, n), eq: eq, n1: n1}
	for i, e := range fit.eta {
		var p, q float64
		if e > 0 {
			z := math.Exp(-e)
			p, q = 1/(1+z), z/(1+z)
		} else {
			z := math.Exp(e)
			p, q = z/(1+z), 1/(1+z)
		}
		if !(p > 0) || math.IsInf(1/p, 0) {
			return nil, fmt.Errorf("estimated propensity is 0 in row %d (linear predictor %.4g): no overlap", i+1, e)
		}
		if !(q > 0) || math.IsInf(1/q, 0) {
			return nil, fmt.Errorf("estimated propensity is 1 in row %d (linear predictor %.4g): no overlap", i+1, e)
		}
		if min(p, q) < overlapTolerance {
			return nil, fmt.Errorf("%w: estimated propensity %.3g in row %d (treatment %g) is within %g of %g", ErrOverlap, p, i+1, d[i], overlapTolerance, math.Round(p))
		}
		pf.p[i], pf.q[i] = p, q
	}
	return pf, nil
}

// overlapTolerance is the smallest estimated propensity (and 1 − the
// largest) the weighting estimators accept: Stata's teffects default,
// pstolerance(1e-5). Beyond it one row's inverse weight exceeds 10⁵, and
// the estimate is that row's outcome more than anything else.
const overlapTolerance = 1e-5

// ErrOverlap is an estimated propensity too near 0 or 1 for ipw, aipw
// and psm (see overlapTolerance): the treatment overlap assumption is
// violated in the sample — trim the covariate range, or use a model of
// the propensity that does not extrapolate (a log instead of a level).
var ErrOverlap = errors.New("treatment overlap violated")

// IPW estimates the average treatment effect (ATE), the effect on the
// treated (ATT) and on the untreated (ATU) of a binary treatment d on an
// outcome y by inverse probability weighting, assuming selection on the
// observables in Z (unconfoundedness and overlap).
//
// The propensity score p(z) = Pr(d = 1 | z) = Λ(z'γ) is a logit of d on Z
// (see Logit). Each effect is a difference of normalised (Hájek) weighted
// means μ̂₁ − μ̂₀,
//
//	μ̂₁ = Σ dᵢaᵢyᵢ / Σ dᵢaᵢ,   μ̂₀ = Σ (1−dᵢ)bᵢyᵢ / Σ (1−dᵢ)bᵢ,
//
// with weights (a, b) = (1/p, 1/(1−p)) for the ATE, (1, p/(1−p)) for the
// ATT and ((1−p)/p, 1) for the ATU (Hirano, Imbens & Ridder 2003,
// Econometrica 71(4); Lunceford & Davidian 2004, Statistics in Medicine
// 23(19)). Normalised weights sum to one within each group, so the
// estimate is invariant to adding a constant to y.
//
// Standard errors are those of the M-estimator that stacks the logit score
// Σ(dᵢ − pᵢ)zᵢ = 0 with the two weighted-mean equations
// Σ dᵢaᵢ(yᵢ − μ₁) = 0 and Σ (1−dᵢ)bᵢ(yᵢ − μ₀) = 0, so they account for the
// estimated propensity (Lunceford & Davidian 2004, §3). With
// Iγ = Σ pᵢ(1−pᵢ)zᵢzᵢ', G₁ = Σ dᵢ(∂aᵢ/∂η)(yᵢ − μ̂₁)zᵢ,
// G₀ = Σ (1−dᵢ)(∂bᵢ/∂η)(yᵢ − μ̂₀)zᵢ and S₁ = Σdᵢaᵢ, S₀ = Σ(1−dᵢ)bᵢ, the
// sandwich variance of μ̂₁ − μ̂₀ is Σ uᵢ² with
//
//	uᵢ = [dᵢaᵢ(yᵢ − μ̂₁) + G₁'Iγ⁻¹(dᵢ − pᵢ)zᵢ]/S₁
//	   − [(1−dᵢ)bᵢ(yᵢ − μ̂₀) + G₀'Iγ⁻¹(dᵢ − pᵢ)zᵢ]/S₀,
//
// the empirical sandwich A⁻¹BA⁻ᵀ/n without a degrees-of-freedom factor.
//
// With Options.Clusters the variance is G/(G−1)·Σ_g(Σ_{i∈g} uᵢ)² and the
// propensity logit's covariance is clustered likewise. Weights are
// refused.
//
// The result has the equation "propensity" (the logit) and the effects
// "ate", "att" and "atu". d must be 0 or 1 with both values present; a
// propensity of exactly 0 or 1 and perfect separation in the logit are
// errors. Iterations and Converged describe the logit.
func IPW(Z *mat.Dense, d []float64, zNames []string, y []float64, opts Options) (*Result, error) {
	fail := func(err error) (*Result, error) { return nil, fmt.Errorf("ipw: %w", err) }
	if opts.Weights != nil {
		return fail(ErrWeights)
	}
	pf, err := fitPropensity(Z, d, zNames, y, opts)
	if err != nil {
		return fail(err)
	}
	n, k := Z.Dims()
	zr := Z.RawMatrix()
	row := func(i int) []float64 { return zr.Data[i*zr.Stride : i*zr.Stride+k] }
	cov := pf.fit.cov
	p, q := pf.p, pf.q
	g := 0
	if opts.Clusters != nil {
		if g, err = clusterCount(opts.Clusters, n); err != nil {
			return fail(err)
		}
	}
	us := make([]float64, n)

	type weights func(i int) (a, da, b, db float64)
	estimands := []struct {
		name string
		w    weights
	}{
		{"ate", func(i int) (float64, float64, float64, float64) {
			return 1 / p[i], -q[i] / p[i], 1 / q[i], p[i] / q[i]
		}},
		{"att", func(i int) (float64, float64, float64, float64) {
			return 1, 0, p[i] / q[i], p[i] / q[i]
		}},
		{"atu", func(i int) (float64, float64, float64, float64) {
			return q[i] / p[i], -q[i] / p[i], 1, 0
		}},
	}
	res := &Result{
		Method: "ipw", N: n,
		Equations: []Equation{pf.eq},
		Converged: true, Iterations: pf.fit.iter,
	}
	for _, e := range estimands {
		var s1, s0, t1, t0 float64
		for i := 0; i < n; i++ {
			a, _, b, _ := e.w(i)
			if d[i] == 1 {
				s1 += a
				t1 += a * y[i]
			} else {
				s0 += b
				t0 += b * y[i]
			}
		}
		mu1, mu0 := t1/s1, t0/s0
		g1 := make([]float64, k)
		g0 := make([]float64, k)
		for i := 0; i < n; i++ {
			_, da, _, db := e.w(i)
			x := row(i)
			if d[i] == 1 {
				c := da * (y[i] - mu1)
				for j, v := range x {
					g1[j] += c * v
				}
			} else {
				c := db * (y[i] - mu0)
				for j, v := range x {
					g0[j] += c * v
				}
			}
		}
		// c = Iγ⁻¹(G₁/S₁ − G₀/S₀), so that the propensity part of uᵢ is
		// c'(dᵢ − pᵢ)zᵢ.
		c := make([]float64, k)
		for a := 0; a < k; a++ {
			var s float64
			for b := 0; b < k; b++ {
				s += cov[a*k+b] * (g1[b]/s1 - g0[b]/s0)
			}
			c[a] = s
		}
		for i := 0; i < n; i++ {
			a, _, b, _ := e.w(i)
			var u float64
			if d[i] == 1 {
				u = a * (y[i] - mu1) / s1
			} else {
				u = -b * (y[i] - mu0) / s0
			}
			var cz float64
			for j, x := range row(i) {
				cz += c[j] * x
			}
			us[i] = u + cz*(d[i]-p[i])
		}
		v := clusterVar(us, opts.Clusters, g)
		res.Effects = append(res.Effects, Aux{Name: e.name, Estimate: mu1 - mu0, StdError: math.Sqrt(v), HasSE: true})
	}
	if err := res.check(); err != nil {
		return nil, err
	}
	return res, nil
}

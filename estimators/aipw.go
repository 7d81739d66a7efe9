package estimators

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// groupOLS fits y on X by least squares over the rows with d = g and
// returns the equation (classical standard errors) and the coefficients.
func groupOLS(name string, X *mat.Dense, y, d []float64, g float64, names []string, opts Options) (Equation, []float64, error) {
	n, k := X.Dims()
	xr := X.RawMatrix()
	var rows, ys []float64
	for i := 0; i < n; i++ {
		if d[i] == g {
			rows = append(rows, xr.Data[i*xr.Stride:i*xr.Stride+k]...)
			ys = append(ys, y[i])
		}
	}
	m := len(ys)
	if m <= k {
		return Equation{}, nil, fmt.Errorf("%s: %d observations are too few for %d coefficients", name, m, k)
	}
	res, err := OLS(mat.NewDense(m, k, rows), ys, names, Options{VCE: opts.VCE,
		Clusters: subClusters(opts.Clusters, func(i int) bool { return d[i] == g })})
	if err != nil {
		return Equation{}, nil, fmt.Errorf("%s: %w", name, err)
	}
	eq := res.Equations[0]
	eq.Name = name
	beta := make([]float64, k)
	for j, c := range eq.Coefs {
		beta[j] = c.Estimate
	}
	return eq, beta, nil
}

// AIPW is the augmented inverse-probability-weighted (doubly robust)
// estimator of the average treatment effect (ATE) and the effects on the
// treated (ATT) and untreated (ATU) of a binary treatment d on y, assuming
// selection on observables (Robins, Rotnitzky & Zhao 1994, JASA 89(427);
// Bang & Robins 2005, Biometrics 61(4)). It is consistent when either the
// propensity model or the outcome model is correct.
//
// The propensity p̂ᵢ is a logit of d on Z (see Logit); the outcome models
// are least-squares fits of y on X separately among the treated, m̂₁(x) =
// x'β̂₁, and the untreated, m̂₀(x) = x'β̂₀ (each with its own intercept if X
// has one). With π̂ = n₁/n,
//
//	ATE = (1/n)Σ ψᵢ,  ψᵢ = m̂₁ᵢ − m̂₀ᵢ + dᵢ(yᵢ − m̂₁ᵢ)/p̂ᵢ − (1−dᵢ)(yᵢ − m̂₀ᵢ)/(1 − p̂ᵢ),
//	ATT = (1/n₁)Σ [dᵢ(yᵢ − m̂₀ᵢ) − (1−dᵢ)p̂ᵢ/(1−p̂ᵢ)·(yᵢ − m̂₀ᵢ)],
//	ATU = (1/n₀)Σ [(1−dᵢ)(m̂₁ᵢ − yᵢ) + dᵢ(1−p̂ᵢ)/p̂ᵢ·(yᵢ − m̂₁ᵢ)],
//
// the ATT and ATU being the doubly robust estimators built on the
// efficient influence functions of Hahn (1998, Econometrica 66(2)), as in
// Mercatanti & Li (2014, Annals of Applied Statistics 8(4)) and Moodie,
// Saarela & Stephens (2018, Stat 7(1), e205). The weights are not
// normalised.
//
// By default (Options.EffectVCE Stacked) standard errors are those of
// the stacked M-estimator — the propensity logit, the two outcome
// regressions and the effect's own equation estimated jointly, as Stata's teffects aipw reports them (Cattaneo 2010,
// J. Econometrics 155(2)) — written as influence functions: an effect's
// term (ψᵢ − ATE for the ATE; the ATT's and ATU's below) plus, for each
// nuisance fit η (γ, β₁, β₀), Ḡ_η H_η⁻¹ s_ηᵢ, where s_ηᵢ is observation i's
// score of that fit, H_η the mean of minus its derivative and Ḡ_η the mean
// derivative of the effect's estimating equation in η. Var(ATE) =
// Σφᵢ²/n², Var(ATT) = Σ(φᵢ/n₁)² with φᵢ = dᵢ(yᵢ − m̂₀ᵢ − ATT) −
// (1−dᵢ)p̂ᵢ/(1−p̂ᵢ)(yᵢ − m̂₀ᵢ) + its corrections, and the ATU likewise (no
// degrees-of-freedom factor). When both models are correct the
// corrections vanish asymptotically; when one is wrong, treating the
// fits as known understates the SE. The test checks them against a
// numerical-Jacobian stacked sandwich in R (testdata/r_aipw_stacked.R).
// EffectVCE Influence drops the corrections, treating the fits as known.
//
// With Options.Clusters each effect's variance is G/(G−1) times the sum
// over clusters of the squared cluster sums of its (stacked) influence
// function; the propensity logit and the outcome regressions (CR1 within
// their group's clusters) are clustered too. Weights are refused.
//
// The result has the equations "propensity", "outcome_treated" and
// "outcome_untreated" (least squares with the covariance chosen by
// Options.VCE) and the effects "ate", "att" and "atu". Errors as for IPW,
// plus a rank-deficient outcome design within either group.
func AIPW(Z *mat.Dense, d []float64, zNames []string, X *mat.Dense, y []float64, xNames []string, opts Options) (*Result, error) {
	fail := func(err error) (*Result, error) { return nil, fmt.Errorf("aipw: %w", err) }
	if opts.Weights != nil {
		return fail(ErrWeights)
	}
	if X == nil {
		return fail(fmt.Errorf("outcome design matrix is nil"))
	}
	pf, err := fitPropensity(Z, d, zNames, y, opts)
	if err != nil {
		return fail(err)
	}
	n, _ := Z.Dims()
	if _, _, err := checkDesign(X, y, xNames); err != nil {
		return fail(fmt.Errorf("outcome design: %w", err))
	}
	eq1, b1, err := groupOLS("outcome_treated", X, y, d, 1, xNames, opts)
	if err != nil {
		return fail(err)
	}
	eq0, b0, err := groupOLS("outcome_untreated", X, y, d, 0, xNames, opts)
	if err != nil {
		return fail(err)
	}
	_, k := X.Dims()
	xr := X.RawMatrix()
	m1 := make([]float64, n)
	m0 := make([]float64, n)
	for i := 0; i < n; i++ {
		var s1, s0 float64
		for j, v := range xr.Data[i*xr.Stride : i*xr.Stride+k] {
			s1 += v * b1[j]
			s0 += v * b0[j]
		}
		m1[i], m0[i] = s1, s0
	}
	p, q := pf.p, pf.q
	n1 := float64(pf.n1)
	n0 := float64(n) - n1
	psi := make([]float64, n)
	var ate, att, atu float64
	for i := 0; i < n; i++ {
		if d[i] == 1 {
			psi[i] = m1[i] - m0[i] + (y[i]-m1[i])/p[i]
			att += y[i] - m0[i]
			atu += q[i] / p[i] * (y[i] - m1[i])
		} else {
			psi[i] = m1[i] - m0[i] - (y[i]-m0[i])/q[i]
			att -= p[i] / q[i] * (y[i] - m0[i])
			atu += m1[i] - y[i]
		}
		ate += psi[i]
	}
	ate /= float64(n)
	att /= n1
	atu /= n0
	cor := &aipwCor{ate: make([]float64, n), att: make([]float64, n), atu: make([]float64, n)}
	if opts.EffectVCE == Stacked {
		if cor, err = aipwCorrections(Z, X, d, y, p, q, m1, m0); err != nil {
			return fail(err)
		}
	}
	g := 0
	if opts.Clusters != nil {
		if g, err = clusterCount(opts.Clusters, n); err != nil {
			return fail(err)
		}
	}
	ua, ut1, uu1 := make([]float64, n), make([]float64, n), make([]float64, n)
	for i := 0; i < n; i++ {
		ua[i] = psi[i] - ate + cor.ate[i]
		var ut, uu float64
		if d[i] == 1 {
			ut = y[i] - m0[i] - att
			uu = q[i] / p[i] * (y[i] - m1[i])
		} else {
			ut = -p[i] / q[i] * (y[i] - m0[i])
			uu = m1[i] - y[i] - atu
		}
		ut1[i], uu1[i] = (ut+cor.att[i])/n1, (uu+cor.atu[i])/n0
	}
	vate := clusterVar(ua, opts.Clusters, g)
	vatt := clusterVar(ut1, opts.Clusters, g)
	vatu := clusterVar(uu1, opts.Clusters, g)
	res := &Result{
		Method: "aipw", N: n,
		Equations: []Equation{pf.eq, eq1, eq0},
		Effects: []Aux{
			{Name: "ate", Estimate: ate, StdError: math.Sqrt(vate) / float64(n), HasSE: true},
			{Name: "att", Estimate: att, StdError: math.Sqrt(vatt), HasSE: true},
			{Name: "atu", Estimate: atu, StdError: math.Sqrt(vatu), HasSE: true},
		},
		Converged: true, Iterations: pf.fit.iter,
	}
	if err := res.check(); err != nil {
		return nil, err
	}
	return res, nil
}

// aipwCor holds each observation's correction of the ATE's, ATT's and
// ATU's influence functions for the estimated nuisance fits.
type aipwCor struct{ ate, att, atu []float64 }

// aipwCorrections returns Σ_η Ḡ_η H_η⁻¹ s_ηᵢ for the ATE, ATT and ATU
// (see AIPW): η is the propensity logit γ (score (dᵢ − p̂ᵢ)zᵢ, H the mean
// of p̂q̂zz'), and the regressions β₁ (score dᵢ(yᵢ − m̂₁ᵢ)xᵢ, H the mean of
// dxx') and β₀ (score (1−dᵢ)(yᵢ − m̂₀ᵢ)xᵢ, H the mean of (1−d)xx').
func aipwCorrections(Z, X *mat.Dense, d, y, p, q, m1, m0 []float64) (*aipwCor, error) {
	n, kz := Z.Dims()
	_, k := X.Dims()
	zr, xr := Z.RawMatrix(), X.RawMatrix()
	zi := func(i int) []float64 { return zr.Data[i*zr.Stride : i*zr.Stride+kz] }
	xi := func(i int) []float64 { return xr.Data[i*xr.Stride : i*xr.Stride+k] }
	hg, h1, h0 := make([]float64, kz*kz), make([]float64, k*k), make([]float64, k*k)
	// Mean derivatives of each effect's equation in γ, β₁, β₀.
	gate, gatt, gatu := make([]float64, kz), make([]float64, kz), make([]float64, kz)
	b1ate, b0ate := make([]float64, k), make([]float64, k)
	b0att, b1atu := make([]float64, k), make([]float64, k)
	inv := 1 / float64(n)
	for i := 0; i < n; i++ {
		z, x := zi(i), xi(i)
		addOuter(hg, z, p[i]*q[i]*inv, kz)
		r1, r0 := y[i]-m1[i], y[i]-m0[i]
		var wg1, wg2, wg3, w1, w0, w0t, w1u float64
		if d[i] == 1 {
			addOuter(h1, x, inv, k)
			wg1 = -r1 * q[i] / p[i]
			wg3 = -r1 * q[i] / p[i]
			w1, w0 = 1-1/p[i], -1
			w0t = -1
			w1u = -q[i] / p[i]
		} else {
			addOuter(h0, x, inv, k)
			wg1 = -r0 * p[i] / q[i]
			wg2 = -r0 * p[i] / q[i]
			w1, w0 = 1, -(1 - 1/q[i])
			w0t = p[i] / q[i]
			w1u = 1
		}
		for j, v := range z {
			gate[j] += wg1 * v * inv
			gatt[j] += wg2 * v * inv
			gatu[j] += wg3 * v * inv
		}
		for j, v := range x {
			b1ate[j] += w1 * v * inv
			b0ate[j] += w0 * v * inv
			b0att[j] += w0t * v * inv
			b1atu[j] += w1u * v * inv
		}
	}
	fillLower(hg, kz)
	fillLower(h1, k)
	fillLower(h0, k)
	hgi, _, ok1 := cholInverse(hg, kz, 1e-12)
	h1i, _, ok2 := cholInverse(h1, k, 1e-12)
	h0i, _, ok3 := cholInverse(h0, k, 1e-12)
	if !ok1 || !ok2 || !ok3 {
		return nil, fmt.Errorf("the propensity or an outcome design is singular")
	}
	// Ḡ H⁻¹, as row vectors.
	lg := func(g []float64) []float64 { return matMul(g, hgi, 1, kz, kz) }
	lx := func(g, hi []float64) []float64 { return matMul(g, hi, 1, k, k) }
	gaL, gtL, guL := lg(gate), lg(gatt), lg(gatu)
	a1L, a0L, t0L, u1L := lx(b1ate, h1i), lx(b0ate, h0i), lx(b0att, h0i), lx(b1atu, h1i)
	c := &aipwCor{ate: make([]float64, n), att: make([]float64, n), atu: make([]float64, n)}
	for i := 0; i < n; i++ {
		z, x := zi(i), xi(i)
		sg := d[i] - p[i]
		var sa, st, su float64
		for j, v := range z {
			sa += gaL[j] * sg * v
			st += gtL[j] * sg * v
			su += guL[j] * sg * v
		}
		if d[i] == 1 {
			r1 := y[i] - m1[i]
			for j, v := range x {
				sa += a1L[j] * r1 * v
				su += u1L[j] * r1 * v
			}
		} else {
			r0 := y[i] - m0[i]
			for j, v := range x {
				sa += a0L[j] * r0 * v
				st += t0L[j] * r0 * v
			}
		}
		c.ate[i], c.att[i], c.atu[i] = sa, st, su
	}
	return c, nil
}

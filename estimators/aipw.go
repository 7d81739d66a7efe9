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
	res, err := OLS(mat.NewDense(m, k, rows), ys, names, Options{VCE: opts.VCE})
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
// Standard errors come from the influence functions, treating the nuisance
// fits as known (which is asymptotically exact when both models are
// correct, since the estimators are then efficient): Var(ATE) =
// Σ(ψᵢ − ATE)²/n², Var(ATT) = Σuᵢ² with
// uᵢ = [dᵢ(yᵢ − m̂₀ᵢ − ATT) − (1−dᵢ)p̂ᵢ/(1−p̂ᵢ)(yᵢ − m̂₀ᵢ)]/n₁, and
// Var(ATU) likewise with uᵢ = [(1−dᵢ)(m̂₁ᵢ − yᵢ − ATU) + dᵢ(1−p̂ᵢ)/p̂ᵢ(yᵢ − m̂₁ᵢ)]/n₀
// (no degrees-of-freedom factor).
//
// The result has the equations "propensity", "outcome_treated" and
// "outcome_untreated" (least squares with the covariance chosen by
// Options.VCE) and the effects "ate", "att" and "atu". Errors as for IPW,
// plus a rank-deficient outcome design within either group.
func AIPW(Z *mat.Dense, d []float64, zNames []string, X *mat.Dense, y []float64, xNames []string, opts Options) (*Result, error) {
	fail := func(err error) (*Result, error) { return nil, fmt.Errorf("aipw: %w", err) }
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
	var vate, vatt, vatu float64
	for i := 0; i < n; i++ {
		e := psi[i] - ate
		vate += e * e
		var ut, uu float64
		if d[i] == 1 {
			ut = (y[i] - m0[i] - att) / n1
			uu = q[i] / p[i] * (y[i] - m1[i]) / n0
		} else {
			ut = -p[i] / q[i] * (y[i] - m0[i]) / n1
			uu = (m1[i] - y[i] - atu) / n0
		}
		vatt += ut * ut
		vatu += uu * uu
	}
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

package estimators

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// The endogenous binary-treatment model of Maddala (1983, Limited-Dependent
// and Qualitative Variables in Econometrics, §5.7 and §4.7; Heckman 1978,
// Econometrica 46(4)), Stata's `etregress`:
//
//	yᵢ = xᵢ'β + δdᵢ + εᵢ,  dᵢ = 1{zᵢ'γ + uᵢ > 0},
//	(uᵢ, εᵢ) bivariate normal, Var(uᵢ) = 1, Var(εᵢ) = σ², Corr = ρ.
//
// TreatRegTwoStep and TreatRegML share the interface: Z (n×kz, usually
// with an intercept and at least one instrument excluded from X) and zNames
// describe the treatment equation; d holds the treatment, 0 or 1; X (n×kx)
// and xNames the outcome regressors *without* the treatment, which the
// functions append as the last outcome column named treatName ("treatment"
// when empty); y is the outcome. Every row is used and must be finite.
//
// The result has the equations "treatment" (γ) and "outcome" (β, then δ
// under treatName), the auxiliary parameters "rho", "sigma" and "lambda"
// (= ρσ, the coefficient of the control function), and the effects "ate",
// "att" and "atu". In this model the effect of the treatment on the outcome
// is the constant δ for everybody, yᵢ(1) − yᵢ(0) = δ, so ate = att = atu = δ
// with δ's standard error. (The gap of the *observed* means of treated and
// untreated, E[y | d=1] − E[y | d=0], also contains the selection term
// ρσ(E[λ(zγ) | d=1] + E[λ(−zγ) | d=0]); it is not a causal effect and is
// not reported.)

func treatName(name string) string {
	if name == "" {
		return "treatment"
	}
	return name
}

// checkTreat validates the inputs of the treatment models.
func checkTreat(Z *mat.Dense, d []float64, zNames []string, X *mat.Dense, y []float64, xNames []string) (n1 int, err error) {
	if Z == nil || X == nil {
		return 0, fmt.Errorf("design matrix is nil")
	}
	n, _ := Z.Dims()
	if len(d) != n {
		return 0, fmt.Errorf("treatment design has %d rows but the treatment has %d values", n, len(d))
	}
	if _, _, err := checkDesign(X, y, xNames); err != nil {
		return 0, fmt.Errorf("outcome equation: %w", err)
	}
	if nx, _ := X.Dims(); nx != n {
		return 0, fmt.Errorf("outcome design has %d rows, but the treatment equation has %d", nx, n)
	}
	return checkTreatment(d, n)
}

// effectsOf returns ate = att = atu = δ (see the model description).
func effectsOf(delta Coef) []Aux {
	out := make([]Aux, 3)
	for i, nm := range []string{"ate", "att", "atu"} {
		out[i] = Aux{Name: nm, Estimate: delta.Estimate, StdError: delta.StdError, HasSE: true}
	}
	return out
}

// TreatRegTwoStep is the two-step (control-function) estimator of the
// endogenous-treatment model (Heckman 1978; Maddala 1983, §5.7; Stata
// `etregress, twostep`).
//
// Step 1 is a probit of d on Z (γ̂, covariance V_γ from the observed
// information). Step 2 is least squares of y on W = [X d h] over all n rows
// with the generalised residual
//
//	hᵢ = dᵢλ(cᵢ) − (1 − dᵢ)λ(−cᵢ),  cᵢ = zᵢ'γ̂,  λ(t) = φ(t)/Φ(t),
//
// because E[εᵢ | dᵢ, zᵢ] = ρσhᵢ; the coefficient of h estimates ρσ and is
// reported as "lambda". With δᵢ = hᵢ(hᵢ + cᵢ), Var(εᵢ | dᵢ, zᵢ) =
// σ²(1 − ρ²δᵢ), so that
//
//	σ̂² = e'e/n + β̂_h²(1/n)Σδᵢ,   ρ̂ = β̂_h/σ̂
//
// ("sigma" and "rho", reported without standard errors; ρ̂ is not
// truncated to [−1, 1]). Since ∂hᵢ/∂γ = −δᵢzᵢ in both arms, the covariance
// of (β̂, δ̂, β̂_h) corrected for heteroskedasticity and for the estimated
// γ̂ has the same form as Heckman's two-step selection estimator (Heckman
// 1979; Greene 1981; Greene, Econometric Analysis, 5th ed., p. 785;
// Maddala 1983, p. 122), now over all n rows:
//
//	V = σ̂²(W'W)⁻¹[W'(I − ρ̂²Δ)W + ρ̂²(W'ΔZ)V_γ(Z'ΔW)](W'W)⁻¹,  Δ = diag(δᵢ).
//
// Iterations and Converged describe the probit; there is no
// log-likelihood. See the model description above for the arguments and
// the result; the method is "treatreg-twostep".
func TreatRegTwoStep(Z *mat.Dense, d []float64, zNames []string, X *mat.Dense, y []float64, xNames []string, treatName string, opts Options) (*Result, error) {
	res, _, err := treatTwoStep(Z, d, zNames, X, y, xNames, treatName, opts)
	if err != nil {
		return nil, fmt.Errorf("treatreg-twostep: %w", err)
	}
	return res, nil
}

// treatTwoStep also returns the probit fit for TreatRegML's start.
func treatTwoStep(Z *mat.Dense, d []float64, zNames []string, X *mat.Dense, y []float64, xNames []string, tname string, opts Options) (*Result, *binFit, error) {
	if opts.Weights != nil {
		return nil, nil, ErrWeights
	}
	n1, err := checkTreat(Z, d, zNames, X, y, xNames)
	if err != nil {
		return nil, nil, err
	}
	tname = treatName(tname)
	n, kz := Z.Dims()
	_, kx := X.Dims()
	pf, err := fitBinary(probitLink, Z, d, zNames, opts)
	if err != nil {
		return nil, nil, fmt.Errorf("treatment probit: %w", err)
	}
	selEq, err := equation("treatment", zNames, pf.beta, pf.cov)
	if err != nil {
		return nil, nil, err
	}
	h := make([]float64, n)
	delta := make([]float64, n)
	for i, c := range pf.eta {
		if d[i] == 1 {
			h[i] = invMills(c)
		} else {
			h[i] = -invMills(-c)
		}
		delta[i] = h[i] * (h[i] + c)
	}
	p := kx + 2
	names := append(append([]string(nil), xNames...), tname, "lambda")
	xr := X.RawMatrix()
	row := func(i int, dst []float64) {
		copy(dst, xr.Data[i*xr.Stride:i*xr.Stride+kx])
		dst[kx] = d[i]
		dst[kx+1] = h[i]
	}
	fit, err := lsOnRows(n, p, names, func(i int, dst []float64) {
		row(i, dst)
		dst[p] = y[i]
	})
	if err != nil {
		return nil, nil, fmt.Errorf("outcome equation: %w", err)
	}

	// W'ΔW (p×p), W'ΔZ (p×kz) and Σδ.
	zr := Z.RawMatrix()
	m1, m2, sumDelta := deltaMoments(n, p, kz, row, func(i int) []float64 {
		return zr.Data[i*zr.Stride : i*zr.Stride+kz]
	}, delta)

	bh := fit.beta[kx+1]
	sigma2 := fit.sse/float64(n) + bh*bh*sumDelta/float64(n)
	if !(sigma2 > 0) {
		return nil, nil, fmt.Errorf("outcome equation: estimated error variance is %v", sigma2)
	}
	sigma := math.Sqrt(sigma2)
	rho := bh / sigma
	rho2 := rho * rho
	V := twoStepCov(fit, m1, m2, pf.cov, kz, sigma2, rho2)
	if opts.Clusters != nil {
		all := make([]int, n)
		for i := range all {
			all[i] = i
		}
		ts := &twoStep{probit: pf, Z: Z, s: d, rowOf: all, delta: delta, lam: kx + 1, fit: fit,
			w: row, y: func(i int) float64 { return y[i] }}
		vg, vc, err := ts.clusterCov(opts.Clusters)
		if err != nil {
			return nil, nil, err
		}
		if selEq, err = equation("treatment", zNames, pf.beta, vg); err != nil {
			return nil, nil, err
		}
		V = vc
	}
	k1 := kx + 1
	outEq, err := equation("outcome", names[:k1], fit.beta[:k1], subCov(V, p, 0, k1))
	if err != nil {
		return nil, nil, err
	}
	vl := V[(kx+1)*p+kx+1]
	if !(vl >= 0) {
		return nil, nil, fmt.Errorf("variance of lambda is %v", vl)
	}
	res := &Result{
		Method: "treatreg-twostep", N: n, NSelected: n1,
		Equations: []Equation{selEq, outEq},
		Auxiliary: []Aux{
			{Name: "lambda", Estimate: bh, StdError: math.Sqrt(vl), HasSE: true},
			{Name: "sigma", Estimate: sigma},
			{Name: "rho", Estimate: rho},
		},
		Effects:   effectsOf(outEq.Coefs[kx]),
		Converged: true, Iterations: pf.iter,
	}
	if err := res.check(); err != nil {
		return nil, nil, err
	}
	return res, pf, nil
}

// TreatRegML fits the endogenous-treatment model by maximum likelihood
// (Maddala 1983, §5.7; Stata `etregress`). With εᵢ = yᵢ − xᵢ'β − δdᵢ and
// cᵢ = zᵢ'γ the log-likelihood is
//
//	ℓ = Σ_{d=1} [ log Φ((cᵢ + ρεᵢ/σ)/√(1−ρ²)) + log φ(εᵢ/σ) − log σ ]
//	  + Σ_{d=0} [ log Φ(−(cᵢ + ρεᵢ/σ)/√(1−ρ²)) + log φ(εᵢ/σ) − log σ ],
//
// maximised over (γ, β, δ, atanh ρ, log σ) by Newton–Raphson with the
// analytic gradient and Hessian and step halving (as Heckman, whose
// likelihood it shares; see bivariate.go), started from TreatRegTwoStep
// with ρ̂ clamped into (−0.99, 0.99). Standard errors of γ̂, β̂ and δ̂ come
// from (−H)⁻¹ at the maximum; "athrho", "lnsigma", "rho", "sigma" and
// "lambda" (= ρσ) are reported as by Heckman, with delta-method standard
// errors. ate = att = atu = δ̂. Tests holds the tests of ρ = 0 (see
// rhoTests; ℓ₀ is the probit's log-likelihood plus the normal one of least
// squares of y on x and d). The method is "treatreg"; NSelected is
// the number of treated rows. Non-convergence within Options.MaxIter
// Newton steps is an error naming the count.
func TreatRegML(Z *mat.Dense, d []float64, zNames []string, X *mat.Dense, y []float64, xNames []string, treatName string, opts Options) (*Result, error) {
	fail := func(err error) (*Result, error) { return nil, fmt.Errorf("treatreg: %w", err) }
	start := opts
	start.Clusters = nil // the two-step fit gives starting values only
	two, pf, err := treatTwoStep(Z, d, zNames, X, y, xNames, treatName, start)
	if err != nil {
		return fail(err)
	}
	n, kz := Z.Dims()
	_, kx := X.Dims()
	sig, _ := two.Aux("sigma")
	rho, _ := two.Aux("rho")
	outEq := two.Equations[1]
	p := kz + kx + 3
	theta0 := make([]float64, 0, p)
	theta0 = append(theta0, pf.beta...)
	xNamesT := make([]string, 0, kx+1)
	for _, c := range outEq.Coefs {
		theta0 = append(theta0, c.Estimate)
		xNamesT = append(xNamesT, c.Term)
	}
	theta0 = append(theta0, math.Atanh(clampRho(rho.Estimate)), math.Log(sig.Estimate))
	kind := make([]int8, n)
	for i, v := range d {
		if v == 1 {
			kind[i] = 1
		} else {
			kind[i] = -1
		}
	}
	zr, xr := Z.RawMatrix(), X.RawMatrix()
	model := newBVModel(n, kz, zr.Data, zr.Stride, xr.Data, xr.Stride, kx, d, y, kind)
	pnames := append(append(append([]string(nil), zNames...), xNamesT...), "athrho", "lnsigma")
	fit, err := newtonMax(model.eval, theta0, pnames, opts.maxIter(), p-2)
	if err != nil {
		return fail(err)
	}
	if opts.Clusters != nil {
		if err := fit.clusterCov(n, opts.Clusters, model.scorer); err != nil {
			return fail(err)
		}
	}
	res, err := bvResult("treatreg", "treatment", fit, n, two.NSelected, kz, kx+1, zNames, xNamesT)
	if err != nil {
		return nil, err
	}
	res.Effects = effectsOf(res.Equations[1].Coefs[kx])
	ols, err := lsOnRows(n, kx+1, xNamesT, func(i int, dst []float64) {
		copy(dst, xr.Data[i*xr.Stride:i*xr.Stride+kx])
		dst[kx], dst[kx+1] = d[i], y[i]
	})
	if err != nil { // cannot be: the two-step fit ran the same regression
		return fail(err)
	}
	res.Tests = bvTests(fit, pf.ll+normalLogLik(ols.sse, n), opts.Clusters != nil)
	return res, nil
}

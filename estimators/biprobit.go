package estimators

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// BiProbit fits the recursive bivariate probit model — a binary outcome
// with an endogenous binary treatment (Maddala 1983, Limited-Dependent and
// Qualitative Variables in Econometrics, §5.7; Greene, Econometric
// Analysis, "Recursive bivariate probit models"; Stata's `biprobit` with
// the treatment among the outcome regressors):
//
//	dᵢ = 1{zᵢ'γ + uᵢ > 0},  yᵢ = 1{xᵢ'β + δdᵢ + εᵢ > 0},
//	(uᵢ, εᵢ) standard bivariate normal with correlation ρ,
//
// by maximum likelihood. With q₁ᵢ = 2dᵢ − 1 and q₂ᵢ = 2yᵢ − 1,
//
//	ℓ = Σᵢ log Φ₂(q₁ᵢzᵢ'γ, q₂ᵢ(xᵢ'β + δdᵢ); q₁ᵢq₂ᵢρ)
//
// (Φ₂ the standard bivariate normal CDF, see binormal.go). It is
// maximised over θ = (γ, β, δ, atanh ρ) by Newton–Raphson with the
// analytic gradient and Hessian (see bpModel) and step halving, started
// from the two separate probits (d on Z; y on X and d) and ρ = 0, the
// maximum of the restricted model ρ = 0. Identification by functional
// form alone is fragile; Z should contain a variable excluded from X.
//
// Z (n×kz) and zNames describe the treatment equation, d the treatment
// (0 or 1), X (n×kx) and xNames the outcome regressors *without* the
// treatment, which is appended as the last outcome column named tname
// ("treatment" when empty), and y the outcome (0 or 1). Every row is used.
//
// The result has the equations "treatment" (γ) and "outcome" (β, then δ),
// standard errors from the observed information (−H)⁻¹; the auxiliary
// entries "athrho", "rho"; the Tests of ρ = 0 "lr_rho0" and "wald_rho0"
// (see rhoTests); and the effects of
// the treatment on Pr(y = 1), with delta-method standard errors (see
// biprobitEffects):
//
//	ate = (1/n)Σᵢ [Φ(xᵢ'β + δ) − Φ(xᵢ'β)]
//
// (Stata's `margins, dydx(treatment)` with the treatment a factor), and
// att and atu the means over the treated and the untreated rows of
// E[y(1) − y(0) | d, x, z], which condition on the treatment and so on
// the treatment error. LogLik is ℓ at the maximum.
//
// With Options.Clusters the covariance of θ̂ is the cluster-robust
// G/(G−1)·(−H)⁻¹(Σ_g s_g s_g')(−H)⁻¹ (Stata's vce(cluster); see
// mlFit.clusterCov), s_g the cluster sums of the per-row scores at the
// estimate; the effects' standard errors and the Wald test use it, and
// the LR test is omitted (see rhoTests). Weights are refused (ErrWeights).
//
// It is an error when d or y is not 0/1 or does not vary, when a design is
// rank deficient, when a starting probit fails (perfect or quasi-complete
// separation), or when Newton–Raphson does not converge within
// Options.MaxIter iterations (the error says so when ρ̂ runs to ±1).
func BiProbit(Z *mat.Dense, d []float64, zNames []string, X *mat.Dense, y []float64, xNames []string, tname string, opts Options) (*Result, error) {
	fail := func(err error) (*Result, error) { return nil, fmt.Errorf("biprobit: %w", err) }
	if opts.Weights != nil {
		return fail(ErrWeights)
	}
	if _, err := checkTreat(Z, d, zNames, X, y, xNames); err != nil {
		return fail(err)
	}
	n, kz := Z.Dims()
	_, kx0 := X.Dims()
	kx := kx0 + 1
	for i, v := range y {
		if v != 0 && v != 1 {
			return fail(fmt.Errorf("outcome must be 0 or 1, is %v in row %d", v, i+1))
		}
	}
	pf, err := fitBinary(probitLink, Z, d, zNames, opts.start())
	if err != nil {
		return fail(fmt.Errorf("treatment probit: %w", err))
	}
	// The outcome design [X d], once.
	xr := X.RawMatrix()
	xd := make([]float64, n*kx)
	q1, q2 := make([]int8, n), make([]int8, n)
	for i := 0; i < n; i++ {
		copy(xd[i*kx:i*kx+kx0], xr.Data[i*xr.Stride:i*xr.Stride+kx0])
		xd[i*kx+kx0] = d[i]
		q1[i] = int8(2*d[i] - 1)
		q2[i] = int8(2*y[i] - 1)
	}
	names := append(append([]string(nil), xNames...), treatName(tname))
	of, err := fitBinary(probitLink, mat.NewDense(n, kx, xd), y, names, opts.start())
	if err != nil {
		return fail(fmt.Errorf("outcome probit: %w", err))
	}
	zr := Z.RawMatrix()
	model := newBPModel(n, kz, zr.Data, zr.Stride, xd, kx, kx, q1, q2)
	theta0 := make([]float64, 0, kz+kx+1)
	theta0 = append(append(append(theta0, pf.beta...), of.beta...), 0)
	pnames := append(append(append([]string(nil), zNames...), names...), "athrho")
	p := kz + kx + 1
	fit, err := newtonMax(model.eval, theta0, pnames, opts.maxIter(), p-1)
	if err != nil {
		return fail(err)
	}
	if err := fit.clusterCov(n, opts.Clusters, model.scorer); err != nil {
		return fail(err)
	}
	eqs, err := bpEquations(fit, "treatment", kz, kx, zNames, names)
	if err != nil {
		return fail(err)
	}
	ll := fit.ll
	res := &Result{
		Method: "biprobit", N: n, NSelected: 0,
		Equations: eqs,
		Auxiliary: rhoAux(fit.theta[p-1], fit.cov[p*p-1]),
		Tests:     rhoTests(fit.theta[p-1], fit.cov[p*p-1], ll, pf.ll+of.ll, opts.Clusters != nil),
		Effects:   biprobitEffects(zr.Data, zr.Stride, kz, xd, n, kx, d, fit.theta, fit.cov),
		Converged: true, Iterations: fit.iter, LogLik: &ll, Params: p,
	}
	if err := res.check(); err != nil {
		return nil, err
	}
	return res, nil
}

// biprobitEffects returns ate, att and atu of the recursive bivariate
// probit at θ = (γ, β, δ, atanh ρ) with covariance V (p×p), over the
// treatment design zd (n×kz, row stride zs) and the outcome design xd = [X d] (n×kx, δ
// its last coefficient). With cᵢ = zᵢ'γ, mⁱ₀ = xᵢ'β and mⁱ₁ = xᵢ'β + δ:
//
//	ate = mean over all rows of Φ(m₁) − Φ(m₀),
//	att = mean over treated rows of [Φ₂(m₁, c; ρ) − Φ₂(m₀, c; ρ)] / Φ(c),
//	atu = mean over untreated rows of [Φ₂(m₁, −c; −ρ) − Φ₂(m₀, −c; −ρ)] / Φ(−c),
//
// E[y(1) − y(0) | d, x, z] averaged over each group: the treated are
// those whose treatment error u exceeds −c, and with ρ ≠ 0 their outcome
// error is shifted accordingly (Chiburis, Das & Lokshin 2012, Economics
// Letters 117(3)). Standard errors by the delta method from the
// gradients in θ, using ∂Φ₂(a, b; ρ)/∂a = φ(a)Φ((b − ρa)/√(1 − ρ²)) and
// ∂Φ₂/∂ρ = φ₂(a, b; ρ).
func biprobitEffects(zd []float64, zs, kz int, xd []float64, n, kx int, d, theta, V []float64) []Aux {
	p := len(theta)
	rho := math.Tanh(theta[p-1])
	drho := 1 - rho*rho // ∂ρ/∂α
	nb := (n + blockRows - 1) / blockRows
	// Per block and group (0 all, 1 treated, 2 untreated): the sum of the
	// row effects and of their gradients in θ (p).
	w := p + 1
	sums := make([]float64, nb*3*w)
	forBlocks(n, func(blk, lo, hi int) {
		acc := sums[blk*3*w : (blk+1)*3*w]
		for i := lo; i < hi; i++ {
			zi, xi := zd[i*zs:i*zs+kz], xd[i*kx:i*kx+kx-1]
			var c, m0 float64
			for j, v := range zi {
				c += v * theta[j]
			}
			for j, v := range xi {
				m0 += v * theta[kz+j]
			}
			m1 := m0 + theta[kz+kx-1]
			a := acc[:w] // ate
			a[0] += normCDF(m1) - normCDF(m0)
			for j, v := range xi {
				a[1+kz+j] += (normPDF(m1) - normPDF(m0)) * v
			}
			a[kz+kx] += normPDF(m1)
			// The group's conditional effect: sign +1 treated, −1 untreated.
			q, g := 1.0, acc[w:2*w]
			if d[i] != 1 {
				q, g = -1, acc[2*w:3*w]
			}
			condEffect(g, zi, xi, q*c, q*rho, m0, m1, q, drho, kz, kx)
		}
	})
	out := make([]Aux, 3)
	G := make([]float64, p)
	counts := [3]float64{float64(n)}
	for _, v := range d {
		counts[2-int(v)]++ // 1: treated, 2: untreated
	}
	for gi, nm := range []string{"ate", "att", "atu"} {
		var est float64
		clear(G)
		for blk := 0; blk < nb; blk++ {
			a := sums[(blk*3+gi)*w : (blk*3+gi+1)*w]
			est += a[0]
			for j := range G {
				G[j] += a[1+j]
			}
		}
		est /= counts[gi]
		var v float64
		for j := range G {
			for l := range G {
				v += G[j] * V[j*p+l] * G[l]
			}
		}
		se := math.Sqrt(math.Max(v, 0)) / counts[gi]
		out[gi] = Aux{Name: nm, Estimate: est, StdError: se, HasSE: true}
	}
	return out
}

// condEffect adds to g (the effect, then its gradient in θ) one row's
// [Φ₂(m₁, c; r) − Φ₂(m₀, c; r)]/Φ(c), where c = q·z'γ and r = q·ρ (q = 1
// for a treated row, −1 for an untreated one), drho = ∂ρ/∂(atanh ρ).
func condEffect(g, zi, xi []float64, c, r, m0, m1, q, drho float64, kz, kx int) {
	s := math.Sqrt(1 - r*r)
	pc := normCDF(c)
	F1, F0 := biNormCDF(m1, c, r), biNormCDF(m0, c, r)
	e := (F1 - F0) / pc
	g[0] += e
	// ∂/∂a and ∂/∂c of Φ₂(a, c; r) at a = m₁, m₀.
	fa1, fa0 := normPDF(m1)*normCDF((c-r*m1)/s), normPDF(m0)*normCDF((c-r*m0)/s)
	fc1, fc0 := normPDF(c)*normCDF((m1-r*c)/s), normPDF(c)*normCDF((m0-r*c)/s)
	dc := ((fc1-fc0)/pc - e*normPDF(c)/pc) * q // ∂e/∂(z'γ)
	for j, v := range zi {
		g[1+j] += dc * v
	}
	for j, v := range xi {
		g[1+kz+j] += (fa1 - fa0) / pc * v
	}
	g[kz+kx] += fa1 / pc
	g[kz+kx+1] += (biNormPDF(m1, c, r) - biNormPDF(m0, c, r)) / pc * q * drho
}

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
// the treatment on Pr(y = 1), averaged over the sample (Stata's
// `margins, dydx(treatment)` with the treatment a factor):
//
//	ate = (1/n)Σᵢ [Φ(xᵢ'β + δ) − Φ(xᵢ'β)],
//
// and att and atu the same averages over the treated and the untreated
// rows, with delta-method standard errors from the gradients
// ∂/∂β = mean of [φ(xᵢ'β + δ) − φ(xᵢ'β)]xᵢ, ∂/∂δ = mean of φ(xᵢ'β + δ)
// (zero for γ and ρ). LogLik is ℓ at the maximum.
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
		Effects:   biprobitEffects(xd, n, kx, d, fit.theta[kz:kz+kx], subCov(fit.cov, p, kz, kz+kx)),
		Converged: true, Iterations: fit.iter, LogLik: &ll, Params: p,
	}
	if err := res.check(); err != nil {
		return nil, err
	}
	return res, nil
}

// biprobitEffects returns ate, att and atu, the mean differences
// Φ(xᵢ'β + δ) − Φ(xᵢ'β) over all, treated and untreated rows of the
// outcome design xd = [X d] (n×kx, δ its last coefficient), with
// delta-method standard errors from V, the covariance of (β, δ).
func biprobitEffects(xd []float64, n, kx int, d, b, V []float64) []Aux {
	kx0 := kx - 1
	delta := b[kx0]
	nb := (n + blockRows - 1) / blockRows
	// Per block and group (0 all, 1 treated, 2 untreated): sum of
	// differences and gradient sums (kx).
	sums := make([]float64, nb*3*(kx+1))
	forBlocks(n, func(blk, lo, hi int) {
		acc := sums[blk*3*(kx+1) : (blk+1)*3*(kx+1)]
		for i := lo; i < hi; i++ {
			xi := xd[i*kx : i*kx+kx0]
			var e float64
			for j, v := range xi {
				e += v * b[j]
			}
			diff := normCDF(e+delta) - normCDF(e)
			f1, f0 := normPDF(e+delta), normPDF(e)
			grp := 2
			if d[i] == 1 {
				grp = 1
			}
			for _, gi := range [2]int{0, grp} {
				a := acc[gi*(kx+1) : (gi+1)*(kx+1)]
				a[0] += diff
				for j, v := range xi {
					a[1+j] += (f1 - f0) * v
				}
				a[kx] += f1
			}
		}
	})
	counts := [3]float64{}
	for _, v := range d {
		counts[0]++
		if v == 1 {
			counts[1]++
		} else {
			counts[2]++
		}
	}
	out := make([]Aux, 3)
	G := make([]float64, kx)
	for gi, nm := range []string{"ate", "att", "atu"} {
		var est float64
		clear(G)
		for blk := 0; blk < nb; blk++ {
			a := sums[blk*3*(kx+1)+gi*(kx+1) : blk*3*(kx+1)+(gi+1)*(kx+1)]
			est += a[0]
			for j := 0; j < kx; j++ {
				G[j] += a[1+j]
			}
		}
		est /= counts[gi]
		for j := range G {
			G[j] /= counts[gi]
		}
		var v float64
		for j := 0; j < kx; j++ {
			for l := 0; l < kx; l++ {
				v += G[j] * V[j*kx+l] * G[l]
			}
		}
		out[gi] = Aux{Name: nm, Estimate: est, StdError: math.Sqrt(math.Max(v, 0)), HasSE: true}
	}
	return out
}

package estimators

import (
	"fmt"

	"gonum.org/v1/gonum/mat"
)

// HeckProbit fits the probit model with sample selection of Van de Ven &
// Van Praag (1981, J. Econometrics 17(2), "The demand for deductibles in
// private health insurance"), Stata's `heckprobit`:
//
//	sᵢ = 1{zᵢ'γ + uᵢ > 0},  yᵢ = 1{xᵢ'β + εᵢ > 0} observed only when sᵢ = 1,
//	(uᵢ, εᵢ) standard bivariate normal with correlation ρ,
//
// by maximum likelihood. With qᵢ = 2yᵢ − 1 the log-likelihood is
//
//	ℓ = Σ_{s=0} log Φ(−zᵢ'γ) + Σ_{s=1} log Φ₂(zᵢ'γ, qᵢxᵢ'β; qᵢρ),
//
// Φ₂ the standard bivariate normal CDF (see binormal.go; its logarithm is
// accurate relatively in the tails). It is maximised over
// θ = (γ, β, atanh ρ) by Newton–Raphson with the analytic gradient and
// Hessian (see bpModel) and step halving, started from the two separate
// probits (selection on all rows, outcome on the selected rows) and ρ = 0,
// which is also the maximum of the restricted model ρ = 0.
//
// Standard errors are from the observed information (−H)⁻¹ at the maximum.
// The equations are "selection" (γ, zNames) and "outcome" (β, xNames); the
// auxiliary entries are "athrho" and "rho" with standard errors, and the
// Tests of ρ = 0 "lr_rho0" and "wald_rho0" (see rhoTests; the LR test
// compares ℓ with the sum of the two separate probit log-likelihoods). LogLik is ℓ at the maximum and Iterations counts
// Newton steps of the joint fit.
//
// With Options.Clusters the covariance of θ̂ is the cluster-robust
// G/(G−1)·(−H)⁻¹(Σ_g s_g s_g')(−H)⁻¹ (Stata's vce(cluster); see
// mlFit.clusterCov), s_g the cluster sums of the per-row scores at the
// estimate, and the tests are those of rhoTests with clusters (Wald
// only). Weights are refused (ErrWeights).
//
// Inputs are as for Heckman: Z (n×kz) and s over all rows; X (n×kx) and y
// are read only where s = 1, and y must be 0 or 1 there. It is an error
// when no row or every row is selected, when a design is rank deficient,
// when either starting probit fails (perfect or quasi-complete separation,
// an outcome that does not vary among the selected rows), or when
// Newton–Raphson does not converge within Options.MaxIter iterations
// (the error says so when ρ̂ runs to ±1, a maximum on the boundary).
func HeckProbit(Z *mat.Dense, s []float64, zNames []string, X *mat.Dense, y []float64, xNames []string, opts Options) (*Result, error) {
	fail := func(err error) (*Result, error) { return nil, fmt.Errorf("heckprobit: %w", err) }
	if opts.Weights != nil {
		return fail(ErrWeights)
	}
	sel, err := checkSelection(Z, s, X, y, xNames, "rho")
	if err != nil {
		return fail(err)
	}
	n, kz := Z.Dims()
	_, kx := X.Dims()
	n1 := len(sel)
	for _, i := range sel {
		if y[i] != 0 && y[i] != 1 {
			return fail(fmt.Errorf("outcome must be 0 or 1, is %v in selected row %d", y[i], i+1))
		}
	}
	pf, err := fitBinary(probitLink, Z, s, zNames, opts.start())
	if err != nil {
		return fail(fmt.Errorf("selection probit: %w", err))
	}
	// The outcome probit on the selected rows, and the rows' signs.
	xr := X.RawMatrix()
	xs := make([]float64, n1*kx)
	ys := make([]float64, n1)
	q1, q2 := make([]int8, n), make([]int8, n)
	for i := range q1 {
		q1[i] = -1
	}
	for a, i := range sel {
		copy(xs[a*kx:(a+1)*kx], xr.Data[i*xr.Stride:i*xr.Stride+kx])
		ys[a] = y[i]
		q1[i] = 1
		q2[i] = int8(2*y[i] - 1)
	}
	of, err := fitBinary(probitLink, mat.NewDense(n1, kx, xs), ys, xNames, opts.start())
	if err != nil {
		return fail(fmt.Errorf("outcome probit on the selected rows: %w", err))
	}
	zr := Z.RawMatrix()
	model := newBPModel(n, kz, zr.Data, zr.Stride, xr.Data, xr.Stride, kx, q1, q2)
	theta0 := make([]float64, 0, kz+kx+1)
	theta0 = append(append(append(theta0, pf.beta...), of.beta...), 0)
	names := append(append(append([]string(nil), zNames...), xNames...), "athrho")
	p := kz + kx + 1
	fit, err := newtonMax(model.eval, theta0, names, opts.maxIter(), p-1)
	if err != nil {
		return fail(err)
	}
	if err := fit.clusterCov(n, opts.Clusters, model.scorer); err != nil {
		return fail(err)
	}
	eqs, err := bpEquations(fit, "selection", kz, kx, zNames, xNames)
	if err != nil {
		return fail(err)
	}
	ll := fit.ll
	res := &Result{
		Method: "heckprobit", N: n, NSelected: n1,
		Equations: eqs,
		Auxiliary: rhoAux(fit.theta[p-1], fit.cov[p*p-1]),
		Tests:     rhoTests(fit.theta[p-1], fit.cov[p*p-1], ll, pf.ll+of.ll, opts.Clusters != nil),
		Converged: true, Iterations: fit.iter, LogLik: &ll, Params: p,
	}
	if err := res.check(); err != nil {
		return nil, err
	}
	return res, nil
}

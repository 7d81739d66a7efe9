package estimators

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// Heckman fits the sample-selection model of Heckman (1979, Econometrica
// 47(1))
//
//	sᵢ = 1{zᵢ'γ + uᵢ > 0},  yᵢ = xᵢ'β + εᵢ observed only when sᵢ = 1,
//	(uᵢ, εᵢ) bivariate normal, Var(uᵢ) = 1, Var(εᵢ) = σ², Corr = ρ,
//
// by full-information maximum likelihood (Amemiya 1985, Advanced
// Econometrics, §10.7; Greene, Econometric Analysis, "Sample selection").
// The log-likelihood is
//
//	ℓ = Σ_{s=0} log Φ(−zᵢ'γ)
//	  + Σ_{s=1} [ log Φ((zᵢ'γ + ρeᵢ/σ)/√(1−ρ²)) − log σ + log φ(eᵢ/σ) ],
//
// eᵢ = yᵢ − xᵢ'β. It is maximised over θ = (γ, β, atanh ρ, log σ), the
// parameterisation of Stata's `heckman`, so that ρ stays in (−1, 1) and σ
// positive, by Newton–Raphson with the analytic gradient and the analytic
// Hessian (derived in bivariate.go) and step halving, started from the
// two-step estimates (probit γ̂; β̂, σ̂, ρ̂ from the least-squares step of
// Heckit, with ρ̂ clamped into (−0.99, 0.99); ρ = 0 and the OLS β̂ of the
// selected rows when λ is collinear with X). Convergence requires the
// Newton decrement g'(−H)⁻¹g below 1e-10; log Φ and φ/Φ are evaluated
// without underflow in both tails (see logNormCDF, invMills).
//
// Standard errors of γ̂ and β̂ ("selection" and "outcome" equations) are
// the square roots of the diagonal of (−H)⁻¹ at the maximum (observed
// information). The auxiliary parameters are "athrho" = atanh ρ and
// "lnsigma" = log σ with their Hessian standard errors, and "rho", "sigma"
// and "lambda" = ρσ with delta-method standard errors from the transformed
// scale, as Stata reports them. LogLik is ℓ at the maximum; Iterations
// counts Newton steps. Tests holds the tests of ρ = 0 (see rhoTests):
// "lr_rho0" against ℓ₀, the probit's log-likelihood plus the normal one
// of least squares on the selected rows (the model separates when ρ = 0;
// not with clusters), and "wald_rho0", as Stata's heckman prints them.
//
// With Options.Clusters the covariance of θ̂ is G/(G−1)·(−H)⁻¹(Σ_g s_g
// s_g')(−H)⁻¹ (Stata's vce(cluster) for maximum likelihood), s_g the
// cluster sums of the per-observation scores, computed once at the
// optimum (bvModel.scorer); TreatRegML does the same. Weights are refused.
//
// Inputs are as for Heckit: the values of X and y in unselected rows are
// never read. It is an error when no row or every row is selected, when a
// design is rank deficient, when the selection probit fails, or when
// Newton–Raphson does not converge within Options.MaxIter iterations.
func Heckman(Z *mat.Dense, s []float64, zNames []string, X *mat.Dense, y []float64, xNames []string, opts Options) (*Result, error) {
	return NewSelectionData(Z, s, zNames, X, y, xNames).Heckman(opts)
}

// Heckman fits the selection model to the data by maximum likelihood (see
// the function Heckman), starting from the selection probit and the
// least-squares step it shares with the Heckit method.
func (d *SelectionData) Heckman(opts Options) (*Result, error) {
	fail := func(err error) (*Result, error) { return nil, fmt.Errorf("heckman: %w", err) }
	if opts.Weights != nil {
		return fail(ErrWeights)
	}
	Z, s, zNames, X, y, xNames := d.z, d.s, d.zNames, d.x, d.y, d.xNames
	sel, err := checkSelection(Z, s, X, y, xNames, "rho and sigma")
	if err != nil {
		return fail(err)
	}
	n, kz := Z.Dims()
	_, kx := X.Dims()
	n1 := len(sel)

	// Starting values: probit, then the least-squares step of Heckit.
	pf, beta0, sigma0, rho0, err := d.heckmanStart(sel, opts)
	if err != nil {
		return fail(err)
	}
	xr := X.RawMatrix()
	if !(sigma0 > 0) {
		return fail(fmt.Errorf("outcome equation fits the selected rows exactly (residual variance 0)"))
	}

	kind := make([]int8, n)
	for _, i := range sel {
		kind[i] = 1
	}
	zr := Z.RawMatrix()
	model := newBVModel(n, kz, zr.Data, zr.Stride, xr.Data, xr.Stride, kx, nil, y, kind)
	p := model.dim()
	theta0 := make([]float64, 0, p)
	theta0 = append(theta0, pf.beta...)
	theta0 = append(theta0, beta0...)
	theta0 = append(theta0, math.Atanh(rho0), math.Log(sigma0))
	pnames := append(append(append([]string(nil), zNames...), xNames...), "athrho", "lnsigma")
	fit, err := newtonMax(model.eval, theta0, pnames, opts.maxIter(), p-2)
	if err != nil {
		return fail(err)
	}
	if opts.Clusters != nil {
		if err := fit.clusterCov(n, opts.Clusters, model.scorer); err != nil {
			return fail(err)
		}
	}
	res, err := bvResult("heckman", "selection", fit, n, n1, kz, kx, zNames, xNames)
	if err != nil {
		return nil, err
	}
	ols, err := d.outcomeOLS(sel)
	if err != nil {
		return fail(err)
	}
	res.Tests = bvTests(fit, pf.ll+normalLogLik(ols.sse, n1), opts.Clusters != nil)
	return res, nil
}

// bvTests returns the tests of ρ = 0 of a bivariate ML fit (see
// rhoTests), ll0 the log-likelihood with ρ = 0: the probit's plus that of
// the outcome regression by least squares.
func bvTests(fit *mlFit, ll0 float64, clustered bool) []ChiSquareTest {
	p := len(fit.theta)
	return rhoTests(fit.theta[p-2], fit.cov[(p-2)*p+p-2], fit.ll, ll0, clustered)
}

// normalLogLik is the maximised normal log-likelihood of a least-squares
// fit to n rows with residual sum of squares sse, σ̂² = sse/n:
// −(n/2)(log(2πσ̂²) + 1).
func normalLogLik(sse float64, n int) float64 {
	return -float64(n) / 2 * (math.Log(2*math.Pi*sse/float64(n)) + 1)
}

// bvResult assembles the Result of a bivariate ML fit: equations
// (first, zNames) and ("outcome", xNames), the auxiliary parameters of
// bvAux, and the log-likelihood.
func bvResult(method, first string, fit *mlFit, n, n1, kz, kx int, zNames, xNames []string) (*Result, error) {
	p := kz + kx + 2
	th := fit.theta
	eqZ, err := equation(first, zNames, th[:kz], subCov(fit.cov, p, 0, kz))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", method, err)
	}
	eqX, err := equation("outcome", xNames, th[kz:kz+kx], subCov(fit.cov, p, kz, kz+kx))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", method, err)
	}
	ia, il := p-2, p-1
	ll := fit.ll
	res := &Result{
		Method: method, N: n, NSelected: n1,
		Equations: []Equation{eqZ, eqX},
		Auxiliary: bvAux(th[ia], th[il], fit.cov[ia*p+ia], fit.cov[ia*p+il], fit.cov[il*p+il]),
		Converged: true, Iterations: fit.iter, LogLik: &ll, Params: p,
	}
	if err := res.check(); err != nil {
		return nil, err
	}
	return res, nil
}

// lsOnRows fits the last of k+1 columns on the first k over n rows
// produced by row, by QR (see solveLS).
func lsOnRows(n, k int, names []string, row func(i int, dst []float64)) (*lsFit, error) {
	if n <= k {
		return nil, fmt.Errorf("%d observations are too few for %d coefficients", n, k)
	}
	return solveLS(qrRFactor(n, k+1, row), k, names)
}

// checkSelection validates the inputs of a selection model and returns the
// selected rows. X and y are checked for finiteness on selected rows only;
// there must be more selected rows than X has columns plus one (for the
// extra parameters the model estimates, named in the error).
func checkSelection(Z *mat.Dense, s []float64, X *mat.Dense, y []float64, xNames []string, extra string) ([]int, error) {
	if Z == nil || X == nil {
		return nil, fmt.Errorf("design matrix is nil")
	}
	n, _ := Z.Dims()
	nx, kx := X.Dims()
	if len(s) != n {
		return nil, fmt.Errorf("selection design has %d rows but the selection indicator has %d values", n, len(s))
	}
	if nx != n || len(y) != n {
		return nil, fmt.Errorf("outcome design has %d rows and outcome %d values, but the selection equation has %d rows", nx, len(y), n)
	}
	if len(xNames) != kx {
		return nil, fmt.Errorf("outcome design has %d columns but %d names", kx, len(xNames))
	}
	var sel []int
	for i, v := range s {
		switch v {
		case 1:
			sel = append(sel, i)
		case 0:
		default:
			return nil, fmt.Errorf("selection indicator must be 0 or 1, is %v in row %d", v, i+1)
		}
	}
	n1 := len(sel)
	if n1 == 0 {
		return nil, fmt.Errorf("no selected observations (the selection indicator is 0 in all %d rows)", n)
	}
	if n1 == n {
		return nil, fmt.Errorf("no unselected observations (the selection indicator is 1 in all %d rows)", n)
	}
	if n1 <= kx+1 {
		return nil, fmt.Errorf("%d selected observations are too few for %d outcome coefficients and %s", n1, kx, extra)
	}
	xr := X.RawMatrix()
	for _, i := range sel {
		if math.IsNaN(y[i]) || math.IsInf(y[i], 0) {
			return nil, fmt.Errorf("outcome is %v in selected row %d", y[i], i+1)
		}
		for j, v := range xr.Data[i*xr.Stride : i*xr.Stride+kx] {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("column %q is %v in selected row %d", xNames[j], v, i+1)
			}
		}
	}
	return sel, nil
}

package estimators

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// Heckit is Heckman's (1979) two-step estimator of the sample-selection
// model
//
//	sᵢ = 1{zᵢ'γ + uᵢ > 0},  yᵢ = xᵢ'β + εᵢ observed only when sᵢ = 1,
//	(uᵢ, εᵢ) bivariate normal, Var(uᵢ) = 1, Var(εᵢ) = σ², Corr = ρ.
//
// Step 1 is a probit of s on Z over all n rows (see Probit), giving γ̂ and
// its covariance V_γ from the observed information. Step 2 regresses y on
// X* = [X λ] over the n₁ selected rows by least squares (QR), where
// λᵢ = φ(zᵢ'γ̂)/Φ(zᵢ'γ̂) is the inverse Mills ratio, since
// E[yᵢ | sᵢ = 1] = xᵢ'β + ρσλᵢ. The coefficient of λ, β_λ = ρσ, is reported
// as the auxiliary parameter "lambda"; with δᵢ = λᵢ(λᵢ + zᵢ'γ̂) and e the
// second-step residuals,
//
//	σ̂² = e'e/n₁ + β̂_λ²·(1/n₁)Σδᵢ,   ρ̂ = β̂_λ/σ̂
//
// are reported as "sigma" and "rho" without standard errors. ρ̂ is
// reported as computed and may fall outside [−1, 1] in small samples (R's
// sampleSelection does the same; Stata truncates it).
//
// The covariance of (β̂, β̂_λ) is the one of Heckman (1979, Econometrica
// 47(1)) as corrected by Greene (1981, Econometrica 49(3)) and given in
// Greene's Econometric Analysis (5th ed., 2003, p. 785; the form R's
// sampleSelection::heckit and Stata's `heckman, twostep` use):
//
//	V = σ̂²(X*'X*)⁻¹[X*'(I − ρ̂²Δ)X* + Q](X*'X*)⁻¹,
//	Q = ρ̂²(X*'ΔZ₁)V_γ(Z₁'ΔX*),
//
// with Δ = diag(δᵢ) and Z₁ the selection regressors of the selected rows.
// The "selection" equation carries γ̂ and its probit standard errors, the
// "outcome" equation β̂ with the square roots of the diagonal of V.
//
// With Options.Clusters the covariance of (β̂, β̂_λ) is instead the
// cluster-robust sandwich of the two-step estimator in influence-function
// form (the cluster version of Murphy & Topel 1985; see twoStep.clusterCov
// in cluster.go): the second step's wᵢeᵢ plus the probit's influence
// M_γ(−H_γ)⁻¹sᵢ, summed within clusters, with factor G/(G−1); the
// selection equation gets the probit's clustered covariance.
// TreatRegTwoStep does the same over all rows. Weights are refused.
//
// Z (n×kz), s (0/1), X (n×kx) and y cover all n rows; the values of X and y
// in unselected rows are never read and may be NaN. It is an error when no
// row or every row is selected, when either step's design is rank
// deficient (including λ collinear with X, as happens without an exclusion
// restriction and little variation in zᵢ'γ̂), or when the probit fails.
// Iterations and Converged describe the probit; there is no
// log-likelihood.
func Heckit(Z *mat.Dense, s []float64, zNames []string, X *mat.Dense, y []float64, xNames []string, opts Options) (*Result, error) {
	return NewSelectionData(Z, s, zNames, X, y, xNames).Heckit(opts)
}

// Heckit fits Heckman's two-step estimator to the data (see the function
// Heckit), sharing the selection probit and the least-squares step with
// the Heckman method.
func (d *SelectionData) Heckit(opts Options) (*Result, error) {
	fail := func(err error) (*Result, error) { return nil, fmt.Errorf("heckit: %w", err) }
	if opts.Weights != nil {
		return fail(ErrWeights)
	}
	Z, s, zNames, X, y, xNames := d.z, d.s, d.zNames, d.x, d.y, d.xNames
	sel, err := checkSelection(Z, s, X, y, xNames, "lambda")
	if err != nil {
		return fail(err)
	}
	n, kz := Z.Dims()
	_, kx := X.Dims()
	n1 := len(sel)
	p := kx + 1

	// Step 1: probit.
	pf, err := d.selectionProbit(sel, opts)
	if err != nil {
		return fail(fmt.Errorf("selection probit: %w", err))
	}
	selEq, err := equation("selection", zNames, pf.beta, pf.cov)
	if err != nil {
		return fail(err)
	}

	// Step 2: OLS of y on [X λ] over the selected rows, by QR.
	fit, err := d.twoStep()
	if err != nil {
		return fail(fmt.Errorf("outcome equation: %w", err))
	}

	// X*'ΔX* (p×p) and X*'ΔZ₁ (p×kz) and Σδ over the selected rows.
	zr := Z.RawMatrix()
	m1, m2, sumDelta := deltaMoments(n1, p, kz, d.outcomeRow, func(a int) []float64 {
		i := sel[a]
		return zr.Data[i*zr.Stride : i*zr.Stride+kz]
	}, d.delta)

	bl := fit.beta[kx]
	sigma2 := fit.sse/float64(n1) + bl*bl*sumDelta/float64(n1)
	sigma := math.Sqrt(sigma2)
	rho := bl / sigma
	rho2 := rho * rho

	V := twoStepCov(fit, m1, m2, pf.cov, kz, sigma2, rho2)
	if opts.Clusters != nil {
		ts := &twoStep{probit: pf, Z: Z, s: s, rowOf: sel, delta: d.delta, lam: kx, fit: fit,
			w: d.outcomeRow, y: func(a int) float64 { return y[sel[a]] }}
		vg, vc, err := ts.clusterCov(opts.Clusters)
		if err != nil {
			return fail(err)
		}
		if selEq, err = equation("selection", zNames, pf.beta, vg); err != nil {
			return fail(err)
		}
		V = vc
	}
	vb := make([]float64, kx*kx)
	for i := 0; i < kx; i++ {
		copy(vb[i*kx:(i+1)*kx], V[i*p:i*p+kx])
	}
	outEq, err := equation("outcome", xNames, fit.beta[:kx], vb)
	if err != nil {
		return fail(err)
	}
	vl := V[kx*p+kx]
	if !(vl >= 0) {
		return fail(fmt.Errorf("variance of lambda is %v", vl))
	}
	res := &Result{
		Method: "heckit", N: n, NSelected: n1,
		Equations: []Equation{selEq, outEq},
		Auxiliary: []Aux{
			{Name: "lambda", Estimate: bl, StdError: math.Sqrt(vl), HasSE: true},
			{Name: "sigma", Estimate: sigma},
			{Name: "rho", Estimate: rho},
		},
		Converged: true, Iterations: pf.iter,
	}
	if err := res.check(); err != nil {
		return nil, err
	}
	return res, nil
}

// deltaMoments returns the pieces of the two-step covariance over m
// rows: W'ΔW (p×p, full), W'ΔZ (p×kz) and Σδ, with wₐ written by
// row(a, dst), zₐ returned by z(a) and δₐ = delta[a]. Rows are reduced in
// fixed blocks, in block order, so the result does not depend on the
// number of goroutines. Heckit and the two-step treatment-effects model
// share it.
func deltaMoments(m, p, kz int, row func(a int, dst []float64), z func(a int) []float64, delta []float64) (m1, m2 []float64, sumDelta float64) {
	nb := (m + blockRows - 1) / blockRows
	m1s := make([]float64, nb*p*p)
	m2s := make([]float64, nb*p*kz)
	ds := make([]float64, nb)
	forBlocks(m, func(b, lo, hi int) {
		b1 := m1s[b*p*p : (b+1)*p*p]
		b2 := m2s[b*p*kz : (b+1)*p*kz]
		w := make([]float64, p)
		var sd float64
		for a := lo; a < hi; a++ {
			row(a, w)
			za := z(a)
			d := delta[a]
			sd += d
			addOuter(b1, w, d, p)
			for u, wu := range w {
				dw := d * wu
				r := b2[u*kz : (u+1)*kz]
				for v, zv := range za {
					r[v] += dw * zv
				}
			}
		}
		ds[b] = sd
	})
	m1 = sumParts(m1s, nb, p)
	m2 = make([]float64, p*kz)
	for b := 0; b < nb; b++ {
		sumDelta += ds[b]
		for j := range m2 {
			m2[j] += m2s[b*p*kz+j]
		}
	}
	return m1, m2, sumDelta
}

// twoStepCov is the Heckman (1979) / Greene (1981) covariance of a second
// step that includes a generated regressor built from a first-step probit:
//
//	V = σ²(W'W)⁻¹[W'W − ρ²W'ΔW + ρ²(W'ΔZ)V_γ(Z'ΔW)](W'W)⁻¹,
//
// with m1 = W'ΔW (p×p), m2 = W'ΔZ (p×kz) and vGamma = V_γ (kz×kz). Heckit
// and the two-step treatment-effects model share it.
func twoStepCov(fit *lsFit, m1, m2, vGamma []float64, kz int, sigma2, rho2 float64) []float64 {
	p := len(fit.beta)
	mv := matMul(m2, vGamma, p, kz, kz)
	inner := make([]float64, p*p)
	for i := 0; i < p; i++ {
		for j := 0; j < p; j++ {
			var q float64
			for v := 0; v < kz; v++ {
				q += mv[i*kz+v] * m2[j*kz+v]
			}
			inner[i*p+j] = fit.xtx[i*p+j] - rho2*m1[i*p+j] + rho2*q
		}
	}
	symmetrize(inner, p)
	V := sandwich(fit.xtxInv, inner, p)
	for j := range V {
		V[j] *= sigma2
	}
	return V
}

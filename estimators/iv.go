package estimators

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// IV is two-stage least squares (Theil 1953; Basmann 1957) of
//
//	yᵢ = xᵢ'β + dᵢ'δ + eᵢ,   E[eᵢ | xᵢ, zᵢ] = 0,
//
// with exogenous regressors X (n×kx, including the intercept if wanted; nil
// for none), endogenous regressors D (n×p) and excluded instruments Z
// (n×q, q ≥ p); the instrument set is W = [X Z].
//
// First stage: each column of D is regressed on W by least squares (QR),
// giving fitted values D̂. Second stage: y on X̂ = [X D̂] by least squares,
// θ̂ = (X̂'X̂)⁻¹X̂'y = (X'P_W X)⁻¹X'P_W y. The residuals use the actual
// regressors, êᵢ = yᵢ − xᵢ'β̂ − dᵢ'δ̂ (not D̂), and with k = kx + p,
//
//	Classical: σ̂²(X̂'X̂)⁻¹, σ̂² = ê'ê/(n − k);
//	HC1:       n/(n − k)·(X̂'X̂)⁻¹(Σ êᵢ²x̂ᵢx̂ᵢ')(X̂'X̂)⁻¹,
//
// chosen by Options.VCE as for OLS; these are what R's AER::ivreg
// (vcov) and sandwich::vcovHC(type = "HC1") report, and Stata's
// `ivregress 2sls, small` and `, vce(robust) small`.
//
// For each endogenous regressor the first-stage F statistic of the
// excluded instruments, F = [(RSS_r − RSS_u)/q]/[RSS_u/(n − kx − q)], with
// RSS_u from the regression on W and RSS_r from the regression on X alone
// (the classical, non-robust statistic AER's diagnostics report as "Weak
// instruments"; Staiger & Stock 1997, Econometrica 65(3), suggest F > 10),
// is the auxiliary parameter "first_stage_F" (with one endogenous
// regressor) or "first_stage_F:<name>" (with several).
//
// The result has the equation "outcome" (X's columns, then D's) and one
// first-stage equation per endogenous regressor, "first_stage" (or
// "first_stage:<name>"), with the covariance chosen by Options.VCE. With a
// single endogenous regressor its coefficient is also reported as the
// effect "ate": with a constant treatment effect it is the ATE; with
// heterogeneous effects and a binary instrument it is the local average
// treatment effect of the compliers (Imbens & Angrist 1994, Econometrica
// 62(2)), not the ATE.
//
// Errors: fewer excluded instruments than endogenous regressors
// (under-identification), a rank-deficient instrument set W (naming the
// collinear column), and a rank-deficient second-stage design [X D̂] —
// the excluded instruments explain none of some endogenous regressor
// beyond X — as well as non-finite values and mismatched dimensions.
func IV(X *mat.Dense, xNames []string, D *mat.Dense, dNames []string, Z *mat.Dense, zNames []string, y []float64, opts Options) (*Result, error) {
	fail := func(err error) (*Result, error) { return nil, fmt.Errorf("iv: %w", err) }
	if D == nil {
		return fail(fmt.Errorf("no endogenous regressors"))
	}
	if Z == nil {
		return fail(fmt.Errorf("under-identified: no excluded instruments for %d endogenous regressors", len(dNames)))
	}
	n, p := D.Dims()
	nz, q := Z.Dims()
	kx := 0
	if X != nil {
		var nx int
		nx, kx = X.Dims()
		if nx != n {
			return fail(fmt.Errorf("exogenous design has %d rows but the endogenous regressors %d", nx, n))
		}
	}
	if nz != n {
		return fail(fmt.Errorf("instruments have %d rows but the endogenous regressors %d", nz, n))
	}
	if len(xNames) != kx || len(dNames) != p || len(zNames) != q {
		return fail(fmt.Errorf("%d/%d/%d names for %d exogenous regressors, %d endogenous regressors and %d instruments",
			len(xNames), len(dNames), len(zNames), kx, p, q))
	}
	if q < p {
		return fail(fmt.Errorf("under-identified: %d excluded instruments for %d endogenous regressors", q, p))
	}
	if err := checkOutcome(y, n); err != nil {
		return fail(err)
	}
	l := kx + q // instruments
	k := kx + p // regressors
	if n <= l {
		return fail(fmt.Errorf("%d observations are too few for %d instruments", n, l))
	}
	// Column accessors and finiteness.
	dr, zr := D.RawMatrix(), Z.RawMatrix()
	var xd []float64
	xs := 0
	if X != nil {
		raw := X.RawMatrix()
		xd, xs = raw.Data, raw.Stride
	}
	for i := 0; i < n; i++ {
		for j := 0; j < kx; j++ {
			if v := xd[i*xs+j]; math.IsNaN(v) || math.IsInf(v, 0) {
				return fail(fmt.Errorf("column %q is %v in row %d", xNames[j], v, i+1))
			}
		}
		for j := 0; j < p; j++ {
			if v := dr.Data[i*dr.Stride+j]; math.IsNaN(v) || math.IsInf(v, 0) {
				return fail(fmt.Errorf("column %q is %v in row %d", dNames[j], v, i+1))
			}
		}
		for j := 0; j < q; j++ {
			if v := zr.Data[i*zr.Stride+j]; math.IsNaN(v) || math.IsInf(v, 0) {
				return fail(fmt.Errorf("column %q is %v in row %d", zNames[j], v, i+1))
			}
		}
	}
	wNames := append(append([]string(nil), xNames...), zNames...)
	wRow := func(i int, dst []float64) {
		copy(dst, xd[i*xs:i*xs+kx])
		copy(dst[kx:], zr.Data[i*zr.Stride:i*zr.Stride+q])
	}
	// W as a dense matrix for the first-stage covariances.
	W := mat.NewDense(n, l, nil)
	wr := W.RawMatrix()
	for i := 0; i < n; i++ {
		wRow(i, wr.Data[i*l:(i+1)*l])
	}

	res := &Result{Method: "iv", N: n, Converged: true}
	xhat := mat.NewDense(n, k, nil)
	hr := xhat.RawMatrix()
	for i := 0; i < n; i++ {
		copy(hr.Data[i*k:i*k+kx], xd[i*xs:i*xs+kx])
	}
	var firstEqs []Equation
	for j := 0; j < p; j++ {
		dj := make([]float64, n)
		for i := range dj {
			dj[i] = dr.Data[i*dr.Stride+j]
		}
		r := qrRFactor(n, l+1, func(i int, dst []float64) {
			wRow(i, dst)
			dst[l] = dj[i]
		})
		fit, err := solveLS(r, l, wNames)
		if err != nil {
			return fail(fmt.Errorf("first stage for %q: %w", dNames[j], err))
		}
		cov, err := lsCov(W, dj, fit, n, l, opts.VCE)
		if err != nil {
			return fail(err)
		}
		name := "first_stage"
		fname := "first_stage_F"
		if p > 1 {
			name += ":" + dNames[j]
			fname += ":" + dNames[j]
		}
		eq, err := equation(name, wNames, fit.beta, cov)
		if err != nil {
			return fail(err)
		}
		firstEqs = append(firstEqs, eq)
		for i := 0; i < n; i++ {
			w := wr.Data[i*l : (i+1)*l]
			var s float64
			for a, v := range w {
				s += v * fit.beta[a]
			}
			hr.Data[i*k+kx+j] = s
		}
		// Restricted first stage: dj on X alone.
		rssR := 0.0
		if kx == 0 {
			for _, v := range dj {
				rssR += v * v
			}
		} else {
			rr := qrRFactor(n, kx+1, func(i int, dst []float64) {
				copy(dst, xd[i*xs:i*xs+kx])
				dst[kx] = dj[i]
			})
			rfit, err := solveLS(rr, kx, xNames)
			if err != nil {
				return fail(fmt.Errorf("exogenous regressors: %w", err))
			}
			rssR = rfit.sse
		}
		if !(fit.sse > 0) {
			return fail(fmt.Errorf("first stage for %q fits perfectly (zero residual sum of squares)", dNames[j]))
		}
		F := ((rssR - fit.sse) / float64(q)) / (fit.sse / float64(n-l))
		res.Auxiliary = append(res.Auxiliary, Aux{Name: fname, Estimate: F})
	}

	// Second stage.
	names := append(append([]string(nil), xNames...), dNames...)
	r := qrRFactor(n, k+1, func(i int, dst []float64) {
		copy(dst, hr.Data[i*k:(i+1)*k])
		dst[k] = y[i]
	})
	fit, err := solveLS(r, k, names)
	if err != nil {
		return fail(fmt.Errorf("second stage (the excluded instruments do not identify the endogenous regressors beyond the exogenous ones): %w", err))
	}
	// Residuals with the actual endogenous regressors.
	e := make([]float64, n)
	var sse float64
	for i := 0; i < n; i++ {
		s := y[i]
		for j := 0; j < kx; j++ {
			s -= xd[i*xs+j] * fit.beta[j]
		}
		for j := 0; j < p; j++ {
			s -= dr.Data[i*dr.Stride+j] * fit.beta[kx+j]
		}
		e[i] = s
		sse += s * s
	}
	cov, err := lsCovariance(fit.xtxInv, sse, func() []float64 {
		return hcMeat(xhat, n, k, func(i int, _ []float64) float64 { return e[i] })
	}, n, k, opts.VCE)
	if err != nil {
		return fail(err)
	}
	outEq, err := equation("outcome", names, fit.beta, cov)
	if err != nil {
		return fail(err)
	}
	res.Equations = append([]Equation{outEq}, firstEqs...)
	if p == 1 {
		c := outEq.Coefs[kx]
		res.Effects = []Aux{{Name: "ate", Estimate: c.Estimate, StdError: c.StdError, HasSE: true}}
	}
	if err := res.check(); err != nil {
		return nil, err
	}
	return res, nil
}

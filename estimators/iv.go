package estimators

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/blas/blas64"
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
	d, err := newIVData(X, xNames, D, dNames, Z, zNames, y)
	if err != nil {
		return fail(err)
	}
	res := &Result{Method: "iv", N: d.n, Converged: true}
	// X̂ = [X D̂]: the exogenous columns now, the fitted ones by stage one.
	xhat := mat.NewDense(d.n, d.k, nil)
	hr := xhat.RawMatrix()
	for i := 0; i < d.n; i++ {
		copy(hr.Data[i*d.k:i*d.k+d.kx], d.xd[i*d.xs:i*d.xs+d.kx])
	}
	var firstEqs []Equation
	for j := 0; j < d.p; j++ {
		eq, F, err := d.firstStage(j, hr.Data, opts)
		if err != nil {
			return fail(err)
		}
		firstEqs = append(firstEqs, eq)
		res.Auxiliary = append(res.Auxiliary, F)
	}
	outEq, err := d.secondStage(xhat, y, opts)
	if err != nil {
		return fail(err)
	}
	outEq.DF = float64(d.n - d.k) // t statistics, as AER::ivreg and ivregress's small option
	res.Equations = append([]Equation{outEq}, firstEqs...)
	if d.p == 1 {
		c := outEq.Coefs[d.kx]
		res.Effects = []Aux{{Name: "ate", Estimate: c.Estimate, StdError: c.StdError, HasSE: true}}
	}
	if err := res.check(); err != nil {
		return nil, err
	}
	return res, nil
}

// ivData is the checked input of IV: its dimensions (n rows; kx
// exogenous, p endogenous, q excluded instruments; l = kx + q
// instruments, k = kx + p regressors), row-major access to X, D and Z,
// and the instrument matrix W = [X Z].
type ivData struct {
	n, p, q, kx, l, k int
	xd                []float64
	xs                int
	dr, zr            blas64.General
	W                 *mat.Dense
	xNames, dNames    []string
	wNames            []string
}

// newIVData checks IV's input and lays it out.
func newIVData(X *mat.Dense, xNames []string, D *mat.Dense, dNames []string, Z *mat.Dense, zNames []string, y []float64) (*ivData, error) {
	if D == nil {
		return nil, fmt.Errorf("no endogenous regressors")
	}
	if Z == nil {
		return nil, fmt.Errorf("under-identified: no excluded instruments for %d endogenous regressors", len(dNames))
	}
	d := &ivData{xNames: xNames, dNames: dNames}
	var nz int
	d.n, d.p = D.Dims()
	nz, d.q = Z.Dims()
	if X != nil {
		var nx int
		nx, d.kx = X.Dims()
		if nx != d.n {
			return nil, fmt.Errorf("exogenous design has %d rows but the endogenous regressors %d", nx, d.n)
		}
		raw := X.RawMatrix()
		d.xd, d.xs = raw.Data, raw.Stride
	}
	if nz != d.n {
		return nil, fmt.Errorf("instruments have %d rows but the endogenous regressors %d", nz, d.n)
	}
	if len(xNames) != d.kx || len(dNames) != d.p || len(zNames) != d.q {
		return nil, fmt.Errorf("%d/%d/%d names for %d exogenous regressors, %d endogenous regressors and %d instruments",
			len(xNames), len(dNames), len(zNames), d.kx, d.p, d.q)
	}
	if d.q < d.p {
		return nil, fmt.Errorf("under-identified: %d excluded instruments for %d endogenous regressors", d.q, d.p)
	}
	if err := checkOutcome(y, d.n); err != nil {
		return nil, err
	}
	d.l, d.k = d.kx+d.q, d.kx+d.p
	if d.n <= d.l {
		return nil, fmt.Errorf("%d observations are too few for %d instruments", d.n, d.l)
	}
	d.dr, d.zr = D.RawMatrix(), Z.RawMatrix()
	if err := d.checkFinite(zNames); err != nil {
		return nil, err
	}
	d.wNames = append(append([]string(nil), xNames...), zNames...)
	d.W = mat.NewDense(d.n, d.l, nil)
	wr := d.W.RawMatrix()
	for i := 0; i < d.n; i++ {
		d.wRow(i, wr.Data[i*d.l:(i+1)*d.l])
	}
	return d, nil
}

// checkFinite refuses a non-finite value in X, D or Z, naming it.
func (d *ivData) checkFinite(zNames []string) error {
	for i := 0; i < d.n; i++ {
		for j := 0; j < d.kx; j++ {
			if v := d.xd[i*d.xs+j]; math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("column %q is %v in row %d", d.xNames[j], v, i+1)
			}
		}
		for j := 0; j < d.p; j++ {
			if v := d.dr.Data[i*d.dr.Stride+j]; math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("column %q is %v in row %d", d.dNames[j], v, i+1)
			}
		}
		for j := 0; j < d.q; j++ {
			if v := d.zr.Data[i*d.zr.Stride+j]; math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("column %q is %v in row %d", zNames[j], v, i+1)
			}
		}
	}
	return nil
}

// wRow writes row i of W = [X Z] to dst.
func (d *ivData) wRow(i int, dst []float64) {
	copy(dst, d.xd[i*d.xs:i*d.xs+d.kx])
	copy(dst[d.kx:], d.zr.Data[i*d.zr.Stride:i*d.zr.Stride+d.q])
}

// firstStage regresses the j-th endogenous regressor on W, writes its
// fitted values into column kx + j of X̂ (row-major in hat, k columns),
// and returns the first-stage equation and its F statistic of the
// excluded instruments.
func (d *ivData) firstStage(j int, hat []float64, opts Options) (Equation, Aux, error) {
	n, l := d.n, d.l
	dj := make([]float64, n)
	for i := range dj {
		dj[i] = d.dr.Data[i*d.dr.Stride+j]
	}
	r := qrRFactor(n, l+1, func(i int, dst []float64) {
		d.wRow(i, dst)
		dst[l] = dj[i]
	})
	fit, err := solveLS(r, l, d.wNames)
	if err != nil {
		return Equation{}, Aux{}, fmt.Errorf("first stage for %q: %w", d.dNames[j], err)
	}
	cov, err := lsCov(d.W, dj, fit, n, l, opts)
	if err != nil {
		return Equation{}, Aux{}, err
	}
	name, fname := "first_stage", "first_stage_F"
	if d.p > 1 {
		name += ":" + d.dNames[j]
		fname += ":" + d.dNames[j]
	}
	eq, err := equation(name, d.wNames, fit.beta, cov)
	if err != nil {
		return Equation{}, Aux{}, err
	}
	eq.DF = float64(n - l)
	wr := d.W.RawMatrix()
	for i := 0; i < n; i++ {
		w := wr.Data[i*l : (i+1)*l]
		var s float64
		for a, v := range w {
			s += v * fit.beta[a]
		}
		hat[i*d.k+d.kx+j] = s
	}
	rssR, err := d.restrictedRSS(dj)
	if err != nil {
		return Equation{}, Aux{}, err
	}
	if !(fit.sse > 0) {
		return Equation{}, Aux{}, fmt.Errorf("first stage for %q fits perfectly (zero residual sum of squares)", d.dNames[j])
	}
	F := ((rssR - fit.sse) / float64(d.q)) / (fit.sse / float64(n-l))
	return eq, Aux{Name: fname, Estimate: F}, nil
}

// restrictedRSS is the residual sum of squares of dj on X alone.
func (d *ivData) restrictedRSS(dj []float64) (float64, error) {
	if d.kx == 0 {
		rss := 0.0
		for _, v := range dj {
			rss += v * v
		}
		return rss, nil
	}
	rr := qrRFactor(d.n, d.kx+1, func(i int, dst []float64) {
		copy(dst, d.xd[i*d.xs:i*d.xs+d.kx])
		dst[d.kx] = dj[i]
	})
	rfit, err := solveLS(rr, d.kx, d.xNames)
	if err != nil {
		return 0, fmt.Errorf("exogenous regressors: %w", err)
	}
	return rfit.sse, nil
}

// secondStage regresses y on X̂ and returns the outcome equation, its
// covariance from the residuals with the actual endogenous regressors.
func (d *ivData) secondStage(xhat *mat.Dense, y []float64, opts Options) (Equation, error) {
	n, k, kx := d.n, d.k, d.kx
	hr := xhat.RawMatrix()
	names := append(append([]string(nil), d.xNames...), d.dNames...)
	r := qrRFactor(n, k+1, func(i int, dst []float64) {
		copy(dst, hr.Data[i*k:(i+1)*k])
		dst[k] = y[i]
	})
	fit, err := solveLS(r, k, names)
	if err != nil {
		return Equation{}, fmt.Errorf("second stage (the excluded instruments do not identify the endogenous regressors beyond the exogenous ones): %w", err)
	}
	e := make([]float64, n)
	var sse float64
	for i := 0; i < n; i++ {
		s := y[i]
		for j := 0; j < kx; j++ {
			s -= d.xd[i*d.xs+j] * fit.beta[j]
		}
		for j := 0; j < d.p; j++ {
			s -= d.dr.Data[i*d.dr.Stride+j] * fit.beta[kx+j]
		}
		e[i] = s
		sse += s * s
	}
	cov, err := lsCovariance(fit.xtxInv, sse, meatOf(xhat, n, k, func(i int, _ []float64) float64 { return e[i] }, opts.VCE, opts.Clusters), n, k, opts.VCE)
	if err != nil {
		return Equation{}, err
	}
	return equation("outcome", names, fit.beta, cov)
}

package estimators

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// SelectionData is the data of a sample-selection model — the arguments
// Z, s, zNames, X, y and xNames of Heckit and Heckman — together with the
// work the two estimators share: the selection probit of s on Z (Heckit's
// first step, Heckman's starting γ) and the least-squares regression of y
// on [X λ] over the selected rows, λᵢ = φ(zᵢ'γ̂)/Φ(zᵢ'γ̂) (Heckit's second
// step, Heckman's starting β, σ and ρ). Its Heckit and Heckman methods
// compute each shared piece once, so that fitting both models costs one
// probit instead of two; each gives exactly the result of the function of
// the same name (which calls it on fresh data).
//
// The data must not change while the SelectionData is in use, and it is
// not safe for concurrent use.
type SelectionData struct {
	z      *mat.Dense
	s      []float64
	zNames []string
	x      *mat.Dense
	y      []float64
	xNames []string

	// The shared pieces, computed on first use for one probit iteration
	// limit (maxIter); a call with another limit starts afresh.
	done    bool
	maxIter int
	probit  *binFit
	err     error     // the probit's error
	sel     []int     // the selected rows, where lam and delta are
	lam     []float64 // λ(zᵢ'γ̂) of the selected rows
	delta   []float64 // δᵢ = λᵢ(λᵢ + zᵢ'γ̂)
	two     *lsFit    // y on [X λ] over the selected rows
	twoErr  error
	twoDone bool
	ols     *lsFit // y on X over the selected rows
	olsErr  error
	olsDone bool
}

// NewSelectionData holds the data of a selection model for Heckit and
// Heckman (see Heckit for the arguments).
func NewSelectionData(Z *mat.Dense, s []float64, zNames []string, X *mat.Dense, y []float64, xNames []string) *SelectionData {
	return &SelectionData{z: Z, s: s, zNames: zNames, x: X, y: y, xNames: xNames}
}

// selectionProbit returns the probit of s on Z fitted with opts's
// iteration limit, and λ and δ over the selected rows sel (which
// checkSelection returned for these data).
func (d *SelectionData) selectionProbit(sel []int, opts Options) (*binFit, error) {
	if d.done && d.maxIter == opts.maxIter() {
		return d.probit, d.err
	}
	*d = SelectionData{z: d.z, s: d.s, zNames: d.zNames, x: d.x, y: d.y, xNames: d.xNames,
		done: true, maxIter: opts.maxIter(), sel: sel}
	d.probit, d.err = fitBinary(probitLink, d.z, d.s, d.zNames, Options{MaxIter: opts.MaxIter})
	if d.err != nil {
		return nil, d.err
	}
	d.lam = make([]float64, len(sel))
	d.delta = make([]float64, len(sel))
	for a, i := range sel {
		e := d.probit.eta[i]
		d.lam[a] = invMills(e)
		d.delta[a] = d.lam[a] * (d.lam[a] + e)
	}
	return d.probit, nil
}

// outcomeRow writes row a of the second-step design [X λ] (selected row
// sel[a]) to dst, and y after it when dst has room.
func (d *SelectionData) outcomeRow(a int, dst []float64) {
	xr := d.x.RawMatrix()
	_, kx := d.x.Dims()
	i := d.sel[a]
	copy(dst, xr.Data[i*xr.Stride:i*xr.Stride+kx])
	dst[kx] = d.lam[a]
	if len(dst) > kx+1 {
		dst[kx+1] = d.y[i]
	}
}

// twoStep returns the least-squares fit of y on [X λ] over the selected
// rows (coefficient names xNames and "lambda"), by QR (see solveLS). The
// probit must have been fitted.
func (d *SelectionData) twoStep() (*lsFit, error) {
	if !d.twoDone {
		_, kx := d.x.Dims()
		names := append(append([]string(nil), d.xNames...), "lambda")
		d.two, d.twoErr = lsOnRows(len(d.sel), kx+1, names, d.outcomeRow)
		d.twoDone = true
	}
	return d.two, d.twoErr
}

// heckmanStart returns Heckman's starting values: the selection probit,
// and β̂, σ̂ and ρ̂ (clamped into (−0.99, 0.99)) of the two-step estimator
// with σ̂² = e'e/n₁ + β̂_λ²·(1/n₁)Σδᵢ (see Heckit); or, when the two-step
// regression fails or gives no positive finite σ̂², the least-squares β̂
// of y on X over the selected rows, σ̂² = e'e/n₁ and ρ = 0. (The
// least-squares fit is needed only then: its R factor is the leading
// block of the two-step regression's, so it cannot fail when that one
// succeeds.)
func (d *SelectionData) heckmanStart(sel []int, opts Options) (pf *binFit, beta []float64, sigma, rho float64, err error) {
	if pf, err = d.selectionProbit(sel, opts); err != nil {
		return nil, nil, 0, 0, fmt.Errorf("selection probit: %w", err)
	}
	_, kx := d.x.Dims()
	n1 := float64(len(sel))
	if two, err := d.twoStep(); err == nil {
		var sd float64
		for _, v := range d.delta {
			sd += v
		}
		bl := two.beta[kx]
		s2 := two.sse/n1 + bl*bl*sd/n1
		if s2 > 0 && !math.IsInf(s2, 0) {
			sigma = math.Sqrt(s2)
			return pf, two.beta[:kx], sigma, clampRho(bl / sigma), nil
		}
	}
	ols, err := d.outcomeOLS(sel)
	if err != nil {
		return nil, nil, 0, 0, err
	}
	return pf, ols.beta, math.Sqrt(ols.sse / n1), 0, nil
}

// outcomeOLS returns the least-squares fit of y on X over the selected
// rows sel, computed once: Heckman's start when the two-step regression
// fails, and the outcome half of its log-likelihood under ρ = 0.
func (d *SelectionData) outcomeOLS(sel []int) (*lsFit, error) {
	if d.olsDone {
		return d.ols, d.olsErr
	}
	_, kx := d.x.Dims()
	xr := d.x.RawMatrix()
	d.ols, d.olsErr = lsOnRows(len(sel), kx, d.xNames, func(a int, dst []float64) {
		i := sel[a]
		copy(dst, xr.Data[i*xr.Stride:i*xr.Stride+kx])
		dst[kx] = d.y[i]
	})
	if d.olsErr != nil {
		d.olsErr = fmt.Errorf("outcome equation: %w", d.olsErr)
	}
	d.olsDone = true
	return d.ols, d.olsErr
}

// HeckProbit fits HeckProbit to the data.
func (d *SelectionData) HeckProbit(opts Options) (*Result, error) {
	return HeckProbit(d.z, d.s, d.zNames, d.x, d.y, d.xNames, opts)
}

// HeckOProbit fits HeckOProbit to the data (X without an intercept).
func (d *SelectionData) HeckOProbit(opts Options) (*Result, error) {
	return HeckOProbit(d.z, d.s, d.zNames, d.x, d.y, d.xNames, opts)
}

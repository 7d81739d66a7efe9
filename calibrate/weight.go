package calibrate

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// weight is the diagonal weight W = diag(Ω)⁻¹ = L'L, L = diag(1/σ_i):
// the weighted residual r = L(m̂ − m(θ)) is each moment's gap in
// standard errors of the data moment, and Q = r'r. R = LΩL is the
// moments' correlation matrix, the meat of the sandwich and of the J
// test.
//
// The optimal weight Ω⁻¹ is not used: Ω comes from a bootstrap, with
// few clusters along the weeks when the records are two-way clustered,
// and its inverse magnifies the error of its smallest eigenvalues into
// weights that let the estimator chase noise, while its standard errors
// shrink (Altonji & Segal 1996, Journal of Business & Economic
// Statistics 14(3), on the small-sample bias of optimally weighted
// moment estimators). A diagonal weight with the full sandwich is
// consistent and its standard errors honest.
type weight struct {
	inv  []float64 // 1/σ_i
	corr *mat.SymDense
	// rank is the number of moments (rows of r); indep the rank of R,
	// the number of linearly independent moments.
	rank, indep int
}

// relFloor is the smallest eigenvalue of R counted in its rank,
// relative to the largest.
const relFloor = 1e-10

func newWeight(cov [][]float64) (*weight, error) {
	m := len(cov)
	w := &weight{inv: make([]float64, m), corr: mat.NewSymDense(m, nil), rank: m}
	for i := range m {
		if v := cov[i][i]; !(v > 0) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("%w: moment %d has variance %v; a moment needs a positive, finite variance", ErrProblem, i, v)
		}
		w.inv[i] = 1 / math.Sqrt(cov[i][i])
	}
	for i := range m {
		for j := i; j < m; j++ {
			a, b := cov[i][j], cov[j][i]
			if math.IsNaN(a) || math.IsInf(a, 0) || math.Abs(a-b) > 1e-9*(math.Abs(a)+math.Abs(b)+1e-300) {
				return nil, fmt.Errorf("%w: the moment covariance is not a finite symmetric matrix (entry %d,%d)", ErrProblem, i, j)
			}
			w.corr.SetSym(i, j, a*w.inv[i]*w.inv[j])
		}
	}
	var eig mat.EigenSym
	if !eig.Factorize(w.corr, false) {
		return nil, fmt.Errorf("%w: eigendecomposition of the moment covariance failed", ErrProblem)
	}
	vals := eig.Values(nil)
	top := vals[m-1]
	for _, v := range vals {
		if v < -1e-8*top {
			return nil, fmt.Errorf("%w: the moment covariance is not positive semi-definite (eigenvalue %.3g of the correlation)", ErrProblem, v)
		}
		if v > relFloor*top {
			w.indep++
		}
	}
	return w, nil
}

// apply returns L·d.
func (w *weight) apply(d []float64) []float64 {
	out := make([]float64, len(d))
	for i, x := range d {
		out[i] = x * w.inv[i]
	}
	return out
}

package calibrate

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// weight is W = Ω⁺ = L'L with L = Λ^{-1/2} V' over the eigenvalues of Ω
// above a relative floor: moments that are exact linear combinations of
// others (an overall rate and its parts, say) do not make W singular,
// and they count once in the J test's degrees of freedom.
type weight struct {
	l    *mat.Dense // rank × M
	rank int
}

// relFloor is the smallest eigenvalue of Ω kept, relative to the largest.
const relFloor = 1e-10

func newWeight(cov [][]float64) (*weight, error) {
	m := len(cov)
	s := mat.NewSymDense(m, nil)
	for i := range m {
		for j := range m {
			a, b := cov[i][j], cov[j][i]
			if math.IsNaN(a) || math.IsInf(a, 0) || math.Abs(a-b) > 1e-9*(math.Abs(a)+math.Abs(b)+1e-300) {
				return nil, fmt.Errorf("%w: the moment covariance is not a finite symmetric matrix (entry %d,%d)", ErrProblem, i, j)
			}
			s.SetSym(i, j, a)
		}
	}
	var eig mat.EigenSym
	if !eig.Factorize(s, true) {
		return nil, fmt.Errorf("%w: eigendecomposition of the moment covariance failed", ErrProblem)
	}
	vals := eig.Values(nil)
	var vecs mat.Dense
	eig.VectorsTo(&vecs)
	top := vals[m-1]
	if !(top > 0) {
		return nil, fmt.Errorf("%w: the moment covariance is zero", ErrProblem)
	}
	var keep []int
	for k := m - 1; k >= 0; k-- {
		if vals[k] < -1e-8*top {
			return nil, fmt.Errorf("%w: the moment covariance is not positive semi-definite (eigenvalue %.3g)", ErrProblem, vals[k])
		}
		if vals[k] > relFloor*top {
			keep = append(keep, k)
		}
	}
	l := mat.NewDense(len(keep), m, nil)
	for r, k := range keep {
		f := 1 / math.Sqrt(vals[k])
		for i := range m {
			l.Set(r, i, f*vecs.At(i, k))
		}
	}
	return &weight{l: l, rank: len(keep)}, nil
}

// apply returns L·d.
func (w *weight) apply(d []float64) []float64 {
	out := make([]float64, w.rank)
	for r := range w.rank {
		s := 0.0
		for i, x := range d {
			s += w.l.At(r, i) * x
		}
		out[r] = s
	}
	return out
}

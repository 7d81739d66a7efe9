package estimators

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/lapack/lapack64"
	"gonum.org/v1/gonum/mat"

	"github.com/redress-sim/redress/internal/parallel"
)

// blockRows is the number of rows in one block of work. Blocks are fixed
// by the data size alone, and their partial results are always combined in
// block order, so the result does not depend on the number of goroutines.
const blockRows = 8192

// forBlocks calls fn(b, lo, hi) for every block b of rows [lo, hi) of an
// n-row problem, using up to GOMAXPROCS goroutines, and returns the number
// of blocks.
func forBlocks(n int, fn func(b, lo, hi int)) int {
	nb := (n + blockRows - 1) / blockRows
	parallel.For(nb, 0, func(b int) { fn(b, b*blockRows, min(n, (b+1)*blockRows)) })
	return nb
}

// qrRFactor returns the p×p upper-triangular factor R (row-major) of the
// n×p matrix whose row i is written by row(i, dst), computed by a
// tall-skinny QR (Demmel et al. 2012): Householder QR (LAPACK dgeqrf) of
// each block of rows, then of the stacked block factors. Since Q is
// orthogonal, R'R = A'A without ever forming A'A.
func qrRFactor(n, p int, row func(i int, dst []float64)) []float64 {
	nb := (n + blockRows - 1) / blockRows
	stacked := make([]float64, nb*p*p)
	forBlocks(n, func(b, lo, hi int) {
		m := hi - lo
		buf := make([]float64, m*p)
		for i := lo; i < hi; i++ {
			row(i, buf[(i-lo)*p:(i-lo+1)*p])
		}
		r := upperR(buf, m, p)
		copy(stacked[b*p*p:], r)
	})
	if nb == 1 {
		return stacked
	}
	return upperR(stacked, nb*p, p)
}

// upperR factors the m×p row-major matrix a (overwritten) and returns its
// p×p upper-triangular R, zero-padded when m < p.
func upperR(a []float64, m, p int) []float64 {
	g := blas64.General{Rows: m, Cols: p, Stride: p, Data: a}
	tau := make([]float64, min(m, p))
	work := make([]float64, 1)
	lapack64.Geqrf(g, tau, work, -1)
	work = make([]float64, int(work[0]))
	lapack64.Geqrf(g, tau, work, len(work))
	r := make([]float64, p*p)
	for i := 0; i < min(m, p); i++ {
		for j := i; j < p; j++ {
			r[i*p+j] = a[i*p+j]
		}
	}
	return r
}

// lsFit is a least-squares fit from the R factor of [X y].
type lsFit struct {
	k      int
	beta   []float64
	xtxInv []float64 // (X'X)^{-1} = R^{-1}R^{-T}, k×k row-major
	xtx    []float64 // X'X = R'R, k×k row-major
	sse    float64   // e'e
}

// collinearTol is the rank tolerance: column j is collinear with the
// columns before it when the part of it orthogonal to them, |R_jj|, is
// below collinearTol times its norm (the rule of R's lm, tol = 1e-7).
const collinearTol = 1e-7

// solveLS fits y on X given the (k+1)×(k+1) R factor of [X y]:
// β = R₁₁⁻¹ R₁y, e'e = R_yy².
func solveLS(r []float64, k int, names []string) (*lsFit, error) {
	p := k + 1
	for j := 0; j < k; j++ {
		var norm float64
		for i := 0; i <= j; i++ {
			norm += r[i*p+j] * r[i*p+j]
		}
		norm = math.Sqrt(norm)
		if norm == 0 {
			return nil, fmt.Errorf("rank-deficient design: column %q is all zeros", names[j])
		}
		if math.Abs(r[j*p+j]) <= collinearTol*norm {
			return nil, fmt.Errorf("rank-deficient design: column %q is collinear with the columns before it", names[j])
		}
	}
	// R^{-1} by back substitution (upper triangular).
	rinv := make([]float64, k*k)
	for j := 0; j < k; j++ {
		rinv[j*k+j] = 1 / r[j*p+j]
		for i := j - 1; i >= 0; i-- {
			var s float64
			for l := i + 1; l <= j; l++ {
				s += r[i*p+l] * rinv[l*k+j]
			}
			rinv[i*k+j] = -s / r[i*p+i]
		}
	}
	f := &lsFit{k: k, beta: make([]float64, k), xtxInv: make([]float64, k*k), xtx: make([]float64, k*k)}
	for i := 0; i < k; i++ {
		var s float64
		for j := i; j < k; j++ {
			s += rinv[i*k+j] * r[j*p+k]
		}
		f.beta[i] = s
	}
	for i := 0; i < k; i++ {
		for j := i; j < k; j++ {
			var s, t float64
			for l := j; l < k; l++ {
				s += rinv[i*k+l] * rinv[j*k+l]
			}
			for l := 0; l <= i; l++ {
				t += r[l*p+i] * r[l*p+j]
			}
			f.xtxInv[i*k+j], f.xtxInv[j*k+i] = s, s
			f.xtx[i*k+j], f.xtx[j*k+i] = t, t
		}
	}
	f.sse = r[k*p+k] * r[k*p+k]
	return f, nil
}

// cholInverse factors the symmetric positive-definite k×k matrix a
// (row-major, not modified) and returns its inverse. It fails, naming the
// first column whose pivot is below tol times its diagonal, when a is not
// numerically positive definite.
func cholInverse(a []float64, k int, tol float64) (inv []float64, bad int, ok bool) {
	l := make([]float64, k*k)
	for j := 0; j < k; j++ {
		d := a[j*k+j]
		for m := 0; m < j; m++ {
			d -= l[j*k+m] * l[j*k+m]
		}
		if !(d > tol*a[j*k+j]) || !(a[j*k+j] > 0) {
			return nil, j, false
		}
		d = math.Sqrt(d)
		l[j*k+j] = d
		for i := j + 1; i < k; i++ {
			s := a[i*k+j]
			for m := 0; m < j; m++ {
				s -= l[i*k+m] * l[j*k+m]
			}
			l[i*k+j] = s / d
		}
	}
	// L^{-1} (lower triangular), then inv = L^{-T} L^{-1}.
	li := make([]float64, k*k)
	for j := 0; j < k; j++ {
		li[j*k+j] = 1 / l[j*k+j]
		for i := j + 1; i < k; i++ {
			var s float64
			for m := j; m < i; m++ {
				s += l[i*k+m] * li[m*k+j]
			}
			li[i*k+j] = -s / l[i*k+i]
		}
	}
	inv = make([]float64, k*k)
	for i := 0; i < k; i++ {
		for j := i; j < k; j++ {
			var s float64
			for m := j; m < k; m++ {
				s += li[m*k+i] * li[m*k+j]
			}
			inv[i*k+j], inv[j*k+i] = s, s
		}
	}
	return inv, -1, true
}

// matMul returns the a×c product of row-major A (a×b) and B (b×c).
func matMul(A, B []float64, a, b, c int) []float64 {
	out := make([]float64, a*c)
	for i := 0; i < a; i++ {
		for l := 0; l < b; l++ {
			v := A[i*b+l]
			if v == 0 {
				continue
			}
			for j := 0; j < c; j++ {
				out[i*c+j] += v * B[l*c+j]
			}
		}
	}
	return out
}

// sandwich returns B M B for symmetric k×k B and M.
func sandwich(B, M []float64, k int) []float64 {
	out := matMul(matMul(B, M, k, k, k), B, k, k, k)
	symmetrize(out, k)
	return out
}

func symmetrize(a []float64, k int) {
	for i := 0; i < k; i++ {
		for j := i + 1; j < k; j++ {
			v := 0.5 * (a[i*k+j] + a[j*k+i])
			a[i*k+j], a[j*k+i] = v, v
		}
	}
}

// fillLower copies the upper triangle of a k×k row-major matrix into its
// lower triangle.
func fillLower(a []float64, k int) {
	for i := 0; i < k; i++ {
		for j := i + 1; j < k; j++ {
			a[j*k+i] = a[i*k+j]
		}
	}
}

// equation builds an Equation from estimates and a k×k covariance.
func equation(name string, names []string, est, cov []float64) (Equation, error) {
	k := len(est)
	coefs := make([]Coef, k)
	for j := 0; j < k; j++ {
		v := cov[j*k+j]
		if !(v >= 0) || math.IsInf(v, 0) {
			return Equation{}, fmt.Errorf("%s equation: variance of %q is %v", name, names[j], v)
		}
		coefs[j] = Coef{Term: names[j], Estimate: est[j], StdError: math.Sqrt(v)}
	}
	c := make([]float64, k*k)
	copy(c, cov)
	return Equation{Name: name, Coefs: coefs, Cov: mat.NewSymDense(k, c)}, nil
}

// checkDesign validates dimensions and finiteness of X, y and names.
func checkDesign(X *mat.Dense, y []float64, names []string) (n, k int, err error) {
	if X == nil {
		return 0, 0, fmt.Errorf("design matrix is nil")
	}
	n, k = X.Dims()
	if len(y) != n {
		return 0, 0, fmt.Errorf("design has %d rows but the outcome has %d values", n, len(y))
	}
	if len(names) != k {
		return 0, 0, fmt.Errorf("design has %d columns but %d names", k, len(names))
	}
	if k == 0 {
		return 0, 0, fmt.Errorf("design has no columns")
	}
	if n <= k {
		return 0, 0, fmt.Errorf("%d observations are too few for %d coefficients", n, k)
	}
	raw := X.RawMatrix()
	for i := 0; i < n; i++ {
		if math.IsNaN(y[i]) || math.IsInf(y[i], 0) {
			return 0, 0, fmt.Errorf("outcome is %v in row %d", y[i], i+1)
		}
		row := raw.Data[i*raw.Stride : i*raw.Stride+k]
		for j, v := range row {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return 0, 0, fmt.Errorf("column %q is %v in row %d", names[j], v, i+1)
			}
		}
	}
	return n, k, nil
}

// gram adds A'A to the upper triangle of the k×k matrix h, where A is the
// m×k matrix stored column-major in cols (column j at cols[j*m:(j+1)*m]).
// Column dot products use gonum's vectorised kernels.
func gram(h, cols []float64, m, k int) {
	for a := 0; a < k; a++ {
		va := blas64.Vector{N: m, Inc: 1, Data: cols[a*m : (a+1)*m]}
		for c := a; c < k; c++ {
			h[a*k+c] += blas64.Dot(va, blas64.Vector{N: m, Inc: 1, Data: cols[c*m : (c+1)*m]})
		}
	}
}

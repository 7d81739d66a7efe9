package estimators

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// benchData draws n rows of a selection model with k regressors in each
// equation (intercept + k−1 normals; the selection equation has one extra
// excluded regressor), about half the rows selected.
func benchData(n, k int) (Z *mat.Dense, s []float64, X *mat.Dense, y []float64, zn, xn []string) {
	r := rand.New(rand.NewPCG(42, 42))
	Z = mat.NewDense(n, k, nil)
	X = mat.NewDense(n, k, nil)
	s = make([]float64, n)
	y = make([]float64, n)
	zn = make([]string, k)
	xn = make([]string, k)
	for j := 0; j < k; j++ {
		zn[j], xn[j] = fmt.Sprintf("z%d", j), fmt.Sprintf("x%d", j)
	}
	zn[0], xn[0] = "(Intercept)", "(Intercept)"
	zr, xr := Z.RawMatrix().Data, X.RawMatrix().Data
	for i := 0; i < n; i++ {
		zr[i*k], xr[i*k] = 1, 1
		var zg, xb float64 = 0.1, 1
		for j := 1; j < k; j++ {
			v := r.NormFloat64()
			xr[i*k+j] = v
			xb += 0.3 * v
			if j < k-1 {
				zr[i*k+j] = v
				zg += 0.2 * v
			}
		}
		e := r.NormFloat64()
		zr[i*k+k-1] = e
		zg += 0.8 * e
		u := r.NormFloat64()
		if zg+u > 0 {
			s[i] = 1
		}
		y[i] = xb + 0.5*u + math.Sqrt(0.75)*r.NormFloat64()
	}
	return
}

// BenchmarkHeckit: 1,000,000 rows × 10 regressors per equation (SPEC §12
// target: under 1 s).
func BenchmarkHeckit(b *testing.B) {
	Z, s, X, y, zn, xn := benchData(1_000_000, 10)
	b.ResetTimer()
	for b.Loop() {
		if _, err := Heckit(Z, s, zn, X, y, xn, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkProbit(b *testing.B) {
	Z, s, _, _, zn, _ := benchData(1_000_000, 10)
	b.ResetTimer()
	for b.Loop() {
		if _, err := Probit(Z, s, zn, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkOLS(b *testing.B) {
	_, _, X, y, _, xn := benchData(1_000_000, 10)
	b.ResetTimer()
	for b.Loop() {
		if _, err := OLS(X, y, xn, Options{VCE: HC1}); err != nil {
			b.Fatal(err)
		}
	}
}

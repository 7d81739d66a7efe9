package estimators

import (
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// oprobitBenchData draws n rows of an ordered probit with k normal
// regressors and five categories.
func oprobitBenchData(n, k int) (*mat.Dense, []float64, []string) {
	r := rand.New(rand.NewPCG(42, 43))
	X := mat.NewDense(n, k, nil)
	y := make([]float64, n)
	names := make([]string, k)
	for j := range names {
		names[j] = "x" + string(rune('a'+j))
	}
	raw := X.RawMatrix().Data
	for i := 0; i < n; i++ {
		var eta float64
		for j := 0; j < k; j++ {
			v := r.NormFloat64()
			raw[i*k+j] = v
			eta += 0.2 * v
		}
		ys := eta + r.NormFloat64()
		y[i] = 1
		for _, c := range []float64{-1, -0.3, 0.3, 1} {
			if ys > c {
				y[i]++
			}
		}
	}
	return X, y, names
}

// switchingBenchData draws n rows of a switching model with k regressors
// (intercept + k−1 normals) in each outcome equation and the selection
// equation (plus one excluded regressor).
func switchingBenchData(n, k int) (Z *mat.Dense, d []float64, X *mat.Dense, y []float64, zn, xn []string) {
	Z, d, X, y, zn, xn = benchData(n, k)
	r := rand.New(rand.NewPCG(44, 45))
	xr := X.RawMatrix().Data
	for i := range y {
		if d[i] == 0 { // the regime-0 outcome: other slopes, larger noise
			var xb float64
			for j := 0; j < k; j++ {
				xb += 0.1 * xr[i*k+j]
			}
			y[i] = xb + 1.5*r.NormFloat64()
		}
	}
	return
}

// TestOrdSwitchEvalAllocs: an evaluation of the log-likelihood, gradient
// and Hessian allocates per block of rows at most, never per row.
func TestOrdSwitchEvalAllocs(t *testing.T) {
	for _, n := range []int{20_000, 80_000} {
		X, y, names := oprobitBenchData(n, 4)
		_, code, err := orderedCategories(y)
		if err != nil {
			t.Fatal(err)
		}
		rm := X.RawMatrix()
		m := newOPModel(n, 4, 5, rm.Data, rm.Stride, code)
		p := m.dim()
		th := []float64{0.2, 0.2, 0.2, 0.2, -1, -0.3, 0.3, 1}
		g, h := make([]float64, p), make([]float64, p*p)
		opAllocs := testing.AllocsPerRun(20, func() { m.eval(th, g, h) })

		Z, d, X1, yy, zn, xn := switchingBenchData(n, 4)
		in, err := checkSwitching(Z, d, zn, X1, xn, X1, xn, yy)
		if err != nil {
			t.Fatal(err)
		}
		x1r := X1.RawMatrix()
		sm := newSwitchModel(Z.RawMatrix(), x1r, x1r, yy, in.rows1, in.rows0, 4, 4, 4)
		ps := 16
		ths := make([]float64, ps)
		gs, hs := make([]float64, ps), make([]float64, ps*ps)
		swAllocs := testing.AllocsPerRun(20, func() { sm.eval(ths, gs, hs) })
		blocks := float64((n + blockRows - 1) / blockRows)
		t.Logf("n = %d (%v blocks of rows): %v allocations per oprobit evaluation, %v per switching evaluation (%v names)", n, blocks, opAllocs, swAllocs, len(names))
		if opAllocs > 8+4*blocks || swAllocs > 16+8*blocks {
			t.Errorf("n = %d: %v and %v allocations per evaluation", n, opAllocs, swAllocs)
		}
	}
}

// BenchmarkOProbit: 1,000,000 rows × 10 regressors, five categories.
func BenchmarkOProbit(b *testing.B) {
	X, y, names := oprobitBenchData(1_000_000, 10)
	b.ResetTimer()
	for b.Loop() {
		if _, err := OProbit(X, y, names, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSwitching: 1,000,000 rows × 10 regressors per equation.
func BenchmarkSwitching(b *testing.B) {
	Z, d, X, y, zn, xn := switchingBenchData(1_000_000, 10)
	b.ResetTimer()
	for b.Loop() {
		res, err := Switching(Z, d, zn, X, xn, X, xn, y, Options{})
		if err != nil {
			b.Fatal(err)
		}
		if len(res.Tests) == 0 {
			b.Fatal("NaN")
		}
	}
}

package estimators

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// heckmanDGP draws n rows of the textbook selection model
//
//	s* = 0.2 + 1.0·z1 + 0.5·x1 + u,  s = 1{s* > 0}
//	y  = 1 + 1.0·x1 + ε,  ε = ρu + √(1−ρ²)v,  u, v ~ N(0, 1)
//
// with z1 the exclusion restriction. It returns Z = [1 z1 x1], s,
// X = [1 x1] and y (y is drawn for every row; heckit must only use the
// selected ones).
func heckmanDGP(r *rand.Rand, n int, rho float64) (Z *mat.Dense, s []float64, X *mat.Dense, y []float64) {
	Z = mat.NewDense(n, 3, nil)
	X = mat.NewDense(n, 2, nil)
	s = make([]float64, n)
	y = make([]float64, n)
	c := math.Sqrt(1 - rho*rho)
	for i := 0; i < n; i++ {
		z1, x1 := r.NormFloat64(), r.NormFloat64()
		u, v := r.NormFloat64(), r.NormFloat64()
		Z.Set(i, 0, 1)
		Z.Set(i, 1, z1)
		Z.Set(i, 2, x1)
		X.Set(i, 0, 1)
		X.Set(i, 1, x1)
		if 0.2+z1+0.5*x1+u > 0 {
			s[i] = 1
		}
		y[i] = 1 + x1 + rho*u + c*v
	}
	return
}

// TestHeckitMonteCarlo checks the textbook result: with ρ = 0.6 OLS on the
// selected sample is biased for the slope, heckit is not, and heckit's 95%
// interval covers the truth 95% of the time (all within Monte Carlo
// error).
func TestHeckitMonteCarlo(t *testing.T) {
	const (
		reps  = 200
		n     = 2000
		rho   = 0.6
		truth = 1.0
	)
	zn := []string{"(Intercept)", "z1", "x1"}
	xn := []string{"(Intercept)", "x1"}
	var hk, ol []float64
	covered := 0
	for rep := 0; rep < reps; rep++ {
		Z, s, X, y := heckmanDGP(rand.New(rand.NewPCG(20260101, uint64(rep))), n, rho)
		res, err := Heckit(Z, s, zn, X, y, xn, Options{})
		if err != nil {
			t.Fatalf("replication %d: %v", rep, err)
		}
		b, _ := res.Equations[1].Coef("x1")
		hk = append(hk, b.Estimate)
		if lo, hi := b.CI95(); lo <= truth && truth <= hi {
			covered++
		}
		// OLS on the selected rows.
		var rows []float64
		var ys []float64
		for i := range s {
			if s[i] == 1 {
				rows = append(rows, 1, X.At(i, 1))
				ys = append(ys, y[i])
			}
		}
		o, err := OLS(mat.NewDense(len(ys), 2, rows), ys, xn, Options{})
		if err != nil {
			t.Fatal(err)
		}
		ol = append(ol, o.Equations[0].Coefs[1].Estimate)
	}
	hm, hse := mcStats(hk)
	om, ose := mcStats(ol)
	cov := float64(covered) / reps
	covMCSE := math.Sqrt(0.95 * 0.05 / reps)
	t.Logf("heckit slope %.4f (MCSE %.4f), OLS slope %.4f (MCSE %.4f), heckit 95%% coverage %.3f (MCSE %.3f)", hm, hse, om, ose, cov, covMCSE)
	if math.Abs(hm-truth) > 4*hse {
		t.Errorf("heckit slope is biased: mean %.4f, truth %v, MCSE %.4f", hm, truth, hse)
	}
	if math.Abs(om-truth) <= 4*ose {
		t.Errorf("OLS slope on the selected sample is not detectably biased: mean %.4f, MCSE %.4f", om, ose)
	}
	if math.Abs(cov-0.95) > 3*covMCSE {
		t.Errorf("heckit 95%% interval coverage %.3f, want 0.95 ± %.3f", cov, 3*covMCSE)
	}
}

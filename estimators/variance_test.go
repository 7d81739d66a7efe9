package estimators

import (
	"errors"
	"math"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// TestVarianceOptionErrors: bad clusters and weights are errors naming
// the problem, weights are refused where unsupported, psm refuses
// clusters, and an estimator given one observation per cluster reports
// the HC1-type sandwich.
func TestVarianceOptionErrors(t *testing.T) {
	X, y := genLinear(60, 3)
	names := []string{"(Intercept)", "x"}
	d := make([]float64, 60)
	for i := range d {
		if X.At(i, 1)+0.3*math.Sin(float64(i)) > 0 {
			d[i] = 1
		}
	}
	ids := make([]int, 60)
	one := make([]int, 60)
	w := make([]float64, 60)
	for i := range ids {
		ids[i] = i / 6
		w[i] = 1 + float64(i%3)
	}
	bad := append([]float64(nil), w...)
	bad[7] = 0
	cases := []struct {
		name string
		run  func() error
		want string
	}{
		{"short clusters", func() error { _, err := Logit(X, d, names, Options{Clusters: ids[:10]}); return err }, "10 cluster ids for 60 rows"},
		{"one cluster", func() error { _, err := Probit(X, d, names, Options{Clusters: one}); return err }, "at least 2 clusters, got 1"},
		{"psm clusters", func() error { _, err := PSM(X, d, names, y, 1, Options{Clusters: ids}); return err }, "Abadie–Imbens"},
		{"zero weight", func() error { _, err := OLS(X, y, names, Options{Weights: bad}); return err }, "weight is 0 in row 8"},
		{"zero weight logit", func() error { _, err := Logit(X, d, names, Options{Weights: bad}); return err }, "weight is 0 in row 8"},
		{"ipw weights", func() error { _, err := IPW(X, d, names, y, Options{Weights: w}); return err }, ErrWeights.Error()},
		{"heckit weights", func() error { _, err := Heckit(X, d, names, X, y, names, Options{Weights: w}); return err }, ErrWeights.Error()},
		{"treatreg weights", func() error {
			_, err := TreatRegTwoStep(X, d, names, mat.NewDense(60, 1, y), y, []string{"c"}, "", Options{Weights: w})
			return err
		}, ErrWeights.Error()},
	}
	for _, c := range cases {
		err := c.run()
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.name, err, c.want)
		}
	}
	if _, err := PSM(X, d, names, y, 1, Options{Clusters: ids}); !errors.Is(err, ErrPSMCluster) {
		t.Errorf("psm: %v is not ErrPSMCluster", err)
	}
	// One row per cluster: vcovCL's factor n/(n−1)·(n−1)/(n−k) is HC1's.
	single := make([]int, 60)
	for i := range single {
		single[i] = i
	}
	a, err := OLS(X, y, names, Options{Clusters: single})
	if err != nil {
		t.Fatal(err)
	}
	b, err := OLS(X, y, names, Options{VCE: HC1})
	if err != nil {
		t.Fatal(err)
	}
	for j, c := range a.Equations[0].Coefs {
		if h := b.Equations[0].Coefs[j].StdError; math.Abs(c.StdError-h) > 1e-12*h {
			t.Errorf("%s: singleton clusters %v, HC1 %v", c.Term, c.StdError, h)
		}
	}
}

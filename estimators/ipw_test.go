package estimators

import (
	"errors"
	"math/rand/v2"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

func TestIPWVsR(t *testing.T) {
	tb := loadTable(t, "te_sim.csv")
	Z, zn := tb.design(true, "x1", "x2")
	res, err := IPW(Z, tb.cols["d"], zn, tb.cols["y"], Options{})
	if err != nil {
		t.Fatal(err)
	}
	var me, ms float64
	for _, e := range []string{"ate", "att", "atu"} {
		a := effect(t, res, e)
		refCompare(t, rRefTE, "ipw."+e+".est", a.Estimate, 1e-6, &me)
		refCompare(t, rRefTE, "ipw."+e+".se", a.StdError, 1e-4, &ms)
	}
	if _, ok := res.Equation("propensity"); !ok || !res.Converged {
		t.Error("no converged propensity equation")
	}
	t.Logf("IPW vs R (hand-written Hájek + numerical stacked sandwich): max rel. diff estimates %.2g, std. errors %.2g", me, ms)
}

// teErrorCases are the bad inputs every propensity-based estimator must
// reject.
func teErrorCases(t *testing.T, fit func(Z *mat.Dense, d []float64, zn []string, y []float64) error) {
	t.Helper()
	r := rand.New(rand.NewPCG(1, 2))
	const n = 60
	Z := mat.NewDense(n, 2, nil)
	y := make([]float64, n)
	d := make([]float64, n)
	sep := make([]float64, n)
	for i := 0; i < n; i++ {
		x := r.NormFloat64()
		Z.Set(i, 0, 1)
		Z.Set(i, 1, x)
		y[i] = x + r.NormFloat64()
		d[i] = float64(i % 2)
		if x > 0 {
			sep[i] = 1
		}
	}
	zn := []string{"(Intercept)", "x"}
	all := func(v float64) []float64 {
		s := make([]float64, n)
		for i := range s {
			s[i] = v
		}
		return s
	}
	nb := append([]float64(nil), d...)
	nb[4] = 0.5
	for _, c := range []struct {
		name string
		d    []float64
		want string
	}{
		{"all 0", all(0), "no treated observations"},
		{"all 1", all(1), "no untreated observations"},
		{"non-binary", nb, "treatment must be 0 or 1, is 0.5 in row 5"},
		{"separation", sep, "separation"},
	} {
		err := fit(Z, c.d, zn, y)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one containing %q", c.name, err, c.want)
		}
	}
}

func TestIPWErrors(t *testing.T) {
	teErrorCases(t, func(Z *mat.Dense, d []float64, zn []string, y []float64) error {
		_, err := IPW(Z, d, zn, y, Options{})
		return err
	})
}

// TestOverlapTolerance: one untreated row far out in the covariate, where
// the logit propensity is within 1e-5 of 1, makes ipw, aipw and psm refuse the
// sample (Stata's pstolerance(1e-5)) instead of returning an estimate
// dominated by that row's weight; without it they run.
func TestOverlapTolerance(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	const n = 400
	build := func(outlier bool) (*mat.Dense, []float64, []float64) {
		Z := mat.NewDense(n, 2, nil)
		d, y := make([]float64, n), make([]float64, n)
		for i := range n {
			x := r.NormFloat64()
			if outlier && i == 0 {
				x = 20
			}
			Z.Set(i, 0, 1)
			Z.Set(i, 1, x)
			d[i] = b2f(x+r.NormFloat64() > 0)
			if outlier && i == 0 {
				d[i] = 0
			}
			y[i] = d[i] + x + r.NormFloat64()
		}
		return Z, d, y
	}
	names := []string{"(Intercept)", "x"}
	for _, outlier := range []bool{false, true} {
		Z, d, y := build(outlier)
		for name, fit := range map[string]func() error{
			"ipw":  func() error { _, err := IPW(Z, d, names, y, Options{}); return err },
			"aipw": func() error { _, err := AIPW(Z, d, names, Z, y, names, Options{}); return err },
			"psm":  func() error { _, err := PSM(Z, d, names, y, 1, Options{}); return err },
		} {
			err := fit()
			if outlier != errors.Is(err, ErrOverlap) || (!outlier && err != nil) {
				t.Errorf("%s (outlier %v): %v", name, outlier, err)
			}
		}
	}
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

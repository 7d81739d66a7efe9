package estimate

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/redress-sim/redress/estimators"
	"github.com/redress-sim/redress/table"
)

// discreteTable is testTable's design with discrete outcomes: yb (0/1)
// and yo (1–4, ordered) observed where s = 1, and wb (0/1) with the
// endogenous treatment d everywhere.
func discreteTable(t *testing.T, n int) *table.Table {
	t.Helper()
	rng := rand.New(rand.NewPCG(11, 12))
	names := []string{"x1", "x2", "z", "s", "yb", "yo", "d", "wb", "g"}
	cols := make([][]float64, len(names))
	for i := range cols {
		cols[i] = make([]float64, n)
	}
	x1, x2, z, s, yb, yo, d, wb := cols[0], cols[1], cols[2], cols[3], cols[4], cols[5], cols[6], cols[7]
	for i := range n {
		cols[8][i] = float64(i / 4) // clusters of four rows
		x1[i], x2[i], z[i] = rng.NormFloat64(), rng.NormFloat64(), rng.NormFloat64()
		u := rng.NormFloat64()
		v := 0.5*u + math.Sqrt(0.75)*rng.NormFloat64()
		yb[i], yo[i] = math.NaN(), math.NaN()
		if 0.2+0.5*x1[i]+z[i]+u > 0 {
			s[i] = 1
			ys := 0.3 + 0.5*x1[i] - 0.3*x2[i] + v
			yb[i] = b2f(ys > 0)
			yo[i] = 1 + b2f(ys > -0.5) + b2f(ys > 0.4) + b2f(ys > 1.2)
		}
		d[i] = b2f(0.1*x2[i]+0.8*z[i]+u > 0)
		wb[i] = b2f(-0.2+0.6*d[i]+0.4*x1[i]+v > 0)
	}
	tab, err := table.New(names, cols)
	if err != nil {
		t.Fatal(err)
	}
	return tab
}

// columns returns the named columns of tab (rows where keep, all if nil)
// as a matrix, with a leading intercept when icpt.
func columnsOf(tab *table.Table, keep []bool, icpt bool, names ...string) *mat.Dense {
	var data []float64
	rows := 0
	for i := range tab.Len() {
		if keep != nil && !keep[i] {
			continue
		}
		if icpt {
			data = append(data, 1)
		}
		for _, n := range names {
			c, _ := tab.Col(n)
			data = append(data, c[i])
		}
		rows++
	}
	k := len(names)
	if icpt {
		k++
	}
	return mat.NewDense(rows, k, data)
}

// TestNewModelsWiring: Fit of oprobit, heckprobit, heckoprobit, biprobit
// and switching gives what the estimators give on the designs built by
// hand — the right rows, the ordered models without an intercept, the
// treatment appended or split on.
func TestNewModelsWiring(t *testing.T) {
	tab := discreteTable(t, 1500)
	all := func(name string) []float64 { return col(tab, name, nil) }
	s := all("s")
	sel := make([]bool, len(s))
	for i, v := range s {
		sel[i] = v == 1
	}
	zs := []string{"(Intercept)", "x1", "z"}
	xs := []string{"(Intercept)", "x1", "x2"}
	Z := columnsOf(tab, nil, true, "x1", "z")
	X := columnsOf(tab, nil, true, "x1", "x2")
	Xo := columnsOf(tab, nil, false, "x1", "x2")
	Zt := columnsOf(tab, nil, true, "x2", "z")
	zt := []string{"(Intercept)", "x2", "z"}
	o := estimators.Options{}
	for _, tc := range []struct {
		spec Spec
		want func() (*estimators.Result, error)
	}{
		{Spec{Method: OProbit, Outcome: "yo ~ x1 + x2", Selection: "s ~ 1"}, func() (*estimators.Result, error) {
			return estimators.OProbit(columnsOf(tab, sel, false, "x1", "x2"), col(tab, "yo", sel), []string{"x1", "x2"}, o)
		}},
		{Spec{Method: HeckProbit, Outcome: "yb ~ x1 + x2", Selection: "s ~ x1 + z"}, func() (*estimators.Result, error) {
			return estimators.HeckProbit(Z, s, zs, X, all("yb"), xs, o)
		}},
		{Spec{Method: HeckOProbit, Outcome: "yo ~ x1 + x2", Selection: "s ~ x1 + z"}, func() (*estimators.Result, error) {
			return estimators.HeckOProbit(Z, s, zs, Xo, all("yo"), []string{"x1", "x2"}, o)
		}},
		{Spec{Method: BiProbit, Outcome: "wb ~ x1", Selection: "d ~ x2 + z"}, func() (*estimators.Result, error) {
			return estimators.BiProbit(Zt, all("d"), zt, columnsOf(tab, nil, true, "x1"), all("wb"), []string{"(Intercept)", "x1"}, "d", o)
		}},
		{Spec{Method: Switching, Outcome: "wb ~ x1", Selection: "d ~ x2 + z"}, func() (*estimators.Result, error) {
			X1 := columnsOf(tab, nil, true, "x1")
			n1 := []string{"(Intercept)", "x1"}
			return estimators.Switching(Zt, all("d"), zt, X1, n1, X1, n1, all("wb"), o)
		}},
	} {
		t.Run(string(tc.spec.Method), func(t *testing.T) {
			got, err := Fit(tab, tc.spec)
			if err != nil {
				t.Fatal(err)
			}
			want, err := tc.want()
			if err != nil {
				t.Fatal(err)
			}
			a, _ := got.Result.MarshalJSON()
			b, _ := want.MarshalJSON()
			if string(a) != string(b) {
				t.Errorf("Fit:\n%s\nby hand:\n%s", a, b)
			}
		})
	}
}

// TestNewModelsCluster: with Spec.Cluster the five models report
// cluster-robust standard errors (different from the model-based ones),
// the number of clusters, and no likelihood-ratio test.
func TestNewModelsCluster(t *testing.T) {
	tab := discreteTable(t, 1500)
	for _, spec := range []Spec{
		{Method: OProbit, Outcome: "yo ~ x1 + x2", Selection: "s ~ 1"},
		{Method: HeckProbit, Outcome: "yb ~ x1 + x2", Selection: "s ~ x1 + z"},
		{Method: HeckOProbit, Outcome: "yo ~ x1 + x2", Selection: "s ~ x1 + z"},
		{Method: BiProbit, Outcome: "wb ~ x1", Selection: "d ~ x2 + z"},
		{Method: Switching, Outcome: "wb ~ x1", Selection: "d ~ x2 + z"},
	} {
		plain, err := Fit(tab, spec)
		if err != nil {
			t.Fatal(err)
		}
		spec.Cluster = "g"
		cl, err := Fit(tab, spec)
		if err != nil {
			t.Fatalf("%s: %v", spec.Method, err)
		}
		a, b := plain.Equations[0].Coefs[0], cl.Equations[0].Coefs[0]
		if cl.Clusters == 0 || a.Estimate != b.Estimate || a.StdError == b.StdError {
			t.Errorf("%s: %d clusters; %+v unclustered, %+v clustered", spec.Method, cl.Clusters, a, b)
		}
		for _, tst := range cl.Tests {
			if strings.HasPrefix(tst.Name, "lr_") {
				t.Errorf("%s: likelihood-ratio test %s under clusters", spec.Method, tst.Name)
			}
		}
	}
}

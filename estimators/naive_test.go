package estimators

import (
	"encoding/csv"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// table holds a numeric CSV from testdata by column, in file order.
type table struct {
	cols map[string][]float64
	n    int
}

func loadTable(t *testing.T, file string) table {
	t.Helper()
	f, err := os.Open("testdata/" + file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	tb := table{cols: map[string][]float64{}, n: len(recs) - 1}
	for _, r := range recs[1:] {
		for j, cell := range r {
			v, err := strconv.ParseFloat(cell, 64)
			if err != nil {
				t.Fatalf("%s: cell %q: %v", file, cell, err)
			}
			tb.cols[recs[0][j]] = append(tb.cols[recs[0][j]], v)
		}
	}
	return tb
}

// design returns [1 cols...] (or [cols...] without intercept) and names.
func (tb table) design(intercept bool, cols ...string) (*mat.Dense, []string) {
	var names []string
	if intercept {
		names = append(names, "(Intercept)")
	}
	names = append(names, cols...)
	X := mat.NewDense(tb.n, len(names), nil)
	for i := 0; i < tb.n; i++ {
		j := 0
		if intercept {
			X.Set(i, 0, 1)
			j = 1
		}
		for _, c := range cols {
			X.Set(i, j, tb.cols[c][i])
			j++
		}
	}
	return X, names
}

func effect(t *testing.T, r *Result, name string) Aux {
	t.Helper()
	for _, a := range r.Effects {
		if a.Name == name {
			return a
		}
	}
	t.Fatalf("%s: no effect %q", r.Method, name)
	return Aux{}
}

func TestNaiveVsR(t *testing.T) {
	tb := loadTable(t, "te_sim.csv")
	y, d := tb.cols["y"], tb.cols["d"]
	res, err := Naive(y, d)
	if err != nil {
		t.Fatal(err)
	}
	var me, ms float64
	ate := effect(t, res, "ate")
	refCompare(t, rRefTE, "naive.est", ate.Estimate, 1e-10, &me)
	refCompare(t, rRefTE, "naive.se", ate.StdError, 1e-10, &ms)
	c, _ := res.Equations[0].Coef("difference")
	if c.Estimate != ate.Estimate || c.StdError != ate.StdError {
		t.Errorf("difference %v differs from ate %v", c, ate)
	}
	m1, _ := res.Aux("mean_treated")
	refCompare(t, rRefTE, "naive.mean.est", m1.Estimate, 1e-10, &me)
	refCompare(t, rRefTE, "naive.mean.se", m1.StdError, 1e-10, &ms)
	// NaiveMean over the treated rows, with NaN outcomes elsewhere.
	y2 := append([]float64(nil), y...)
	for i := range y2 {
		if d[i] == 0 {
			y2[i] = math.NaN()
		}
	}
	mres, err := NaiveMean(y2, d)
	if err != nil {
		t.Fatal(err)
	}
	mc, _ := mres.Equations[0].Coef("mean")
	refCompare(t, rRefTE, "naive.mean.est", mc.Estimate, 1e-10, &me)
	refCompare(t, rRefTE, "naive.mean.se", mc.StdError, 1e-10, &ms)
	if mres.NSelected != int(sumOf(d)) || mres.N != len(y) {
		t.Errorf("n = %d, n_selected = %d", mres.N, mres.NSelected)
	}
	t.Logf("naive vs R t.test: max rel. diff estimates %.2g, std. errors %.2g", me, ms)
}

func sumOf(v []float64) (s float64) {
	for _, x := range v {
		s += x
	}
	return s
}

func TestNaiveErrors(t *testing.T) {
	y := []float64{1, 2, 3, 4, 5}
	for _, c := range []struct {
		name string
		run  func() error
		want string
	}{
		{"all 0", func() error { _, err := Naive(y, []float64{0, 0, 0, 0, 0}); return err }, "no treated"},
		{"all 1", func() error { _, err := Naive(y, []float64{1, 1, 1, 1, 1}); return err }, "no untreated"},
		{"non-binary", func() error { _, err := Naive(y, []float64{0, 1, 2, 0, 1}); return err }, "0 or 1, is 2 in row 3"},
		{"one treated", func() error { _, err := Naive(y, []float64{0, 1, 0, 0, 0}); return err }, "at least two"},
		{"nan", func() error { _, err := Naive([]float64{1, 2, math.NaN(), 4, 5}, []float64{0, 1, 0, 1, 0}); return err }, "row 3"},
		{"length", func() error { _, err := Naive(y, []float64{0, 1}); return err }, "values"},
		{"mean one", func() error { _, err := NaiveMean(y, []float64{0, 1, 0, 0, 0}); return err }, "at least two"},
		{"mean nan observed", func() error { _, err := NaiveMean([]float64{1, math.NaN(), 3}, nil); return err }, "observed row 2"},
	} {
		err := c.run()
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one containing %q", c.name, err, c.want)
		}
	}
	if r, err := NaiveMean(y, nil); err != nil || r.Equations[0].Coefs[0].Estimate != 3 {
		t.Errorf("NaiveMean(1..5) = %v, %v", r, err)
	}
}

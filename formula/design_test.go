package formula

import (
	"errors"
	"math"
	"math/rand/v2"
	"reflect"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/redress-sim/redress/table"
)

var nan = math.NaN()

func newTable(t *testing.T, names []string, cols ...[]float64) *table.Table {
	t.Helper()
	tab, err := table.New(names, cols)
	if err != nil {
		t.Fatal(err)
	}
	return tab
}

func mustParse(t *testing.T, s string) *Formula {
	t.Helper()
	f, err := Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestNewDesign(t *testing.T) {
	tab := newTable(t, []string{"y", "x1", "x2", "s"},
		[]float64{1, 2, 3, 4, 5, nan},
		[]float64{1, 0, 2, nan, 5, 1},
		[]float64{0, 1, 1, 3, -2, 2},
		[]float64{1, 1, 0, 1, 1, 1},
	)
	for _, test := range []struct {
		name    string
		formula string
		terms   bool
		opts    DesignOptions
		want    *Design
	}{
		{
			name: "drop missing", formula: "y ~ x1 + x2", opts: DesignOptions{DropMissing: true},
			want: &Design{
				X:     mat.NewDense(4, 3, []float64{1, 1, 0, 1, 0, 1, 1, 2, 1, 1, 5, -2}),
				Y:     []float64{1, 2, 3, 5},
				Names: []string{"(Intercept)", "x1", "x2"},
				Rows:  []int{0, 1, 2, 4}, Dropped: 2,
			},
		},
		{
			name: "no intercept", formula: "y ~ x2 - 1", opts: DesignOptions{DropMissing: true},
			want: &Design{
				X:     mat.NewDense(5, 1, []float64{0, 1, 1, 3, -2}),
				Y:     []float64{1, 2, 3, 4, 5},
				Names: []string{"x2"},
				Rows:  []int{0, 1, 2, 3, 4}, Dropped: 1,
			},
		},
		{
			name: "subset", formula: "y ~ x2", opts: DesignOptions{Subset: []bool{true, true, false, true, true, false}},
			want: &Design{
				X:     mat.NewDense(4, 2, []float64{1, 0, 1, 1, 1, 3, 1, -2}),
				Y:     []float64{1, 2, 4, 5},
				Names: []string{"(Intercept)", "x2"},
				Rows:  []int{0, 1, 3, 4},
			},
		},
		{
			name: "intercept only", formula: "x2 ~ 1",
			want: &Design{
				X:     mat.NewDense(6, 1, []float64{1, 1, 1, 1, 1, 1}),
				Y:     []float64{0, 1, 1, 3, -2, 2},
				Names: []string{"(Intercept)"},
				Rows:  []int{0, 1, 2, 3, 4, 5},
			},
		},
		{
			name: "term list", formula: "x2 + s", terms: true,
			want: &Design{
				X:     mat.NewDense(6, 3, []float64{1, 0, 1, 1, 1, 1, 1, 1, 0, 1, 3, 1, 1, -2, 1, 1, 2, 1}),
				Names: []string{"(Intercept)", "x2", "s"},
				Rows:  []int{0, 1, 2, 3, 4, 5},
			},
		},
	} {
		var f *Formula
		var err error
		if test.terms {
			f, err = ParseTerms(test.formula)
		} else {
			f, err = Parse(test.formula)
		}
		if err != nil {
			t.Fatal(err)
		}
		d, err := NewDesign(tab, f, test.opts)
		if err != nil {
			t.Errorf("%s: unexpected error: %v", test.name, err)
			continue
		}
		if !mat.Equal(d.X, test.want.X) {
			t.Errorf("%s: X =\n%v\nwant\n%v", test.name, mat.Formatted(d.X), mat.Formatted(test.want.X))
		}
		if !reflect.DeepEqual(d.Y, test.want.Y) || !reflect.DeepEqual(d.Names, test.want.Names) ||
			!reflect.DeepEqual(d.Rows, test.want.Rows) || d.Dropped != test.want.Dropped {
			t.Errorf("%s: got Y %v Names %q Rows %v Dropped %d; want %v %q %v %d", test.name,
				d.Y, d.Names, d.Rows, d.Dropped, test.want.Y, test.want.Names, test.want.Rows, test.want.Dropped)
		}
	}
}

func TestNewDesignErrors(t *testing.T) {
	tab := newTable(t, []string{"y", "x1", "x2", "c", "inf"},
		[]float64{1, 2, 3, 4, nan},
		[]float64{1, nan, 2, nan, 5},
		[]float64{0, 1, 1, 3, -2},
		[]float64{7, 7, 7, 7, 7},
		[]float64{0, 1, math.Inf(1), 0, 0},
	)
	for _, test := range []struct {
		formula string
		opts    DesignOptions
		want    string
		as      any
	}{
		{formula: "y ~ agee", want: `no such column "agee" (columns: "y", "x1", "x2", "c", "inf")`},
		{formula: "yy ~ x1", want: `no such column "yy" (columns: "y", "x1", "x2", "c", "inf")`},
		{formula: "y ~ x1 + x2",
			want: `3 rows have missing values ("y": 1, "x1": 2); listwise deletion was not requested`,
			as:   new(*MissingError)},
		{formula: "y ~ x2", want: `1 row has missing values ("y": 1); listwise deletion was not requested`},
		{formula: "y ~ x2 + c", opts: DesignOptions{DropMissing: true},
			want: `collinear regressors: "c" is constant`, as: new(*RankError)},
		{formula: "x2 ~ inf", want: `formula: column "inf" has an infinite value in row 3`},
		{formula: "y ~ x1 + x2", opts: DesignOptions{DropMissing: true, Subset: []bool{false, true, false, true, true}},
			want: `formula: no rows left: all 3 have missing values`},
		{formula: "y ~ x1 + x2", opts: DesignOptions{DropMissing: true, Subset: []bool{true, true, true, true, false}},
			want: `formula: 2 rows for 3 regressors`},
		{formula: "y ~ x1", opts: DesignOptions{Subset: []bool{true}},
			want: `formula: subset has 1 rows, the table 5`},
		{formula: "y ~ x1", opts: DesignOptions{Subset: make([]bool, 5)},
			want: `formula: no rows`},
	} {
		_, err := NewDesign(tab, mustParse(t, test.formula), test.opts)
		if err == nil || err.Error() != test.want {
			t.Errorf("%q: got error\n\t%v\nwant\n\t%s", test.formula, err, test.want)
			continue
		}
		if test.as != nil && !errors.As(err, test.as) {
			t.Errorf("%q: error is %T, want %T", test.formula, err, test.as)
		}
	}
	var me *MissingError
	_, err := NewDesign(tab, mustParse(t, "y ~ x1 + x2"), DesignOptions{})
	if !errors.As(err, &me) || !reflect.DeepEqual(me.Columns, []string{"y", "x1"}) ||
		!reflect.DeepEqual(me.Counts, []int{1, 2}) || me.Rows != 3 {
		t.Errorf("MissingError = %+v", me)
	}
	if _, err := NewDesign(tab, &Formula{Response: "y"}, DesignOptions{}); err == nil {
		t.Error("no error for an empty model")
	}
}

func TestCheckRank(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 2))
	const n = 200
	norm := func() []float64 {
		x := make([]float64, n)
		for i := range x {
			x[i] = rnd.NormFloat64()
		}
		return x
	}
	lin := func(a float64, cs []float64, xs ...[]float64) []float64 {
		y := make([]float64, n)
		for i := range y {
			y[i] = a
			for k, x := range xs {
				y[i] += cs[k] * x[i]
			}
		}
		return y
	}
	ones := lin(1, nil)
	x1, x2, x3 := norm(), norm(), norm()
	big := lin(1e6, []float64{1}, x1) // large mean, unit variation
	for _, test := range []struct {
		name  string
		names []string
		cols  [][]float64
		want  string
	}{
		{name: "full rank", names: []string{"(Intercept)", "x1", "x2"}, cols: [][]float64{ones, x1, x2}},
		{name: "near collinear", names: []string{"(Intercept)", "x1", "x2"},
			cols: [][]float64{ones, x1, lin(0, []float64{1, 1e-6}, x1, x2)}},
		{name: "large mean", names: []string{"(Intercept)", "big", "x2"}, cols: [][]float64{ones, big, x2}},
		{name: "constant without intercept", names: []string{"c", "x1"}, cols: [][]float64{lin(3, nil), x1}},
		{name: "combination", names: []string{"(Intercept)", "x1", "x2", "x3"},
			cols: [][]float64{ones, x1, x2, lin(2, []float64{0.5, -3}, x1, x2)},
			want: `collinear regressors: "x3" is a linear combination of "(Intercept)", "x1", "x2"`},
		{name: "combination without the intercept", names: []string{"(Intercept)", "x1", "x2", "x3"},
			cols: [][]float64{ones, x1, x2, lin(0, []float64{0.1, 0.7}, x1, x2)},
			want: `collinear regressors: "x3" is a linear combination of "x1", "x2"`},
		{name: "constant", names: []string{"(Intercept)", "x1", "c"},
			cols: [][]float64{ones, x1, lin(-4.2, nil)},
			want: `collinear regressors: "c" is constant`},
		{name: "zeros", names: []string{"(Intercept)", "z", "x1"},
			cols: [][]float64{ones, lin(0, nil), x1},
			want: `collinear regressors: "z" is all zeros`},
		{name: "duplicate", names: []string{"(Intercept)", "x1", "x2", "x1.copy"},
			cols: [][]float64{ones, x1, x2, x1},
			want: `collinear regressors: "x1.copy" duplicates "x1"`},
		{name: "multiple", names: []string{"x1", "x2", "x1.cm"},
			cols: [][]float64{x1, x2, lin(0, []float64{100}, x1)},
			want: `collinear regressors: "x1.cm" is a multiple of "x1"`},
		{name: "several", names: []string{"(Intercept)", "x1", "d", "x2", "x3", "s"},
			cols: [][]float64{ones, x1, x1, x2, x3, lin(1e-3, []float64{1e3, 1}, x2, x3)},
			want: `collinear regressors: "d" duplicates "x1"; "s" is a linear combination of "(Intercept)", "x2", "x3"`},
		{name: "dummy trap", names: []string{"(Intercept)", "a", "b"},
			cols: [][]float64{ones, dummy(n, 0), dummy(n, 1)},
			want: `collinear regressors: "b" is a linear combination of "(Intercept)", "a"`},
		{name: "more columns than rows", names: []string{"a", "b", "c"},
			cols: [][]float64{x1[:2], x2[:2], x3[:2]},
			want: `collinear regressors: "c" is a linear combination of "a", "b"`},
	} {
		m := len(test.cols[0])
		X := mat.NewDense(m, len(test.cols), nil)
		for j, c := range test.cols {
			X.SetCol(j, c)
		}
		err := CheckRank(X, test.names)
		switch {
		case test.want == "" && err != nil:
			t.Errorf("%s: unexpected error: %v", test.name, err)
		case test.want != "" && (err == nil || err.Error() != test.want):
			t.Errorf("%s: got error\n\t%v\nwant\n\t%s", test.name, err, test.want)
		}
	}

	// Coefficients of a dependency.
	X := mat.NewDense(n, 4, nil)
	for j, c := range [][]float64{ones, x1, x2, lin(2, []float64{0.5, -3}, x1, x2)} {
		X.SetCol(j, c)
	}
	var re *RankError
	if !errors.As(CheckRank(X, nil), &re) || len(re.Deps) != 1 {
		t.Fatalf("got %v", re)
	}
	dep := re.Deps[0]
	want := []float64{2, 0.5, -3}
	if dep.Column != "column 4" || !reflect.DeepEqual(dep.Of, []string{"column 1", "column 2", "column 3"}) {
		t.Errorf("dependency = %+v", dep)
	}
	for i, c := range dep.Coef {
		if math.Abs(c-want[i]) > 1e-10 {
			t.Errorf("coefficient %d = %v, want %v", i, c, want[i])
		}
	}

	X.Set(3, 1, nan)
	if err := CheckRank(X, nil); err == nil || err.Error() != `formula: column "column 2" has the non-finite value NaN in row 4` {
		t.Errorf("got %v for a NaN", err)
	}
	if err := CheckRank(X, []string{"a"}); err == nil {
		t.Error("no error for too few names")
	}
}

// dummy returns an indicator of i%2 == k.
func dummy(n, k int) []float64 {
	x := make([]float64, n)
	for i := range x {
		if i%2 == k {
			x[i] = 1
		}
	}
	return x
}

// FuzzDesign: any formula on a table with numbers, missing values and
// text either builds a finite design or fails with an error, never a
// panic.
func FuzzDesign(f *testing.F) {
	for _, s := range []string{"y ~ x + factor(g)", "y ~ x*z + log(z)", "y ~ 0 + factor(g):x", "y ~ I(x^2) + sqrt(z) + exp(x)", "y ~ factor(x)*factor(g)", "y ~ C(g) + g", "y ~ poly(x, 3) + z", "y ~ poly(z, 2, raw = TRUE):factor(g)", "y ~ poly(x, 2)*poly(z, 2)"} {
		f.Add(s)
	}
	tab := &table.Table{}
	for _, c := range []struct {
		name string
		col  []float64
	}{{"y", []float64{1, 2, 3, 4, 5, 6, 7, math.NaN()}}, {"x", []float64{0.5, -1, 2, 0, 3, 1, -2, 4}}, {"z", []float64{1, 2, 3, 4, 0, 6, 7, 8}}} {
		if err := tab.Add(c.name, c.col); err != nil {
			f.Fatal(err)
		}
	}
	if err := tab.AddText("g", []string{"a", "b", "a", "c", "", "b", "c", "a"}); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, s string) {
		fm, err := Parse(s)
		if err != nil {
			return
		}
		for _, drop := range []bool{false, true} {
			d, err := NewDesign(tab, fm, DesignOptions{DropMissing: drop})
			if err != nil {
				continue
			}
			r, c := d.X.Dims()
			if r != len(d.Rows) || c != len(d.Names) {
				t.Fatalf("%q: %d×%d design for %d rows, %d names", s, r, c, len(d.Rows), len(d.Names))
			}
			for i := range r {
				for j := range c {
					if v := d.X.At(i, j); math.IsNaN(v) || math.IsInf(v, 0) {
						t.Fatalf("%q: X[%d,%d] = %v", s, i, j, v)
					}
				}
			}
		}
	})
}

// TestPoly: poly terms parse, print and list their variable; their
// columns are orthonormal (or powers); too few distinct values is an
// error naming the term.
func TestPoly(t *testing.T) {
	f := mustParse(t, "y ~ poly(x,3) + poly(`a b`, 2, raw = T):z")
	if want := "y ~ poly(x, 3) + poly(`a b`, 2, raw = TRUE):z"; f.String() != want {
		t.Errorf("String: %q, want %q", f.String(), want)
	}
	if g := mustParse(t, f.String()); !reflect.DeepEqual(g, f) {
		t.Errorf("round trip: %#v, want %#v", g, f)
	}
	if vars := f.Vars(); !reflect.DeepEqual(vars, []string{"y", "x", "a b", "z"}) {
		t.Errorf("Vars: %q", vars)
	}
	x := []float64{1, 2, 3, 4, 5, 7}
	tab := newTable(t, []string{"y", "x"}, []float64{1, 3, 2, 5, 4, 6}, x)
	d, err := NewDesign(tab, mustParse(t, "y ~ poly(x, 3)"), DesignOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{InterceptName, "poly(x, 3)1", "poly(x, 3)2", "poly(x, 3)3"}; !reflect.DeepEqual(d.Names, want) {
		t.Errorf("names %q, want %q", d.Names, want)
	}
	var g mat.Dense
	g.Mul(d.X.T(), d.X)
	for a := 1; a < 4; a++ {
		for b := 0; b < 4; b++ {
			want := 0.0
			if a == b {
				want = 1
			}
			if math.Abs(g.At(a, b)-want) > 1e-12 {
				t.Errorf("X'X[%d,%d] = %g, want %g", a, b, g.At(a, b), want)
			}
		}
	}
	d, err = NewDesign(tab, mustParse(t, "y ~ poly(x, 2, raw = TRUE) - 1"), DesignOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if d.X.At(5, 0) != 7 || d.X.At(5, 1) != 49 {
		t.Errorf("raw row 6: %v", mat.Row(nil, 5, d.X))
	}
	_, err = NewDesign(newTable(t, []string{"y", "x"}, []float64{1, 2, 3, 4}, []float64{1, 1, 2, 2}), mustParse(t, "y ~ poly(x, 2)"), DesignOptions{})
	if want := `formula: poly(x, 2): degree 2 needs at least 3 distinct values of "x" over the rows used, there are 2`; err == nil || err.Error() != want {
		t.Errorf("got %v, want %s", err, want)
	}
}

package estimate

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/redress-sim/redress/estimators"
	"github.com/redress-sim/redress/table"
)

// testTable is a selection-and-treatment sample of n rows: regressors
// x1, x2, an instrument z, a selection indicator s with the outcome y
// observed only where s = 1, and a treatment d with outcome w.
func testTable(t *testing.T, n int) *table.Table {
	t.Helper()
	rng := rand.New(rand.NewPCG(7, 8))
	cols := make([][]float64, 7)
	for i := range cols {
		cols[i] = make([]float64, n)
	}
	x1, x2, z, s, y, d, w := cols[0], cols[1], cols[2], cols[3], cols[4], cols[5], cols[6]
	for i := range n {
		x1[i], x2[i], z[i] = rng.NormFloat64(), rng.NormFloat64(), rng.NormFloat64()
		u, e := rng.NormFloat64(), rng.NormFloat64()
		v := 0.5*u + math.Sqrt(0.75)*e
		y[i] = math.NaN()
		if 0.2+0.5*x1[i]+z[i]+u > 0 {
			s[i] = 1
			y[i] = 1 + 0.5*x1[i] - 0.3*x2[i] + v
		}
		if 0.1*x2[i]+0.8*z[i]+rng.NormFloat64() > 0 {
			d[i] = 1
		}
		w[i] = 1 + d[i] + 0.4*x1[i] + rng.NormFloat64()
	}
	tab, err := table.New([]string{"x1", "x2", "z", "s", "y", "d", "w"}, cols)
	if err != nil {
		t.Fatal(err)
	}
	return tab
}

// design returns the columns of tab (rows where keep, all if nil) as a
// matrix with a leading intercept.
func design(tab *table.Table, keep []bool, names ...string) *mat.Dense {
	return columnsOf(tab, keep, true, names...)
}

func col(tab *table.Table, name string, keep []bool) []float64 {
	c, _ := tab.Col(name)
	var out []float64
	for i, v := range c {
		if keep == nil || keep[i] {
			out = append(out, v)
		}
	}
	return out
}

// TestFitMatchesEstimators: Fit on a table gives exactly what the
// estimator gives on the matrices built by hand.
func TestFitMatchesEstimators(t *testing.T) {
	tab := testTable(t, 600)
	sc, _ := tab.Col("s")
	sel := make([]bool, len(sc))
	for i, v := range sc {
		sel[i] = v == 1
	}
	xn := []string{"(Intercept)", "x1", "x2"}
	zn := []string{"(Intercept)", "x1", "x2", "z"}
	X, Xs, Z := design(tab, nil, "x1", "x2"), design(tab, sel, "x1", "x2"), design(tab, nil, "x1", "x2", "z")
	d, w, s := col(tab, "d", nil), col(tab, "w", nil), col(tab, "s", nil)
	// Heckit takes the outcome rows over all rows, NaN where unselected.
	Xall := mat.DenseCopyOf(X)
	for i, ok := range sel {
		if !ok {
			Xall.SetRow(i, []float64{math.NaN(), math.NaN(), math.NaN()})
		}
	}
	yall := col(tab, "y", nil)
	hc1 := estimators.Options{VCE: estimators.HC1}
	for _, c := range []struct {
		spec Spec
		want func() (*estimators.Result, error)
	}{
		{Spec{Method: OLS, Outcome: "y ~ x1 + x2", Selection: "s ~ 1", VCE: estimators.HC1},
			func() (*estimators.Result, error) { return estimators.OLS(Xs, col(tab, "y", sel), xn, hc1) }},
		{Spec{Method: Probit, Outcome: "s ~ x1 + x2 + z"},
			func() (*estimators.Result, error) { return estimators.Probit(Z, s, zn, estimators.Options{}) }},
		{Spec{Method: Heckit, Outcome: "y ~ x1 + x2", Selection: "s ~ x1 + x2 + z"},
			func() (*estimators.Result, error) {
				return estimators.Heckit(Z, s, zn, Xall, yall, xn, estimators.Options{})
			}},
		{Spec{Method: Heckman, Outcome: "y ~ x1 + x2", Selection: "s ~ x1 + x2 + z"},
			func() (*estimators.Result, error) {
				return estimators.Heckman(Z, s, zn, Xall, yall, xn, estimators.Options{})
			}},
		{Spec{Method: TreatReg, Outcome: "w ~ x1 + x2", Selection: "d ~ x1 + x2 + z"},
			func() (*estimators.Result, error) {
				return estimators.TreatRegML(Z, d, zn, X, w, xn, "d", estimators.Options{})
			}},
		{Spec{Method: AIPW, Outcome: "w ~ x1 + x2", Treatment: "d"},
			func() (*estimators.Result, error) { return estimators.AIPW(X, d, xn, X, w, xn, estimators.Options{}) }},
		{Spec{Method: PSM, Outcome: "w ~ x1 + x2", Treatment: "d", Neighbours: 2},
			func() (*estimators.Result, error) { return estimators.PSM(X, d, xn, w, 2, estimators.Options{}) }},
		{Spec{Method: IV, Outcome: "w ~ x1 + x2", Treatment: "d", Instruments: "z", VCE: estimators.HC1},
			func() (*estimators.Result, error) {
				return estimators.IV(X, xn, design(tab, nil, "d").Slice(0, 600, 1, 2).(*mat.Dense), []string{"d"},
					design(tab, nil, "z").Slice(0, 600, 1, 2).(*mat.Dense), []string{"z"}, w, hc1)
			}},
		{Spec{Method: Naive, Outcome: "y ~ 1", Selection: "s ~ 1"},
			func() (*estimators.Result, error) { return estimators.NaiveMean(yall, s) }},
		{Spec{Method: Naive, Outcome: "w ~ 1", Treatment: "d"},
			func() (*estimators.Result, error) { return estimators.Naive(w, d) }},
	} {
		got, err := Fit(tab, c.spec)
		if err != nil {
			t.Errorf("%s: %v", c.spec.Method, err)
			continue
		}
		want, err := c.want()
		if err != nil {
			t.Fatalf("%s by hand: %v", c.spec.Method, err)
		}
		gj, _ := got.Result.MarshalJSON()
		wj, _ := want.MarshalJSON()
		if string(gj) != string(wj) {
			t.Errorf("%s: Fit gives\n%s\nby hand\n%s", c.spec.Method, gj, wj)
		}
	}
}

// TestFitErrors: a Spec that does not suit its method or its table is an
// error naming the Spec field, or the row and column of a missing value.
func TestFitErrors(t *testing.T) {
	tab := testTable(t, 200)
	firstMissing := 0
	for i, v := range col(tab, "y", nil) {
		if math.IsNaN(v) {
			firstMissing = i + 1
			break
		}
	}
	for _, c := range []struct {
		name  string
		spec  Spec
		field string // of a *SpecError
		row   int    // of a *MissingValueError
	}{
		{"unknown method", Spec{Method: "lasso", Outcome: "y ~ x1"}, "Method", 0},
		{"heckit without selection", Spec{Method: Heckit, Outcome: "y ~ x1"}, "Selection", 0},
		{"iv without instruments", Spec{Method: IV, Outcome: "w ~ x1", Treatment: "d"}, "Instruments", 0},
		{"ols with a treatment", Spec{Method: OLS, Outcome: "w ~ x1", Treatment: "d"}, "Treatment", 0},
		{"ipw with a selection", Spec{Method: IPW, Outcome: "w ~ x1", Treatment: "d", Selection: "s ~ 1"}, "Selection", 0},
		{"heckit with HC1", Spec{Method: Heckit, Outcome: "y ~ x1", Selection: "s ~ z", VCE: estimators.HC1}, "VCE", 0},
		{"ols with neighbours", Spec{Method: OLS, Outcome: "w ~ x1", Neighbours: 2}, "Neighbours", 0},
		{"no left-hand side", Spec{Method: Heckit, Outcome: "~ x1", Selection: "s ~ z"}, "Outcome", 0},
		{"bad formula", Spec{Method: OLS, Outcome: "w ~ x1 +"}, "Outcome", 0},
		{"indicator not 0/1", Spec{Method: Heckit, Outcome: "y ~ x1", Selection: "x2 ~ z"}, "Selection", 0},
		{"treatment in the outcome", Spec{Method: TreatReg, Outcome: "w ~ x1 + d", Selection: "d ~ z"}, "Outcome", 0},
		{"missing outcome", Spec{Method: OLS, Outcome: "y ~ x1"}, "", firstMissing},
	} {
		_, err := Fit(tab, c.spec)
		var se *SpecError
		var me *MissingValueError
		switch {
		case err == nil:
			t.Errorf("%s: no error", c.name)
		case c.field != "" && (!errors.As(err, &se) || se.Field != c.field):
			t.Errorf("%s: %v, want a SpecError on %s", c.name, err, c.field)
		case c.row > 0 && (!errors.As(err, &me) || me.Row != c.row || me.Column != "y"):
			t.Errorf("%s: %v, want row %d column y", c.name, err, c.row)
		}
	}
	// Listwise deletion drops the rows missing y and counts them.
	res, err := Fit(tab, Spec{Method: OLS, Outcome: "y ~ x1", DropMissing: true})
	if err != nil {
		t.Fatal(err)
	}
	if res.Dropped+res.N != tab.Len() || res.Dropped == 0 {
		t.Errorf("dropped %d, used %d of %d", res.Dropped, res.N, tab.Len())
	}
	// A selection model reads y only where s = 1: nothing is dropped.
	res, err = Fit(tab, Spec{Method: Heckit, Outcome: "y ~ x1", Selection: "s ~ x1 + z"})
	if err != nil || res.Dropped != 0 || res.N != tab.Len() {
		t.Errorf("heckit: %v, dropped %d, n %d", err, res.Dropped, res.N)
	}
}

// TestTextColumns: a text column the model does not use is ignored; one
// it uses is an error naming the cell, for every kind of model.
func TestTextColumns(t *testing.T) {
	tab := testTable(t, 200)
	ids := make([]string, tab.Len())
	for i := range ids {
		ids[i] = fmt.Sprintf("C%d", i)
	}
	if err := tab.AddText("id", ids); err != nil {
		t.Fatal(err)
	}
	if _, err := Fit(tab, Spec{Method: OLS, Outcome: "w ~ x1"}); err != nil {
		t.Errorf("an unused text column: %v", err)
	}
	for _, spec := range []Spec{
		{Method: OLS, Outcome: "w ~ x1 + id"},
		{Method: OLS, Outcome: "w ~ x1", Selection: "id ~ 1"},
		{Method: Heckit, Outcome: "y ~ x1", Selection: "s ~ id + z"},
		{Method: Heckman, Outcome: "y ~ id", Selection: "s ~ x1 + z"},
		{Method: TreatReg, Outcome: "w ~ x1", Selection: "id ~ z"},
		{Method: IPW, Outcome: "w ~ x1", Treatment: "id"},
		{Method: IV, Outcome: "w ~ x1", Treatment: "d", Instruments: "id"},
		{Method: Naive, Outcome: "id ~ 1", Treatment: "d"},
		{Method: Naive, Outcome: "y ~ 1", Selection: "id ~ 1"},
	} {
		_, err := Fit(tab, spec)
		if !errors.Is(err, table.ErrText) {
			t.Errorf("%s %q/%q/%q/%q: %v", spec.Method, spec.Outcome, spec.Selection, spec.Treatment, spec.Instruments, err)
		}
	}
}

func TestParseMethod(t *testing.T) {
	for _, mi := range Methods() {
		if m, err := ParseMethod(string(mi.Method)); err != nil || m != mi.Method {
			t.Errorf("ParseMethod(%q) = %q, %v", mi.Method, m, err)
		}
		for _, n := range mi.Needs {
			if !mi.Method.Reads(n) {
				t.Errorf("%s needs %s but does not read it", mi.Method, n)
			}
		}
	}
	if _, err := ParseMethod("OLS"); err == nil {
		t.Error("ParseMethod is case-insensitive")
	}
}

// TestIVFormulas: the endogenous regressor may stand in the outcome
// formula as R's ivreg writes it, several may be named, and an excluded
// instrument among the regressors is refused.
func TestIVFormulas(t *testing.T) {
	tab := testTable(t, 600)
	a, err := Fit(tab, Spec{Method: IV, Outcome: "w ~ x1 + x2", Treatment: "d", Instruments: "z"})
	if err != nil {
		t.Fatal(err)
	}
	b, err := Fit(tab, Spec{Method: IV, Outcome: "w ~ x1 + d + x2", Treatment: "d", Instruments: "z"})
	if err != nil {
		t.Fatal(err)
	}
	ja, _ := a.MarshalJSON()
	jb, _ := b.MarshalJSON()
	if string(ja) != string(jb) {
		t.Errorf("d in the outcome formula changes the fit:\n%s\n%s", ja, jb)
	}
	two, err := Fit(tab, Spec{Method: IV, Outcome: "w ~ 1", Treatment: "d + x2", Instruments: "z + x1"})
	if err != nil {
		t.Fatal(err)
	}
	if eq, _ := two.Equation("outcome"); len(eq.Coefs) != 3 || len(two.Equations) != 3 {
		t.Errorf("two endogenous regressors: %d coefficients, %d equations", len(eq.Coefs), len(two.Equations))
	}
	var se *SpecError
	if _, err := Fit(tab, Spec{Method: IV, Outcome: "w ~ x1 + z", Treatment: "d", Instruments: "z"}); !errors.As(err, &se) || se.Field != "Instruments" {
		t.Errorf("an instrument among the regressors: %v", err)
	}
}

// TestSelectionSampleKept: listwise deletion never changes a selection
// model's selection sample; a selected row missing its outcome is an
// error, or, asked for by name, a row counted as not selected.
func TestSelectionSampleKept(t *testing.T) {
	tab := testTable(t, 400)
	// "c" marks contact: every selected row and some more, whose outcome
	// the firm never saw (as contacted-but-silent customers).
	s, _ := tab.Col("s")
	z, _ := tab.Col("z")
	c := make([]float64, len(s))
	for i := range c {
		if s[i] == 1 || z[i] > 1 {
			c[i] = 1
		}
	}
	if err := tab.Add("c", c); err != nil {
		t.Fatal(err)
	}
	spec := Spec{Method: Heckit, Outcome: "y ~ x1 + x2", Selection: "c ~ x1 + x2 + z", DropMissing: true}
	var me *MissingValueError
	if _, err := Fit(tab, spec); !errors.As(err, &me) || !me.Selected {
		t.Errorf("--drop-missing on selected rows missing the outcome: %v", err)
	}
	spec.DeselectMissing = true
	a, err := Fit(tab, spec)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Fit(tab, Spec{Method: Heckit, Outcome: "y ~ x1 + x2", Selection: "s ~ x1 + x2 + z"})
	if err != nil {
		t.Fatal(err)
	}
	ja, _ := a.MarshalJSON()
	jb, _ := b.MarshalJSON()
	if a.N != tab.Len() || a.Deselected == 0 || a.Dropped != 0 || string(ja) != string(jb) {
		t.Errorf("deselected fit (n %d, deselected %d, dropped %d) differs from the fit on the observed-outcome indicator", a.N, a.Deselected, a.Dropped)
	}
	n, err := Fit(tab, Spec{Method: Naive, Outcome: "y ~ 1", Selection: "c ~ 1", DeselectMissing: true})
	m, _ := Fit(tab, Spec{Method: Naive, Outcome: "y ~ 1", Selection: "s ~ 1"})
	if err != nil || n.Equations[0].Coefs[0] != m.Equations[0].Coefs[0] {
		t.Errorf("naive with deselection: %v", err)
	}
}

package estimate

import (
	"math"
	"testing"
)

// TestSessionMatchesFit: fits in a Session — heckit and heckman of the
// same equations sharing designs and probit, in either order, with
// missing values dropped or deselected, clusters and iteration limits —
// give bit for bit what Fit gives, with the same row counts.
func TestSessionMatchesFit(t *testing.T) {
	tab := testTable(t, 600)
	x2, _ := tab.Col("x2")
	y, _ := tab.Col("y")
	g := make([]float64, tab.Len())
	for i := range g {
		g[i] = float64(i % 30)
	}
	if err := tab.Add("g", g); err != nil {
		t.Fatal(err)
	}
	x2[5] = math.NaN() // dropped with DropMissing
	for i, v := range y {
		if !math.IsNaN(v) && i > 10 {
			y[i] = math.NaN() // a selected row without its outcome
			break
		}
	}
	base := Spec{Outcome: "y ~ x1 + x2", Selection: "s ~ x1 + x2 + z", DropMissing: true, DeselectMissing: true}
	with := func(m Method, f func(*Spec)) Spec {
		s := base
		s.Method = m
		if f != nil {
			f(&s)
		}
		return s
	}
	cluster := func(s *Spec) { s.Cluster = "g" }
	maxIter := func(s *Spec) { s.MaxIter = 1 }
	for _, c := range []struct {
		name  string
		specs []Spec
	}{
		{"heckit, heckman", []Spec{with(Heckit, nil), with(Heckman, nil)}},
		{"heckman, heckit", []Spec{with(Heckman, nil), with(Heckit, nil)}},
		{"clusters", []Spec{with(Heckit, cluster), with(Heckman, cluster), with(Heckit, nil)}},
		{"iteration limit", []Spec{with(Heckit, maxIter), with(Heckman, nil), with(Heckman, maxIter)}},
		{"other methods between", []Spec{with(Heckit, nil), {Method: Probit, Outcome: "s ~ x1 + z"}, with(Heckman, nil)}},
	} {
		sess := NewSession(tab)
		for k, spec := range c.specs {
			got, gerr := sess.Fit(spec)
			want, werr := Fit(tab, spec)
			if gerr != nil || werr != nil {
				if gerr == nil || werr == nil || gerr.Error() != werr.Error() {
					t.Errorf("%s, fit %d: error %v, want %v", c.name, k, gerr, werr)
				}
				continue
			}
			gj, _ := got.Result.MarshalJSON()
			wj, _ := want.Result.MarshalJSON()
			if string(gj) != string(wj) {
				t.Errorf("%s, fit %d: Session gives\n%s\nFit\n%s", c.name, k, gj, wj)
			}
			if got.Dropped != want.Dropped || got.Deselected != want.Deselected || got.Clusters != want.Clusters {
				t.Errorf("%s, fit %d: dropped, deselected, clusters %d, %d, %d; want %d, %d, %d", c.name, k,
					got.Dropped, got.Deselected, got.Clusters, want.Dropped, want.Deselected, want.Clusters)
			}
			if spec.Selection == base.Selection && (want.Dropped != 1 || want.Deselected != 1) {
				t.Errorf("%s, fit %d: dropped %d, deselected %d; the test wants one of each", c.name, k, want.Dropped, want.Deselected)
			}
		}
	}
}

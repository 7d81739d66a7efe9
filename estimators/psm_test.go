package estimators

import (
	"encoding/json"
	"math/rand/v2"
	"slices"
	"testing"

	"gonum.org/v1/gonum/mat"
)

func TestPSMVsR(t *testing.T) {
	for _, c := range []struct {
		file, tag string
		m         int
		se        bool
	}{
		{"te_sim.csv", "psm", 1, true},
		{"te_ties.csv", "psmties", 1, true},
		// For M = 2 Matching estimates σ²(x) by the sample variance of
		// the J + 1 outcomes, not by Abadie–Imbens's eq. 14: estimates only.
		{"te_sim.csv", "psm2", 2, false},
	} {
		tb := loadTable(t, c.file)
		Z, zn := tb.design(true, "x1", "x2")
		res, err := PSM(Z, tb.cols["d"], zn, tb.cols["y"], c.m, Options{})
		if err != nil {
			t.Fatal(err)
		}
		var me, ms float64
		for _, e := range []string{"ate", "att", "atu"} {
			a := effect(t, res, e)
			refCompare(t, rRefTE, c.tag+"."+e+".est", a.Estimate, 1e-6, &me)
			if c.se {
				refCompare(t, rRefTE, c.tag+"."+e+".se", a.StdError, 1e-4, &ms)
			}
		}
		t.Logf("PSM %s (M = %d) vs R Matching::Match: max rel. diff estimates %.2g, std. errors %.2g", c.file, c.m, me, ms)
	}
}

// TestNearest checks the sorted-score search against brute force, with
// many ties.
func TestNearest(t *testing.T) {
	r := rand.New(rand.NewPCG(4, 4))
	for rep := 0; rep < 200; rep++ {
		m := 1 + r.IntN(3)
		size := m + 1 + r.IntN(20)
		g := make([]scored, size)
		for i := range g {
			g[i] = scored{float64(r.IntN(8)) / 8, i}
		}
		slices.SortFunc(g, func(a, b scored) int {
			if a.p != b.p {
				if a.p < b.p {
					return -1
				}
				return 1
			}
			return a.i - b.i
		})
		p := float64(r.IntN(17)) / 16
		self := -1
		if r.IntN(2) == 0 {
			self = g[r.IntN(size)].i
			p = g[slices.IndexFunc(g, func(s scored) bool { return s.i == self })].p
		}
		got := nearest(nil, g, p, m, self)
		// Brute force: distances of the others, the m-th smallest, all ≤ it.
		var ds []float64
		for _, s := range g {
			if s.i != self {
				ds = append(ds, abs(s.p-p))
			}
		}
		slices.Sort(ds)
		var want []int
		for _, s := range g {
			if s.i != self && abs(s.p-p) <= ds[m-1] {
				want = append(want, s.i)
			}
		}
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Fatalf("nearest(p = %v, m = %d, self = %d) = %v, want %v", p, m, self, got, want)
		}
	}
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

// TestPSMRowOrder: with ties kept, permuting the rows does not change the
// result.
func TestPSMRowOrder(t *testing.T) {
	tb := loadTable(t, "te_ties.csv")
	Z, zn := tb.design(true, "x1", "x2")
	d, y := tb.cols["d"], tb.cols["y"]
	a, err := PSM(Z, d, zn, y, 1, Options{})
	if err != nil {
		t.Fatal(err)
	}
	n := len(y)
	perm := rand.New(rand.NewPCG(8, 8)).Perm(n)
	Z2 := mat.NewDense(n, 3, nil)
	d2 := make([]float64, n)
	y2 := make([]float64, n)
	for i, j := range perm {
		Z2.SetRow(i, Z.RawRowView(j))
		d2[i], y2[i] = d[j], y[j]
	}
	b, err := PSM(Z2, d2, zn, y2, 1, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for k := range a.Effects {
		ea, eb := a.Effects[k], b.Effects[k]
		if relDiff(eb.Estimate, ea.Estimate) > 1e-12 || relDiff(eb.StdError, ea.StdError) > 1e-12 {
			t.Errorf("%s changes with row order: %v vs %v", ea.Name, ea, eb)
		}
	}
	if _, err := json.Marshal(a); err != nil {
		t.Error(err)
	}
}

func TestPSMErrors(t *testing.T) {
	teErrorCases(t, func(Z *mat.Dense, d []float64, zn []string, y []float64) error {
		_, err := PSM(Z, d, zn, y, 1, Options{})
		return err
	})
}

package estimators

import (
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// TestSelectionDataShares: the Heckit and Heckman methods of one
// SelectionData, called in turn on the same data (either order, other
// iteration limits and clusters in between), give bit for bit what the
// functions Heckit and Heckman give, errors included.
func TestSelectionDataShares(t *testing.T) {
	const n = 800
	Z, s, X, y := heckmanDGP(rand.New(rand.NewPCG(11, 11)), n, 0.6)
	zn := []string{"(Intercept)", "z1", "x1"}
	xn := []string{"(Intercept)", "x1"}
	// A selection equation of the intercept alone: λ is constant, so the
	// two-step regression fails and Heckman starts from least squares.
	Z1 := mat.NewDense(n, 1, nil)
	for i := range n {
		Z1.Set(i, 0, 1)
	}
	clusters := make([]int, n)
	for i := range clusters {
		clusters[i] = i % 40
	}
	type call struct {
		heckman bool
		opts    Options
	}
	fn := map[bool]func(*mat.Dense, []float64, []string, *mat.Dense, []float64, []string, Options) (*Result, error){
		false: Heckit, true: Heckman}
	for _, c := range []struct {
		name  string
		Z     *mat.Dense
		zn    []string
		calls []call
	}{
		{"heckit then heckman", Z, zn, []call{{false, Options{}}, {true, Options{}}}},
		{"heckman then heckit", Z, zn, []call{{true, Options{}}, {false, Options{}}}},
		{"clusters", Z, zn, []call{{false, Options{Clusters: clusters}}, {true, Options{Clusters: clusters}}, {false, Options{}}}},
		{"iteration limits", Z, zn, []call{{false, Options{MaxIter: 1}}, {true, Options{}}, {false, Options{MaxIter: 1}}, {true, Options{MaxIter: 50}}}},
		{"no two-step", Z1, zn[:1], []call{{false, Options{}}, {true, Options{}}}},
	} {
		d := NewSelectionData(c.Z, s, c.zn, X, y, xn)
		for k, cl := range c.calls {
			method := d.Heckit
			if cl.heckman {
				method = d.Heckman
			}
			got, gerr := method(cl.opts)
			want, werr := fn[cl.heckman](c.Z, s, c.zn, X, y, xn, cl.opts)
			if gerr != nil || werr != nil {
				if gerr == nil || werr == nil || gerr.Error() != werr.Error() {
					t.Errorf("%s, call %d: error %v, want %v", c.name, k, gerr, werr)
				}
				continue
			}
			gj, _ := got.MarshalJSON()
			wj, _ := want.MarshalJSON()
			if string(gj) != string(wj) {
				t.Errorf("%s, call %d: method gives\n%s\nfunction\n%s", c.name, k, gj, wj)
			}
		}
	}
}

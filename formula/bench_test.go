package formula

import (
	"math"

	"fmt"
	"gonum.org/v1/gonum/mat"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/redress-sim/redress/table"
)

// benchTable is n rows of a selection model's data: x1…x10, z, s and y
// (y missing where s is 0), as heckit reads it from a file.
func benchTable(n int) (*table.Table, []bool) {
	r := rand.New(rand.NewPCG(5, 5))
	t := &table.Table{}
	sel := make([]bool, n)
	s, y := make([]float64, n), make([]float64, n)
	for j := 1; j <= 11; j++ {
		c := make([]float64, n)
		for i := range c {
			c[i] = r.NormFloat64()
		}
		name := fmt.Sprintf("x%d", j)
		if j == 11 {
			name = "z"
		}
		if err := t.Add(name, c); err != nil {
			panic(err)
		}
	}
	for i := range n {
		sel[i] = r.IntN(2) == 1
		if sel[i] {
			s[i], y[i] = 1, r.NormFloat64()
		} else {
			y[i] = nan
		}
	}
	t.Add("s", s)
	t.Add("y", y)
	return t, sel
}

// BenchmarkNewDesign: the designs of heckit on 1,000,000 rows × 10
// regressors: the selection equation (11 regressors and the intercept)
// on all rows, the outcome equation on the selected half.
func BenchmarkNewDesign(b *testing.B) {
	t, sel := benchTable(1_000_000)
	xs := make([]string, 10)
	for j := range xs {
		xs[j] = fmt.Sprintf("x%d", j+1)
	}
	sf, _ := Parse("s ~ " + strings.Join(xs, " + ") + " + z")
	of, _ := Parse("y ~ " + strings.Join(xs, " + "))
	b.ResetTimer()
	for b.Loop() {
		if _, err := NewDesign(t, sf, DesignOptions{}); err != nil {
			b.Fatal(err)
		}
		if _, err := NewDesign(t, of, DesignOptions{Subset: sel}); err != nil {
			b.Fatal(err)
		}
	}
}

// TestCheckRankScreen: the Gram screen of CheckRank never changes its
// answer: designs with columns nearly collinear at every scale, and
// columns of very different sizes, give what Gram–Schmidt alone gives.
func TestCheckRankScreen(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 9))
	screened := 0
	for trial := range 3000 {
		n, c := 20+r.IntN(3000), 2+r.IntN(6)
		X := mat.NewDense(n, c, nil)
		for i := range n {
			X.Set(i, 0, 1)
			for j := 1; j < c; j++ {
				X.Set(i, j, r.NormFloat64()*math.Pow(10, float64(r.IntN(13)-6)))
			}
		}
		// Make the last column nearly a combination of the others.
		eps := math.Pow(10, -float64(r.IntN(17)))
		if trial%5 == 0 {
			eps = 0
		}
		for i := range n {
			v := eps * r.NormFloat64()
			for j := range c - 1 {
				v += X.At(i, j) * float64(j+1)
			}
			X.Set(i, c-1, v)
		}
		if trial%7 == 0 { // a column of zeros or a constant
			for i := range n {
				X.Set(i, r.IntN(c), float64(trial%2))
			}
		}
		names := make([]string, c)
		for j := range names {
			names[j] = fmt.Sprintf("column %d", j+1)
		}
		got, want := CheckRank(X, nil), gramSchmidtRank(X, names)
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("trial %d (eps %g): %v, Gram–Schmidt %v", trial, eps, got, want)
		}
		if clearlyFullRank(X) {
			screened++
		}
	}
	if screened == 0 {
		t.Error("the screen never settled a design")
	}
}

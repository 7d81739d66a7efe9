package formula

import (
	"encoding/csv"
	"math"
	"os"
	"strconv"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/redress-sim/redress/table"
)

// TestDesignAgainstR: factors (numeric and text, treatment contrasts, all
// levels without an intercept or without the margin), interactions (a*b,
// a factor by a number) and transformations (log, I(x^2), sqrt, exp) give
// R's model.matrix: the same column names and the same least-squares
// coefficients as R's lm (estimators/testdata/r_formula_reference.R) to
// 1e-8; where R's design is rank-deficient (an NA coefficient) the design
// is refused naming the column R drops.
func TestDesignAgainstR(t *testing.T) {
	checkAgainstR(t, "../estimators/testdata/r_formula_reference.csv")
}

// TestPolyAgainstR: poly(x, k) and poly(x, k, raw = TRUE), alone, twice,
// without an intercept, by a factor and in an interaction, give R's
// column names and lm coefficients to 1e-8
// (testdata/r_poly_reference.R).
func TestPolyAgainstR(t *testing.T) {
	checkAgainstR(t, "testdata/r_poly_reference.csv")
}

// checkAgainstR fits each formula of an R reference file (case,
// formula, term, estimate) on the Mroz participants by least squares
// and compares the coefficients with R's.
func checkAgainstR(t *testing.T, path string) {
	t.Helper()
	tab, err := table.ReadCSVFile("../estimators/testdata/mroz_participants.csv")
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	type coef struct {
		term string
		est  float64
	}
	cases := map[string][]coef{}
	formulas := map[string]string{}
	var order []string
	for _, r := range recs[1:] {
		if _, ok := cases[r[0]]; !ok {
			order = append(order, r[0])
		}
		est := math.NaN()
		if r[3] != "NA" {
			est, _ = strconv.ParseFloat(r[3], 64)
		}
		cases[r[0]] = append(cases[r[0]], coef{r[2], est})
		formulas[r[0]] = r[1]
	}
	for _, id := range order {
		fm, err := Parse(formulas[id])
		if err != nil {
			t.Fatalf("%s: %v", id, err)
		}
		want := cases[id]
		d, err := NewDesign(tab, fm, DesignOptions{})
		if rank := math.IsNaN(want[len(want)-1].est); rank {
			var re *RankError
			if !asRank(err, &re) || re.Deps[0].Column != want[len(want)-1].term {
				t.Errorf("%s: R drops %s; got %v", id, want[len(want)-1].term, err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", id, err)
		}
		if len(d.Names) != len(want) {
			t.Fatalf("%s: columns %q, R has %d", id, d.Names, len(want))
		}
		var qr mat.QR
		qr.Factorize(d.X)
		var beta mat.VecDense
		if err := qr.SolveVecTo(&beta, false, mat.NewVecDense(len(d.Y), d.Y)); err != nil {
			t.Fatal(err)
		}
		for j, w := range want {
			if d.Names[j] != w.term {
				t.Errorf("%s: column %d is %q, R's %q", id, j, d.Names[j], w.term)
			}
			if math.Abs(beta.AtVec(j)-w.est) > 1e-8*math.Max(1, math.Abs(w.est)) {
				t.Errorf("%s %s: %.12g, R %.12g", id, w.term, beta.AtVec(j), w.est)
			}
		}
	}
}

func asRank(err error, re **RankError) bool {
	r, ok := err.(*RankError)
	if ok {
		*re = r
	}
	return ok
}

package estimators

import (
	"encoding/csv"
	"math"
	"os"
	"strconv"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// mroz holds testdata/mroz87.csv by column; empty cells are NaN.
type mroz map[string][]float64

func loadMroz(t *testing.T) mroz {
	t.Helper()
	f, err := os.Open("testdata/mroz87.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	m := mroz{}
	head := recs[0]
	for _, r := range recs[1:] {
		for j, cell := range r {
			v := math.NaN()
			if cell != "" {
				if v, err = strconv.ParseFloat(cell, 64); err != nil {
					t.Fatalf("cell %q: %v", cell, err)
				}
			}
			m[head[j]] = append(m[head[j]], v)
		}
	}
	if len(m["inlf"]) != 753 {
		t.Fatalf("%d rows, want 753", len(m["inlf"]))
	}
	return m
}

// design builds [1 cols...] over rows where keep is nil or true, with the
// R names of the columns.
func (m mroz) design(keep []bool, cols ...string) (*mat.Dense, []string) {
	var data []float64
	rows := 0
	for i := range m["inlf"] {
		if keep != nil && !keep[i] {
			continue
		}
		data = append(data, 1)
		for _, c := range cols {
			data = append(data, m[c][i])
		}
		rows++
	}
	return mat.NewDense(rows, len(cols)+1, data), append([]string{"(Intercept)"}, cols...)
}

func (m mroz) col(keep []bool, c string) []float64 {
	var out []float64
	for i, v := range m[c] {
		if keep == nil || keep[i] {
			out = append(out, v)
		}
	}
	return out
}

// maxRel tracks the largest relative difference per kind of number.
type maxRel struct{ est, se float64 }

func relDiff(got, want float64) float64 {
	return math.Abs(got-want) / math.Abs(want)
}

// compareEq checks an equation against ref[prefixEst.term] and
// ref[prefixSE.term] with the given relative tolerances.
func compareEq(t *testing.T, ref map[string]float64, eq Equation, prefixEst, prefixSE string, tolE, tolS float64, mr *maxRel) {
	t.Helper()
	for _, c := range eq.Coefs {
		we, ok1 := ref[prefixEst+"."+c.Term]
		ws, ok2 := ref[prefixSE+"."+c.Term]
		if !ok1 || !ok2 {
			t.Errorf("no R reference for %s / %s %q", prefixEst, prefixSE, c.Term)
			continue
		}
		checkRel(t, eq.Name+" "+c.Term, c.Estimate, we, c.StdError, ws, tolE, tolS, mr)
	}
}

func TestMrozOLS(t *testing.T) {
	m := loadMroz(t)
	part := make([]bool, 753)
	for i, v := range m["inlf"] {
		part[i] = v == 1
	}
	X, names := m.design(part, "educ", "exper", "expersq")
	y := m.col(part, "lwage")
	var mr maxRel
	for _, c := range []struct {
		vce VCE
		se  string
	}{{Classical, "ols.se.classical"}, {HC1, "ols.se.hc1"}} {
		res, err := OLS(X, y, names, Options{VCE: c.vce})
		if err != nil {
			t.Fatal(err)
		}
		compareEq(t, rRef, res.Equations[0], "ols.est", c.se, 1e-6, 1e-4, &mr)
	}
	t.Logf("OLS vs R lm/sandwich: max rel. diff estimates %.2g, std. errors %.2g", mr.est, mr.se)
}

func TestMrozLogitProbit(t *testing.T) {
	m := loadMroz(t)
	X, names := m.design(nil, "nwifeinc", "educ", "exper", "expersq", "age", "kidslt6", "kidsge6")
	y := m.col(nil, "inlf")
	for _, c := range []struct {
		name string
		fit  func(*mat.Dense, []float64, []string, Options) (*Result, error)
	}{{"logit", Logit}, {"probit", Probit}} {
		res, err := c.fit(X, y, names, Options{})
		if err != nil {
			t.Fatal(err)
		}
		var mr maxRel
		compareEq(t, rRef, res.Equations[0], c.name+".est", c.name+".se", 1e-6, 1e-4, &mr)
		ame, _ := res.Equation("marginal_effects")
		if len(ame.Coefs) != 7 {
			t.Errorf("%s: %d marginal effects, want 7", c.name, len(ame.Coefs))
		}
		var ma maxRel
		compareEq(t, rRef, ame, c.name+".ame.est", c.name+".ame.se", 1e-6, 1e-4, &ma)
		ll := rRef[c.name+".loglik"]
		if d := relDiff(*res.LogLik, ll); d > 1e-10 {
			t.Errorf("%s log-likelihood %.15g, R %.15g", c.name, *res.LogLik, ll)
		}
		if !res.Converged || res.Iterations < 2 || res.Iterations > 10 {
			t.Errorf("%s: converged %v after %d iterations", c.name, res.Converged, res.Iterations)
		}
		t.Logf("%s vs R glm: max rel. diff estimates %.2g, std. errors %.2g; AME %.2g, AME SE %.2g; %d iterations",
			c.name, mr.est, mr.se, ma.est, ma.se, res.Iterations)
	}
}

func TestMrozHeckit(t *testing.T) {
	m := loadMroz(t)
	s := m.col(nil, "inlf")
	for _, c := range []struct {
		tag       string
		sel, out  []string
		y         string
		published [][2]float64 // outcome estimates and SEs as printed (Stata / sampleSelection)
	}{
		// Wooldridge, Econometric Analysis of Cross Section and Panel
		// Data / Introductory Econometrics, Example 17.5.
		{"heckitW", []string{"nwifeinc", "educ", "exper", "expersq", "age", "kidslt6", "kidsge6"},
			[]string{"educ", "exper", "expersq"}, "lwage",
			[][2]float64{{-0.578102, 0.305007}, {0.109065, 0.015523}, {0.043887, 0.016261}, {-0.000859, 0.000439}}},
		// Greene (2003), Econometric Analysis 5th ed., Example 22.8.
		{"heckitG", []string{"age", "agesq", "faminc", "kids", "educ"},
			[]string{"exper", "expersq", "educ", "city"}, "wage",
			[][2]float64{{-0.971247, 2.059352}, {0.021061, 0.062465}, {0.000137, 0.001878}, {0.417019, 0.100255}, {0.443838, 0.315908}}},
	} {
		Z, zn := m.design(nil, c.sel...)
		X, xn := m.design(nil, c.out...)
		res, err := Heckit(Z, s, zn, X, m.col(nil, c.y), xn, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if res.N != 753 || res.NSelected != 428 {
			t.Errorf("%s: n = %d, n_selected = %d", c.tag, res.N, res.NSelected)
		}
		var ms, mo maxRel
		compareEq(t, rRef, res.Equations[0], c.tag+".sel.est", c.tag+".sel.se", 1e-6, 1e-4, &ms)
		compareEq(t, rRef, res.Equations[1], c.tag+".out.est", c.tag+".out.se", 1e-6, 1e-4, &mo)
		lam, _ := res.Aux("lambda")
		sig, _ := res.Aux("sigma")
		rho, _ := res.Aux("rho")
		for _, a := range []struct {
			name      string
			got, want float64
			tol       float64
		}{
			{"lambda", lam.Estimate, rRef[c.tag+".out.est.lambda"], 1e-6},
			{"lambda SE", lam.StdError, rRef[c.tag+".out.se.lambda"], 1e-4},
			{"sigma", sig.Estimate, rRef[c.tag+".sigma"], 1e-6},
			{"rho", rho.Estimate, rRef[c.tag+".rho"], 1e-6},
		} {
			d := relDiff(a.got, a.want)
			mo.est = math.Max(mo.est, d)
			if d > a.tol {
				t.Errorf("%s %s: %.12g, R %.12g (rel. diff %.2g)", c.tag, a.name, a.got, a.want, d)
			}
		}
		// The published (rounded) numbers, to their printed precision.
		for j, p := range c.published {
			got := res.Equations[1].Coefs[j]
			if math.Abs(got.Estimate-p[0]) > 1e-4*math.Max(1, math.Abs(p[0])) || math.Abs(got.StdError-p[1]) > 2e-3*p[1] {
				t.Errorf("%s %s: %.6g (%.6g), published %.6g (%.6g)", c.tag, got.Term, got.Estimate, got.StdError, p[0], p[1])
			}
		}
		t.Logf("%s vs R: selection max rel. diff est %.2g SE %.2g; outcome est %.2g SE %.2g", c.tag, ms.est, ms.se, mo.est, mo.se)
	}
}

package estimate

import (
	"encoding/csv"
	"math"
	"os"
	"strconv"
	"testing"

	"github.com/redress-sim/redress/table"
)

// TestClusterAllAgainstR: the clustered standard errors of logit, probit,
// heckman, heckit, ipw, aipw and naive (clusters: age), treatreg and
// treatreg-twostep (blocks of 10 rows) equal the R
// computations of testdata/r_cluster_all.R — vcovCL(type = "HC1") for
// the glm logit and lm, the stacked numerical-Jacobian sandwich with
// G/(G−1) for the others; logit and probit average marginal effects by
// the delta method — to 1e-4 relative (estimates to 1e-6, or 1e-4 standard errors).
func TestClusterAllAgainstR(t *testing.T) {
	mroz, err := table.ReadCSVFile("../estimators/testdata/mroz87.csv")
	if err != nil {
		t.Fatal(err)
	}
	lal, err := table.ReadCSVFile("../estimators/testdata/lalonde.csv")
	if err != nil {
		t.Fatal(err)
	}
	tr, err := table.ReadCSVFile("../estimators/testdata/treatreg_sim.csv")
	if err != nil {
		t.Fatal(err)
	}
	grp := make([]float64, tr.Len())
	for i := range grp {
		grp[i] = float64(i / 10)
	}
	if err := tr.Add("grp", grp); err != nil {
		t.Fatal(err)
	}
	sel := "inlf ~ nwifeinc + educ + exper + expersq + age + kidslt6 + kidsge6"
	out := "lwage ~ educ + exper + expersq"
	te := "re78 ~ age + educ + black + hispan + married + nodegree + re74 + re75"
	specs := map[string]struct {
		tab  *table.Table
		spec Spec
	}{
		"logit":            {mroz, Spec{Method: Logit, Outcome: sel, Cluster: "age"}},
		"probit":           {mroz, Spec{Method: Probit, Outcome: sel, Cluster: "age"}},
		"heckman":          {mroz, Spec{Method: Heckman, Outcome: out, Selection: sel, Cluster: "age"}},
		"heckit":           {mroz, Spec{Method: Heckit, Outcome: out, Selection: sel, Cluster: "age"}},
		"ipw":              {lal, Spec{Method: IPW, Outcome: te, Treatment: "treat", Cluster: "age"}},
		"aipw":             {lal, Spec{Method: AIPW, Outcome: te, Treatment: "treat", Cluster: "age"}},
		"naive":            {lal, Spec{Method: Naive, Outcome: "re78 ~ 1", Treatment: "treat", Cluster: "age"}},
		"treatreg-twostep": {tr, Spec{Method: TreatRegTwoStep, Outcome: "y ~ x1", Selection: "d ~ x1 + z1", Cluster: "grp"}},
		"treatreg":         {tr, Spec{Method: TreatReg, Outcome: "y ~ x1", Selection: "d ~ x1 + z1", Cluster: "grp"}},
	}
	fits := map[string]*Result{}
	for id, s := range specs {
		r, err := Fit(s.tab, s.spec)
		if err != nil {
			t.Fatalf("%s: %v", id, err)
		}
		fits[id] = r
	}
	for _, rec := range readRecords(t, "testdata/r_cluster_all.csv")[1:] {
		r := fits[rec[0]]
		est, _ := strconv.ParseFloat(rec[3], 64)
		se, _ := strconv.ParseFloat(rec[4], 64)
		var gotEst, gotSE float64
		switch rec[1] {
		case "aux":
			a, ok := r.Aux(rec[2])
			if !ok {
				t.Fatalf("%s: no aux %s", rec[0], rec[2])
			}
			gotEst, gotSE = a.Estimate, a.StdError
		case "effects":
			var found bool
			for _, a := range r.Effects {
				if a.Name == rec[2] {
					gotEst, gotSE, found = a.Estimate, a.StdError, true
				}
			}
			if !found {
				t.Fatalf("%s: no effect %s", rec[0], rec[2])
			}
		default:
			eq, ok := r.Equation(rec[1])
			if !ok {
				t.Fatalf("%s: no equation %s", rec[0], rec[1])
			}
			c, ok := eq.Coef(rec[2])
			if !ok {
				t.Fatalf("%s %s: no %s", rec[0], rec[1], rec[2])
			}
			gotEst, gotSE = c.Estimate, c.StdError
		}
		// Estimates agree to 1e-6, or to 1e-4 standard errors (heckman's
		// Newton stops at a decrement of 1e-10, a few 1e-6 SE away).
		estOK := math.Abs(gotEst-est) <= 1e-6*math.Max(1, math.Abs(est)) || math.Abs(gotEst-est) <= 1e-4*se
		if !estOK || math.Abs(gotSE-se) > 1e-4*se {
			t.Errorf("%s %s %s: %.10g (%.10g), R %.10g (%.10g)", rec[0], rec[1], rec[2], gotEst, gotSE, est, se)
		}
	}
	for id, r := range fits {
		if want := map[*table.Table]int{mroz: 31, lal: 40, tr: 100}[specs[id].tab]; r.Clusters != want {
			t.Errorf("%s: %d clusters, want %d", id, r.Clusters, want)
		}
	}
}

func readRecords(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

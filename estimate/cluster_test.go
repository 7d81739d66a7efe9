package estimate

import (
	"encoding/csv"
	"errors"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/redress-sim/redress/estimators"
	"github.com/redress-sim/redress/table"
)

// TestClusterAgainstVcovCL: the cluster-robust standard errors of ols and
// iv (clusters from a column) equal R's sandwich::vcovCL(type = "HC1")
// on the Mroz participants clustered by age (31 clusters;
// estimators/testdata/r_cluster_reference.R) to 1e-6.
func TestClusterAgainstVcovCL(t *testing.T) {
	tab, err := table.ReadCSVFile("../estimators/testdata/mroz87.csv")
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open("../estimators/testdata/r_cluster_reference.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	fits := map[string]*Result{}
	for _, spec := range []struct {
		id   string
		spec Spec
	}{
		{"ols", Spec{Method: OLS, Outcome: "lwage ~ educ + exper + expersq", DropMissing: true, Cluster: "age"}},
		{"iv", Spec{Method: IV, Outcome: "lwage ~ exper", Treatment: "educ", Instruments: "nwifeinc + kidslt6", DropMissing: true, Cluster: "age"}},
	} {
		r, err := Fit(tab, spec.spec)
		if err != nil {
			t.Fatalf("%s: %v", spec.id, err)
		}
		fits[spec.id] = r
	}
	for _, r := range recs[1:] {
		eq, _ := fits[r[0]].Equation("outcome")
		c, ok := eq.Coef(r[1])
		if !ok {
			t.Fatalf("%s: no %s", r[0], r[1])
		}
		est, _ := strconv.ParseFloat(r[2], 64)
		se, _ := strconv.ParseFloat(r[3], 64)
		if math.Abs(c.Estimate-est) > 1e-6*math.Max(1, math.Abs(est)) || math.Abs(c.StdError-se) > 1e-6*se {
			t.Errorf("%s %s: %.10g (%.10g), R %.10g (%.10g)", r[0], r[1], c.Estimate, c.StdError, est, se)
		}
	}
	// psm refuses clusters; clusters contradict HC1.
	if _, err := Fit(tab, Spec{Method: PSM, Outcome: "hours ~ educ", Treatment: "city", Cluster: "age"}); err == nil || !strings.Contains(err.Error(), "Abadie–Imbens") {
		t.Errorf("psm with clusters: %v", err)
	}
	if _, err := Fit(tab, Spec{Method: OLS, Outcome: "inlf ~ educ", Cluster: "age", VCE: estimators.HC1}); err == nil {
		t.Error("clusters and HC1 accepted together")
	}
}

// TestClusterMissing: a row missing its cluster is a missing value (row
// and column named), which DropMissing drops with the model's rows.
func TestClusterMissing(t *testing.T) {
	tab, err := table.ReadCSVFile("../estimators/testdata/mroz87.csv")
	if err != nil {
		t.Fatal(err)
	}
	age, _ := tab.Col("age")
	g := append([]float64(nil), age...)
	g[4] = math.NaN()
	if err := tab.Add("g", g); err != nil {
		t.Fatal(err)
	}
	sel := "inlf ~ nwifeinc + educ + exper + age + kidslt6"
	for _, m := range []Method{Logit, Heckman, IPW} {
		spec := Spec{Method: m, Outcome: "lwage ~ educ", Selection: sel, Cluster: "g"}
		if m == Logit {
			spec = Spec{Method: m, Outcome: sel, Cluster: "g"}
		}
		if m == IPW {
			spec = Spec{Method: m, Outcome: "hours ~ educ + age", Treatment: "city", Cluster: "g"}
		}
		_, err := Fit(tab, spec)
		var mv *MissingValueError
		if !errors.As(err, &mv) || mv.Row != 5 || mv.Column != "g" {
			t.Errorf("%s: %v", m, err)
		}
		spec.DropMissing = true
		r, err := Fit(tab, spec)
		if err != nil || r.Dropped != 1 || r.N != 752 || r.Clusters != 31 {
			t.Errorf("%s with DropMissing: %v", m, err)
		}
	}
}

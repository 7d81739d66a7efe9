package estimate

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/redress-sim/redress/estimators"
	"github.com/redress-sim/redress/table"
)

func mroz(t *testing.T) *table.Table {
	t.Helper()
	tab, err := table.ReadCSVFile("../estimators/testdata/mroz87.csv")
	if err != nil {
		t.Fatal(err)
	}
	return tab
}

// TestBootstrapAgreesWithAnalytic: with B = 999 replicates the bootstrap
// standard errors of ols and probit (pairs; against the robust sandwich
// HC0: the pairs bootstrap does not assume the model's variance, and the
// probit's model-based SE of nwifeinc is 10% below its sandwich on these
// data) and clustered ols (whole clusters; against CR1 without its
// small-sample factor, i.e. CR0) agree with the analytic
// ones within the bootstrap's own Monte Carlo error: the relative
// standard deviation of a standard deviation from B draws is about
// 1/√(2B), and the test allows 3/√(2B) ≈ 0.067.
func TestBootstrapAgreesWithAnalytic(t *testing.T) {
	if testing.Short() {
		t.Skip("999 replicates")
	}
	tab := mroz(t)
	id := make([]float64, tab.Len())
	for i := range id {
		id[i] = float64(i)
	}
	if err := tab.Add("id", id); err != nil {
		t.Fatal(err)
	}
	const B = 999
	tol := 3 / math.Sqrt(2*B)
	ols := "lwage ~ educ + exper + expersq"
	sel := "inlf ~ nwifeinc + educ + exper + expersq + age + kidslt6 + kidsge6"
	for _, c := range []struct {
		name     string
		analytic Spec
		scale    func(r *Result) float64 // analytic SE × scale is what the bootstrap estimates
	}{
		{"ols", Spec{Method: OLS, Outcome: ols, DropMissing: true, VCE: estimators.HC1}, hc0},
		{"probit", Spec{Method: Probit, Outcome: sel, Cluster: "id"}, hc0}, // one row per cluster: HC1
		{"ols-cluster", Spec{Method: OLS, Outcome: ols, DropMissing: true, Cluster: "age"}, func(r *Result) float64 {
			g, n, k := float64(r.Clusters), float64(r.N), float64(len(r.Equations[0].Coefs))
			return math.Sqrt((g - 1) / g * (n - k) / (n - 1))
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			an, err := Fit(tab, c.analytic)
			if err != nil {
				t.Fatal(err)
			}
			bs := c.analytic
			bs.VCE, bs.Bootstrap, bs.Seed = estimators.Classical, B, 20261201
			if bs.Cluster == "id" {
				bs.Cluster = ""
			}
			bt, err := Fit(tab, bs)
			if err != nil {
				t.Fatal(err)
			}
			scale := 1.0
			if c.scale != nil {
				scale = c.scale(an)
			}
			if bt.Bootstrap == nil || bt.Bootstrap.Replicates != B || bt.Bootstrap.Failed != 0 {
				t.Fatalf("bootstrap info %+v", bt.Bootstrap)
			}
			for _, ac := range an.Equations[0].Coefs {
				bc, _ := bt.Equations[0].Coef(ac.Term)
				ratio := bc.StdError / (ac.StdError * scale)
				t.Logf("%s: bootstrap %.6g, analytic %.6g, ratio %.4f", ac.Term, bc.StdError, ac.StdError*scale, ratio)
				if math.Abs(ratio-1) > tol || bc.Estimate != ac.Estimate {
					t.Errorf("%s: ratio %.4f outside 1 ± %.3f (estimates %v, %v)", ac.Term, ratio, tol, bc.Estimate, ac.Estimate)
				}
			}
		})
	}
}

// hc0 turns an HC1 standard error into HC0's: √((n−k)/n).
func hc0(r *Result) float64 {
	n, k := float64(r.N), float64(len(r.Equations[0].Coefs))
	return math.Sqrt((n - k) / n)
}

// TestBootstrapDeterministic: the replicates do not depend on the number
// of workers, and a different seed gives different ones.
func TestBootstrapDeterministic(t *testing.T) {
	tab := mroz(t)
	spec := Spec{Method: Heckit, Outcome: "lwage ~ educ + exper + expersq",
		Selection: "inlf ~ nwifeinc + educ + exper + expersq + age + kidslt6 + kidsge6", Bootstrap: 40, Seed: 7}
	var out []string
	for _, w := range []int{1, 3, 0} {
		spec.Workers = w
		r, err := Fit(tab, spec)
		if err != nil {
			t.Fatal(err)
		}
		j, err := json.Marshal(r.Result)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, string(j))
	}
	if out[0] != out[1] || out[0] != out[2] {
		t.Errorf("results differ with the number of workers:\n%s\n%s", out[0], out[1])
	}
	spec.Seed = 8
	r, _ := Fit(tab, spec)
	if j, _ := json.Marshal(r.Result); string(j) == out[0] {
		t.Error("seeds 7 and 8 gave the same replicates")
	}
	if a, _ := r.Aux("sigma"); !a.HasSE || !(a.StdError > 0) {
		t.Errorf("sigma has no bootstrap SE: %+v", a)
	}
}

// TestBootstrapFailures: a resample that loses the one row of a factor
// level has a different design and counts as failed; bad requests are
// refused; cancellation stops the replicates.
func TestBootstrapFailures(t *testing.T) {
	n := 40
	x, y := make([]float64, n), make([]float64, n)
	g := make([]string, n)
	for i := range x {
		x[i] = float64(i % 7)
		y[i] = 1 + 0.5*x[i] + float64((i*13)%5)
		g[i] = "common"
	}
	g[3] = "rare"
	tab, err := table.New([]string{"x", "y"}, [][]float64{x, y})
	if err != nil {
		t.Fatal(err)
	}
	if err := tab.AddText("g", g); err != nil {
		t.Fatal(err)
	}
	r, err := Fit(tab, Spec{Method: OLS, Outcome: "y ~ x + factor(g)", Bootstrap: 200, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	// P(row 4 not drawn) = (1 − 1/40)⁴⁰ ≈ 0.36.
	if f := r.Bootstrap.Failed; f < 40 || f > 110 {
		t.Errorf("%d of 200 replicates failed, want about 72", f)
	}
	if !strings.Contains(r.VCEDescription(), "200 replicates") {
		t.Errorf("description %q", r.VCEDescription())
	}
	for _, bad := range []Spec{
		{Method: OLS, Outcome: "y ~ x", Bootstrap: 1},
		{Method: OLS, Outcome: "y ~ x", Bootstrap: -5},
		{Method: OLS, Outcome: "y ~ x", Seed: 3},
		{Method: PSM, Outcome: "y ~ x", Treatment: "x", Bootstrap: 10},
	} {
		if _, err := Fit(tab, bad); err == nil {
			t.Errorf("%+v accepted", bad)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := FitContext(ctx, tab, Spec{Method: OLS, Outcome: "y ~ x", Bootstrap: 100}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}

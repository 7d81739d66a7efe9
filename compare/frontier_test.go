package compare

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/redress-sim/redress/scenarios"
)

func TestParseLever(t *testing.T) {
	for _, c := range []struct {
		in   string
		want Lever
	}{
		{"refund=0:1.2:0.4", Lever{Key: "refund", Values: []string{"0", "0.4", "0.8", "1.2"}}},
		{"response_hours=2:10:4", Lever{Key: "response_hours", Values: []string{"2", "6", "10"}}},
		{"proactive=0:0.3:0.1", Lever{Key: "proactive", Values: []string{"0", "0.1", "0.2", "0.3"}}},
		{"apology=none, sincere", Lever{Key: "apology", Values: []string{"none", "sincere"}}},
	} {
		got, err := ParseLever(c.in)
		if err != nil || !reflect.DeepEqual(got, c.want) {
			t.Errorf("ParseLever(%q) = %v, %v; want %v", c.in, got, err, c.want)
		}
	}
	for _, bad := range []string{"refund", "refund=", "=1", "refund=1:0:0.1", "refund=0:1:0", "refund=0:1", "refund=a:1:0.1", "refund=0,,1", "refund=0:1e9:1e-6", "refund=0:2:1e-300", "refund=-1e308:1e308:1"} {
		if _, err := ParseLever(bad); err == nil {
			t.Errorf("ParseLever(%q) accepted", bad)
		}
	}
}

func TestGridScenarioErrors(t *testing.T) {
	sc := scenarios.Default()
	for _, c := range []struct {
		levers []Lever
		want   string
	}{
		{[]Lever{{Key: "refundd", Values: []string{"1"}}}, `refundd: refundd: no such key "refundd"`},
		{[]Lever{{Key: "refund", Values: []string{"-0.1"}}}, "refund=-0.1: refund: -0.1 is out of range"},
		{[]Lever{{Key: "staffing", Values: []string{"-1"}}}, "staffing: -1 is out of range"},
		{[]Lever{{Key: "apology", Values: []string{"grovelling"}}}, `apology: "grovelling"`},
		{[]Lever{{Key: "refund", Values: []string{"1"}}, {Key: "refund", Values: []string{"2"}}}, "lever given twice"},
	} {
		_, _, err := GridScenario(sc, "", c.levers)
		if err == nil || !strings.Contains(err.Error(), c.want) || !scenarios.IsInputError(err) {
			t.Errorf("%v: %v; want an input error with %q", c.levers, err, c.want)
		}
	}
	if _, _, err := GridScenario(sc, "nope", []Lever{{Key: "refund", Values: []string{"1"}}}); err == nil {
		t.Error("unknown template policy accepted")
	}
}

// TestFrontier: a 2-lever grid evaluated on common random numbers gives a
// non-empty Pareto set, no point of which is dominated by any evaluated
// point, and every point off the set is dominated by one on it.
func TestFrontier(t *testing.T) {
	sc := scenarios.Default()
	sc.Population.Size = 3000
	sc.Population.Weeks = 20
	grid, combos, err := GridScenario(sc, "", []Lever{{Key: "refund", Values: []string{"0", "0.6", "1.2"}}, {Key: "apology", Values: []string{"none", "sincere"}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(grid.Policies) != 6 || grid.Policies[5].Name != "refund=1.2 apology=sincere" || !reflect.DeepEqual(combos[1], []string{"0", "sincere"}) {
		t.Fatalf("grid: %d policies, last %q, combos %v", len(grid.Policies), grid.Policies[len(grid.Policies)-1].Name, combos)
	}
	if grid.Policies[3].Refund != 0.6 || grid.Policies[3].Apology != "sincere" || grid.Policies[3].ResponseHours != sc.Policies[0].ResponseHours {
		t.Errorf("levers not applied to the template: %+v", grid.Policies[3])
	}
	r, err := Run(context.Background(), Config{Scenario: grid, Reps: 4})
	if err != nil {
		t.Fatal(err)
	}
	for _, y := range []string{"repurchase_rate", "churn_rate"} {
		front := r.Pareto("recovery_cost", y)
		if len(front) == 0 {
			t.Fatalf("%s: empty Pareto set", y)
		}
		cost, ret := r.MetricIndex("recovery_cost"), r.MetricIndex(y)
		sign := float64(r.Metrics[ret].Better)
		c := func(p int) float64 { return r.Estimate(p, cost).Mean }
		g := func(p int) float64 { return sign * r.Estimate(p, ret).Mean }
		dominates := func(q, p int) bool { return c(q) <= c(p) && g(q) >= g(p) && (c(q) < c(p) || g(q) > g(p)) }
		on := map[int]bool{}
		for _, p := range front {
			on[p] = true
			for q := range r.Policies {
				if dominates(q, p) {
					t.Errorf("%s: frontier point %s is dominated by %s", y, r.Policies[p], r.Policies[q])
				}
			}
		}
		for p := range r.Policies {
			if on[p] {
				continue
			}
			found := false
			for _, q := range front {
				found = found || dominates(q, p)
			}
			if !found {
				t.Errorf("%s: %s is off the frontier but no frontier point dominates it", y, r.Policies[p])
			}
		}
		for i := 1; i < len(front); i++ {
			if c(front[i]) < c(front[i-1]) {
				t.Errorf("%s: frontier not in order of cost", y)
			}
		}
	}
	// With no refund at all, recovery cost is lowest: the cheapest point
	// is always on the frontier.
	front := r.Pareto("recovery_cost", "repurchase_rate")
	if r.Estimate(front[0], r.MetricIndex("recovery_cost")).Mean > r.Estimate(0, r.MetricIndex("recovery_cost")).Mean+1e-9 &&
		r.Estimate(front[0], r.MetricIndex("recovery_cost")).Mean > r.Estimate(1, r.MetricIndex("recovery_cost")).Mean+1e-9 {
		t.Errorf("the cheapest policy is not first on the frontier")
	}
	if b := r.BestProfit(); b < 0 || b >= len(r.Policies) {
		t.Errorf("BestProfit = %d", b)
	}
}

// FuzzParseLever: ParseLever never panics; an accepted lever has a key
// and between 1 and maxGridPoints values.
func FuzzParseLever(f *testing.F) {
	for _, s := range []string{"refund=0:1.2:0.4", "apology=none,sincere", "refund=0:2:1e-300", "refund=-1e308:1e308:1", "x=", "=1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		l, err := ParseLever(s)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty error")
			}
			return
		}
		if l.Key == "" || len(l.Values) == 0 || len(l.Values) > maxGridPoints {
			t.Fatalf("ParseLever(%q) = %d values", s, len(l.Values))
		}
	})
}

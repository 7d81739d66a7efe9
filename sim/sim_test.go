package sim

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/redress-sim/redress/policies"
	"github.com/redress-sim/redress/rng"
	"github.com/redress-sim/redress/scenarios"
	"github.com/redress-sim/redress/table"
	"github.com/redress-sim/redress/truth"
)

// small returns the default scenario shrunk for fast tests.
func small(n, weeks int) *scenarios.Scenario {
	sc := scenarios.Default()
	sc.Population.Size = n
	sc.Population.Weeks = weeks
	return sc
}

func readDir(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, e := range ents {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		out[e.Name()] = b
	}
	return out
}

func TestFilesAreReproducible(t *testing.T) {
	sc := small(9000, 30) // three blocks, so workers really split the work
	ctx := context.Background()
	dirs := []string{t.TempDir(), t.TempDir(), t.TempDir()}
	for k, workers := range []int{1, 4, 2} {
		if _, err := Run(ctx, sc, Options{Out: dirs[k], Workers: workers}); err != nil {
			t.Fatal(err)
		}
	}
	a, b, c := readDir(t, dirs[0]), readDir(t, dirs[1]), readDir(t, dirs[2])
	want := []string{"codebook.json", "customers.csv", "episodes.csv", "truth.json", "truth_episodes.csv"}
	for _, name := range want {
		if len(a[name]) == 0 {
			t.Fatalf("%s missing or empty", name)
		}
		if !bytes.Equal(a[name], b[name]) || !bytes.Equal(a[name], c[name]) {
			t.Errorf("%s differs between worker counts 1, 4 and 2", name)
		}
	}
	if len(a) != len(want) {
		t.Errorf("files %v, want exactly %v (no temporary files left)", keys(a), want)
	}
	sc2 := *sc
	sc2.Seed = 2
	d := t.TempDir()
	if _, err := Run(ctx, &sc2, Options{Out: d}); err != nil {
		t.Fatal(err)
	}
	other := readDir(t, d)
	for _, name := range []string{"customers.csv", "episodes.csv", "truth.json"} {
		if bytes.Equal(a[name], other[name]) {
			t.Errorf("%s identical for seeds 1 and 2", name)
		}
	}
}

func keys(m map[string][]byte) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// runEpisodes runs sc's active policy and collects its episodes and every
// customer's order weeks.
func runEpisodes(t *testing.T, sc *scenarios.Scenario) ([]Episode, [][]int32, *population, Stats) {
	t.Helper()
	pols, err := policies.Compile(sc)
	if err != nil {
		t.Fatal(err)
	}
	base := rng.Base(sc.Seed, 0)
	pop := newPopulation(sc, base, 2)
	net, err := buildNetwork(sc, base, pop.nodes)
	if err != nil {
		t.Fatal(err)
	}
	e := newEngine(sc, &pols[sc.ActivePolicy()], pop, base, net)
	orders := make([][]int32, pop.nodes) // customers never outnumber nodes
	e.onOrder = func(i, week int) { orders[i] = append(orders[i], int32(week)) }
	c := &collector{}
	st, err := e.run(context.Background(), 2, c)
	eps := c.eps
	if err != nil {
		t.Fatal(err)
	}
	return eps, orders, pop, st
}

// TestPotentialOutcomeMatchesSimulation checks that Y(d) for the observed
// d equals what the weekly loop actually did: a purchase within H weeks
// after the episode, before any exit.
func TestPotentialOutcomeMatchesSimulation(t *testing.T) {
	sc := small(8000, 40)
	eps, orders, pop, _ := runEpisodes(t, sc)
	H := int32(sc.Outcomes.HorizonWeeks)
	checked, differ := 0, 0
	for _, ep := range eps {
		if ep.Week+H >= int32(sc.Population.Weeks) {
			continue // the window runs past the simulated weeks
		}
		actual := false
		for _, w := range orders[ep.Customer] {
			if w > ep.Week && w <= ep.Week+H {
				actual = true
			}
		}
		if ex := pop.exitWeek[ep.Customer]; ex >= 0 && ex <= ep.Week {
			t.Fatalf("episode at week %d after exit at %d", ep.Week, ex)
		}
		yObs := ep.Y0
		if ep.Contacted {
			yObs = ep.Y1
		}
		if yObs != actual || ep.Repurchased != actual {
			t.Fatalf("customer %d week %d contacted=%v: Y(d)=%v, recorded %v, simulation %v",
				ep.Customer, ep.Week, ep.Contacted, yObs, ep.Repurchased, actual)
		}
		if ep.Y1 != ep.Y0 {
			differ++
		}
		checked++
	}
	if checked < 1000 {
		t.Fatalf("only %d episodes checked", checked)
	}
	if differ == 0 {
		t.Error("Y(1) never differs from Y(0): contact has no effect at all")
	}
}

// TestDefaultsPlausible checks the behavioral defaults land where the
// literature puts real firms (SPEC §4): failures a few percent of orders,
// 20–50% of failures contacted, first-contact resolution 60–80%.
func TestDefaultsPlausible(t *testing.T) {
	sc, err := scenarios.LoadPreset("default")
	if err != nil {
		t.Fatal(err)
	}
	res, err := Run(context.Background(), sc, Options{})
	if err != nil {
		t.Fatal(err)
	}
	s := res.Summary
	checks := []struct {
		name   string
		v      float64
		lo, hi float64
	}{
		{"failure rate", s.FailureRate, 0.02, 0.06},
		{"contact rate among failures", s.ContactRate, 0.20, 0.50},
		{"first-contact resolution", s.FirstContactResolution, 0.60, 0.80},
		{"annual churn", s.ChurnRate, 0.03, 0.35},
		{"NPS", s.NPS, 0, 80},
		{"recovery cost share of revenue", s.RecoveryCost / s.Revenue, 0.001, 0.10},
	}
	for _, c := range checks {
		if c.v < c.lo || c.v > c.hi {
			t.Errorf("%s = %.4f, want in [%g, %g]", c.name, c.v, c.lo, c.hi)
		}
	}
	if s.ATE <= 0 {
		t.Errorf("true ATE of contact on repurchase = %.4f, want > 0 under the standard policy", s.ATE)
	}
}

// meanSE returns the mean of xs and its standard error.
func meanSE(xs []float64) (float64, float64) {
	n := float64(len(xs))
	m := 0.0
	for _, x := range xs {
		m += x
	}
	m /= n
	v := 0.0
	for _, x := range xs {
		v += (x - m) * (x - m)
	}
	return m, math.Sqrt(v / (n - 1) / n)
}

// TestRecoveryParadox: mild first failures with excellent recovery end
// above the no-failure level; frequent repeat failures (double deviation)
// do not. Each claim must hold by more than 3 standard errors.
func TestRecoveryParadox(t *testing.T) {
	gaps := func(name string, pick func(*Episode) bool) (float64, float64, int) {
		sc, err := scenarios.LoadPreset(name)
		if err != nil {
			t.Fatal(err)
		}
		sc.Population.Size = 8000
		eps, _, _, _ := runEpisodes(t, sc)
		var xs []float64
		for k := range eps {
			if pick(&eps[k]) {
				xs = append(xs, eps[k].S1-eps[k].SNoFail)
			}
		}
		if len(xs) < 100 {
			t.Fatalf("%s: only %d episodes", name, len(xs))
		}
		m, se := meanSE(xs)
		return m, se, len(xs)
	}
	firstMild := func(ep *Episode) bool { return !ep.Repeat && ep.SeverityCat == 0 && ep.Contacted }
	m, se, n := gaps("recovery-paradox", firstMild)
	t.Logf("recovery-paradox: S(1) − S(no failure) over %d first mild recovered failures = %.4f (SE %.4f)", n, m, se)
	if m-3*se <= 0 {
		t.Errorf("recovery paradox absent: gap %.4f ± %.4f", m, se)
	}
	repeat := func(ep *Episode) bool { return ep.Repeat && ep.Contacted }
	m, se, n = gaps("double-deviation", repeat)
	t.Logf("double-deviation: gap over %d repeat recovered failures = %.4f (SE %.4f)", n, m, se)
	if m+3*se >= 0 {
		t.Errorf("double deviation still shows a paradox: gap %.4f ± %.4f", m, se)
	}
	all := func(ep *Episode) bool { return ep.Contacted }
	m, se, n = gaps("double-deviation", all)
	t.Logf("double-deviation: gap over all %d recovered failures = %.4f (SE %.4f)", n, m, se)
	if m+3*se >= 0 {
		t.Errorf("double deviation: recovered failures end above the no-failure level: %.4f ± %.4f", m, se)
	}
}

// TestPartialEffectSigns: slower responses lower S(1); refunds and
// apologies raise it.
func TestPartialEffectSigns(t *testing.T) {
	res, err := Run(context.Background(), small(5000, 30), Options{})
	if err != nil {
		t.Fatal(err)
	}
	for id, sign := range map[string]float64{
		"ape_response_time_satisfaction": -1, "ape_refund_satisfaction": 1, "ape_apology_satisfaction": 1,
	} {
		e, ok := res.Truth.Get(id)
		if !ok {
			t.Fatalf("estimand %s missing", id)
		}
		if e.Value*sign <= 0 {
			t.Errorf("%s = %g, want sign %+g", id, e.Value, sign)
		}
	}
}

func TestCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	dir := t.TempDir()
	_, err := Run(ctx, small(5000, 10), Options{Out: dir})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Errorf("cancelled run left files: %v", ents)
	}
}

func TestPolicyReplayOnSameCustomers(t *testing.T) {
	sc := small(4000, 20)
	fast := scenarios.DefaultPolicy("fast")
	fast.ResponseHours = 2
	sc.Policies = append(sc.Policies, fast)
	res, err := Run(context.Background(), sc, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Truth.Policies) != 2 {
		t.Fatalf("got %d policy outcomes, want 2", len(res.Truth.Policies))
	}
	std, fst := res.Truth.Policies[0].Metrics, res.Truth.Policies[1].Metrics
	if std["failure_rate"] == fst["failure_rate"] && std["contact_rate"] == fst["contact_rate"] &&
		std["mean_response_hours"] == fst["mean_response_hours"] {
		t.Error("policies give identical results")
	}
	if fst["mean_response_hours"] >= std["mean_response_hours"] {
		t.Errorf("fast policy responds in %.1f h, standard in %.1f h", fst["mean_response_hours"], std["mean_response_hours"])
	}
	if res.Truth.Policies[0].Metrics["profit"] != res.Summary.Metrics()["profit"] {
		t.Error("active policy's replayed metrics differ from the run's")
	}
}

func BenchmarkRun(b *testing.B) {
	for _, n := range []int{100_000} {
		sc := small(n, 52)
		b.Run("default", func(b *testing.B) {
			for b.Loop() {
				if _, err := Run(context.Background(), sc, Options{Workers: 1}); err != nil {
					b.Fatal(err)
				}
			}
			// Warm-up weeks are simulated too: count them.
			cw := float64(n * (sc.Population.Weeks + sc.Population.WarmupWeeks))
			b.ReportMetric(cw*float64(b.N)/b.Elapsed().Seconds(), "customer-weeks/s")
		})
	}
}

func TestTextbookRun(t *testing.T) {
	sc, err := scenarios.LoadPreset("textbook-selection")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	res, err := Run(context.Background(), sc, Options{Out: dir})
	if err != nil {
		t.Fatal(err)
	}
	if rho, ok := res.Truth.Get("rho"); !ok || rho.Value != 0.6 {
		t.Errorf("truth rho = %v, want 0.6", rho.Value)
	}
	if res.Textbook == nil || res.Textbook.N != sc.Population.Size {
		t.Fatalf("textbook summary missing or wrong: %+v", res.Textbook)
	}
	for _, f := range res.Files {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("missing %s", f)
		}
	}
}

// TestContactLearnsFromRecoveries: on the same customers and random
// numbers, a generous policy draws more contacts than a frugal one,
// because customers (and word of mouth) learn what complaining pays.
func TestContactLearnsFromRecoveries(t *testing.T) {
	sc := small(8000, 52)
	gen := scenarios.DefaultPolicy("generous")
	gen.Refund, gen.Apology, gen.Empathy, gen.Personalisation = 1.2, "sincere", 0.9, 0.8
	fru := scenarios.DefaultPolicy("frugal")
	fru.Refund, fru.Apology, fru.Empathy, fru.Personalisation, fru.CouponValue = 0.1, "none", 0.1, 0, 0
	sc.Policies = []scenarios.Policy{gen, fru}
	res, err := Run(context.Background(), sc, Options{})
	if err != nil {
		t.Fatal(err)
	}
	g, f := res.Truth.Policies[0].Metrics["contact_rate"], res.Truth.Policies[1].Metrics["contact_rate"]
	if g <= f {
		t.Errorf("contact rate generous %.3f ≤ frugal %.3f", g, f)
	}
	// Without the payoff term the gap must mostly vanish: what remains
	// comes only from the policies changing who is still buying.
	gap := g - f
	sc.Contact.ExpectedPayoff = 0
	res, err = Run(context.Background(), sc, Options{})
	if err != nil {
		t.Fatal(err)
	}
	g, f = res.Truth.Policies[0].Metrics["contact_rate"], res.Truth.Policies[1].Metrics["contact_rate"]
	t.Logf("contact-rate gap generous − frugal: %.4f with learning, %.4f without", gap, g-f)
	if math.Abs(g-f) > gap/2 {
		t.Errorf("without the payoff term the gap is %.4f, with it %.4f", g-f, gap)
	}
}

// TestStaffedQueue: at fixed staffing, more contacts mean slower
// responses; more staff mean faster responses and a higher staff bill.
func TestStaffedQueue(t *testing.T) {
	run := func(agents, intercept float64) map[string]float64 {
		sc := small(20000, 26)
		p := scenarios.DefaultPolicy("staffed")
		p.Staffing = agents
		p.HandleHours = 1
		sc.Policies = []scenarios.Policy{p}
		sc.Contact.Intercept = intercept
		res, err := Run(context.Background(), sc, Options{})
		if err != nil {
			t.Fatal(err)
		}
		m := res.Summary.Metrics()
		m["staff_cost"] = res.Summary.StaffCost
		return m
	}
	low, high := run(1, -2.5), run(1, 0)
	if !(high["contact_rate"] > low["contact_rate"] && high["mean_response_hours"] > low["mean_response_hours"]) {
		t.Errorf("more contacts (%.3f vs %.3f) did not slow responses (%.2f h vs %.2f h)",
			high["contact_rate"], low["contact_rate"], high["mean_response_hours"], low["mean_response_hours"])
	}
	more := run(2, 0)
	if !(more["mean_response_hours"] < high["mean_response_hours"] && more["staff_cost"] > high["staff_cost"]) {
		t.Errorf("a second agent: response %.2f h vs %.2f h, staff cost %.0f vs %.0f",
			more["mean_response_hours"], high["mean_response_hours"], more["staff_cost"], high["staff_cost"])
	}
}

// collector is a sink that keeps every episode.
type collector struct{ eps []Episode }

func (c *collector) Episodes(eps []Episode) error { c.eps = append(c.eps, eps...); return nil }
func (c *collector) WeekDone(int) error           { return nil }

// TestSpendWithinHorizon: spend_h in episodes.csv is what the customer
// really spent in the H weeks after the episode, and repurchased agrees.
func TestSpendWithinHorizon(t *testing.T) {
	sc := small(5000, 30)
	pols, _ := policies.Compile(sc)
	base := rng.Base(sc.Seed, 0)
	pop := newPopulation(sc, base, 2)
	net, err := buildNetwork(sc, base, pop.nodes)
	if err != nil {
		t.Fatal(err)
	}
	e := newEngine(sc, &pols[0], pop, base, net)
	orders := make([][]int32, pop.nodes) // customers never outnumber nodes
	e.onOrder = func(i, week int) { orders[i] = append(orders[i], int32(week)) }
	dir := t.TempDir()
	w, err := newWriter(dir, sc, pop)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.run(context.Background(), 2, w); err != nil {
		t.Fatal(err)
	}
	if err := w.finish(pop, &truth.File{}); err != nil {
		t.Fatal(err)
	}
	tb, err := os.ReadFile(filepath.Join(dir, "episodes.csv"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(tb)), "\n")
	head := strings.Split(lines[0], ",")
	col := func(name string) int { return slices.Index(head, name) }
	ci, wi, si, ri, ci2 := col("customer_id"), col("week"), col("spend_h"), col("repurchased"), col("window_complete")
	H := int32(sc.Outcomes.HorizonWeeks)
	checked := 0
	prevWeek := -1
	for _, line := range lines[1:] {
		f := strings.Split(line, ",")
		id, _ := strconv.Atoi(f[ci])
		c := int(pop.cust[id]) // customer_id is the network node
		week, _ := strconv.Atoi(f[wi])
		spend, _ := strconv.ParseFloat(f[si], 64)
		if week < prevWeek {
			t.Fatal("episodes are not in week order")
		}
		prevWeek = week
		n := 0
		for _, o := range orders[c] {
			if o > int32(week) && o <= int32(week)+H {
				n++
			}
		}
		want := float64(n) * float64(pop.value[c])
		if math.Abs(spend-want) > 0.006 {
			t.Fatalf("customer %d week %d: spend_h %.2f, simulation %.2f", c, week, spend, want)
		}
		if f[ci2] == "1" {
			if (f[ri] == "1") != (n > 0) {
				t.Fatalf("customer %d week %d: repurchased %s but %d orders in the window", c, week, f[ri], n)
			}
			checked++
		}
	}
	if checked < 500 {
		t.Fatalf("only %d complete windows checked", checked)
	}
}

// TestCollectMatchesCSV: the in-memory episodes table holds exactly what
// episodes.csv says, in both modes.
func TestCollectMatchesCSV(t *testing.T) {
	for _, preset := range []string{"default", "textbook-selection"} {
		sc, err := scenarios.LoadPreset(preset)
		if err != nil {
			t.Fatal(err)
		}
		if sc.Mode == "behavioral" {
			sc.Population.Size = 3000
		}
		dir := t.TempDir()
		res, err := Run(context.Background(), sc, Options{Out: dir, Collect: true})
		if err != nil {
			t.Fatal(err)
		}
		fromCSV, err := table.ReadCSVFile(filepath.Join(dir, "episodes.csv"))
		if err != nil {
			t.Fatal(err)
		}
		mem := res.Episodes
		if !slices.Equal(mem.Names(), fromCSV.Names()) || mem.Len() != fromCSV.Len() {
			t.Fatalf("%s: table %v × %d, CSV %v × %d", preset, mem.Names(), mem.Len(), fromCSV.Names(), fromCSV.Len())
		}
		for _, name := range mem.Names() {
			a, _ := mem.Col(name)
			b, _ := fromCSV.Col(name)
			for i := range a {
				if a[i] != b[i] && !(math.IsNaN(a[i]) && math.IsNaN(b[i])) {
					t.Fatalf("%s: column %s row %d: memory %v, CSV %v", preset, name, i, a[i], b[i])
				}
			}
		}
		// Collecting without files works too and gives the same table.
		res2, err := Run(context.Background(), sc, Options{Collect: true})
		if err != nil {
			t.Fatal(err)
		}
		if res2.Episodes.Len() != mem.Len() {
			t.Errorf("%s: collect without files: %d rows, want %d", preset, res2.Episodes.Len(), mem.Len())
		}
	}
}

// TestRunPoliciesBreakdown: RunPolicies gives each policy the outcome
// sim.Run gives it, and the breakdowns add up to the totals.
func TestRunPoliciesBreakdown(t *testing.T) {
	sc := small(4000, 20)
	a, b := scenarios.DefaultPolicy("a"), scenarios.DefaultPolicy("b")
	b.Proactive = 0.8
	zero, coupon, sincere := 0.0, 0.1, scenarios.ApologySincere
	b.ProactiveRemedy = scenarios.ProactiveRemedy{Refund: &zero, CouponValue: &coupon, Apology: &sincere}
	sc.Policies = []scenarios.Policy{a, b}
	outs, err := RunPolicies(context.Background(), sc, 3, 2)
	if err != nil {
		t.Fatal(err)
	}
	for k, o := range outs {
		one := *sc
		one.Policy = sc.Policies[k].Name
		res, err := Run(context.Background(), &one, Options{Replication: 3})
		if err != nil {
			t.Fatal(err)
		}
		if o.Policy != sc.Policies[k].Name || o.Summary.Profit != res.Summary.Profit || o.Summary.SurveyMean != res.Summary.SurveyMean {
			t.Errorf("policy %d: RunPolicies %+v differs from Run %+v", k, o.Summary, res.Summary)
		}
		var f, c, resp, rep int64
		var real float64
		for _, g := range o.Breakdown.FailureTypes {
			f, c, resp, rep, real = f+g.Failures, c+g.Contacted, resp+g.Responses, rep+g.Repurchased, real+g.SumRealized
		}
		s := o.Summary
		if f != s.Failures || c != int64(math.Round(s.ContactRate*float64(s.Failures))) || resp != s.Responses ||
			math.Abs(real/float64(f)-s.RealizedSatisfaction) > 1e-9 || math.Abs(float64(rep)/float64(f)-s.RepurchaseRate) > 1e-12 {
			t.Errorf("policy %d: failure-type breakdown does not add up: %d failures, %d contacted, %d responses vs %+v", k, f, c, resp, s)
		}
		var cust, churned, sf int64
		for _, g := range o.Breakdown.Segments {
			cust, churned, sf = cust+g.Customers, churned+g.Churned, sf+g.Failures
		}
		if cust != int64(s.Customers) || churned != s.Churned || sf != s.Failures {
			t.Errorf("policy %d: segment breakdown %d customers, %d churned, %d failures vs %+v", k, cust, churned, sf, s)
		}
	}
	// Proactive outreach with a lighter remedy: more contacts, less
	// refund per contact, and the customers it reaches who would not have
	// complained are recovered, so realized satisfaction rises.
	sa, sb := outs[0].Summary, outs[1].Summary
	if !(sb.ContactRate > sa.ContactRate+0.2 && sb.RealizedSatisfaction > sa.RealizedSatisfaction) {
		t.Errorf("proactive: contact %.3f vs %.3f, realized satisfaction %.3f vs %.3f", sb.ContactRate, sa.ContactRate, sb.RealizedSatisfaction, sa.RealizedSatisfaction)
	}
	tb, err := scenarios.LoadPreset("textbook-selection")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := RunPolicies(context.Background(), tb, 0, 1); err == nil {
		t.Error("RunPolicies accepted a textbook scenario")
	}
}

// TestSegmentOverrides: a segment that overrides the contact intercept
// contacts support more than it does without the override, and a bad
// override is reported under the segment's key.
func TestSegmentOverrides(t *testing.T) {
	base := small(6000, 20)
	base.Population.Segments = []scenarios.Segment{{Name: "a", Share: 0.5}, {Name: "b", Share: 0.5}}
	up := 1.0
	over := base.Clone()
	over.Population.Segments[1].Contact.Intercept = &up
	if err := over.Validate(); err != nil {
		t.Fatal(err)
	}
	run := func(sc *scenarios.Scenario) *Breakdown {
		out, err := RunPolicies(context.Background(), sc, 0, 2)
		if err != nil {
			t.Fatal(err)
		}
		return &out[0].Breakdown
	}
	b0, b1 := run(base), run(over)
	if a0, a1 := b0.Segments[1].ContactRate(), b1.Segments[1].ContactRate(); !(a1 > a0+0.1) {
		t.Errorf("segment b contact rate %.3f with intercept +2.7 vs %.3f without", a1, a0)
	}
	if b0.Segments[0].Failures == 0 {
		t.Fatal("no failures in segment a")
	}
	bad := base.Clone()
	neg := -1.0
	bad.Population.Segments[0].Outcomes.NoiseSD = &neg
	if err := bad.Validate(); err == nil || !strings.Contains(err.Error(), "population.segments[0].outcomes.noise_sd") {
		t.Errorf("negative segment noise_sd: %v", err)
	}
}

// TestSpendPotentialOutcomes: for the branch that happened, the replayed
// spend within H and leaving within H equal what the simulation did, for
// every episode whose window closes within the simulated weeks; and the
// other branches differ somewhere (contact matters).
func TestSpendPotentialOutcomes(t *testing.T) {
	sc := small(8000, 40)
	dir := t.TempDir()
	if _, err := Run(context.Background(), sc, Options{Out: dir, Workers: 2}); err != nil {
		t.Fatal(err)
	}
	read := func(name string) ([]string, [][]string) {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSpace(string(b)), "\n")
		var rows [][]string
		for _, l := range lines[1:] {
			rows = append(rows, strings.Split(l, ","))
		}
		return strings.Split(lines[0], ","), rows
	}
	eh, eps := read("episodes.csv")
	th, tr := read("truth_episodes.csv")
	ci, cust := read("customers.csv")
	for _, f := range [][2]int{{len(eh), len(eps[0])}, {len(th), len(tr[0])}, {len(ci), len(cust[0])}} {
		if f[0] != f[1] {
			t.Fatalf("a header has %d columns, its rows %d", f[0], f[1])
		}
	}
	col := func(h []string, name string) int { return slices.Index(h, name) }
	churnWeek := map[string]int{} // customer_id → recorded week of exit
	for _, r := range cust {
		if r[col(ci, "churned")] == "1" {
			from := 0
			if j := r[col(ci, "joined_week")]; j != "" {
				from, _ = strconv.Atoi(j)
			}
			a, _ := strconv.Atoi(r[col(ci, "weeks_active")])
			churnWeek[r[col(ci, "customer_id")]] = from + a
		}
	}
	checked, differ := 0, 0
	for k, r := range eps {
		if r[col(eh, "window_complete")] != "1" {
			continue
		}
		branch := "0"
		if r[col(eh, "contacted")] == "1" {
			branch = "1"
		}
		obs, _ := strconv.ParseFloat(r[col(eh, "spend_h")], 64)
		po, _ := strconv.ParseFloat(tr[k][col(th, "spend"+branch)], 64)
		if math.Abs(obs-po) > 0.006 {
			t.Fatalf("episode %s: spend_h %.2f but the replayed spend%s is %.2f", r[0], obs, branch, po)
		}
		week, _ := strconv.Atoi(r[col(eh, "week")])
		cw, churned := churnWeek[r[col(eh, "customer_id")]]
		gone := churned && cw >= week && cw <= week+sc.Outcomes.HorizonWeeks
		if (tr[k][col(th, "gone"+branch)] == "1") != gone {
			t.Fatalf("episode %s week %d: gone%s = %s but the customer left in week %d (churned %v)", r[0], week, branch, tr[k][col(th, "gone"+branch)], cw, churned)
		}
		if tr[k][col(th, "spend0")] != tr[k][col(th, "spend1")] {
			differ++
		}
		checked++
	}
	if checked < 1000 || differ == 0 {
		t.Fatalf("checked %d episodes, %d with different spend by branch", checked, differ)
	}
}

// TestRunReplacesEarlierRun: a run into the directory of an earlier one
// leaves none of the earlier run's files behind.
func TestRunReplacesEarlierRun(t *testing.T) {
	dir := t.TempDir()
	if _, err := Run(context.Background(), small(500, 10), Options{Out: dir}); err != nil {
		t.Fatal(err)
	}
	tb, err := scenarios.LoadPreset("textbook-selection")
	if err != nil {
		t.Fatal(err)
	}
	tb.Population.Size = 200
	tb.Output.TruthEpisodes = false
	res, err := Run(context.Background(), tb, Options{Out: dir})
	if err != nil {
		t.Fatal(err)
	}
	ents, _ := os.ReadDir(dir)
	var got []string
	for _, e := range ents {
		got = append(got, e.Name())
	}
	slices.Sort(got)
	want := slices.Clone(res.Files)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("directory holds %v after the second run, which wrote %v", got, want)
	}
}

// TestProgress: Options.Progress sees every week of the run and of the
// other policy's replay, in order, and the results do not change.
func TestProgress(t *testing.T) {
	sc := small(1500, 10)
	sc.Policies = append(sc.Policies, scenarios.DefaultPolicy("fast"))
	plain, err := Run(context.Background(), sc, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var seen []int
	total := 0
	res, err := Run(context.Background(), sc, Options{Workers: 2, Progress: func(done, n int) {
		seen, total = append(seen, done), n
	}})
	if err != nil {
		t.Fatal(err)
	}
	want := 2 * (sc.Population.WarmupWeeks + sc.Population.Weeks)
	if total != want || len(seen) != want || seen[0] != 1 || seen[len(seen)-1] != want {
		t.Fatalf("progress saw %d calls ending at %v of %d; want 1…%d", len(seen), seen[len(seen)-1:], total, want)
	}
	a, _ := json.Marshal(plain.Truth)
	b, _ := json.Marshal(res.Truth)
	if !bytes.Equal(a, b) {
		t.Error("truth differs with a progress callback")
	}
}

// TestCollectors: a collector sees every recorded failure episode once, in
// the same order for any number of workers, and a collector's error stops
// the run.
func TestCollectors(t *testing.T) {
	sc := small(3000, 20)
	var runs [2]collector
	var res *Result
	for i, w := range []int{1, 3} {
		var err error
		if res, err = Run(context.Background(), sc, Options{Workers: w, Collectors: []Collector{&runs[i]}}); err != nil {
			t.Fatal(err)
		}
	}
	if int64(len(runs[0].eps)) != res.Summary.Failures {
		t.Errorf("collected %d episodes, the summary counts %d failures", len(runs[0].eps), res.Summary.Failures)
	}
	if !reflect.DeepEqual(runs[0].eps, runs[1].eps) {
		t.Error("1 and 3 workers pass different episodes")
	}
	stop := errors.New("enough")
	if _, err := Run(context.Background(), sc, Options{Collectors: []Collector{failing{stop}}}); !errors.Is(err, stop) {
		t.Errorf("a failing collector: %v", err)
	}
}

type failing struct{ err error }

func (f failing) Episodes([]Episode) error { return f.err }
func (f failing) WeekDone(int) error       { return nil }

// TestInstrumentUnit: with contact.instrument_unit = "customer" every
// episode of a customer has the same instrument, on for a share of
// customers within Monte Carlo error of instrument_probability; by episode
// customers' episodes differ. The contact error, drawn after the
// instrument from the episode's stream, is the same under both units, so
// the first failure of each customer (before contact decisions could have
// changed anything) has the same week, type and severity.
func TestInstrumentUnit(t *testing.T) {
	byUnit := map[string]*table.Table{}
	for _, unit := range []string{"episode", "customer"} {
		sc := small(4000, 40)
		sc.Contact.InstrumentUnit = unit
		sc.Contact.InstrumentProbability = 0.3
		res, err := Run(context.Background(), sc, Options{Collect: true})
		if err != nil {
			t.Fatal(err)
		}
		byUnit[unit] = res.Episodes
	}
	// arms counts the repeat customers, those whose first two episodes
	// are in different arms, and those with any episode in an arm other
	// than their first's.
	type count struct{ repeat, firstTwo, any, customers, on int }
	arms := func(tb *table.Table) (map[float64][3]float64, count) {
		cust, _ := tb.Col("customer_id")
		z, _ := tb.Col("instrument")
		week, _ := tb.Col("week")
		ft, _ := tb.Col("failure_type")
		sev, _ := tb.Col("severity")
		first := map[float64][3]float64{}
		arm, seen, mixed := map[float64]float64{}, map[float64]int{}, map[float64]bool{}
		var n count
		for i, c := range cust {
			seen[c]++
			switch seen[c] {
			case 1:
				arm[c], first[c] = z[i], [3]float64{week[i], ft[i], sev[i]}
				n.customers++
				if z[i] == 1 {
					n.on++
				}
				continue
			case 2:
				n.repeat++
				if z[i] != arm[c] {
					n.firstTwo++
				}
			}
			if z[i] != arm[c] && !mixed[c] {
				mixed[c] = true
				n.any++
			}
		}
		return first, n
	}
	firstE, e := arms(byUnit["episode"])
	firstC, c := arms(byUnit["customer"])
	if c.any != 0 || c.repeat < 50 {
		t.Errorf("by customer: %d of %d repeat customers have episodes in different arms, want 0", c.any, c.repeat)
	}
	// By episode the first two differ with probability 2·0.3·0.7 = 0.42.
	if share := float64(e.firstTwo) / float64(e.repeat); math.Abs(share-0.42) > 4*math.Sqrt(0.42*0.58/float64(e.repeat)) {
		t.Errorf("by episode: %d of %d repeat customers have their first two episodes in different arms (%.3f), want 0.42", e.firstTwo, e.repeat, share)
	}
	n, on := c.customers, c.on
	share, se := float64(on)/float64(n), math.Sqrt(0.3*0.7/float64(n))
	if math.Abs(share-0.3) > 4*se {
		t.Errorf("by customer: instrument on for %.4f of %d customers, want 0.3 ± %.4f", share, n, 4*se)
	}
	for c, f := range firstC {
		if g, ok := firstE[c]; ok && g != f {
			t.Fatalf("customer %v: first failure %v by customer, %v by episode; the draws are not common", c, f, g)
		}
	}
}

// Package compare runs the recovery policies of a scenario against each
// other on common random numbers (SPEC §10.2): in every replication each
// policy meets the same customers, the same failures and the same random
// draws, so the difference between two policies is the policies' effect
// and nothing else, and paired intervals for it are tight (Glasserman &
// Yao 1992; Law 2015, ch. 11).
//
// For every policy it reports the metrics a strategist decides on —
// contact rate, first-contact resolution, response time, true
// satisfaction, what the satisfaction survey shows (the dashboard), NPS,
// repurchase, churn, revenue, recovery cost, profit — with 95% intervals
// over replications, paired differences against a baseline policy, a
// flag where the dashboard moves the other way from the truth, the
// decision the dashboard would lead to next to the right one with its
// regret, and breakdowns by customer segment and failure type.
//
// RunUncertainty repeats the comparison over draws of calibrated
// parameters read from a calibration's fit file (ReadFit): the
// probability that each policy is best on profit and on retention,
// expected profit with an interval from the law of total variance, and
// expected regret, so that a ranking can be checked against what the
// firm's records leave unknown.
package compare

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/gonum/stat/distuv"

	"github.com/redress-sim/redress/internal/parallel"
	"github.com/redress-sim/redress/scenarios"
	"github.com/redress-sim/redress/sim"
)

// Metric describes one policy metric: sim's table of run metrics, of
// which a comparison reports the Compared ones.
type Metric = sim.Metric

// Metrics returns the metrics of a comparison, in report order.
func Metrics() []Metric {
	var out []Metric
	for _, m := range sim.Metrics() {
		if m.Compared {
			out = append(out, m)
		}
	}
	return out
}

// GroupMetrics returns the metrics of the breakdowns by segment and by
// failure type, in report order (churn only for segments).
func GroupMetrics() []Metric {
	return []Metric{
		{Name: "failures", Label: "failures", Digits: 0},
		{Name: "contact_rate", Label: "contact rate", Digits: 3},
		{Name: "survey_mean", Label: "survey satisfaction (dashboard)", Better: 1, Dashboard: true, Digits: 3},
		{Name: "realized_satisfaction", Label: "true satisfaction", Better: 1, Digits: 3},
		{Name: "repurchase_rate", Label: "repurchase", Better: 1, Digits: 4},
		{Name: "churn_rate", Label: "churn (segments)", Better: -1, Digits: 4},
	}
}

func groupValue(g *sim.Group, name string) float64 {
	switch name {
	case "failures":
		return float64(g.Failures)
	case "contact_rate":
		return g.ContactRate()
	case "survey_mean":
		return g.SurveyMean()
	case "realized_satisfaction":
		return g.RealizedSatisfaction()
	case "repurchase_rate":
		return g.RepurchaseRate()
	case "churn_rate":
		if g.Customers == 0 {
			return math.NaN()
		}
		return g.ChurnRate()
	}
	panic("compare: unknown group metric " + name)
}

// Config is a policy comparison.
type Config struct {
	// Scenario is a behavioral scenario with at least one policy.
	Scenario *scenarios.Scenario
	// Reps is the number of replications (≥ 2 for intervals).
	Reps int
	// Baseline names the policy differences are taken against; empty
	// means the scenario's active policy.
	Baseline string
	// Workers is the number of replications run at once (0: GOMAXPROCS).
	// Results do not depend on it.
	Workers int
	// FirstRep is the index of the first replication; replications
	// FirstRep, …, FirstRep+Reps−1 are run. Different values give
	// independent random streams.
	FirstRep uint64
	// Progress, if set, is called after each finished replication, in
	// no particular order of replications.
	Progress func(done, total int)
}

// Result holds every policy's metrics in every replication.
type Result struct {
	Scenario string
	Seed     uint64
	Reps     int
	FirstRep uint64
	// Customers is the population size (for per-customer figures).
	Customers int
	// Policies are the policy names in scenario order; Baseline indexes
	// the baseline.
	Policies []string
	Baseline int
	// Metrics are the metric definitions; Values[p][m][r] is metric m of
	// policy p in replication r.
	Metrics []Metric
	Values  [][][]float64
	// Segments and FailureTypes name the groups of the breakdowns;
	// SegmentValues[p][g][k][r] and FailureValues[p][g][k][r] hold group
	// metric k (GroupMetrics order).
	GroupMetrics  []Metric
	Segments      []string
	FailureTypes  []string
	SegmentValues [][][][]float64
	FailureValues [][][][]float64
}

// ErrNoPolicy is returned (wrapped) when a baseline or template names no
// policy of the scenario.
var ErrNoPolicy = errors.New("no such policy in the scenario")

// MaxPolicyRuns is the most policies × replications a comparison runs:
// every replication's values are kept for the paired intervals and the
// replication files (about 0.6 KB a policy run), so the product is
// capped before anything is allocated, at about 120 MB.
const MaxPolicyRuns = 200_000

// ErrTooLarge is returned (wrapped) for a comparison of more than
// MaxPolicyRuns policy runs.
var ErrTooLarge = errors.New("too many policy runs")

// Run runs the comparison. It stops early, with the context's error, when
// ctx is cancelled.
func Run(ctx context.Context, cfg Config) (*Result, error) {
	sc := cfg.Scenario
	if sc == nil {
		return nil, errors.New("compare: no scenario")
	}
	if sc.Mode != "behavioral" {
		return nil, fmt.Errorf("compare: %q is a %s scenario; policies are compared in behavioral mode", sc.Name, sc.Mode)
	}
	if cfg.Reps < 1 {
		return nil, fmt.Errorf("compare: %d replications; need at least 1", cfg.Reps)
	}
	if runs := float64(len(sc.Policies)) * float64(cfg.Reps); runs > MaxPolicyRuns {
		return nil, fmt.Errorf("%w: %d policies × %d replications = %.0f; at most %d (fewer replications, or fewer policies)",
			ErrTooLarge, len(sc.Policies), cfg.Reps, runs, MaxPolicyRuns)
	}
	names := make([]string, len(sc.Policies))
	for i, p := range sc.Policies {
		names[i] = p.Name
	}
	base := sc.ActivePolicy()
	if cfg.Baseline != "" {
		base = slices.Index(names, cfg.Baseline)
		if base < 0 {
			return nil, fmt.Errorf("%w: %q; the policies are %v", ErrNoPolicy, cfg.Baseline, names)
		}
	}
	ms, gms := Metrics(), GroupMetrics()
	res := &Result{Scenario: sc.Name, Seed: sc.Seed, Reps: cfg.Reps, FirstRep: cfg.FirstRep,
		Customers: sc.Population.Size, Policies: names, Baseline: base, Metrics: ms, GroupMetrics: gms}
	for _, s := range sc.Population.Segments {
		res.Segments = append(res.Segments, s.Name)
	}
	res.FailureTypes = scenarios.FailureTypeNames()
	res.Values = alloc3(len(names), len(ms), cfg.Reps)
	res.SegmentValues = make([][][][]float64, len(names))
	res.FailureValues = make([][][][]float64, len(names))
	for p := range names {
		res.SegmentValues[p] = alloc3(len(res.Segments), len(gms), cfg.Reps)
		res.FailureValues[p] = alloc3(len(res.FailureTypes), len(gms), cfg.Reps)
	}

	work := func(ctx context.Context, r int) ([]sim.PolicyRun, error) {
		outs, err := sim.RunPolicies(ctx, sc, cfg.FirstRep+uint64(r), 1)
		if err != nil {
			return nil, fmt.Errorf("replication %d: %w", cfg.FirstRep+uint64(r), err)
		}
		return outs, nil
	}
	emit := func(r int, outs []sim.PolicyRun) error {
		res.record(r, outs, ms, gms)
		if cfg.Progress != nil {
			cfg.Progress(r+1, cfg.Reps)
		}
		return nil
	}
	if _, err := parallel.Ordered(ctx, cfg.Reps, cfg.Workers, work, emit); err != nil {
		return nil, err
	}
	return res, nil
}

// record stores replication r's outcomes of every policy.
func (res *Result) record(r int, outs []sim.PolicyRun, ms, gms []Metric) {
	for p := range outs {
		for m := range ms {
			res.Values[p][m][r] = ms[m].Value(&outs[p].Summary)
		}
		for g := range res.Segments {
			for k := range gms {
				res.SegmentValues[p][g][k][r] = groupValue(&outs[p].Breakdown.Segments[g], gms[k].Name)
			}
		}
		for g := range res.FailureTypes {
			for k := range gms {
				res.FailureValues[p][g][k][r] = groupValue(&outs[p].Breakdown.FailureTypes[g], gms[k].Name)
			}
		}
	}
}

func alloc3(a, b, c int) [][][]float64 {
	out := make([][][]float64, a)
	for i := range out {
		out[i] = make([][]float64, b)
		for j := range out[i] {
			out[i][j] = make([]float64, c)
		}
	}
	return out
}

// Interval is a mean over replications with its standard error and 95%
// interval mean ± t(0.975, R−1)·SE (NaN bounds with one replication).
type Interval struct {
	Mean, SE, Lo, Hi float64
}

// Excludes0 reports whether the interval lies entirely above or below 0.
func (iv Interval) Excludes0() bool { return iv.Lo > 0 || iv.Hi < 0 }

// interval summarises x (NaNs left out).
func interval(x []float64) Interval {
	var v []float64
	for _, a := range x {
		if !math.IsNaN(a) {
			v = append(v, a)
		}
	}
	n := float64(len(v))
	if n == 0 {
		return Interval{math.NaN(), math.NaN(), math.NaN(), math.NaN()}
	}
	m, variance := meanVar(v)
	if n < 2 {
		return Interval{m, math.NaN(), math.NaN(), math.NaN()}
	}
	se := math.Sqrt(variance / n)
	t := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: n - 1}.Quantile(0.975)
	return Interval{m, se, m - t*se, m + t*se}
}

// meanVar returns the mean and the sample variance (divisor n−1; NaN
// for n < 2) of x.
func meanVar(x []float64) (mean, variance float64) {
	n := float64(len(x))
	for _, a := range x {
		mean += a
	}
	mean /= n
	for _, a := range x {
		variance += (a - mean) * (a - mean)
	}
	if n < 2 {
		return mean, math.NaN()
	}
	return mean, variance / (n - 1)
}

// Estimate is metric m of policy p: its mean over replications with a
// 95% interval.
func (r *Result) Estimate(p, m int) Interval { return interval(r.Values[p][m]) }

// Paired is the difference of metric m between policy p and the baseline,
// replication by replication on the same random numbers, with a 95%
// interval from the SD of the paired differences.
func (r *Result) Paired(p, m int) Interval { return r.Diff(p, r.Baseline, m) }

// Diff is metric m of policy a minus policy b, paired replication by
// replication on the same random numbers, with a 95% interval.
func (r *Result) Diff(a, b, m int) Interval {
	return interval(diff(r.Values[a][m], r.Values[b][m]))
}

// Unpaired is the same difference with the interval two independent runs
// of R replications each would give: the Welch standard error
// √(s²_p/R + s²_b/R) of the marginal SDs. Comparing it with Paired shows
// what common random numbers buy.
func (r *Result) Unpaired(p, m int) Interval {
	a, b := interval(r.Values[p][m]), interval(r.Values[r.Baseline][m])
	d := a.Mean - b.Mean
	se := math.Hypot(a.SE, b.SE)
	n := float64(r.Reps)
	// Welch–Satterthwaite degrees of freedom.
	va, vb := a.SE*a.SE, b.SE*b.SE
	df := (va + vb) * (va + vb) / (va*va/(n-1) + vb*vb/(n-1))
	if !(df > 0) || math.IsInf(df, 0) {
		df = 2 * (n - 1)
	}
	t := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: df}.Quantile(0.975)
	return Interval{d, se, d - t*se, d + t*se}
}

func diff(a, b []float64) []float64 {
	out := make([]float64, len(a))
	for i := range a {
		out[i] = a[i] - b[i]
	}
	return out
}

// MetricIndex returns the index of the named metric, or −1.
func (r *Result) MetricIndex(name string) int {
	return slices.IndexFunc(r.Metrics, func(m Metric) bool { return m.Name == name })
}

// Disagreement is a policy whose difference from the baseline moves a
// dashboard metric one way and the truth the other way.
type Disagreement struct {
	Policy int
	// Dashboard and Truth name the metrics; DashboardDiff and TruthDiff
	// are the paired differences from the baseline.
	Dashboard, Truth         string
	DashboardDiff, TruthDiff Interval
	// Significant is true when both intervals exclude 0.
	Significant bool
}

// Disagreements compares, for every policy against the baseline, the
// direction of each dashboard metric (survey satisfaction, where up is
// good; support contacts, where down is good) with the direction of true
// satisfaction over all failures, and returns the pairs that disagree.
func (r *Result) Disagreements() []Disagreement {
	truth := r.MetricIndex("realized_satisfaction")
	var out []Disagreement
	for p := range r.Policies {
		if p == r.Baseline {
			continue
		}
		td := r.Paired(p, truth)
		for m, mt := range r.Metrics {
			if !mt.Dashboard {
				continue
			}
			dd := r.Paired(p, m)
			// The dashboard's reading: + when it says "better".
			says := float64(mt.Better) * dd.Mean
			if says*td.Mean < 0 {
				out = append(out, Disagreement{Policy: p, Dashboard: mt.Name, Truth: "realized_satisfaction",
					DashboardDiff: dd, TruthDiff: td, Significant: dd.Excludes0() && td.Excludes0()})
			}
		}
	}
	return out
}

// Decision is the policy a criterion picks and what picking it instead of
// the best policy by the target costs.
type Decision struct {
	// Criterion is the metric the pick maximises (or minimises, for a
	// lower-is-better metric).
	Criterion string
	Pick      int
	// Target is the metric the firm really cares about, Best the policy
	// that is best by it.
	Target string
	Best   int
	// Regret is target(best) − target(pick) per replication, as a paired
	// interval (zero when the pick is the best); for profit it is scaled
	// to currency per 1,000 customers.
	Regret Interval
}

// Decide returns the picks by each dashboard metric and by the truth,
// each with its regret in profit per 1,000 customers and in retention
// (1 − churn).
func (r *Result) Decide() []Decision {
	best := func(m int) int {
		sign := float64(r.Metrics[m].Better)
		b, bv := 0, math.Inf(-1)
		for p := range r.Policies {
			if v := sign * r.Estimate(p, m).Mean; v > bv {
				b, bv = p, v
			}
		}
		return b
	}
	var out []Decision
	profit, churn := r.MetricIndex("profit"), r.MetricIndex("churn_rate")
	for _, target := range []int{profit, churn} {
		tb := best(target)
		for _, crit := range []string{"survey_mean", "complaints_per_1000", "realized_satisfaction", r.Metrics[target].Name} {
			c := r.MetricIndex(crit)
			pick := best(c)
			d := diff(r.Values[tb][target], r.Values[pick][target])
			scale := 1.0
			if target == profit {
				scale = 1000 / float64(r.Customers)
			}
			if target == churn {
				scale = -1 // regret in retention: churn(pick) − churn(best)
			}
			for i := range d {
				d[i] *= scale
			}
			out = append(out, Decision{Criterion: crit, Pick: pick, Target: r.Metrics[target].Name, Best: tb, Regret: interval(d)})
		}
	}
	return out
}

// Package facts runs the service-recovery literature's published
// regularities as experiments on a scenario and reports, for each, the
// measured value with a 95% interval and whether it holds.
//
// Every fact is measured, never read back from a parameter: either as a
// contrast between an episode's potential outcomes (the simulator replays
// each failure with and without contact, and as if it had not happened,
// on the same random numbers), or as a twin run — the same customers and
// draws (common random numbers) under a changed scenario. Each of R
// replications gives one measurement (a paired difference for twins); the
// interval is mean ± t(0.975, R − 1)·SD/√R over replications.
//
// A fact holds when its interval lies wholly on the side the literature
// predicts.
package facts

import (
	"context"
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/gonum/stat/distuv"

	"github.com/redress-sim/redress/scenarios"
	"github.com/redress-sim/redress/sim"
)

// Options control a facts run.
type Options struct {
	// Reps is the number of replications (at least 2).
	Reps int
	// Workers is the number of goroutines per simulation (0 = all cores).
	Workers int
	// Only restricts the run to the facts with these ids (empty: all).
	Only []string
}

// Result is one fact as measured on a scenario.
type Result struct {
	ID     string `json:"id"`
	Title  string `json:"title"`
	Source string `json:"source"`
	// Claim says what must hold, Experiment how it is measured.
	Claim      string `json:"claim"`
	Experiment string `json:"experiment"`
	// Estimate is the mean over replications; Low and High the 95%
	// interval.
	Estimate float64 `json:"estimate"`
	Low      float64 `json:"low"`
	High     float64 `json:"high"`
	Reps     int     `json:"reps"`
	Holds    bool    `json:"holds"`
}

// Report is the outcome of a facts run.
type Report struct {
	Scenario string   `json:"scenario"`
	Seed     uint64   `json:"seed"`
	Reps     int      `json:"reps"`
	Results  []Result `json:"facts"`
}

// Holding counts the facts that hold.
func (r *Report) Holding() int {
	n := 0
	for _, f := range r.Results {
		if f.Holds {
			n++
		}
	}
	return n
}

// IDs lists the ids of every fact, in report order.
func IDs() []string {
	var ids []string
	for _, f := range catalogue() {
		ids = append(ids, f.id)
	}
	return ids
}

// MaxReps is the most replications Run runs: on the default scenario
// one takes about 1.4 s, so 10,000 is some four hours, with intervals
// far narrower than any fact needs.
const MaxReps = 10_000

// Run measures every fact (or those in opts.Only) on the scenario, which
// must be a valid behavioral scenario, over 2 to MaxReps replications.
// Its active policy is the one experiments start from; other policies are
// ignored.
func Run(ctx context.Context, sc *scenarios.Scenario, opts Options) (*Report, error) {
	if sc.Mode != "behavioral" {
		return nil, fmt.Errorf("facts need a behavioral scenario; %q is in %s mode", sc.Name, sc.Mode)
	}
	if opts.Reps < 2 || opts.Reps > MaxReps {
		return nil, fmt.Errorf("facts need 2 to %d replications, not %d", MaxReps, opts.Reps)
	}
	cat := catalogue()
	for _, id := range opts.Only {
		if !slices.ContainsFunc(cat, func(f fact) bool { return f.id == id }) {
			return nil, fmt.Errorf("unknown fact %q; facts are: %v", id, IDs())
		}
	}
	r := newRunner(sc, opts.Workers)
	rep := &Report{Scenario: sc.Name, Seed: sc.Seed, Reps: opts.Reps}
	for _, f := range cat {
		if len(opts.Only) > 0 && !slices.Contains(opts.Only, f.id) {
			continue
		}
		res, err := r.measure(ctx, &f, opts.Reps)
		if err != nil {
			return nil, fmt.Errorf("fact %s: %w", f.id, err)
		}
		rep.Results = append(rep.Results, res)
	}
	return rep, nil
}

// fact is one regularity: the arms it runs and how a replication's
// summaries of those arms give one measurement. want is the sign the
// literature predicts.
type fact struct {
	id, title, source, claim, experiment string
	arms                                 []arm
	measure                              func(s []sim.Summary) float64
	want                                 int
}

// arm is a variant of the scenario; name keys the cache.
type arm struct {
	name  string
	apply func(sc *scenarios.Scenario) error
}

// runner runs arms, caching each (arm, replication) summary.
type runner struct {
	base    *scenarios.Scenario
	workers int
	cache   map[string]sim.Summary
}

func newRunner(sc *scenarios.Scenario, workers int) *runner {
	b := sc.Clone()
	k := b.ActivePolicy()
	b.Policies = b.Policies[k : k+1]
	b.Policy = b.Policies[0].Name
	b.Output.TruthEpisodes = false
	return &runner{base: b, workers: workers, cache: map[string]sim.Summary{}}
}

// summary runs arm a in replication rep.
func (r *runner) summary(ctx context.Context, a arm, rep int) (sim.Summary, error) {
	key := fmt.Sprintf("%s#%d", a.name, rep)
	if s, ok := r.cache[key]; ok {
		return s, nil
	}
	sc := r.base.Clone()
	if a.apply != nil {
		if err := a.apply(sc); err != nil {
			return sim.Summary{}, err
		}
	}
	if err := sc.Validate(); err != nil {
		return sim.Summary{}, fmt.Errorf("arm %s: %w", a.name, err)
	}
	res, err := sim.Run(ctx, sc, sim.Options{Workers: r.workers, Replication: uint64(rep)})
	if err != nil {
		return sim.Summary{}, err
	}
	r.cache[key] = res.Summary
	return res.Summary, nil
}

// measure runs fact f over reps replications.
func (r *runner) measure(ctx context.Context, f *fact, reps int) (Result, error) {
	xs := make([]float64, reps)
	for k := range reps {
		sums := make([]sim.Summary, len(f.arms))
		for j, a := range f.arms {
			s, err := r.summary(ctx, a, k)
			if err != nil {
				return Result{}, err
			}
			sums[j] = s
		}
		xs[k] = f.measure(sums)
	}
	mean, half := interval(xs)
	res := Result{ID: f.id, Title: f.title, Source: f.source, Claim: f.claim, Experiment: f.experiment,
		Estimate: mean, Low: mean - half, High: mean + half, Reps: reps}
	res.Holds = (f.want > 0 && res.Low > 0) || (f.want < 0 && res.High < 0)
	return res, nil
}

// interval returns the mean of xs and the half-width of its 95% t
// interval.
func interval(xs []float64) (mean, half float64) {
	n := float64(len(xs))
	for _, x := range xs {
		mean += x / n
	}
	ss := 0.0
	for _, x := range xs {
		ss += (x - mean) * (x - mean)
	}
	sd := math.Sqrt(ss / (n - 1))
	t := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: n - 1}.Quantile(0.975)
	return mean, t * sd / math.Sqrt(n)
}

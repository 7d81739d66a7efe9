package sim

import (
	"context"
	"fmt"

	"github.com/redress-sim/redress/agents"
	"github.com/redress-sim/redress/policies"
	"github.com/redress-sim/redress/rng"
	"github.com/redress-sim/redress/scenarios"
)

// Group holds the outcomes of one customer segment or one failure type
// under one policy.
type Group struct {
	// Failures is the number of failure episodes; Contacted those in
	// contact with support (proactive outreach included); Responses the
	// survey answers; Repurchased the episodes followed by a repurchase
	// within the horizon (as it happened).
	Failures, Contacted, Responses, Repurchased int64
	// SumSurvey is the sum of survey answers; SumScore1 of S(1) and
	// SumRealized of the satisfaction as it happened, both on the survey
	// scale, over all failures.
	SumSurvey, SumScore1, SumRealized float64
	// Customers and Churned count the customers of a segment and those
	// who left (zero for failure types).
	Customers, Churned int64
}

// ContactRate is Contacted / Failures (0 without failures).
func (g *Group) ContactRate() float64 { return ratio(float64(g.Contacted), float64(g.Failures)) }

// SurveyMean is the mean survey answer (0 without answers).
func (g *Group) SurveyMean() float64 { return ratio(g.SumSurvey, float64(g.Responses)) }

// RealizedSatisfaction is the mean satisfaction as it happened over the
// group's failures, on the survey scale.
func (g *Group) RealizedSatisfaction() float64 { return ratio(g.SumRealized, float64(g.Failures)) }

// RecoverySatisfaction is the mean S(1) over the group's failures.
func (g *Group) RecoverySatisfaction() float64 { return ratio(g.SumScore1, float64(g.Failures)) }

// RepurchaseRate is Repurchased / Failures.
func (g *Group) RepurchaseRate() float64 { return ratio(float64(g.Repurchased), float64(g.Failures)) }

// ChurnRate is Churned / Customers (segments only).
func (g *Group) ChurnRate() float64 { return ratio(float64(g.Churned), float64(g.Customers)) }

// Breakdown is a run's outcomes by segment (in scenario order) and by
// failure type (in scenarios.FailureTypeNames order).
type Breakdown struct {
	Segments     []Group
	FailureTypes [scenarios.NumFailureTypes]Group
}

// breakdownSink accumulates a Breakdown from the episodes of a run,
// optionally passing them on to another sink.
type breakdownSink struct {
	b    *Breakdown
	m    *agents.Model
	next Collector
}

func (s *breakdownSink) Episodes(eps []Episode) error {
	for k := range eps {
		ep := &eps[k]
		sc1 := s.m.Score(ep.S1)
		obs := sc1
		if !ep.Contacted {
			obs = s.m.Score(ep.S0)
		}
		for _, g := range [2]*Group{&s.b.Segments[ep.Segment], &s.b.FailureTypes[ep.FailureType]} {
			g.Failures++
			g.SumScore1 += sc1
			g.SumRealized += obs
			if ep.Contacted {
				g.Contacted++
			}
			if ep.Survey >= 0 {
				g.Responses++
				g.SumSurvey += float64(ep.Survey)
			}
			if ep.Repurchased {
				g.Repurchased++
			}
		}
	}
	if s.next != nil {
		return s.next.Episodes(eps)
	}
	return nil
}

func (s *breakdownSink) WeekDone(week int) error {
	if s.next != nil {
		return s.next.WeekDone(week)
	}
	return nil
}

// churn fills in the customers and exits of each segment over the
// recorded weeks.
func (b *Breakdown) churn(pop *population, warmup int) {
	for i := range pop.n {
		if !pop.customer(i, warmup) {
			continue
		}
		g := &b.Segments[pop.segment[i]]
		g.Customers++
		if pop.exitWeek[i] >= 0 {
			g.Churned++
		}
	}
}

// PolicyRun is one policy's run in one replication: its summary and its
// breakdown by segment and failure type (truth.PolicyOutcome is what
// truth.json records of it).
type PolicyRun struct {
	Policy    string
	Summary   Summary
	Breakdown Breakdown
}

// RunPolicies simulates every policy of a behavioral scenario on the same
// customers and the same random numbers (common random numbers) of
// replication rep, writing no files, and returns the outcomes in scenario
// order. Differences between policies are then free of sampling noise in
// who the customers are and what happens to them, which makes paired
// comparisons precise.
func RunPolicies(ctx context.Context, sc *scenarios.Scenario, rep uint64, workers int) ([]PolicyRun, error) {
	if sc.Mode != "behavioral" {
		return nil, fmt.Errorf("policy comparison needs a behavioral scenario; %q is in %s mode", sc.Name, sc.Mode)
	}
	pols, err := policies.Compile(sc)
	if err != nil {
		return nil, err
	}
	base := rng.Base(sc.Seed, rep)
	m := agents.NewModel(sc)
	out := make([]PolicyRun, len(pols))
	for k := range pols {
		bd := Breakdown{Segments: make([]Group, len(sc.Population.Segments))}
		sum, pop, err := replay(ctx, sc, &pols[k], base, workers, &breakdownSink{b: &bd, m: m}, nil)
		if err != nil {
			return nil, err
		}
		bd.churn(pop, sc.Population.WarmupWeeks)
		out[k] = PolicyRun{Policy: pols[k].Name, Summary: sum, Breakdown: bd}
	}
	return out, nil
}

// replay simulates policy pol on a fresh population drawn from the
// replication's streams base — the same customers and draws for every
// policy — passing the episodes to out (if not nil).
func replay(ctx context.Context, sc *scenarios.Scenario, pol *policies.Policy, base rng.Key, workers int, out Collector, onWeek func()) (Summary, *population, error) {
	pop := newPopulation(sc, base, workers)
	net, err := buildNetwork(sc, base, pop.nodes)
	if err != nil {
		return Summary{}, nil, err
	}
	eng := newEngine(sc, pol, pop, base, net)
	eng.onWeek = onWeek
	st, err := eng.run(ctx, workers, out)
	if err != nil {
		return Summary{}, nil, err
	}
	return summarize(sc, pop, &st), pop, nil
}

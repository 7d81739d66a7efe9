package simmodel

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/redress-sim/redress/scenarios"
	"github.com/redress-sim/redress/sim"
	"github.com/redress-sim/redress/study"
)

// Output kinds.
const (
	// Truth is a true value of truth.json: truth:ESTIMAND.
	Truth = "truth"
	// Bias is an estimator's estimate minus the truth on the observed
	// data: bias:ESTIMAND:METHOD.
	Bias = "bias"
	// Metric is a headline metric of the run (behavioral): metric:NAME.
	Metric = "metric"
	// Diff is a metric of policy A minus that of policy B on common
	// random numbers (behavioral): diff:A:B:METRIC.
	Diff = "diff"
)

// Output is what a model evaluation returns.
type Output struct {
	Spec     string `json:"spec"`
	Kind     string `json:"kind"`
	Estimand string `json:"estimand,omitempty"`
	Method   string `json:"method,omitempty"`
	Metric   string `json:"metric,omitempty"`
	PolicyA  string `json:"policy_a,omitempty"`
	PolicyB  string `json:"policy_b,omitempty"`
}

// OutputHelp describes the output specifications ParseOutput reads.
const OutputHelp = "truth:ESTIMAND (a true value of truth.json, e.g. truth:ate_contact_repurchase), " +
	"bias:ESTIMAND:METHOD (estimate minus truth, e.g. bias:ate_contact_repurchase:naive), " +
	"metric:NAME (a run's metric, e.g. metric:profit) or diff:A:B:METRIC (policy A minus policy B, e.g. diff:fast:slow:profit)"

// ParseOutput parses an output specification (see OutputHelp). Names are
// checked against a scenario by New.
func ParseOutput(s string) (Output, error) {
	parts := strings.Split(strings.TrimSpace(s), ":")
	want := map[string]int{Truth: 2, Bias: 3, Metric: 2, Diff: 4}
	n, ok := want[parts[0]]
	if !ok || len(parts) != n || slices.Contains(parts, "") {
		return Output{}, &OutputError{s, errors.New("want " + OutputHelp)}
	}
	o := Output{Spec: s, Kind: parts[0]}
	switch o.Kind {
	case Truth:
		o.Estimand = parts[1]
	case Bias:
		o.Estimand, o.Method = parts[1], parts[2]
	case Metric:
		o.Metric = parts[1]
	case Diff:
		o.PolicyA, o.PolicyB, o.Metric = parts[1], parts[2], parts[3]
	}
	return o, nil
}

// check reports an output the scenario cannot give; truthIDs are the
// estimand ids of its truth.json (nil: unknown).
func (o Output) check(sc *scenarios.Scenario, truthIDs []string) error {
	bad := func(format string, a ...any) error { return &OutputError{o.Spec, fmt.Errorf(format, a...)} }
	switch o.Kind {
	case Truth:
		// No ids: the probe run failed; an unknown id then fails the
		// first evaluation.
		if truthIDs != nil && !slices.Contains(truthIDs, o.Estimand) {
			return bad("no estimand %q in a %s scenario's truth; estimands: %s", o.Estimand, sc.Mode, strings.Join(truthIDs, ", "))
		}
	case Bias:
		var pairs []string
		for _, p := range study.Pairs(study.KindOf(sc), nil) {
			if p.Estimand == o.Estimand && p.Method == o.Method {
				return nil
			}
			pairs = append(pairs, p.Estimand+":"+p.Method)
		}
		return bad("no estimator %q of %q in a %s scenario; ESTIMAND:METHOD is one of %s", o.Method, o.Estimand, sc.Mode, strings.Join(pairs, ", "))
	case Metric, Diff:
		if sc.Mode == "textbook" {
			return bad("%s outputs need a behavioral scenario", o.Kind)
		}
		if !slices.Contains(metricNames(), o.Metric) {
			return bad("no metric %q; metrics: %s", o.Metric, strings.Join(metricNames(), ", "))
		}
		if o.Kind == Diff {
			return o.checkPolicies(sc)
		}
	}
	return nil
}

func (o Output) checkPolicies(sc *scenarios.Scenario) error {
	var names []string
	for _, p := range sc.Policies {
		names = append(names, p.Name)
	}
	for _, p := range []string{o.PolicyA, o.PolicyB} {
		if !slices.Contains(names, p) {
			return &OutputError{o.Spec, fmt.Errorf("no policy %q; the scenario's policies: %s", p, strings.Join(names, ", "))}
		}
	}
	if o.PolicyA == o.PolicyB {
		return &OutputError{o.Spec, errors.New("the two policies are the same")}
	}
	return nil
}

func metricNames() []string {
	var out []string
	for _, m := range sim.Metrics() {
		out = append(out, m.Name)
	}
	return out
}

// value returns the output of one run.
func (o Output) value(res *sim.Result, sc *scenarios.Scenario) (float64, error) {
	switch o.Kind {
	case Truth:
		e, ok := res.Truth.Get(o.Estimand)
		if !ok {
			return 0, fmt.Errorf("no estimand %q in the truth", o.Estimand)
		}
		return e.Value, nil
	case Bias:
		rows, err := study.EvaluateMethods(res.Episodes, study.KindOf(sc), res.Truth, []string{o.Method})
		if err != nil {
			return 0, err
		}
		for _, r := range rows {
			if r.Estimand == o.Estimand {
				if r.Err != nil {
					return 0, fmt.Errorf("%s of %s: %w", o.Method, o.Estimand, r.Err)
				}
				return r.Estimate - r.Truth, nil
			}
		}
		return 0, fmt.Errorf("%s gave no estimate of %s", o.Method, o.Estimand)
	case Metric:
		return res.Summary.Metrics()[o.Metric], nil
	}
	var a, b map[string]float64
	for _, p := range res.Truth.Policies {
		switch p.Policy {
		case o.PolicyA:
			a = p.Metrics
		case o.PolicyB:
			b = p.Metrics
		}
	}
	if a == nil || b == nil {
		return 0, fmt.Errorf("the run compared no policies %q and %q", o.PolicyA, o.PolicyB)
	}
	return a[o.Metric] - b[o.Metric], nil
}

package compare

import (
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/redress-sim/redress/scenarios"
)

// Lever is a policy key and the values a grid gives it.
type Lever = scenarios.Sweep

// maxGridPoints caps the number of policies a grid may generate.
const maxGridPoints = 2000

// ParseLever parses "key=a:b:step" (a, a+step, …, up to b) or
// "key=v1,v2,..." (for example apology=none,scripted,sincere): a
// scenarios.ParseSweep of at most 2,000 values.
func ParseLever(s string) (Lever, error) { return scenarios.ParseSweep(s, maxGridPoints) }

// GridScenario returns a copy of sc whose policies are every combination
// of the levers' values applied to the template policy (the first lever
// varying slowest), named "key=value key=value", and that combination's
// values per policy. Lever keys are keys of a policy (refund,
// response_hours, staffing, proactive_remedy.refund, …); a key that does
// not exist, a value of the wrong type or out of range, or a grid of
// more than 2,000 policies is an error naming the lever (a
// *scenarios.Error).
func GridScenario(sc *scenarios.Scenario, template string, levers []Lever) (*scenarios.Scenario, [][]string, error) {
	if len(levers) == 0 {
		return nil, nil, fmt.Errorf("no lever to vary")
	}
	ti := sc.ActivePolicy()
	if template != "" {
		ti = -1
		for i, p := range sc.Policies {
			if p.Name == template {
				ti = i
			}
		}
		if ti < 0 {
			return nil, nil, fmt.Errorf("%w: %q", ErrNoPolicy, template)
		}
	}
	total := 1
	seen := map[string]bool{}
	for _, l := range levers {
		if seen[l.Key] {
			return nil, nil, &scenarios.Error{Key: l.Key, Msg: "lever given twice"}
		}
		seen[l.Key] = true
		total *= len(l.Values)
		if total > maxGridPoints {
			return nil, nil, fmt.Errorf("the grid has more than %d policies; use fewer or coarser levers", maxGridPoints)
		}
	}
	combos := [][]string{{}}
	for _, l := range levers {
		var next [][]string
		for _, c := range combos {
			for _, v := range l.Values {
				next = append(next, append(append([]string{}, c...), v))
			}
		}
		combos = next
	}
	out := sc.Clone()
	out.Policies = make([]scenarios.Policy, len(combos))
	for k, c := range combos {
		one := sc.Clone()
		one.Policies = []scenarios.Policy{sc.Policies[ti]}
		var name []string
		for j, l := range levers {
			if err := one.Set("policies[0]."+l.Key, c[j]); err != nil {
				return nil, nil, leverError(l.Key, err)
			}
			name = append(name, l.Key+"="+c[j])
		}
		one.Policies[0].Name = strings.Join(name, " ")
		one.Policy = ""
		if err := one.Validate(); err != nil {
			return nil, nil, leverError(strings.Join(name, " "), err)
		}
		out.Policies[k] = one.Policies[0]
	}
	out.Policy = out.Policies[0].Name
	return out, combos, nil
}

// leverError restates scenario errors about the grid point's policy
// (policies[0], a key of it) as errors about the lever setting: the
// setting is the key, the policy's key leads the message.
func leverError(lever string, err error) error {
	var es scenarios.Errors
	var e *scenarios.Error
	switch {
	case errors.As(err, &es):
	case errors.As(err, &e):
		es = scenarios.Errors{e}
	default:
		return &scenarios.Error{Key: lever, Msg: err.Error()}
	}
	out := make(scenarios.Errors, len(es))
	for i, e := range es {
		msg := e.Msg
		if key := strings.TrimPrefix(e.Key, "policies[0]."); key != "" {
			msg = key + ": " + msg
		}
		out[i] = &scenarios.Error{Key: lever, Msg: msg}
	}
	if len(out) == 1 {
		return out[0]
	}
	return out
}

// Pareto returns the policies on the Pareto frontier of two metrics, x
// and y, each oriented by its Metric.Better (for example recovery cost,
// lower is better, against repurchase after a failure, higher is
// better): those no other policy beats on both means, being at least as
// good on both and strictly better on one. They are returned in order of
// x, then y.
func (r *Result) Pareto(x, y string) []int {
	xi, yi := r.MetricIndex(x), r.MetricIndex(y)
	if xi < 0 || yi < 0 {
		return nil
	}
	// Orient both so that higher is better.
	sx, sy := float64(r.Metrics[xi].Better), float64(r.Metrics[yi].Better)
	if sx == 0 {
		sx = 1
	}
	if sy == 0 {
		sy = 1
	}
	n := len(r.Policies)
	a, b := make([]float64, n), make([]float64, n)
	for p := range n {
		a[p] = sx * r.Estimate(p, xi).Mean
		b[p] = sy * r.Estimate(p, yi).Mean
	}
	var out []int
	for p := range n {
		dominated := false
		for q := range n {
			if q != p && a[q] >= a[p] && b[q] >= b[p] && (a[q] > a[p] || b[q] > b[p]) {
				dominated = true
				break
			}
		}
		if !dominated {
			out = append(out, p)
		}
	}
	// By x in its natural order (insertion sort: n is small).
	less := func(i, j int) bool {
		xi, xj := sx*a[i], sx*a[j]
		return xi < xj || xi == xj && b[i] > b[j]
	}
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && less(out[j], out[j-1]); j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// BestProfit returns the policy with the highest mean profit.
func (r *Result) BestProfit() int {
	m := r.MetricIndex("profit")
	best, bv := 0, math.Inf(-1)
	for p := range r.Policies {
		if v := r.Estimate(p, m).Mean; v > bv {
			best, bv = p, v
		}
	}
	return best
}

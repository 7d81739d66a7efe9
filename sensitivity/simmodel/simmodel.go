// Package simmodel makes a redress scenario a model for package
// sensitivity: its inputs are numeric scenario keys, each uniform on a
// range, and its output one number from a run of the scenario — a true
// value from truth.json, the bias of an estimator on the observed data, a
// headline metric, or the difference of a metric between two policies.
//
// Every evaluation runs the scenario with the key values set and the
// scenario's seed, replications 0, …, R−1, and averages the output over
// them: the random numbers are common to every evaluation (common random
// numbers; the simulator keys every draw by seed, replication, customer,
// week and purpose), so the output varies across evaluations because the
// inputs do, and less because the draws do. With R = 1 the output is a
// deterministic function of the inputs.
package simmodel

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/redress-sim/redress/scenarios"
	"github.com/redress-sim/redress/sensitivity"
	"github.com/redress-sim/redress/sim"
)

// Param is a scenario key varied over [Lo, Hi]. Integer keys take the
// nearest integer of each value.
type Param struct {
	Key     string  `json:"key"`
	Lo      float64 `json:"lo"`
	Hi      float64 `json:"hi"`
	Integer bool    `json:"integer,omitempty"`
}

// ParamError is a parameter that cannot be varied: a malformed range, an
// unknown or non-numeric key, or a range the scenario rejects.
type ParamError struct {
	Param string // as given
	Err   error
}

func (e *ParamError) Error() string { return fmt.Sprintf("%s: %v", e.Param, e.Err) }
func (e *ParamError) Unwrap() error { return e.Err }

// OutputError is an output specification that is malformed or names
// something the scenario does not have.
type OutputError struct {
	Spec string
	Err  error
}

func (e *OutputError) Error() string { return fmt.Sprintf("%s: %v", e.Spec, e.Err) }
func (e *OutputError) Unwrap() error { return e.Err }

// ParseParam parses "KEY=LO:HI" (e.g. population.traits.loss_aversion_median=1.5:3),
// LO < HI, both finite. The key is checked against a scenario by New.
func ParseParam(s string) (Param, error) {
	key, rng, ok := strings.Cut(s, "=")
	key = strings.TrimSpace(key)
	lo, hi, ok2 := strings.Cut(rng, ":")
	if !ok || !ok2 || key == "" || strings.Contains(hi, ":") {
		return Param{}, &ParamError{s, errors.New("want KEY=LO:HI (e.g. contact.voice=0:1)")}
	}
	var x [2]float64
	for i, v := range []string{lo, hi} {
		f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return Param{}, &ParamError{s, fmt.Errorf("%q is not a finite number", strings.TrimSpace(v))}
		}
		x[i] = f
	}
	if !(x[0] < x[1]) {
		return Param{}, &ParamError{s, fmt.Errorf("LO %v is not below HI %v", x[0], x[1])}
	}
	return Param{Key: key, Lo: x[0], Hi: x[1]}, nil
}

// String is the parameter as ParseParam reads it.
func (p Param) String() string { return p.Key + "=" + fmtNum(p.Lo) + ":" + fmtNum(p.Hi) }

// Set sets the parameter's key of sc to x (the nearest integer for an
// integer key). It does not validate sc.
func (p Param) Set(sc *scenarios.Scenario, x float64) error { return sc.Set(p.Key, p.value(x)) }

// value formats x as the key's value.
func (p Param) value(x float64) string {
	if p.Integer {
		return strconv.FormatInt(int64(math.Round(x)), 10)
	}
	return fmtNum(x)
}

func fmtNum(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }

// checkKey reports whether the key is numeric (and whether it is an
// integer) on a copy of sc: a key that takes any string, or is a
// boolean, table or array, is refused.
func checkKey(sc *scenarios.Scenario, key string) (integer bool, err error) {
	probe := sc.Clone()
	if probe.Set(key, "not-a-number") == nil {
		return false, errors.New("not a numeric key (it takes text)")
	}
	if err := probe.Set(key, "2"); err != nil {
		if probe.Set(key, "true") == nil {
			return false, errors.New("not a numeric key (it is true or false)")
		}
		var se *scenarios.Error
		if errors.As(err, &se) {
			return false, errors.New(se.Msg)
		}
		return false, err
	}
	return probe.Set(key, "0.5") != nil, nil
}

// Config is a scenario model to build.
type Config struct {
	// Scenario is the base scenario; its seed keys every run.
	Scenario *scenarios.Scenario
	// Params are the varied keys.
	Params []Param
	// Output is what an evaluation returns.
	Output Output
	// Reps is the number of replications averaged per evaluation (0: 1).
	Reps int
}

// Model is a scenario as a sensitivity.Model.
type Model struct {
	cfg  Config
	hash string
}

// New checks the configuration — every key exists and is numeric, the
// scenario is valid at each end of each range (the other keys at their
// scenario values) and with every key at its low end and at its high
// end, and the output names an estimand, estimator, metric or policies
// the scenario has — and returns the model. Errors are *ParamError or
// *OutputError.
func New(cfg Config) (*Model, error) {
	sc := cfg.Scenario
	if cfg.Reps < 0 {
		return nil, fmt.Errorf("%d replications; need at least 1", cfg.Reps)
	}
	cfg.Reps = max(cfg.Reps, 1)
	ps, err := Resolve(sc, cfg.Params)
	if err != nil {
		return nil, err
	}
	cfg.Params = ps
	m := &Model{cfg: cfg}
	var ids []string
	if cfg.Output.Kind == Truth {
		ids = truthIDs(sc)
	}
	if err := cfg.Output.check(sc, ids); err != nil {
		return nil, err
	}
	if m.hash, err = sc.Hash(); err != nil {
		return nil, err
	}
	return m, nil
}

// Resolve checks parameters against sc — every key exists once and is
// numeric, and sc is valid at each end of each range (the other keys at
// their scenario values) and with every key at its low end and at its
// high end — and returns them with Integer set for integer keys. Errors
// are *ParamError.
func Resolve(sc *scenarios.Scenario, params []Param) ([]Param, error) {
	if len(params) == 0 {
		return nil, &ParamError{"", errors.New("no parameters to vary")}
	}
	ps := append([]Param(nil), params...)
	seen := map[string]bool{}
	for i, p := range ps {
		if seen[p.Key] {
			return nil, &ParamError{p.String(), errors.New("key given twice")}
		}
		seen[p.Key] = true
		integer, err := checkKey(sc, p.Key)
		if err != nil {
			return nil, &ParamError{p.String(), err}
		}
		p.Integer = integer
		ps[i] = p
		if integer && p.value(p.Lo) == p.value(p.Hi) {
			return nil, &ParamError{p.String(), errors.New("an integer key whose range rounds to one value")}
		}
	}
	return ps, checkRanges(sc, ps)
}

// ScenarioAt returns a copy of sc with the keys of ps set to x, validated.
func ScenarioAt(sc *scenarios.Scenario, ps []Param, x []float64) (*scenarios.Scenario, error) {
	sc = sc.Clone()
	for i, p := range ps {
		if err := p.Set(sc, x[i]); err != nil {
			return nil, err
		}
	}
	if err := sc.Validate(); err != nil {
		return nil, err
	}
	return sc, nil
}

// checkRanges builds the scenario at the ends of every range.
func checkRanges(base *scenarios.Scenario, ps []Param) error {
	for _, p := range ps {
		for _, v := range []float64{p.Lo, p.Hi} {
			sc := base.Clone()
			if err := sc.Set(p.Key, p.value(v)); err != nil {
				return &ParamError{p.String(), err}
			}
			if err := sc.Validate(); err != nil {
				return &ParamError{p.String(), fmt.Errorf("at %s = %s: %w", p.Key, p.value(v), err)}
			}
		}
	}
	for _, end := range []string{"low", "high"} {
		x := make([]float64, len(ps))
		for i, p := range ps {
			x[i] = p.Lo
			if end == "high" {
				x[i] = p.Hi
			}
		}
		if _, err := ScenarioAt(base, ps, x); err != nil {
			var all []string
			for _, p := range ps {
				all = append(all, p.String())
			}
			return &ParamError{strings.Join(all, " "), fmt.Errorf("every key at its %s end: %w", end, err)}
		}
	}
	return nil
}

// truthIDs returns the estimand ids of the scenario's truth.json, from a
// run of a small copy of it (none when that fails).
func truthIDs(sc *scenarios.Scenario) []string {
	small := sc.Clone()
	small.Population.Size = min(small.Population.Size, 200)
	small.Population.Weeks = min(small.Population.Weeks, 4)
	small.Population.WarmupWeeks = 0
	res, err := sim.Run(context.Background(), small, sim.Options{Workers: 1})
	if err != nil {
		return nil
	}
	var ids []string
	for _, e := range res.Truth.Estimands {
		ids = append(ids, e.ID)
	}
	return ids
}

// Inputs returns the parameters as the inputs of a sensitivity analysis.
func (m *Model) Inputs() []sensitivity.Input {
	in := make([]sensitivity.Input, len(m.cfg.Params))
	for i, p := range m.cfg.Params {
		in[i] = sensitivity.Input{Name: p.Key, Lo: p.Lo, Hi: p.Hi}
	}
	return in
}

// Params returns the parameters, Integer set for integer keys.
func (m *Model) Params() []Param { return append([]Param(nil), m.cfg.Params...) }

// ScenarioHash is the base scenario's hash.
func (m *Model) ScenarioHash() string { return m.hash }

// Scenario returns the base scenario with the keys set to x, validated.
func (m *Model) Scenario(x []float64) (*scenarios.Scenario, error) {
	return ScenarioAt(m.cfg.Scenario, m.cfg.Params, x)
}

// Eval is the model: the output averaged over replications 0, …, R−1
// of the scenario at x. It is safe for concurrent use; each run uses one
// goroutine.
func (m *Model) Eval(ctx context.Context, x []float64) (float64, error) {
	sc, err := m.Scenario(x)
	if err != nil {
		return 0, err
	}
	var sum float64
	for rep := range m.cfg.Reps {
		res, err := sim.Run(ctx, sc, sim.Options{Replication: uint64(rep), Workers: 1,
			Collect: m.cfg.Output.Kind == Bias, ScenarioHash: m.hash})
		if err != nil {
			return 0, err
		}
		v, err := m.cfg.Output.value(res, sc)
		if err != nil {
			return 0, err
		}
		sum += v
	}
	return sum / float64(m.cfg.Reps), nil
}

// Runs is the number of simulation runs an analysis of evals evaluations
// costs.
func (m *Model) Runs(evals int) int { return evals * m.cfg.Reps }

var _ sensitivity.Model = new(Model).Eval

// Package simcal makes a redress scenario a model for package calibrate:
// its parameters are numeric scenario keys, each searched over a range,
// and its moments those of package moments, computed from the observed
// data of runs of the scenario by the same function that computes them
// from a firm's data.
//
// Every evaluation runs the scenario with the keys set, the scenario's
// seed and replications 0, …, R−1, and averages the moments over them:
// the random numbers are the same at every parameter value (common random
// numbers; the simulator keys every draw by seed, replication, customer,
// week and purpose), so the simulated moments move because the
// parameters do (McFadden 1989; Pakes & Pollard 1989).
package simcal

import (
	"context"
	"fmt"

	"github.com/redress-sim/redress/calibrate"
	"github.com/redress-sim/redress/moments"
	"github.com/redress-sim/redress/scenarios"
	"github.com/redress-sim/redress/sensitivity/simmodel"
	"github.com/redress-sim/redress/sim"
)

// Config is a scenario model to build.
type Config struct {
	// Scenario is the base scenario (behavioral); its seed keys every run.
	Scenario *scenarios.Scenario
	// Params are the calibrated keys.
	Params []simmodel.Param
	// Moments name the moments, in the order of the data's.
	Moments []string
	// Reps is the number of replications averaged per evaluation (0: 1).
	Reps int
	// Workers is each run's number of goroutines (0: GOMAXPROCS).
	Workers int
}

// Model is a scenario as a calibrate.Model.
type Model struct {
	cfg  Config
	spec moments.Spec
}

// New checks the configuration and returns the model. The keys must be
// numeric and the scenario valid at the ends of their ranges
// (simmodel.Resolve).
func New(cfg Config) (*Model, error) {
	if cfg.Scenario.Mode != scenarios.ModeBehavioral {
		return nil, fmt.Errorf("calibration needs a behavioral scenario; %q is %s", cfg.Scenario.Name, cfg.Scenario.Mode)
	}
	if len(cfg.Moments) == 0 {
		return nil, fmt.Errorf("no moments to match")
	}
	ps, err := simmodel.Resolve(cfg.Scenario, cfg.Params)
	if err != nil {
		return nil, err
	}
	cfg.Params = ps
	cfg.Reps = max(cfg.Reps, 1)
	spec := moments.SpecFor(cfg.Scenario)
	spec.MinCount = 1 // a simulated moment counts when defined at all
	return &Model{cfg: cfg, spec: spec}, nil
}

// Params returns the parameters for calibrate: each key's range, and as
// its start the scenario's value (the middle of the range where the
// scenario's value lies outside it or the key is unset).
func (m *Model) Params() []calibrate.Param {
	out := make([]calibrate.Param, len(m.cfg.Params))
	for i, p := range m.cfg.Params {
		start, err := m.cfg.Scenario.Number(p.Key)
		if err != nil || start < p.Lo || start > p.Hi {
			start = (p.Lo + p.Hi) / 2
		}
		out[i] = calibrate.Param{Name: p.Key, Lo: p.Lo, Hi: p.Hi, Start: start}
	}
	return out
}

// Keys returns the parameters as resolved (Integer set for integer keys).
func (m *Model) Keys() []simmodel.Param { return append([]simmodel.Param(nil), m.cfg.Params...) }

// Scenario returns the base scenario with the keys set to theta.
func (m *Model) Scenario(theta []float64) (*scenarios.Scenario, error) {
	return simmodel.ScenarioAt(m.cfg.Scenario, m.cfg.Params, theta)
}

// Moments runs the scenario at theta and returns the named moments,
// averaged over the replications. A moment the run does not define (too
// episodes in its cell) is an error naming it that wraps
// calibrate.ErrInfeasible.
func (m *Model) Moments(ctx context.Context, theta []float64) ([]float64, error) {
	sc, err := m.Scenario(theta)
	if err != nil {
		return nil, err
	}
	sum := make([]float64, len(m.cfg.Moments))
	for r := range m.cfg.Reps {
		res, err := sim.Run(ctx, sc, sim.Options{Workers: m.cfg.Workers, Replication: uint64(r), Collect: true})
		if err != nil {
			return nil, err
		}
		ms, _, err := moments.Compute(&moments.Data{Episodes: res.Episodes, Customers: res.Customers}, m.spec)
		if err != nil {
			return nil, fmt.Errorf("simulated at %v: %w", theta, err)
		}
		got, err := moments.Values(ms, m.cfg.Moments)
		if err != nil {
			return nil, fmt.Errorf("simulated at %v: %w: %w", theta, calibrate.ErrInfeasible, err)
		}
		for i, x := range got {
			sum[i] += x
		}
	}
	for i := range sum {
		sum[i] /= float64(m.cfg.Reps)
	}
	return sum, nil
}

// SimulatedCustomers is the number of customers an evaluation simulates
// (over its replications), for the simulation-to-data ratio S.
func (m *Model) SimulatedCustomers() int { return m.cfg.Scenario.Population.Size * m.cfg.Reps }

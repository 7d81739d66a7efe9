package study

import (
	"fmt"
	"strings"

	"github.com/redress-sim/redress/scenarios"
)

// Sweep is one swept scenario key and the values it takes.
type Sweep = scenarios.Sweep

// ParseSweep parses "key=v1,v2,..." or "key=a:b:step": a
// scenarios.ParseSweep of at most MaxPoints values.
func ParseSweep(s string) (Sweep, error) { return scenarios.ParseSweep(s, MaxPoints) }

// Point is one point of the sweep grid: a value for each swept key.
type Point struct {
	Index  int
	Values []string
}

// Grid returns the points of the grid the sweeps span, the first sweep
// varying slowest. Without sweeps there is one point with no values.
func Grid(sweeps []Sweep) []Point {
	pts := []Point{{}}
	for _, sw := range sweeps {
		var next []Point
		for _, p := range pts {
			for _, v := range sw.Values {
				vals := append(append([]string{}, p.Values...), v)
				next = append(next, Point{Values: vals})
			}
		}
		pts = next
	}
	for i := range pts {
		pts[i].Index = i
	}
	return pts
}

// FromScenario returns the study the scenario's [study] table describes
// (Scenario, Reps, Estimators and Sweeps set; Reps may be 0, meaning the
// caller must give it). It checks that every sweep parses, names a key
// of the scenario and gives a valid scenario at every grid point, and
// that every estimator applies to the mode; errors name the study key
// (with file and line when the scenario was parsed from a file).
func FromScenario(sc *scenarios.Scenario) (Config, error) {
	cfg := Config{Scenario: sc, Reps: sc.Study.Reps, Estimators: sc.Study.Estimators}
	for i, s := range sc.Study.Sweeps {
		sw, err := ParseSweep(s)
		if err != nil {
			return Config{}, sc.Annotate(&scenarios.Error{Key: fmt.Sprintf("study.sweeps[%d]", i), Msg: err.Error()})
		}
		cfg.Sweeps = append(cfg.Sweeps, sw)
	}
	if err := ValidateEstimators(KindOf(sc), cfg.Estimators); err != nil {
		return Config{}, sc.Annotate(&scenarios.Error{Key: "study.estimators", Msg: err.Error()})
	}
	if err := CheckGrid(sc, cfg.Sweeps); err != nil {
		return Config{}, sc.Annotate(&scenarios.Error{Key: "study.sweeps", Msg: err.Error()})
	}
	if sc.Study.Until != "" {
		ts, err := ParseUntil(sc.Study.Until)
		if err != nil {
			return Config{}, sc.Annotate(&scenarios.Error{Key: "study.until", Msg: err.Error()})
		}
		cfg.Until, cfg.Batch = ts, sc.Study.Batch
	}
	return cfg, nil
}

// CheckGrid reports the first grid point of the sweeps at which the
// scenario cannot be built: an unknown key, a value of the wrong type or
// out of range.
func CheckGrid(sc *scenarios.Scenario, sweeps []Sweep) error {
	for _, p := range Grid(sweeps) {
		if _, err := pointScenario(sc, sweeps, p); err != nil {
			return err
		}
	}
	return nil
}

// pointScenario returns a copy of base with the point's values set, validated.
func pointScenario(base *scenarios.Scenario, sweeps []Sweep, p Point) (*scenarios.Scenario, error) {
	sc := base.Clone()
	for k, sw := range sweeps {
		if err := sc.Set(sw.Key, p.Values[k]); err != nil {
			return nil, err
		}
	}
	if err := sc.Validate(); err != nil {
		if len(sweeps) == 0 {
			return nil, err
		}
		var desc []string
		for k, sw := range sweeps {
			desc = append(desc, sw.Key+"="+p.Values[k])
		}
		return nil, fmt.Errorf("sweep point %s: %w", strings.Join(desc, ", "), err)
	}
	return sc, nil
}

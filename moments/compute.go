package moments

import (
	"fmt"

	"github.com/redress-sim/redress/scenarios"
)

// DefaultMinCount is the smallest denominator a moment is kept with
// when Spec.MinCount is not set.
const DefaultMinCount = 30

// defaultScale is the survey scale when Spec.SurveyScale is not set.
const defaultScale = 5

// Spec is what the moments depend on besides the data: the scenario's
// failure type names, in code order (failure_type code k is
// FailureTypes[k]); the two severity cut points (for severity_score);
// the survey scale (0: 5 points); and the smallest denominator a moment
// is kept with (MinCount ≤ 0: DefaultMinCount).
type Spec struct {
	FailureTypes []string
	SeverityCuts [2]float64
	SurveyScale  int
	MinCount     int
}

// SpecFor returns the Spec of a scenario: its failure types in the order
// episodes.csv codes them (scenarios.FailureTypeNames), its
// failures.severity_cuts (as policies.SeverityCategory cuts), its
// survey.scale, and MinCount = DefaultMinCount.
func SpecFor(sc *scenarios.Scenario) Spec {
	s := Spec{FailureTypes: scenarios.FailureTypeNames(), SurveyScale: sc.Survey.Scale, MinCount: DefaultMinCount}
	copy(s.SeverityCuts[:], sc.Failures.SeverityCuts)
	return s
}

func (s Spec) scale() int {
	if s.SurveyScale <= 0 {
		return defaultScale
	}
	return s.SurveyScale
}

func (s Spec) minCount() int {
	if s.MinCount <= 0 {
		return DefaultMinCount
	}
	return s.MinCount
}

// Moment is one moment: its name, value and denominator count.
type Moment struct {
	Name  string
	Value float64
	N     int
}

// Dropped is a moment left out: its name, its denominator count and why.
type Dropped struct {
	Name   string
	N      int
	Reason string // "12 failure episodes, need 30", say
}

// String returns "name: reason".
func (d Dropped) String() string { return d.Name + ": " + d.Reason }

// Names returns the names of every moment s defines, in Compute's order
// (nps included).
func Names(s Spec) []string {
	defs := newLayout(s, true).defs
	out := make([]string, len(defs))
	for i, d := range defs {
		out[i] = d.name
	}
	return out
}

// Compute returns the moments of d (see the package documentation) in
// their fixed order, leaving out — and listing in dropped, in the same
// order — those whose denominator is below s.MinCount and, when the
// episodes have no nps_score column, nps. The values are checked first;
// a value outside the import format is a *ValueError.
//
// Compute is deterministic: the same data give the same floats, whether
// they come from files (Load) or from a simulation's tables.
func Compute(d *Data, s Spec) (ms []Moment, dropped []Dropped, err error) {
	p, err := prepare(d, s, true)
	if err != nil {
		return nil, nil, err
	}
	tot := p.sums(weights{}, make([]float64, p.lay.k))
	need := s.minCount()
	if !p.hasNPS {
		dropped = append(dropped, Dropped{Name: "nps", Reason: "no nps_score column"})
	}
	for _, def := range p.lay.defs {
		if def.name == "nps" && !p.hasNPS {
			continue
		}
		n := int(tot[def.den])
		if n < need {
			dropped = append(dropped, Dropped{Name: def.name, N: n, Reason: fmt.Sprintf("%d %s, need %d", n, def.unit, need)})
			continue
		}
		ms = append(ms, Moment{Name: def.name, Value: def.value(tot), N: n})
	}
	return ms, dropped, nil
}

// Values returns the values of the named moments of ms, in the order of
// names; a name ms lacks is an error.
func Values(ms []Moment, names []string) ([]float64, error) {
	at := make(map[string]float64, len(ms))
	for _, m := range ms {
		at[m.Name] = m.Value
	}
	out := make([]float64, len(names))
	for i, name := range names {
		v, ok := at[name]
		if !ok {
			return nil, fmt.Errorf("moment %q is not among the computed moments", name)
		}
		out[i] = v
	}
	return out, nil
}

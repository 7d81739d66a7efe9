// Package truth defines the ground-truth record a simulation writes to
// truth.json: the scenario's identity and the true value of every
// estimand, computed from potential outcomes on common random numbers.
package truth

import (
	"encoding/json"

	"github.com/redress-sim/redress/internal/outfile"
)

// Version is the redress version written into every truth file.
const Version = "0.1.0"

// Estimand is one quantity with a known true value.
type Estimand struct {
	// ID is the stable identifier (ate_contact_repurchase, ...).
	ID string `json:"id"`
	// Definition says in words what is averaged over what.
	Definition string `json:"definition"`
	// Value is the true value in this replication.
	Value float64 `json:"value"`
	// N is the number of units averaged over (0 for parameters).
	N int `json:"n"`
}

// File is the content of truth.json.
type File struct {
	Scenario     string     `json:"scenario"`
	ScenarioHash string     `json:"scenario_hash"`
	Mode         string     `json:"mode"`
	Seed         uint64     `json:"seed"`
	Replication  uint64     `json:"replication"`
	Version      string     `json:"version"`
	Policy       string     `json:"policy,omitempty"`
	Estimands    []Estimand `json:"estimands"`
	// Policies holds per-policy outcomes on common random numbers when
	// the scenario defines more than one policy.
	Policies []PolicyOutcome `json:"policies,omitempty"`
}

// PolicyOutcome is what one policy yields on the common population.
type PolicyOutcome struct {
	Policy  string             `json:"policy"`
	Metrics map[string]float64 `json:"metrics"`
	// Contrasts are Metrics minus the active policy's metrics: the true
	// policy effects on common random numbers.
	Contrasts map[string]float64 `json:"contrasts_vs_active"`
}

// Get returns the estimand with the given id.
func (f *File) Get(id string) (Estimand, bool) {
	for _, e := range f.Estimands {
		if e.ID == id {
			return e, true
		}
	}
	return Estimand{}, false
}

// Write writes f as indented JSON to path atomically. encoding/json
// sorts map keys, so the output is deterministic.
func (f *File) Write(path string) error {
	b, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return err
	}
	return outfile.WriteFile(path, append(b, '\n'))
}

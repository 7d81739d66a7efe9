package facts

import (
	"context"
	"testing"

	"github.com/redress-sim/redress/scenarios"
)

// small is a preset shrunk for tests: fewer customers and weeks, the
// same mechanisms.
func small(t *testing.T, preset string, size int) *scenarios.Scenario {
	t.Helper()
	sc, err := scenarios.LoadPreset(preset)
	if err != nil {
		t.Fatal(err)
	}
	sc.Population.Size = size
	sc.Population.Weeks = 40
	sc.Population.WarmupWeeks = 13
	return sc
}

// TestMechanisms runs each regularity as its experiment on a small
// population and requires it to hold: its 95% interval over 4
// replications lies on the side the literature predicts.
func TestMechanisms(t *testing.T) {
	if testing.Short() {
		t.Skip("facts experiments take a few seconds")
	}
	cases := []struct {
		name, preset string
		size         int
		ids          []string
	}{
		{"word of mouth: failures cost more revenue with talk on", "default", 8000, []string{"word_of_mouth_amplifies"}},
		{"a 2-hour target costs more staff than 48 hours", "default", 8000, []string{"speed_costs", "speed_satisfies"}},
		{"a recovery that delivers nothing does not make contacting pay", "default", 8000, []string{"empty_recovery"}},
		{"lower switching cost: less voice, more exit", "default", 8000, []string{"exit_voice_contact", "exit_voice_churn"}},
		{"higher expectations: slightly higher satisfaction", "default", 8000, []string{"assimilation"}},
		{"paradox in satisfaction, not in repurchase", "recovery-paradox", 8000, []string{"paradox_satisfaction", "paradox_not_repurchase"}},
		{"double deviation", "default", 8000, []string{"double_deviation"}},
		{"the paradox fades on repeat failures", "double-deviation", 4000, []string{"paradox_fades"}},
		{"complaint handling offsets part of a failure's churn", "default", 8000, []string{"complaints_offset_churn", "complaints_offset_only_part"}},
		{"compensation: diminishing returns, no gain from overcompensation", "default", 8000, []string{"compensation_diminishing", "overcompensation"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rep, err := Run(context.Background(), small(t, c.preset, c.size), Options{Reps: 4, Only: c.ids})
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range rep.Results {
				if !f.Holds {
					t.Errorf("%s: %s = %+.4g [%+.4g, %+.4g] does not hold: %s", c.preset, f.ID, f.Estimate, f.Low, f.High, f.Claim)
				}
			}
		})
	}
}

// TestEveryFactRuns: the catalogue is complete and ids are unique.
func TestEveryFactRuns(t *testing.T) {
	seen := map[string]bool{}
	for _, f := range catalogue() {
		if seen[f.id] {
			t.Errorf("duplicate fact id %q", f.id)
		}
		seen[f.id] = true
		if f.source == "" || f.claim == "" || f.experiment == "" || len(f.arms) == 0 || f.want == 0 {
			t.Errorf("fact %q lacks a source, claim, experiment, arm or sign", f.id)
		}
	}
}

// TestDeterministic: the same scenario gives the same report whatever
// the number of workers.
func TestDeterministic(t *testing.T) {
	sc := small(t, "default", 3000)
	a, err := Run(context.Background(), sc, Options{Reps: 2, Workers: 1, Only: []string{"assimilation", "exit_voice_churn"}})
	if err != nil {
		t.Fatal(err)
	}
	b, err := Run(context.Background(), sc, Options{Reps: 2, Workers: 3, Only: []string{"assimilation", "exit_voice_churn"}})
	if err != nil {
		t.Fatal(err)
	}
	for i := range a.Results {
		if a.Results[i] != b.Results[i] {
			t.Errorf("workers 1 vs 3: %+v vs %+v", a.Results[i], b.Results[i])
		}
	}
}

// TestBadInput: textbook scenarios and too few replications are refused.
func TestBadInput(t *testing.T) {
	tb, err := scenarios.LoadPreset("textbook-selection")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Run(context.Background(), tb, Options{Reps: 4}); err == nil {
		t.Error("textbook scenario accepted")
	}
	if _, err := Run(context.Background(), small(t, "default", 100), Options{Reps: 1}); err == nil {
		t.Error("one replication accepted")
	}
	if _, err := Run(context.Background(), small(t, "default", 100), Options{Reps: 2, Only: []string{"nope"}}); err == nil {
		t.Error("unknown fact accepted")
	}
}

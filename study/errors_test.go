package study

import (
	"strings"
	"testing"
)

// TestCheckSize: studies too big to plan are refused as input errors,
// whatever the product's size; a reasonable one passes.
func TestCheckSize(t *testing.T) {
	big := Sweep{Key: "textbook.rho", Values: make([]string, 300)}
	for _, c := range []struct {
		reps   int
		sweeps []Sweep
		want   string
	}{
		{2_000_000_000, nil, "2000000000 replications; at most 10000000"},
		{2, []Sweep{big, big, big}, "27000000 grid points; at most 10000"},
		{1000, []Sweep{big, big}, "90000 grid points"},
		{100_000, []Sweep{{Key: "textbook.rho", Values: make([]string, 200)}}, "at each of 200 grid points = 20000000"},
	} {
		err := checkSize(c.reps, c.sweeps)
		if err == nil || !IsInputError(err) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("checkSize(%d, %d sweeps) = %v, want an input error containing %q", c.reps, len(c.sweeps), err, c.want)
		}
	}
	if err := checkSize(100_000, []Sweep{{Key: "textbook.rho", Values: make([]string, 4)}}); err != nil {
		t.Errorf("a 400,000-replication study refused: %v", err)
	}
}

// TestManifestValidate: a manifest with no pairs or no replications, as
// a hand-edited study.json might have, is an input error, not a panic.
func TestManifestValidate(t *testing.T) {
	good := Manifest{Reps: 3, Pairs: []Pair{{"x", "ols"}}}
	if err := good.validate(); err != nil {
		t.Fatal(err)
	}
	for name, m := range map[string]Manifest{
		"no pairs": {Reps: 3},
		"no reps":  {Pairs: good.Pairs},
		"too many": {Reps: 600_000_000, Pairs: good.Pairs},
		"shard":    {Reps: 3, Pairs: good.Pairs, Shard: "4/3"},
	} {
		if err := m.validate(); err == nil || !IsInputError(err) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

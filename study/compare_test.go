package study

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/redress-sim/redress/scenarios"
	"github.com/redress-sim/redress/sim"
	"github.com/redress-sim/redress/table"
)

func TestCompareModes(t *testing.T) {
	for _, preset := range []string{"textbook-selection", "default"} {
		sc, err := scenarios.LoadPreset(preset)
		if err != nil {
			t.Fatal(err)
		}
		if sc.Mode == "behavioral" {
			sc.Population.Size = 5000
		}
		dir := t.TempDir()
		res, err := sim.Run(context.Background(), sc, sim.Options{Out: dir})
		if err != nil {
			t.Fatal(err)
		}
		tab, err := table.ReadCSVFile(filepath.Join(dir, "episodes.csv"))
		if err != nil {
			t.Fatal(err)
		}
		rows, err := Evaluate(tab, KindOf(sc), res.Truth)
		if err != nil {
			t.Fatal(err)
		}
		seen := map[string]int{}
		for _, r := range rows {
			if r.Err != nil {
				t.Errorf("%s: %s on %s failed: %v", preset, r.Method, r.Estimand, r.Err)
			}
			if r.StdError <= 0 {
				t.Errorf("%s: %s on %s: SE %g", preset, r.Method, r.Estimand, r.StdError)
			}
			seen[r.Estimand]++
		}
		if want := len(specs(KindOf(sc))); len(seen) != want {
			t.Errorf("%s: estimands %v, want %d", preset, seen, want)
		}
	}
}

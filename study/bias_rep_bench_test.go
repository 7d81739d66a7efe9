package study

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/redress-sim/redress/scenarios"
)

// BenchmarkBiasSelectionRep times one replication of textbook-selection
// (n = 2,000) with heckit and heckman on one worker — simulation,
// estimation and the replication's rows — the figure bench/run.sh sets
// against the R loop of ../shared/peers/r_heckit_speed.R (target: ≥ 25×
// faster per replication). Run with
//
//	go test ./study -run '^$' -bench BiasSelectionRep
func BenchmarkBiasSelectionRep(b *testing.B) {
	sc, err := scenarios.LoadPreset("textbook-selection")
	if err != nil {
		b.Fatal(err)
	}
	const reps = 200
	for i := range b.N {
		cfg := Config{Scenario: sc, Reps: reps, Workers: 1, Estimators: []string{"heckit", "heckman"},
			Out: filepath.Join(b.TempDir(), fmt.Sprint(i))}
		if _, err := Bias(context.Background(), cfg); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(b.Elapsed().Seconds()*1e3/float64(b.N*reps), "ms/rep")
}

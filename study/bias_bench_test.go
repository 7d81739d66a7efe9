package study

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/redress-sim/redress/scenarios"
)

// BenchmarkBiasStudy is SPEC §12's study benchmark: 1,000 replications of
// textbook-selection at n = 2,000 with naive, ols, heckit, heckman, ipw
// and aipw (under 60 s, target 15 s on 2 cores), on 1 and 2 workers for
// the speed-up. Run with
//
//	go test ./study -run '^$' -bench BiasStudy -benchtime 1x
func BenchmarkBiasStudy(b *testing.B) {
	sc, err := scenarios.LoadPreset("textbook-selection")
	if err != nil {
		b.Fatal(err)
	}
	for _, w := range []int{1, 2} {
		b.Run(fmt.Sprintf("workers=%d", w), func(b *testing.B) {
			for i := range b.N {
				cfg := Config{Scenario: sc, Reps: 1000, Workers: w,
					Estimators: []string{"naive", "ols", "heckit", "heckman", "ipw", "aipw"},
					Out:        filepath.Join(b.TempDir(), fmt.Sprint(i))}
				if _, err := Bias(context.Background(), cfg); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Seconds())/float64(b.N), "s/study")
		})
	}
}

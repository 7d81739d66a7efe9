package textbook

import (
	"context"
	"testing"

	"github.com/redress-sim/redress/scenarios"
)

func BenchmarkSimulate(b *testing.B) {
	for _, errs := range []string{"normal", "t", "skew_normal", "mixture"} {
		b.Run(errs, func(b *testing.B) {
			tb := scenarios.DefaultTextbook()
			tb.Errors, tb.CovariateCorrelation = errs, 0.3
			const n = 100_000
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Simulate(context.Background(), tb, n, 1, 0); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/row")
		})
	}
}

package compare

import (
	"context"
	"testing"

	"github.com/redress-sim/redress/scenarios"
)

// BenchmarkShowdown: one replication of the policy-showdown preset (six
// policies, 10,000 customers × 26 weeks each) on one worker; SPEC §10.2
// asks for a comparison in a few seconds at the preset's size.
func BenchmarkShowdown(b *testing.B) {
	sc, err := scenarios.LoadPreset("policy-showdown")
	if err != nil {
		b.Fatal(err)
	}
	for i := 0; b.Loop(); i++ {
		if _, err := Run(context.Background(), Config{Scenario: sc, Reps: 1, Workers: 1, FirstRep: uint64(i)}); err != nil {
			b.Fatal(err)
		}
	}
}

package textbook_test

import (
	"context"
	"fmt"

	"github.com/redress-sim/redress/scenarios"
	"github.com/redress-sim/redress/textbook"
)

// Simulate the default textbook DGP (rho = 0.5, normal errors, a strong
// exclusion restriction) and compare what the firm sees with the truth.
func ExampleSimulate() {
	tb := scenarios.DefaultTextbook()
	s, err := textbook.Simulate(context.Background(), tb, 100_000, 1, 0)
	if err != nil {
		fmt.Println(err)
		return
	}
	sm := textbook.Summarize(tb, s)
	fmt.Printf("n = %d, contacted %.3f\n", sm.N, sm.SelectionRate)
	fmt.Printf("mean satisfaction: observed %.3f, population %.3f\n",
		sm.MeanSatisfactionObserved, sm.MeanSatisfactionPopulation)
	fmt.Printf("effect of contact on the outcome: naive %.3f, true %.3f\n",
		sm.NaiveEffect, sm.TrueEffect)
	// Output:
	// n = 100000, contacted 0.552
	// mean satisfaction: observed 1.222, population 0.997
	// effect of contact on the outcome: naive 1.502, true 1.000
}

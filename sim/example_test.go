package sim_test

import (
	"context"
	"fmt"

	"github.com/redress-sim/redress/scenarios"
	"github.com/redress-sim/redress/sim"
)

// Run the embedded default scenario without writing files, and compare
// what the firm would see with the truth.
func ExampleRun() {
	sc, err := scenarios.LoadPreset("default")
	if err != nil {
		panic(err)
	}
	res, err := sim.Run(context.Background(), sc, sim.Options{})
	if err != nil {
		panic(err)
	}
	s := res.Summary
	fmt.Printf("%d customers, %d failures\n", s.Customers, s.Failures)
	ate, _ := res.Truth.Get("ate_contact_repurchase")
	fmt.Printf("naive contact effect %+.3f, true ATE %+.3f\n", s.NaiveRepurchaseDiff, ate.Value)
	// Output:
	// 22451 customers, 5701 failures
	// naive contact effect +0.087, true ATE +0.028
}

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

// abandonment measures something redress does not report: how often the
// customers who gave up waiting for support bought again.
type abandonment struct{ abandoned, repurchased int }

func (a *abandonment) Episodes(eps []sim.Episode) error {
	for _, ep := range eps {
		if ep.Abandoned {
			a.abandoned++
			if ep.Repurchased {
				a.repurchased++
			}
		}
	}
	return nil
}

func (a *abandonment) WeekDone(int) error { return nil }

// A Collector adds a measurement to a run without changing sim.
func ExampleCollector() {
	sc, err := scenarios.LoadPreset("default")
	if err != nil {
		panic(err)
	}
	a := &abandonment{}
	if _, err := sim.Run(context.Background(), sc, sim.Options{Collectors: []sim.Collector{a}}); err != nil {
		panic(err)
	}
	fmt.Printf("%d abandoned contacts, %.0f%% repurchased\n", a.abandoned, 100*float64(a.repurchased)/float64(a.abandoned))
	// Output:
	// 492 abandoned contacts, 46% repurchased
}

package sim

import "github.com/redress-sim/redress/scenarios"

// Workload is a rough forecast of a run's size, made from the scenario
// alone before the run starts, so that a command can say what a huge
// request will cost.
type Workload struct {
	// People is the customers and prospects held in memory.
	People float64
	// CustomerWeeks is the customer-weeks simulated, warm-up included (a
	// lower bound: prospects who join add more).
	CustomerWeeks float64
	// Episodes is the failure episodes recorded: customers × recorded
	// weeks × the baseline weekly purchase probability × the probability
	// that an order fails (the observations, in textbook mode).
	Episodes float64
}

// Forecast returns the workload of a run of sc.
func Forecast(sc *scenarios.Scenario) Workload {
	n := float64(sc.Population.Size)
	if sc.Mode == "textbook" {
		return Workload{People: n, Episodes: n}
	}
	pFail := 0.0
	for _, ft := range sc.Failures.Types() {
		pFail += ft.Probability
	}
	weeks := float64(sc.Population.Weeks)
	return Workload{
		People:        n * (1 + sc.WordOfMouth.Prospects),
		CustomerWeeks: n * (weeks + float64(sc.Population.WarmupWeeks)),
		Episodes:      n * weeks * sc.Population.Traits.PurchaseProbability * pFail,
	}
}

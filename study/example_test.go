package study_test

import (
	"context"
	"fmt"
	"os"

	"github.com/redress-sim/redress/scenarios"
	"github.com/redress-sim/redress/sim"
	"github.com/redress-sim/redress/study"
)

// Evaluate sets estimators against the truth on one simulated dataset:
// under selection on unobservables the respondents' mean overstates
// satisfaction, and the Heckman two-step corrects it.
func ExampleEvaluateMethods() {
	sc, err := scenarios.LoadPreset("textbook-selection")
	if err != nil {
		panic(err)
	}
	res, err := sim.Run(context.Background(), sc, sim.Options{Collect: true})
	if err != nil {
		panic(err)
	}
	rows, err := study.EvaluateMethods(res.Episodes, study.KindOf(sc), res.Truth, []string{"naive", "heckit"})
	if err != nil {
		panic(err)
	}
	for _, r := range rows {
		if r.Estimand == "mean_satisfaction_given_x" {
			lo, hi := r.CI95()
			fmt.Printf("%-6s %.2f [%.2f, %.2f], truth %.2f, covers: %v\n", r.Method, r.Estimate, lo, hi, r.Truth, r.Covers())
		}
	}
	// Output:
	// naive  1.19 [1.12, 1.26], truth 1.01, covers: false
	// heckit 0.98 [0.89, 1.06], truth 1.01, covers: true
}

// A bias study of two estimators over 20 replications, in a temporary
// directory.
func ExampleBias() {
	sc, err := scenarios.LoadPreset("textbook-selection")
	if err != nil {
		panic(err)
	}
	sc.Population.Size = 500
	dir, err := os.MkdirTemp("", "redress-example")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	res, err := study.Bias(context.Background(), study.Config{Scenario: sc, Reps: 20,
		Estimators: []string{"naive", "heckit"}, Out: dir})
	if err != nil {
		panic(err)
	}
	for _, m := range res.Summary {
		if m.Estimand == "mean_satisfaction_given_x" {
			fmt.Printf("%-6s bias %+.3f (MCSE %.3f), coverage %.2f\n", m.Method, m.Bias.Value, m.Bias.MCSE, m.Coverage.Value)
		}
	}
	// Output:
	// naive  bias +0.238 (MCSE 0.012), coverage 0.05
	// heckit bias -0.007 (MCSE 0.017), coverage 0.95
}

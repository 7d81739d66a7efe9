// Command library is the README's example of redress as a Go library:
// simulate a preset, then set two estimators against the truth.
package main

import (
	"context"
	"fmt"
	"log"

	"github.com/redress-sim/redress/scenarios"
	"github.com/redress-sim/redress/sim"
	"github.com/redress-sim/redress/study"
)

func main() {
	sc, err := scenarios.LoadPreset("textbook-selection")
	if err != nil {
		log.Fatal(err)
	}
	res, err := sim.Run(context.Background(), sc, sim.Options{Collect: true})
	if err != nil {
		log.Fatal(err)
	}
	rows, err := study.EvaluateMethods(res.Episodes, study.KindOf(sc), res.Truth, []string{"ols", "heckman"})
	if err != nil {
		log.Fatal(err)
	}
	for _, r := range rows {
		fmt.Printf("%-28s %-8s truth %7.4f  estimate %7.4f (SE %.4f)\n", r.Estimand, r.Method, r.Truth, r.Estimate, r.StdError)
	}
}

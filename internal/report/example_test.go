package report_test

import (
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/redress-sim/redress/internal/report"
)

func Example() {
	dir, err := os.MkdirTemp("", "report-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	// Sampling distributions at two grid points; the truth is 1.
	panels := []report.Panel{
		{Title: "selection.rho=0", Dists: []report.Dist{
			{Label: "OLS", Values: []float64{0.9, 1.0, 1.1, 0.95, 1.05, 1.0}, Truth: 1},
			{Label: "Heckman", Values: []float64{0.8, 1.0, 1.2, 0.9, 1.1, 1.0}, Truth: 1},
		}},
		{Title: "selection.rho=0.6", Dists: []report.Dist{
			{Label: "OLS", Values: []float64{1.2, 1.3, 1.4, 1.25, 1.35, 1.3}, Truth: 1},
			{Label: "Heckman", Values: []float64{0.8, 1.0, 1.2, 0.9, 1.1, 1.0}, Truth: 1},
		}},
	}
	if err := report.SamplingDistributions(filepath.Join(dir, "sampling"), "Effect estimates", panels); err != nil {
		log.Fatal(err)
	}

	// Bias against the swept key, with MCSE error bars and a line at 0.
	x := []float64{0, 0.6}
	series := []report.Series{
		{Label: "OLS", X: x, Y: []float64{0, 0.3}, Err: []float64{0.02, 0.02}},
		{Label: "Heckman", X: x, Y: []float64{0, 0}, Err: []float64{0.04, 0.04}},
	}
	zero := 0.0
	if err := report.LinePlot(filepath.Join(dir, "bias"), "Bias", "selection.rho", "bias", series, &zero); err != nil {
		log.Fatal(err)
	}

	names, _ := filepath.Glob(filepath.Join(dir, "*"))
	for _, n := range names {
		fmt.Println(filepath.Base(n))
	}
	// Output:
	// bias.png
	// bias.svg
	// sampling.png
	// sampling.svg
}

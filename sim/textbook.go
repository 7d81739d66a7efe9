package sim

import (
	"context"
	"fmt"
	"math"
	"os"

	"github.com/redress-sim/redress/scenarios"
	"github.com/redress-sim/redress/table"
	"github.com/redress-sim/redress/textbook"
)

// runTextbook draws one replication of the textbook DGP and writes its
// files.
func runTextbook(ctx context.Context, sc *scenarios.Scenario, opts Options) (*Result, error) {
	s, err := textbook.Simulate(ctx, sc.Textbook, sc.Population.Size, sc.Seed, opts.Replication)
	if err != nil {
		return nil, err
	}
	tf, err := textbook.NewTruthFile(sc, opts.ScenarioHash, opts.Replication, s)
	if err != nil {
		return nil, err
	}
	sum := textbook.Summarize(sc.Textbook, s)
	res := &Result{Scenario: sc, Truth: tf, Textbook: &sum}
	if opts.Collect {
		if res.Episodes, err = textbookTable(s); err != nil {
			return nil, err
		}
	}
	if opts.Out != "" {
		if err := os.MkdirAll(opts.Out, 0o755); err != nil {
			return nil, fmt.Errorf("output directory: %w", err)
		}
		if err := textbook.Write(opts.Out, sc, opts.Replication, s); err != nil {
			return nil, err
		}
		res.Files = textbook.FileNames(sc)
	}
	return res, nil
}

// textbookTable holds the observed columns of episodes.csv: episode_id,
// x1..xk, z, contacted, satisfaction (missing when not contacted),
// outcome. Values are the exact floats the CSV's shortest representation
// reads back as.
func textbookTable(s *textbook.Sample) (*table.Table, error) {
	n := s.N
	id := make([]float64, n)
	contacted := make([]float64, n)
	sat := make([]float64, n)
	for i := range n {
		id[i] = float64(i)
		sat[i] = math.NaN()
		if s.S[i] {
			contacted[i] = 1
			sat[i] = s.Y[i]
		}
	}
	names := []string{"episode_id"}
	cols := [][]float64{id}
	for j, name := range textbook.CovariateNames(s.K()) {
		names = append(names, name)
		cols = append(cols, s.X[j])
	}
	names = append(names, "z", "contacted", "satisfaction", "outcome")
	cols = append(cols, s.Z, contacted, sat, s.W)
	return table.New(names, cols)
}

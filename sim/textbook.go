package sim

import (
	"context"
	"fmt"
	"os"

	"redress/scenarios"
	"redress/textbook"
)

// runTextbook draws one replication of the textbook DGP and writes its
// files.
func runTextbook(ctx context.Context, sc *scenarios.Scenario, opts Options) (*Result, error) {
	s, err := textbook.Simulate(ctx, sc.Textbook, sc.Population.Size, sc.Seed, opts.Replication)
	if err != nil {
		return nil, err
	}
	tf, err := textbook.NewTruthFile(sc, opts.Replication, s)
	if err != nil {
		return nil, err
	}
	sum := textbook.Summarize(sc.Textbook, s)
	res := &Result{Scenario: sc, Truth: tf, Textbook: &sum}
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

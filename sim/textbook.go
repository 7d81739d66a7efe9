package sim

import (
	"context"
	"errors"

	"redress/scenarios"
)

func runTextbook(ctx context.Context, sc *scenarios.Scenario, opts Options) (*Result, error) {
	return nil, errors.New("textbook mode: not wired yet")
}

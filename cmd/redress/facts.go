package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"redress/facts"
)

func cmdFacts(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("facts", "facts [SCENARIO.toml | PRESET] [--reps N] [--only ID,...] [--format text|markdown|json] [--seed S] [--workers N]",
		"  redress facts --reps 10\n  redress facts recovery-paradox --only paradox_satisfaction,paradox_not_repurchase", stderr)
	reps := fs.Int("reps", 8, "replications (`N` ≥ 2); each fact's interval comes from the spread over them")
	only := fs.String("only", "", "comma-separated fact `IDS` to run (default: all): "+strings.Join(facts.IDs(), ", "))
	format := fs.String("format", "text", "output `format`: text, markdown or json")
	workers := fs.Int("workers", 0, "goroutines per simulation (0 = all cores); results do not depend on it")
	seed := fs.Int64("seed", -1, "override the scenario's seed (`S` ≥ 0)")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 1 {
		return usageError("facts takes at most one scenario (file or preset), got %d", len(pos))
	}
	name := "default"
	if len(pos) == 1 {
		name = pos[0]
	}
	if *reps < 2 {
		return usageError("facts: --reps must be ≥ 2 for intervals, got %d", *reps)
	}
	if *workers < 0 {
		return usageError("--workers must be ≥ 0, got %d", *workers)
	}
	if !slices.Contains([]string{"text", "markdown", "json"}, *format) {
		return usageError("--format %q: use text, markdown or json", *format)
	}
	var ids []string
	if *only != "" {
		ids = strings.Split(*only, ",")
		for _, id := range ids {
			if !slices.Contains(facts.IDs(), id) {
				return usageError("--only: unknown fact %q; facts are: %s", id, strings.Join(facts.IDs(), ", "))
			}
		}
	}
	sc, err := loadPolicyScenario("facts", name, *seed)
	if err != nil {
		return err
	}
	start := time.Now()
	rep, err := facts.Run(ctx, sc, facts.Options{Reps: *reps, Workers: *workers, Only: ids})
	if err != nil {
		return fmt.Errorf("facts: %w", err)
	}
	switch *format {
	case "json":
		b, err := json.MarshalIndent(rep, "", "  ")
		if err != nil {
			return err
		}
		_, err = stdout.Write(append(b, '\n'))
		return err
	}
	printFacts(stdout, rep, time.Since(start), *format == "markdown")
	return nil
}

// printFacts prints a facts report as a table and the facts' sources.
func printFacts(w io.Writer, r *facts.Report, elapsed time.Duration, md bool) {
	fmt.Fprintf(w, "redress facts: %s, seed %d, %d replications in %.1f s: %d of %d facts hold\n\n",
		r.Scenario, r.Seed, r.Reps, elapsed.Seconds(), r.Holding(), len(r.Results))
	head := []string{"fact", "estimate", "95% interval", "holds"}
	var rows [][]string
	for _, f := range r.Results {
		holds := "yes"
		if !f.Holds {
			holds = "NO"
		}
		rows = append(rows, []string{f.Title, fmt.Sprintf("%+.4g", f.Estimate), fmt.Sprintf("[%+.4g, %+.4g]", f.Low, f.High), holds})
	}
	grid(w, head, rows, md)
	fmt.Fprintln(w)
	for _, f := range r.Results {
		if md {
			fmt.Fprintf(w, "- **%s** (`%s`): %s. *Experiment:* %s. *Source:* %s.\n", f.Title, f.ID, f.Claim, f.Experiment, f.Source)
			continue
		}
		fmt.Fprintf(w, "%s (%s)\n  claim: %s\n  experiment: %s\n  source: %s\n", f.Title, f.ID, f.Claim, f.Experiment, f.Source)
	}
}

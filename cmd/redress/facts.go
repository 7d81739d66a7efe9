package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	iofs "io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/redress-sim/redress/facts"
	"github.com/redress-sim/redress/internal/outfile"
	"github.com/redress-sim/redress/internal/report"
)

func cmdFacts(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("facts", "facts [SCENARIO.toml | PRESET] [--reps N] [--only ID,...] [--format text|markdown|json] [--out DIR] [--seed S] [--workers N]",
		"  redress facts --reps 10 --out facts\n  redress facts recovery-paradox --only paradox_satisfaction,paradox_not_repurchase", stdout)
	reps := fs.Int("reps", 8, "replications (`N` ≥ 2); each fact's interval comes from the spread over them")
	only := fs.String("only", "", "comma-separated fact `IDS` to run (default: all): "+strings.Join(facts.IDs(), ", "))
	format := fs.String("format", "text", "output `format`: text, markdown or json")
	out := fs.String("out", "", "also write facts.json, facts.md and the plot facts.png/.svg to `DIR`")
	workers := fs.Int("workers", 0, "goroutines per simulation (0 = all cores); results do not depend on it")
	seed := fs.Int64("seed", -1, "override the scenario's seed (`S` ≥ 0)")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	ids, err := checkFactsArgs(pos, *reps, *workers, *format, *only, *out)
	if err != nil {
		return err
	}
	name := "default"
	if len(pos) == 1 {
		name = pos[0]
	}
	sc, err := loadSeeded(name, *seed)
	if err != nil {
		return err
	}
	if sc.Mode != "behavioral" {
		return usageError("facts: %s is a %s scenario; facts are measured in behavioral mode", name, sc.Mode)
	}
	start := time.Now()
	rep, err := facts.Run(ctx, sc, facts.Options{Reps: *reps, Workers: *workers, Only: ids})
	if err != nil {
		return fmt.Errorf("facts: %w", err)
	}
	elapsed := time.Since(start)
	if *out != "" {
		if err := writeFacts(*out, rep, elapsed); err != nil {
			return err
		}
	}
	if *format == "json" {
		b, err := factsJSON(rep)
		if err != nil {
			return err
		}
		_, err = stdout.Write(b)
		return err
	}
	printFacts(stdout, rep, elapsed, *format == "markdown")
	if *out != "" {
		fmt.Fprintf(stdout, "\nFiles in %s: %s\n", *out, strings.Join(factsFiles, ", "))
	}
	return nil
}

// checkFactsArgs checks the facts command's arguments before anything
// runs and returns the fact ids of --only.
func checkFactsArgs(pos []string, reps, workers int, format, only, out string) ([]string, error) {
	if len(pos) > 1 {
		return nil, usageError("facts takes at most one scenario (file or preset), got %d", len(pos))
	}
	if reps < 2 || reps > facts.MaxReps {
		return nil, usageError("facts: --reps must be from 2 (for intervals) to %d, got %d", facts.MaxReps, reps)
	}
	if workers < 0 {
		return nil, usageError("--workers must be ≥ 0, got %d", workers)
	}
	if !slices.Contains([]string{"text", "markdown", "json"}, format) {
		return nil, usageError("--format %q: use text, markdown or json", format)
	}
	if err := checkOutDir(out); err != nil {
		return nil, usageError("facts: --out %s: %v", out, err)
	}
	if only == "" {
		return nil, nil
	}
	ids := strings.Split(only, ",")
	for i, id := range ids {
		id = strings.TrimSpace(id)
		ids[i] = id
		if !slices.Contains(facts.IDs(), id) {
			return nil, usageError("--only: unknown fact %q; facts are: %s", id, strings.Join(facts.IDs(), ", "))
		}
	}
	return ids, nil
}

// checkOutDir checks, without creating anything, that dir could be an
// output directory: it is a directory, or its nearest existing ancestor
// is. An empty dir passes.
func checkOutDir(dir string) error {
	for p := dir; p != ""; {
		st, err := os.Stat(p)
		switch {
		case err == nil && st.IsDir():
			return nil
		case err == nil && p == dir:
			return errors.New("not a directory")
		case err == nil:
			return fmt.Errorf("%s is not a directory", p)
		case !errors.Is(err, iofs.ErrNotExist):
			return err
		}
		parent := filepath.Dir(p)
		if parent == p {
			return nil
		}
		p = parent
	}
	return nil
}

// factsFiles are the files --out writes, in the order listed.
var factsFiles = []string{"facts.json", "facts.md", "facts.png", "facts.svg"}

// factsJSON is the report as indented JSON with a final newline.
func factsJSON(r *facts.Report) ([]byte, error) {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// writeFacts writes the report's files (factsFiles) into dir, each
// atomically.
func writeFacts(dir string, r *facts.Report, elapsed time.Duration) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return usageError("facts: --out: %v", err)
	}
	js, err := factsJSON(r)
	if err != nil {
		return err
	}
	if err := outfile.WriteFile(filepath.Join(dir, "facts.json"), js); err != nil {
		return err
	}
	var md bytes.Buffer
	printFacts(&md, r, elapsed, true)
	if err := outfile.WriteFile(filepath.Join(dir, "facts.md"), md.Bytes()); err != nil {
		return err
	}
	return r.Plot(filepath.Join(dir, "facts"))
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
		rows = append(rows, []string{f.Title, report.Signed(f.Estimate, 4), fmt.Sprintf("[%s, %s]", report.Signed(f.Low, 4), report.Signed(f.High, 4)), holds})
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

package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/redress-sim/redress/internal/outfile"
	"github.com/redress-sim/redress/scenarios"
	"github.com/redress-sim/redress/sensitivity"
	"github.com/redress-sim/redress/sensitivity/simmodel"
	"github.com/redress-sim/redress/sim"
	"github.com/redress-sim/redress/truth"
)

// sensSynopsis and sensExample are the command's usage.
const (
	sensSynopsis = "sensitivity SCENARIO.toml | PRESET --param KEY=LO:HI [--param ...] --output SPEC [--method morris|sobol|both] [--n N] [--trajectories r] [--levels p] [--reps R] [--set KEY=VALUE]... [--seed S] [--workers W] [--out DIR]\n\n" +
		"Global sensitivity analysis of one output of the scenario over uncertain\n" +
		"numeric keys, each uniform on LO:HI: Morris screening (μ*, μ, σ of the\n" +
		"elementary effects) and Sobol' first-order and total indices, each with its\n" +
		"Monte Carlo standard error and a bootstrap interval. Every evaluation runs\n" +
		"the scenario at those key values with the same seed and replications\n" +
		"(common random numbers), so the output moves because the keys do.\n\n" +
		"Cost, in simulation runs of the scenario (k keys, each run as large as the\n" +
		"scenario says; shrink it with --set population.size=...):\n" +
		"  Morris  r·(k+1)·R      Sobol  N·(k+2)·R\n" +
		"The count is printed before the work starts.\n\n" +
		"--output is one of\n" +
		"  truth:ESTIMAND         a true value of truth.json (truth:ate_contact_repurchase)\n" +
		"  bias:ESTIMAND:METHOD   an estimator's estimate minus the truth (bias:ate_contact_repurchase:naive)\n" +
		"  metric:NAME            a metric of the run (metric:profit, metric:churn_rate)\n" +
		"  diff:A:B:METRIC        policy A's metric minus policy B's (diff:fast:standard:profit)\n\n" +
		"Writes to --out: sensitivity.json (indices with standard errors and intervals,\n" +
		"settings, scenario hash), sensitivity.md (ranked tables), sensitivity.csv (the\n" +
		"design and every output, streamed), sensitivity-sobol.png/.svg (S1 and ST with\n" +
		"intervals) and sensitivity-morris.png/.svg (μ* against σ)."
	sensExample = "  redress sensitivity default --set population.size=2000 \\\n" +
		"    --param population.traits.loss_aversion_median=1.5:3 --param contact.voice=0:1 \\\n" +
		"    --param outcomes.voice_effect=0:0.3 --output bias:ate_contact_repurchase:naive --n 128 --out sens\n" +
		"  redress sensitivity policy-showdown --param contact.intercept=-2.2:-1.2 --output diff:fast:standard:profit --method morris"
)

// sensSettings are the parsed flags of the command.
type sensSettings struct {
	method            string
	n, traj, levels   int
	reps, workers     int
	bootstrap         int
	out               string
	set               []string
	model             *simmodel.Model
	sc                *scenarios.Scenario
	output            simmodel.Output
	morrisE, sobolE   int // evaluations
	runs, evaluations int
}

func cmdSensitivity(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("sensitivity", sensSynopsis, sensExample, stdout)
	params := &keyedFlag[simmodel.Param]{parse: simmodel.ParseParam, key: func(p simmodel.Param) string { return p.Key }}
	fs.Var(params, "param", "vary the numeric scenario `KEY=LO:HI` uniformly over [LO, HI] (repeat for each key), e.g. contact.voice=0:1 or policies[0].refund=0:1.2")
	sets := &keyedFlag[[2]string]{parse: parseSet, key: func(s [2]string) string { return s[0] }}
	fs.Var(sets, "set", "fix the scenario `KEY=VALUE` for every run (repeat), e.g. population.size=2000")
	output := fs.String("output", "", "the output `SPEC`: "+simmodel.OutputHelp)
	method := fs.String("method", "both", "`method`: morris, sobol or both")
	n := fs.Int("n", 256, "Sobol base rows `N` (≥ 2): N·(k+2) evaluations")
	traj := fs.Int("trajectories", 20, "Morris trajectories `r` (≥ 2): r·(k+1) evaluations")
	levels := fs.Int("levels", 4, "Morris grid levels `p` (even, ≥ 2)")
	reps := fs.Int("reps", 1, "replications `R` averaged per evaluation (common random numbers: replications 0…R−1 at every point)")
	boot := fs.Int("bootstrap", 1000, "bootstrap resamples `B` for the 95% intervals (0: none)")
	seed := fs.Int64("seed", -1, "override the scenario's seed (`S` ≥ 0); it keys the runs and the design")
	workers := fs.Int("workers", 0, "evaluations run at once (0 = all cores); results do not depend on it")
	out := fs.String("out", "redress-sensitivity", "write the analysis files to `DIR`")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	st := &sensSettings{method: *method, n: *n, traj: *traj, levels: *levels, reps: *reps, workers: *workers, bootstrap: *boot, out: *out}
	if err := st.check(pos, params.items, *output); err != nil {
		return err
	}
	if err := st.load(pos[0], *seed, sets.items, params.items, *output); err != nil {
		return err
	}
	st.announce(stderr)
	return runSensitivity(ctx, st, stdout, stderr)
}

// parseSet parses --set KEY=VALUE.
func parseSet(s string) ([2]string, error) {
	k, v, ok := strings.Cut(s, "=")
	if k, v = strings.TrimSpace(k), strings.TrimSpace(v); !ok || k == "" || v == "" {
		return [2]string{}, fmt.Errorf("%q: want KEY=VALUE (e.g. population.size=2000)", s)
	}
	return [2]string{k, v}, nil
}

// check refuses flag values that are out of range on their own.
func (st *sensSettings) check(pos []string, params []simmodel.Param, output string) error {
	switch {
	case len(pos) != 1:
		return usageError("sensitivity takes one scenario (file or preset), got %d", len(pos))
	case len(params) == 0:
		return usageError("sensitivity needs at least one --param KEY=LO:HI (e.g. --param contact.voice=0:1)")
	case output == "":
		return usageError("sensitivity needs --output SPEC: %s", simmodel.OutputHelp)
	case st.method != "morris" && st.method != "sobol" && st.method != "both":
		return usageError("--method %q: use morris, sobol or both", st.method)
	case st.n < 2:
		return usageError("--n must be ≥ 2, got %d", st.n)
	case st.traj < 2:
		return usageError("--trajectories must be ≥ 2, got %d", st.traj)
	case st.levels < 2 || st.levels%2 != 0:
		return usageError("--levels must be even and ≥ 2, got %d", st.levels)
	case st.reps < 1:
		return usageError("--reps must be ≥ 1, got %d", st.reps)
	case st.workers < 0:
		return usageError("--workers must be ≥ 0, got %d", st.workers)
	case st.bootstrap < 0:
		return usageError("--bootstrap must be ≥ 0, got %d", st.bootstrap)
	case st.out == "":
		return usageError("--out must name a directory")
	}
	return nil
}

// load loads the scenario, applies --set and builds the model.
func (st *sensSettings) load(name string, seed int64, sets [][2]string, params []simmodel.Param, output string) error {
	sc, set, err := loadWithSets("sensitivity", name, seed, sets)
	if err != nil {
		return err
	}
	st.set = set
	o, err := simmodel.ParseOutput(output)
	if err != nil {
		return usageError("sensitivity: --output %v", err)
	}
	m, err := simmodel.New(simmodel.Config{Scenario: sc, Params: params, Output: o, Reps: st.reps})
	var pe *simmodel.ParamError
	var oe *simmodel.OutputError
	switch {
	case errors.As(err, &pe):
		return usageError("sensitivity: --param %v", err)
	case errors.As(err, &oe):
		return usageError("sensitivity: --output %v", err)
	case err != nil:
		return err
	}
	st.sc, st.model, st.output = sc, m, o
	k := len(params)
	if st.method != "sobol" {
		st.morrisE = sensitivity.MorrisEvaluations(st.traj, k)
	}
	if st.method != "morris" {
		st.sobolE = sensitivity.SobolEvaluations(st.n, k)
	}
	st.evaluations = st.morrisE + st.sobolE
	st.runs = m.Runs(st.evaluations)
	return nil
}

// announce says what the analysis will cost before it starts.
func (st *sensSettings) announce(w io.Writer) {
	k := len(st.model.Params())
	var parts []string
	if st.morrisE > 0 {
		parts = append(parts, fmt.Sprintf("Morris %d trajectories × %d = %d", st.traj, k+1, st.morrisE))
	}
	if st.sobolE > 0 {
		parts = append(parts, fmt.Sprintf("Sobol N = %d × %d = %d", st.n, k+2, st.sobolE))
	}
	cores := runtime.GOMAXPROCS(0)
	if st.workers > 0 {
		cores = min(cores, st.workers)
	}
	secs := float64(st.runs) * sim.Forecast(st.sc).CustomerWeeks / (customerWeeksPerCore * float64(cores))
	fmt.Fprintf(w, "redress sensitivity: %s over %s: %s evaluations × %s = %d simulation runs of %s customers (about %s on %s)\n",
		st.output.Spec, plural(k, "parameter"), strings.Join(parts, " + "), plural(st.reps, "replication"), st.runs,
		num(float64(st.sc.Population.Size), 0), time.Duration(secs*float64(time.Second)).Round(time.Second), plural(cores, "core"))
}

// sensResult is sensitivity.json.
type sensResult struct {
	Version      string                    `json:"version"`
	Scenario     string                    `json:"scenario"`
	ScenarioHash string                    `json:"scenario_hash"`
	Seed         uint64                    `json:"seed"`
	Set          []string                  `json:"set,omitempty"`
	Output       simmodel.Output           `json:"output"`
	Params       []simmodel.Param          `json:"params"`
	Reps         int                       `json:"reps"`
	Evaluations  int                       `json:"evaluations"`
	Runs         int                       `json:"simulation_runs"`
	Morris       *sensitivity.MorrisResult `json:"morris,omitempty"`
	Sobol        *sensitivity.SobolResult  `json:"sobol,omitempty"`
}

// runSensitivity runs the analysis, streaming the design to
// sensitivity.csv, and writes the results.
func runSensitivity(ctx context.Context, st *sensSettings, stdout, stderr io.Writer) error {
	if err := os.MkdirAll(st.out, 0o755); err != nil {
		return fmt.Errorf("output directory: %w", err)
	}
	csvf, err := newDesignCSV(filepath.Join(st.out, "sensitivity.csv"), st.model.Params())
	if err != nil {
		return err
	}
	defer csvf.abort()
	prog := newProgress(stderr, "runs")
	start := time.Now()
	res := &sensResult{Version: truth.Version, Scenario: st.sc.Name, ScenarioHash: st.model.ScenarioHash(), Seed: st.sc.Seed,
		Set: st.set, Output: st.output, Params: st.model.Params(), Reps: st.reps, Evaluations: st.evaluations, Runs: st.runs}
	boot := st.bootstrap
	if boot == 0 {
		boot = -1 // none
	}
	opt := func(method string, offset int) sensitivity.Options {
		return sensitivity.Options{Seed: st.sc.Seed, Workers: st.workers, Bootstrap: boot,
			Observe: csvf.observer(method),
			Progress: func(done, _ int) {
				prog.update((offset+done)*st.reps, st.runs)
			}}
	}
	model, inputs := st.model.Eval, st.model.Inputs()
	if st.morrisE > 0 {
		res.Morris, err = sensitivity.Morris(ctx, model, inputs, st.traj, st.levels, opt("morris", 0))
	}
	if err == nil && st.sobolE > 0 {
		res.Sobol, err = sensitivity.Sobol(ctx, model, inputs, st.n, opt("sobol", st.morrisE))
	}
	prog.finish()
	if err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("sensitivity: interrupted; no files written: %w", err)
		}
		return fmt.Errorf("sensitivity: %w", err)
	}
	elapsed := time.Since(start)
	if err := writeSensitivity(st.out, res, csvf); err != nil {
		return err
	}
	printSensitivity(stdout, res, false)
	fmt.Fprintf(stdout, "\n%d simulation runs in %.1f s. Files in %s: sensitivity.json, sensitivity.md, sensitivity.csv, %s\n",
		res.Runs, elapsed.Seconds(), st.out, strings.Join(sensPlotNames(res), ", "))
	return nil
}

// designCSV streams the design and outputs to sensitivity.csv.
type designCSV struct {
	f   *outfile.File
	row outfile.Row
	err error
}

func newDesignCSV(path string, params []simmodel.Param) (*designCSV, error) {
	f, err := outfile.Create(path)
	if err != nil {
		return nil, err
	}
	d := &designCSV{f: f}
	for _, s := range []string{"method", "unit", "point"} {
		d.row.Str(s)
	}
	for _, p := range params {
		d.row.Str(p.Key)
	}
	d.row.Str("output")
	_, d.err = f.Write(d.row.Bytes())
	return d, d.err
}

// observer returns the Observer that writes the evaluations of method.
func (d *designCSV) observer(method string) sensitivity.Observer {
	return func(e sensitivity.Eval) error {
		d.row.Reset()
		d.row.Str(method)
		d.row.Int(int64(e.Unit))
		d.row.Str(e.Label)
		for _, x := range e.X {
			d.row.Float(x)
		}
		d.row.Float(e.Y)
		if _, err := d.f.Write(d.row.Bytes()); err != nil {
			return fmt.Errorf("write sensitivity.csv: %w", err)
		}
		return nil
	}
}

func (d *designCSV) abort() { d.f.Abort() }

// writeSensitivity writes sensitivity.json, .md and the plots, then
// publishes sensitivity.csv.
func writeSensitivity(dir string, res *sensResult, csvf *designCSV) error {
	js, err := json.MarshalIndent(res, "", "  ")
	if err != nil {
		return err
	}
	if err := outfile.WriteFile(filepath.Join(dir, "sensitivity.json"), append(js, '\n')); err != nil {
		return err
	}
	var md strings.Builder
	printSensitivity(&md, res, true)
	if err := outfile.WriteFile(filepath.Join(dir, "sensitivity.md"), []byte(md.String())); err != nil {
		return err
	}
	if err := sensitivityPlots(dir, res); err != nil {
		return err
	}
	return csvf.f.Commit()
}

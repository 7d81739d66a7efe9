package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/redress-sim/redress/calibrate"
	"github.com/redress-sim/redress/calibrate/simcal"
	"github.com/redress-sim/redress/moments"
	"github.com/redress-sim/redress/scenarios"
	"github.com/redress-sim/redress/sensitivity/simmodel"
)

// calSynopsis and calExample are the command's usage.
const (
	calSynopsis = "calibrate SCENARIO.toml | PRESET --data DIR --param KEY=LO:HI [--param ...] [--map THEIRS=OURS]... [--moments FILE] [--set KEY=VALUE]... [--bootstrap B] [--reps R] [--starts N] [--profile-points N] [--seed S] [--workers W] [--out DIR]\n\n" +
		"Calibrates numeric scenario keys to a firm's records by the method of\n" +
		"simulated moments. DIR holds episodes.csv and customers.csv in the shape of\n" +
		"redress's own output (docs/calibration.md lists the columns; --map renames\n" +
		"yours). The moments (contact rates by failure type and severity, survey\n" +
		"response and scores, first-contact resolution, response time, repurchase by\n" +
		"contact and resolution, churn, NPS) are computed by one function from your\n" +
		"data and from runs of the scenario; the runs use the same random numbers at\n" +
		"every parameter value. The weight is the inverse of the moments' covariance\n" +
		"(a bootstrap over customers); standard errors come from the MSM sandwich with\n" +
		"the simulation correction; Hansen's J tests the over-identifying moments;\n" +
		"a key no moment moves is reported not identified, not estimated.\n\n" +
		"The simulated firm is the scenario's population (set its size with --set\n" +
		"population.size=N; at least as many customers as the data is best).\n\n" +
		"Writes to --out: calibrated.toml (the scenario with the estimates), fit.json,\n" +
		"fit.md, moment-fit.png/.svg and profile-KEY.png/.svg (the objective along\n" +
		"each key, the others at the estimate)."
	calExample = "  redress run default --out firm          # stand-in for your own records\n" +
		"  redress calibrate default --data firm --param contact.intercept=-3:0 \\\n" +
		"    --param survey.response_intercept=-3:0 --param outcomes.recovery_weight=0.2:1.6 --out cal\n" +
		"  redress compare cal/calibrated.toml --uncertainty cal/fit.json --draws 200"
)

// calSettings are the parsed and loaded inputs of the command.
type calSettings struct {
	sc        *scenarios.Scenario
	set       []string
	dataDir   string
	data      *moments.Data
	names     []string
	values    []float64
	counts    []int
	dropped   []moments.Dropped
	model     *simcal.Model
	s         float64
	bootstrap int
	reps      int
	starts    int
	profile   int
	workers   int
	out       string
}

func cmdCalibrate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("calibrate", calSynopsis, calExample, stdout)
	params := &keyedFlag[simmodel.Param]{parse: simmodel.ParseParam, key: func(p simmodel.Param) string { return p.Key }}
	fs.Var(params, "param", "calibrate the numeric scenario `KEY=LO:HI` within [LO, HI] (repeat for each key), e.g. contact.intercept=-3:0")
	sets := &keyedFlag[[2]string]{parse: parseSet, key: func(s [2]string) string { return s[0] }}
	fs.Var(sets, "set", "fix the scenario `KEY=VALUE` (repeat), e.g. population.size=20000")
	var maps listFlag
	fs.Var(&maps, "map", "read your column `THEIRS=OURS` as the import format's column OURS (repeat), e.g. ticket_opened=contacted")
	data := fs.String("data", "", "the firm's records: `DIR` with episodes.csv and customers.csv")
	momentsFile := fs.String("moments", "", "match only the moments named in `FILE` (one per line; default: every moment the data define)")
	boot := fs.Int("bootstrap", 200, "bootstrap resamples `B` of customers for the moments' covariance (≥ 20)")
	reps := fs.Int("reps", 1, "replications `R` of the scenario averaged per evaluation (more: less simulation noise, slower)")
	starts := fs.Int("starts", 2, "local searches `N`, from the best points of the screen")
	profile := fs.Int("profile-points", 7, "points `N` of each key's objective profile (0: no profiles)")
	seed := fs.Int64("seed", -1, "override the scenario's seed (`S` ≥ 0); it keys every simulation and the bootstrap")
	workers := fs.Int("workers", 0, "goroutines per simulation run (0 = all cores); results do not depend on it")
	out := fs.String("out", "redress-calibration", "write the calibration files to `DIR`")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	st := &calSettings{dataDir: *data, bootstrap: *boot, reps: *reps, starts: *starts, profile: *profile, workers: *workers, out: *out}
	if err := st.check(pos, params.items); err != nil {
		return err
	}
	if err := st.loadScenario(pos[0], *seed, sets.items); err != nil {
		return err
	}
	if err := st.loadData(maps, *momentsFile); err != nil {
		return err
	}
	if err := st.buildModel(params.items); err != nil {
		return err
	}
	return runCalibrate(ctx, st, stdout, stderr)
}

// check refuses flag values that are out of range on their own.
func (st *calSettings) check(pos []string, params []simmodel.Param) error {
	switch {
	case len(pos) != 1:
		return usageError("calibrate takes one scenario (file or preset), got %d", len(pos))
	case st.dataDir == "":
		return usageError("calibrate needs --data DIR (a directory with episodes.csv and customers.csv)")
	case len(params) == 0:
		return usageError("calibrate needs at least one --param KEY=LO:HI (e.g. --param contact.intercept=-3:0)")
	case st.bootstrap < 20:
		return usageError("--bootstrap must be ≥ 20, got %d", st.bootstrap)
	case st.reps < 1:
		return usageError("--reps must be ≥ 1, got %d", st.reps)
	case st.starts < 1:
		return usageError("--starts must be ≥ 1, got %d", st.starts)
	case st.profile < 0 || st.profile == 1 || st.profile > 101:
		return usageError("--profile-points must be 0 or 2 to 101, got %d", st.profile)
	case st.workers < 0:
		return usageError("--workers must be ≥ 0, got %d", st.workers)
	case st.out == "":
		return usageError("--out must name a directory")
	}
	return nil
}

// loadScenario loads the scenario and applies --set.
func (st *calSettings) loadScenario(name string, seed int64, sets [][2]string) error {
	sc, set, err := loadWithSets("calibrate", name, seed, sets)
	if err != nil {
		return err
	}
	st.set = set
	if sc.Mode != scenarios.ModeBehavioral {
		return usageError("calibrate: %s is a %s scenario; calibration needs a behavioral one (its customers have the parameters)", sc.Name, sc.Mode)
	}
	st.sc = sc
	return nil
}

// loadData reads the firm's records and computes their moments.
func (st *calSettings) loadData(maps []string, momentsFile string) error {
	if fi, err := os.Stat(st.dataDir); err != nil || !fi.IsDir() {
		return usageError("--data %s: not a directory (want one with episodes.csv and customers.csv)", st.dataDir)
	}
	mapping, err := moments.ParseMap(maps)
	if err != nil {
		return usageError("--map: %v", err)
	}
	if st.data, err = moments.Load(st.dataDir, mapping); err != nil {
		return usageError("--data: %v", err)
	}
	ms, dropped, err := moments.Compute(st.data, moments.SpecFor(st.sc))
	if err != nil {
		return usageError("--data: %v", err)
	}
	st.dropped = dropped
	var known []string
	for _, m := range ms {
		known = append(known, m.Name)
	}
	st.names = known
	if momentsFile != "" {
		b, err := os.ReadFile(momentsFile)
		if err != nil {
			return usageError("--moments: %v", err)
		}
		if st.names, err = simcal.ParseMomentList(b, momentsFile, known); err != nil {
			return usageError("--moments: %v", err)
		}
	}
	for _, name := range st.names {
		for _, m := range ms {
			if m.Name == name {
				st.values, st.counts = append(st.values, m.Value), append(st.counts, m.N)
			}
		}
	}
	return nil
}

// buildModel builds the simulated-moments model of the scenario.
func (st *calSettings) buildModel(params []simmodel.Param) error {
	m, err := simcal.New(simcal.Config{Scenario: st.sc, Params: params, Moments: st.names, Reps: st.reps, Workers: st.workers})
	var pe *simmodel.ParamError
	switch {
	case errors.As(err, &pe):
		return usageError("calibrate: --param %v", err)
	case err != nil:
		return usageError("calibrate: %v", err)
	}
	st.model = m
	st.s = float64(m.SimulatedCustomers()) / float64(st.data.Customers.Len())
	return nil
}

// announce says what the calibration will do before it starts (the
// time left shows on a terminal once evaluations run).
func (st *calSettings) announce(w io.Writer, planned int) {
	fmt.Fprintf(w, "redress calibrate: %s to %s of %s customers (%s); each evaluation simulates %s customers (S = %.2f); about %d evaluations, %d simulation runs\n",
		plural(len(st.model.Params()), "key"), plural(len(st.names), "moment"), num(float64(st.data.Customers.Len()), 0), st.dataDir,
		num(float64(st.model.SimulatedCustomers()), 0), st.s, planned, planned*st.reps)
}

// plannedEvaluations is the evaluation count calibrate.Calibrate
// plans for k keys: the screen (4k+2), a local search of about k+1
// Jacobians per start, the central Jacobian (2k), three polish rounds
// of 4k+1 and the final point, and the profiles.
func (st *calSettings) plannedEvaluations(k int) int {
	return 4*k + 2 + st.starts*(k+1)*(k+2) + 2*k + 3*(4*k+1) + 1 + st.profile*k
}

// runCalibrate bootstraps the moments' covariance, calibrates, and
// writes the files.
func runCalibrate(ctx context.Context, st *calSettings, stdout, stderr io.Writer) error {
	start := time.Now()
	planned := st.plannedEvaluations(len(st.model.Params()))
	st.announce(stderr, planned)
	cov, err := moments.Bootstrap(ctx, st.data, moments.SpecFor(st.sc), st.names, st.bootstrap, st.sc.Seed, st.workers)
	if err != nil {
		return usageError("calibrate: moments of %s: %v (leave the moment out with --moments)", st.dataDir, err)
	}
	prog := newProgress(stderr, "evaluations")
	pp := st.profile
	if pp == 0 {
		pp = -1
	}
	res, err := calibrate.Calibrate(ctx, &calibrate.Problem{Params: st.model.Params(), Moments: st.names, Data: st.values,
		Cov: cov, S: st.s, Model: st.model.Moments, Starts: st.starts, ProfilePoints: pp,
		Progress: func(p calibrate.Progress) { prog.update(p.Evaluations, max(p.Planned, planned)) }})
	prog.finish()
	if err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("calibrate: interrupted; no files written: %w", err)
		}
		if errors.Is(err, calibrate.ErrProblem) {
			return usageError("calibrate: %v", err)
		}
		return fmt.Errorf("calibrate: %w", err)
	}
	fit := st.fitFile(res, cov)
	if err := writeCalibration(st, fit); err != nil {
		return err
	}
	printFit(stdout, fit, false)
	fmt.Fprintf(stdout, "\n%d evaluations (%d simulation runs) in %.1f s. Files in %s: %s\n",
		fit.Evaluations, fit.SimulationRuns, time.Since(start).Seconds(), st.out, strings.Join(calFileNames(fit), ", "))
	return nil
}

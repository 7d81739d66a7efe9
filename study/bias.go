package study

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"

	"github.com/redress-sim/redress/internal/outfile"
	"github.com/redress-sim/redress/scenarios"
	"github.com/redress-sim/redress/sim"
)

// Files of a bias study's output directory.
const (
	ManifestFile     = "study.json"
	ReplicationsFile = "replications.csv"
	SummaryCSVFile   = "summary.csv"
	SummaryJSONFile  = "summary.json"
	ReportFile       = "report.md"
)

// ErrInterrupted is returned (wrapped) when a study stops on its context
// before finishing; the finished replications are saved.
var ErrInterrupted = errors.New("study interrupted")

// ErrStudyExists is returned (wrapped in an InputError) when Out already
// holds a study and Resume is not set.
var ErrStudyExists = errors.New("already holds a study")

// ErrCannotResume is returned (wrapped in an InputError) when Resume is
// set but Out holds no study, another study, or a damaged one.
var ErrCannotResume = errors.New("cannot resume")

// ErrUnfinished is returned (wrapped in an InputError) when Merge is
// given a shard that has not run all its replications.
var ErrUnfinished = errors.New("unfinished")

// PlotFunc draws a finished study's plots into dir (sampling
// distributions per estimator with the truth marked; bias and coverage
// against each swept key). It is the hook for the plotting package:
// Results holds every replication and every measure. It returns the
// names of the files it wrote (report.md links them); they must not
// depend on the number of workers.
type PlotFunc func(dir string, res *Results) ([]string, error)

// Config is a Monte Carlo bias study.
type Config struct {
	// Scenario is the base data-generating mechanism (seed included).
	Scenario *scenarios.Scenario
	// Reps is the number of replications per grid point.
	Reps int
	// Estimators restricts the methods (nil: every applicable one).
	Estimators []string
	// Sweeps span the grid of scenario points (none: one point).
	Sweeps []Sweep
	// Workers is the number of replications run at once (0: GOMAXPROCS).
	// Results do not depend on it.
	Workers int
	// Out is the output directory (required).
	Out string
	// Resume finishes a study already begun in Out.
	Resume bool
	// Shard, Shards select the share of replications r with
	// r mod Shards == Shard−1 (Shards 0: all replications).
	Shard, Shards int
	// Progress, if set, is called after each saved replication with the
	// number saved in this call, and the number this call has to run.
	Progress func(done, total int)
	// Plot, if set, draws plots into Out when the study is complete.
	Plot PlotFunc
	// Until, if set, runs each grid point until every target holds for
	// all its estimands and methods, checked after every Batch
	// replications (default 100), with Reps as the cap. It cannot be
	// combined with shards.
	Until []Target
	Batch int

	// alter, when set (by tests), may alter a replication's rows.
	alter func(point, rep int, rows []RepRow)
}

// Manifest describes a study; it is written to study.json and must
// match for --resume and merge.
type Manifest struct {
	Version      int      `json:"version"`
	Scenario     string   `json:"scenario"`
	ScenarioHash string   `json:"scenario_hash"`
	Mode         string   `json:"mode"`
	Seed         uint64   `json:"seed"`
	Reps         int      `json:"reps"`
	Estimators   []string `json:"estimators"`
	// Pairs are the (estimand, method) rows of every replication.
	Pairs  []Pair  `json:"pairs"`
	Sweeps []Sweep `json:"sweeps"`
	// Mechanism describes the data-generating mechanism in key = value lines.
	Mechanism []string `json:"mechanism"`
	// Definitions of the estimands.
	Definitions map[string]string `json:"definitions"`
	// Shard is "i/n" for a shard's share, empty for a whole study.
	Shard string `json:"shard,omitempty"`
	// Until is the precision target (ParseUntil's syntax) of a study that
	// runs each point until it is met, checked every Batch replications;
	// Reps is then the cap.
	Until string `json:"until,omitempty"`
	Batch int    `json:"batch,omitempty"`
}

// Results is a study's outcome.
type Results struct {
	Manifest Manifest
	Points   []Point
	// Rows are the replication results in canonical order.
	Rows []RepRow
	// Summary holds the performance measures per point, estimand and method.
	Summary []Measures
	// Ran is the number of replications run by this call; Resumed the
	// number found already done.
	Ran, Resumed int
	// Plots are the plot files written (by Config.Plot), in its order;
	// PlotError says why plots could not be drawn, if they could not.
	Plots     []string
	PlotError string
}

// Complete reports whether every replication of every point is present
// (for a study with a precision target: whether every point has met it or
// reached the cap).
func (r *Results) Complete() bool {
	m := r.Manifest
	if m.Until == "" {
		return len(r.Rows) == len(r.Points)*shardReps(m)*len(m.Pairs)
	}
	ts, err := ParseUntil(m.Until)
	if err != nil {
		return false
	}
	total := 0
	for _, p := range r.Points {
		rows := rowsOfPoint(r.Rows, p.Index)
		done, n := pointStatus(m, ts, rows)
		if !done || n*len(m.Pairs) != len(rows) {
			return false
		}
		total += len(rows)
	}
	return total == len(r.Rows)
}

// PointReps returns the number of replications of each grid point.
func (r *Results) PointReps() []int {
	out := make([]int, len(r.Points))
	for _, p := range r.Points {
		out[p.Index] = len(rowsOfPoint(r.Rows, p.Index)) / len(r.Manifest.Pairs)
	}
	return out
}

// rowsOfPoint returns the contiguous rows of point p (rows are in point
// order).
func rowsOfPoint(rows []RepRow, p int) []RepRow {
	i := 0
	for i < len(rows) && rows[i].Point < p {
		i++
	}
	j := i
	for j < len(rows) && rows[j].Point == p {
		j++
	}
	return rows[i:j]
}

func shardReps(m Manifest) int {
	i, n, err := ParseShard(m.Shard)
	if err != nil || n == 0 {
		return m.Reps
	}
	c := 0
	for r := range m.Reps {
		if r%n == i-1 {
			c++
		}
	}
	return c
}

// ValidateEstimators checks method names against the mode's estimators.
func ValidateEstimators(mode string, names []string) error {
	all := Methods(mode)
	for _, n := range names {
		if !wanted(all, n) {
			return fmt.Errorf("unknown estimator %q for %s mode; available: %s", n, mode, strings.Join(all, ", "))
		}
	}
	return nil
}

// NewManifest describes the study cfg sets up.
func NewManifest(cfg *Config) (Manifest, error) {
	sc := cfg.Scenario
	if err := ValidateEstimators(sc.Mode, cfg.Estimators); err != nil {
		return Manifest{}, err
	}
	pairs := Pairs(sc.Mode, cfg.Estimators)
	if len(pairs) == 0 {
		return Manifest{}, fmt.Errorf("no estimator applies")
	}
	est := cfg.Estimators
	if est == nil {
		est = Methods(sc.Mode)
	}
	hash, err := sc.Hash()
	if err != nil {
		return Manifest{}, err
	}
	m := Manifest{Version: 1, Scenario: sc.Name, ScenarioHash: hash, Mode: sc.Mode, Seed: sc.Seed,
		Reps: cfg.Reps, Estimators: est, Pairs: pairs, Sweeps: cfg.Sweeps, Mechanism: mechanism(sc),
		Definitions: map[string]string{}}
	if m.Sweeps == nil {
		m.Sweeps = []Sweep{}
	}
	for _, p := range pairs {
		m.Definitions[p.Estimand] = Definition(sc.Mode, p.Estimand)
	}
	if cfg.Shards > 0 {
		m.Shard = fmt.Sprintf("%d/%d", cfg.Shard, cfg.Shards)
	}
	if len(cfg.Until) > 0 {
		if cfg.Shards > 0 {
			return Manifest{}, inputErr("a precision target (Until) cannot be combined with shards (Shards): it needs every replication of a point in one place")
		}
		m.Until, m.Batch = untilString(cfg.Until), cfg.Batch
		if m.Batch <= 0 {
			m.Batch = 100
		}
	}
	return m, nil
}

func mechanism(sc *scenarios.Scenario) []string {
	f := func(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }
	fs := func(x []float64) string {
		var s []string
		for _, v := range x {
			s = append(s, f(v))
		}
		return "[" + strings.Join(s, ", ") + "]"
	}
	out := []string{"mode = " + sc.Mode, fmt.Sprintf("seed = %d", sc.Seed), fmt.Sprintf("population.size = %d", sc.Population.Size)}
	if sc.Mode == "textbook" {
		t := sc.Textbook
		out = append(out, "textbook.beta = "+fs(t.Beta), "textbook.gamma = "+fs(t.Gamma),
			"textbook.exclusion = "+f(t.Exclusion), "textbook.rho = "+f(t.Rho), "textbook.sigma = "+f(t.Sigma),
			"textbook.delta = "+f(t.Delta), "textbook.covariates = "+t.Covariates,
			"textbook.covariate_correlation = "+f(t.CovariateCorrelation), "textbook.errors = "+t.Errors)
		return out
	}
	pol := ""
	if len(sc.Policies) > 0 {
		pol = sc.Policies[sc.ActivePolicy()].Name
	}
	out = append(out, fmt.Sprintf("population.weeks = %d", sc.Population.Weeks), "policy = "+pol,
		"contact.rho = "+f(sc.Contact.Rho), "contact.instrument_effect = "+f(sc.Contact.InstrumentEffect))
	return out
}

// task is one (point, replication) of the study.
type task struct{ point, rep int }

func tasks(m Manifest, npoints int) []task {
	i, n, _ := ParseShard(m.Shard)
	var out []task
	for p := range npoints {
		for r := range m.Reps {
			if n == 0 || r%n == i-1 {
				out = append(out, task{p, r})
			}
		}
	}
	return out
}

// Bias runs (or, with cfg.Resume, finishes) a bias study, streaming
// replications.csv and writing the summaries, the report and the plots
// into cfg.Out. When ctx is cancelled it stops, keeps the finished
// replications and returns an error wrapping ErrInterrupted.
func Bias(ctx context.Context, cfg Config) (*Results, error) {
	if err := cfg.check(); err != nil {
		return nil, err
	}
	man, err := NewManifest(&cfg)
	if err != nil {
		return nil, err
	}
	points, scs, err := gridScenarios(&cfg)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(cfg.Out, 0o755); err != nil {
		return nil, fmt.Errorf("output directory: %w", err)
	}
	manBytes, err := marshalManifest(man)
	if err != nil {
		return nil, err
	}
	all := tasks(man, len(points))
	repPath := filepath.Join(cfg.Out, ReplicationsFile)
	manPath := filepath.Join(cfg.Out, ManifestFile)
	var prior []RepRow
	extend := false
	if cfg.Resume {
		if prior, extend, err = readPrior(&cfg, man, manBytes, all, repPath); err != nil {
			return nil, err
		}
		if extend {
			if err := outfile.WriteFile(manPath, manBytes); err != nil {
				return nil, err
			}
		}
	} else {
		for _, f := range []string{manPath, repPath} {
			if _, err := os.Stat(f); err == nil {
				return nil, &InputError{fmt.Errorf("%s: %w", cfg.Out, ErrStudyExists)}
			}
		}
		if err := outfile.WriteFile(manPath, manBytes); err != nil {
			return nil, err
		}
	}
	if extend {
		res, err := runExtended(ctx, &cfg, man, points, scs, prior, repPath)
		if err != nil {
			return res, err
		}
		return res, finish(&cfg, res)
	}
	// Rewrite the valid prefix (drops a partial last line or replication).
	var buf bytes.Buffer
	cw := csv.NewWriter(&buf)
	writeHeader(cw, man)
	for i := range prior {
		writeRow(cw, man, points, &prior[i])
	}
	cw.Flush()
	if err := outfile.WriteFile(repPath, buf.Bytes()); err != nil {
		return nil, err
	}
	done := len(prior) / len(man.Pairs)
	res := &Results{Manifest: man, Points: points, Rows: prior, Resumed: done}
	if len(cfg.Until) > 0 {
		if err := runUntil(ctx, &cfg, res, scs, repPath); err != nil {
			return res, err
		}
	} else {
		todo := all[done:]
		newRows, runErr := runTasks(ctx, &cfg, man, points, scs, todo, repPath)
		res.Rows = append(res.Rows, newRows...)
		res.Ran = len(newRows) / len(man.Pairs)
		if runErr != nil {
			return res, runErr
		}
	}
	return res, finish(&cfg, res)
}

// check refuses a configuration Bias cannot run.
func (cfg *Config) check() error {
	switch {
	case cfg.Scenario == nil:
		return errors.New("no scenario")
	case cfg.Reps < 1:
		return inputErr("Reps must be ≥ 1, got %d", cfg.Reps)
	case cfg.Out == "":
		return errors.New("no output directory")
	case cfg.Shards > 0 && (cfg.Shard < 1 || cfg.Shard > cfg.Shards):
		return fmt.Errorf("shard %d/%d: want 1 ≤ i ≤ n", cfg.Shard, cfg.Shards)
	}
	return checkSize(cfg.Reps, cfg.Sweeps)
}

// gridScenarios returns the grid points of cfg's sweeps and the scenario
// at each; every point must keep the study's mode.
func gridScenarios(cfg *Config) ([]Point, []*scenarios.Scenario, error) {
	points := Grid(cfg.Sweeps)
	scs := make([]*scenarios.Scenario, len(points))
	for k, p := range points {
		var err error
		if scs[k], err = pointScenario(cfg.Scenario, cfg.Sweeps, p); err != nil {
			return nil, nil, err
		}
		if scs[k].Mode != cfg.Scenario.Mode {
			return nil, nil, inputErr("sweeps: grid point %d sets mode %q, but the study is in %s mode; a study's estimands depend on its mode, so run one study per mode", k, scs[k].Mode, cfg.Scenario.Mode)
		}
	}
	return points, scs, nil
}

// finish summarises a complete study and writes its outputs.
func finish(cfg *Config, res *Results) error {
	res.Summary = Summarize(res.Rows)
	return writeOutputs(cfg.Out, res, cfg.Plot)
}

// readPrior reads the replications of the study in cfg.Out that cfg
// resumes: a valid prefix of man's tasks, or, when the study there is
// man with fewer replications (extend), a valid prefix of its tasks.
func readPrior(cfg *Config, man Manifest, manBytes []byte, all []task, repPath string) ([]RepRow, bool, error) {
	old, err := os.ReadFile(filepath.Join(cfg.Out, ManifestFile))
	if err != nil {
		return nil, false, &InputError{fmt.Errorf("%w: %s has no study (%w)", ErrCannotResume, cfg.Out, err)}
	}
	prev, extend := man, false
	if !bytes.Equal(old, manBytes) {
		var m Manifest
		if json.Unmarshal(old, &m) == nil && m.validate() == nil && len(cfg.Until) == 0 && m.Reps < man.Reps {
			raised := m
			raised.Reps = man.Reps
			if b, err := marshalManifest(raised); err == nil && bytes.Equal(b, manBytes) {
				prev, extend, all = m, true, tasks(m, len(Grid(m.Sweeps)))
			}
		}
		if !extend {
			return nil, false, &InputError{fmt.Errorf("%w: the study in %s differs from this one (scenario, seed, estimators, sweeps or shard, or more replications)", ErrCannotResume, cfg.Out)}
		}
	}
	prior, err := readReplications(repPath, prev)
	if err != nil {
		return nil, false, &InputError{err}
	}
	prior = completePrefix(prior, len(prev.Pairs))
	check := checkPrefix(prior, all, prev)
	if len(cfg.Until) > 0 {
		check = checkUntilPrefix(prior, prev, cfg.Until, len(Grid(prev.Sweeps)))
	}
	if check != nil {
		return nil, false, &InputError{fmt.Errorf("%w: %s: %w", ErrCannotResume, repPath, check)}
	}
	return prior, extend, nil
}

// runExtended finishes a study whose replications were raised: point by
// point it writes the point's earlier rows, then runs its new
// replications, so that replications.csv is at every moment a prefix of
// the study's canonical order. (An interruption keeps the points done;
// a later resume recomputes the rest, with the same random numbers.)
func runExtended(ctx context.Context, cfg *Config, man Manifest, points []Point, scs []*scenarios.Scenario, prior []RepRow, repPath string) (*Results, error) {
	var buf bytes.Buffer
	cw := csv.NewWriter(&buf)
	writeHeader(cw, man)
	cw.Flush()
	if err := outfile.WriteFile(repPath, buf.Bytes()); err != nil {
		return nil, err
	}
	per := len(man.Pairs)
	res := &Results{Manifest: man, Points: points}
	all := tasks(man, len(points))
	todo := make([][]task, len(points))
	have := make([]int, len(points))
	for i := range prior {
		have[prior[i].Point]++
	}
	ntodo := 0
	for _, t := range all {
		if have[t.point] >= per {
			have[t.point] -= per
			continue
		}
		todo[t.point] = append(todo[t.point], t)
		ntodo++
	}
	run := *cfg
	for p := range points {
		old := rowsOfPoint(prior, p)
		if err := appendRows(repPath, man, points, old); err != nil {
			return res, err
		}
		res.Rows = append(res.Rows, old...)
		res.Resumed += len(old) / per
		if cfg.Progress != nil {
			base := res.Ran
			run.Progress = func(done, _ int) { cfg.Progress(base+done, ntodo) }
		}
		rows, err := runTasks(ctx, &run, man, points, scs, todo[p], repPath)
		res.Rows = append(res.Rows, rows...)
		res.Ran += len(rows) / per
		if err != nil {
			return res, err
		}
	}
	return res, nil
}

// writeReplication writes rows through cw, which writes to bw, and
// flushes both: a replication reaches the file whole.
func writeReplication(cw *csv.Writer, bw *bufio.Writer, man Manifest, points []Point, rows []RepRow) error {
	for i := range rows {
		writeRow(cw, man, points, &rows[i])
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return bw.Flush()
}

// appendRows appends rows to the replications file at path.
func appendRows(path string, man Manifest, points []Point, rows []RepRow) error {
	if len(rows) == 0 {
		return nil
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(f)
	if err := errors.Join(writeReplication(csv.NewWriter(bw), bw, man, points, rows), f.Sync()); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	return f.Close()
}

func marshalManifest(m Manifest) ([]byte, error) {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// runTasks runs the tasks on cfg.Workers goroutines and appends their
// rows to replications.csv in task order as they finish.
func runTasks(ctx context.Context, cfg *Config, man Manifest, points []Point, scs []*scenarios.Scenario, todo []task, repPath string) ([]RepRow, error) {
	if len(todo) == 0 {
		return nil, nil
	}
	f, err := os.OpenFile(repPath, os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	workers := cfg.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = min(workers, len(todo))
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	type result struct {
		k    int
		rows []RepRow
		err  error
	}
	jobs := make(chan int)
	results := make(chan result, workers)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range jobs {
				t := todo[k]
				rows, err := runOne(ctx, scs[t.point], man, t, cfg.alter)
				results <- result{k, rows, err}
			}
		}()
	}
	go func() {
		defer close(jobs)
		for k := range todo {
			// select picks at random among ready cases, so check the
			// context first: no new replication starts after a cancel.
			if ctx.Err() != nil {
				return
			}
			select {
			case jobs <- k:
			case <-ctx.Done():
				return
			}
		}
	}()
	go func() { wg.Wait(); close(results) }()

	var out []RepRow
	pending := map[int][]RepRow{}
	next := 0
	var firstErr error
	bw := bufio.NewWriter(f)
	cw := csv.NewWriter(bw)
	for r := range results {
		if r.err != nil {
			if firstErr == nil && ctx.Err() == nil {
				firstErr = r.err
				cancel()
			}
			continue
		}
		pending[r.k] = r.rows
		for {
			rows, ok := pending[next]
			if !ok {
				break
			}
			delete(pending, next)
			if err := writeReplication(cw, bw, man, points, rows); err != nil && firstErr == nil {
				firstErr = fmt.Errorf("write %s: %w", repPath, err)
				cancel()
			}
			out = append(out, rows...)
			next++
			if cfg.Progress != nil {
				cfg.Progress(next, len(todo))
			}
		}
	}
	if firstErr != nil {
		return out, firstErr
	}
	if next < len(todo) {
		return out, fmt.Errorf("%w after %d of %d replications", ErrInterrupted, next, len(todo))
	}
	if err := f.Sync(); err != nil {
		return out, err
	}
	return out, nil
}

// runOne simulates one replication of one point and runs the estimators.
func runOne(ctx context.Context, sc *scenarios.Scenario, man Manifest, t task, alter func(point, rep int, rows []RepRow)) ([]RepRow, error) {
	res, err := sim.Run(ctx, sc, sim.Options{Replication: uint64(t.rep), Collect: true, Workers: 1})
	if err != nil {
		return nil, err
	}
	rows, err := EvaluateMethods(res.Episodes, sc.Mode, res.Truth, man.Estimators)
	if err != nil {
		return nil, fmt.Errorf("point %d replication %d: %w", t.point, t.rep, err)
	}
	if len(rows) != len(man.Pairs) {
		return nil, fmt.Errorf("point %d replication %d: %d results, want %d", t.point, t.rep, len(rows), len(man.Pairs))
	}
	out := make([]RepRow, len(rows))
	for i, r := range rows {
		rr := RepRow{Point: t.point, Rep: t.rep, Estimand: r.Estimand, Method: r.Method, Truth: r.Truth,
			Estimate: r.Estimate, StdError: r.StdError}
		switch {
		case r.Err != nil:
			rr.Error = r.Err.Error()
		case math.IsNaN(r.Estimate) || math.IsInf(r.Estimate, 0):
			rr.Error = "non-finite estimate"
		case math.IsNaN(r.StdError) || math.IsInf(r.StdError, 0) || r.StdError < 0:
			rr.Error = "non-finite standard error"
		}
		out[i] = rr
	}
	if alter != nil {
		alter(t.point, t.rep, out)
	}
	for i := range out {
		if out[i].Error != "" {
			out[i].Error = cleanError(out[i].Error)
			out[i].Estimate, out[i].StdError = math.NaN(), math.NaN()
		}
	}
	return out, nil
}

// cleanError keeps an error message on one line.
func cleanError(s string) string {
	s = strings.ReplaceAll(s, "\r", "")
	return strings.ReplaceAll(s, "\n", "; ")
}

// CSV layout of replications.csv.
func writeHeader(cw *csv.Writer, m Manifest) {
	h := []string{"point"}
	for _, s := range m.Sweeps {
		h = append(h, s.Key)
	}
	h = append(h, "replication", "estimand", "method", "truth", "estimate", "std_error", "ci_low", "ci_high", "covers", "rejects", "error")
	cw.Write(h)
}

func fmtF(x float64) string {
	if math.IsNaN(x) {
		return ""
	}
	return strconv.FormatFloat(x, 'g', -1, 64)
}

func b01(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

func writeRow(cw *csv.Writer, m Manifest, points []Point, r *RepRow) {
	rec := []string{strconv.Itoa(r.Point)}
	rec = append(rec, points[r.Point].Values...)
	rec = append(rec, strconv.Itoa(r.Rep), r.Estimand, r.Method, fmtF(r.Truth))
	if r.Error != "" {
		rec = append(rec, "", "", "", "", "", "", r.Error)
	} else {
		row := r.row()
		lo, hi := row.CI95()
		rec = append(rec, fmtF(r.Estimate), fmtF(r.StdError), fmtF(lo), fmtF(hi), b01(row.Covers()), b01(row.Rejects()), "")
	}
	cw.Write(rec)
}

// readReplications reads replications.csv, ignoring a partial last line.
func readReplications(path string, m Manifest) ([]RepRow, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, nil
		}
		return nil, err
	}
	if i := bytes.LastIndexByte(data, '\n'); i >= 0 {
		data = data[:i+1]
	} else {
		data = nil
	}
	cr := csv.NewReader(bytes.NewReader(data))
	ns := len(m.Sweeps)
	cr.FieldsPerRecord = 12 + ns
	var out []RepRow
	first := true
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		if first {
			first = false
			if rec[0] != "point" {
				return nil, fmt.Errorf("%s: not a replications file (header %q)", path, strings.Join(rec, ","))
			}
			continue
		}
		line, _ := cr.FieldPos(0)
		bad := func(what string) error { return fmt.Errorf("%s:%d: bad %s", path, line, what) }
		var r RepRow
		if r.Point, err = strconv.Atoi(rec[0]); err != nil {
			return nil, bad("point")
		}
		rec = rec[1+ns:]
		if r.Rep, err = strconv.Atoi(rec[0]); err != nil {
			return nil, bad("replication")
		}
		r.Estimand, r.Method = rec[1], rec[2]
		pf := func(s string) (float64, error) {
			if s == "" {
				return math.NaN(), nil
			}
			return strconv.ParseFloat(s, 64)
		}
		if r.Truth, err = pf(rec[3]); err != nil {
			return nil, bad("truth")
		}
		if r.Estimate, err = pf(rec[4]); err != nil {
			return nil, bad("estimate")
		}
		if r.StdError, err = pf(rec[5]); err != nil {
			return nil, bad("std_error")
		}
		r.Error = rec[10]
		out = append(out, r)
	}
	return out, nil
}

// completePrefix drops a trailing incomplete replication.
func completePrefix(rows []RepRow, per int) []RepRow {
	return rows[:len(rows)/per*per]
}

// checkPrefix checks that rows are the first replications of the task
// list, each with the manifest's pairs in order.
func checkPrefix(rows []RepRow, all []task, m Manifest) error {
	per := len(m.Pairs)
	if len(rows)/per > len(all) {
		return fmt.Errorf("more replications than the study has")
	}
	for i := range rows {
		t := all[i/per]
		p := m.Pairs[i%per]
		r := &rows[i]
		if r.Point != t.point || r.Rep != t.rep || r.Estimand != p.Estimand || r.Method != p.Method {
			return fmt.Errorf("row %d is point %d replication %d %s/%s, want point %d replication %d %s/%s",
				i+2, r.Point, r.Rep, r.Estimand, r.Method, t.point, t.rep, p.Estimand, p.Method)
		}
	}
	return nil
}

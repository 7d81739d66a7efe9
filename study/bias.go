package study

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/redress-sim/redress/internal/outfile"
	"github.com/redress-sim/redress/scenarios"
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
// Results holds every measure, and dir's replications.csv every
// replication (read it with OpenReplications). It returns the
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
	// External are the user's estimators, run as commands (see
	// External), each for at most ExternalTimeout per replication
	// (0: DefaultExternalTimeout). Estimators does not filter them; an
	// empty, non-nil Estimators runs them alone.
	External        []External
	ExternalTimeout time.Duration
	// Cluster names the column whose values cluster the episodes for the
	// standard errors of the methods that have cluster-robust ones: ""
	// for the kind's DefaultCluster (customers in behavioral mode), "none"
	// for none (HC1 for ols and iv, the model-based ones otherwise).
	Cluster string

	// alter, when set (by tests), may alter a replication's rows.
	alter func(point, rep int, rows []RepRow)
}

// Manifest describes a study; it is written to study.json and must
// match for --resume and merge.
type Manifest struct {
	Version      int            `json:"version"`
	Scenario     string         `json:"scenario"`
	ScenarioHash string         `json:"scenario_hash"`
	Mode         scenarios.Mode `json:"mode"`
	Seed         uint64         `json:"seed"`
	Reps         int            `json:"reps"`
	Estimators   []string       `json:"estimators"`
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
	// External are the external estimators, commands included: a study
	// resumes or merges only with the same commands.
	External []External `json:"external,omitempty"`
	// Cluster is the column the standard errors are clustered by, where
	// a method has cluster-robust ones ("" or absent: none).
	Cluster string `json:"cluster,omitempty"`
}

// Results is a study's outcome: its measures, not its replications,
// which stay in replications.csv (read them with OpenReplications), so
// that a study's memory does not grow with its replications.
type Results struct {
	Manifest Manifest
	Points   []Point
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

// PointReps returns the number of replications of each grid point.
func (r *Results) PointReps() []int {
	out := make([]int, len(r.Points))
	for i := range r.Summary {
		m := &r.Summary[i]
		if m.Point >= 0 && m.Point < len(out) {
			out[m.Point] = max(out[m.Point], m.Reps)
		}
	}
	return out
}

// Complete reports whether every replication of every point is present
// (for a study with a precision target: whether every point stopped at
// a checkpoint where the target held, or at the cap).
func (r *Results) Complete() bool {
	m := r.Manifest
	reps := r.PointReps()
	if m.Until == "" {
		total := 0
		for _, n := range reps {
			total += n
		}
		return total == newTaskList(m, len(r.Points)).len()
	}
	ts, err := ParseUntil(m.Until)
	if err != nil {
		return false
	}
	for p, n := range reps {
		if n != m.Reps && (m.Batch <= 0 || n%m.Batch != 0 || !met(ts, r.pointSummary(p))) {
			return false
		}
	}
	return true
}

// pointSummary returns the measures of point p.
func (r *Results) pointSummary(p int) []Measures {
	var out []Measures
	for _, m := range r.Summary {
		if m.Point == p {
			out = append(out, m)
		}
	}
	return out
}

// ValidateEstimators checks method names against the mode's estimators.
func ValidateEstimators(kind Kind, names []string) error {
	all := Methods(kind)
	for _, n := range names {
		if !wanted(all, n) {
			return fmt.Errorf("unknown estimator %q for %s data; available: %s", n, kind, strings.Join(all, ", "))
		}
	}
	return nil
}

// studyCluster is the cluster column of cfg's study ("" for none).
func studyCluster(cfg *Config) string {
	switch cfg.Cluster {
	case "":
		return DefaultCluster(KindOf(cfg.Scenario))
	case "none":
		return ""
	}
	return cfg.Cluster
}

// NewManifest describes the study cfg sets up.
func NewManifest(cfg *Config) (Manifest, error) {
	sc := cfg.Scenario
	if err := ValidateEstimators(KindOf(sc), cfg.Estimators); err != nil {
		return Manifest{}, err
	}
	exts, err := resolveExternals(KindOf(sc), cfg.External)
	if err != nil {
		return Manifest{}, err
	}
	pairs := withExternals(KindOf(sc), Pairs(KindOf(sc), cfg.Estimators), exts)
	if len(pairs) == 0 {
		return Manifest{}, fmt.Errorf("no estimator applies")
	}
	est := cfg.Estimators
	if est == nil {
		est = Methods(KindOf(sc))
	}
	hash, err := sc.Hash()
	if err != nil {
		return Manifest{}, err
	}
	m := Manifest{Version: 1, Scenario: sc.Name, ScenarioHash: hash, Mode: sc.Mode, Seed: sc.Seed,
		Reps: cfg.Reps, Estimators: est, Pairs: pairs, Sweeps: cfg.Sweeps, Mechanism: mechanism(sc),
		Definitions: map[string]string{}, External: exts, Cluster: studyCluster(cfg)}
	if m.Sweeps == nil {
		m.Sweeps = []Sweep{}
	}
	for _, p := range pairs {
		m.Definitions[p.Estimand] = Definition(KindOf(sc), p.Estimand)
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
	out := []string{"mode = " + string(sc.Mode), fmt.Sprintf("seed = %d", sc.Seed), fmt.Sprintf("population.size = %d", sc.Population.Size)}
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

// Bias runs (or, with cfg.Resume, finishes) a bias study, streaming
// replications.csv and writing the summaries, the report and the plots
// into cfg.Out. When ctx is cancelled it stops, keeps the finished
// replications and returns an error wrapping ErrInterrupted. Its memory
// does not depend on the number of replications.
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
	st := newStudyRun(&cfg, man, points, scs)
	if st.ext, err = newExtRunner(man.External, cfg.ExternalTimeout); err != nil {
		return nil, err
	}
	defer st.ext.close()
	var prev *Manifest
	if cfg.Resume {
		if prev, err = resumable(&cfg, man, manBytes); err != nil {
			return nil, err
		}
	} else {
		for _, f := range []string{filepath.Join(cfg.Out, ManifestFile), st.repPath} {
			if _, err := os.Stat(f); err == nil {
				return nil, &InputError{fmt.Errorf("%s: %w", cfg.Out, ErrStudyExists)}
			}
		}
	}
	if prev != nil {
		err = st.extend(ctx, *prev, manBytes)
	} else {
		err = st.start(ctx, manBytes)
	}
	res := st.results()
	if err != nil {
		return res, err
	}
	return res, writeOutputs(cfg.Out, res, cfg.Plot)
}

// start writes the manifest (unless resuming the same study), rewrites
// the valid prefix of the replications found in the study directory
// (none for a new study), and runs the rest.
func (st *studyRun) start(ctx context.Context, manBytes []byte) error {
	if !st.cfg.Resume {
		if err := outfile.WriteFile(filepath.Join(st.cfg.Out, ManifestFile), manBytes); err != nil {
			return err
		}
	}
	var ut *untilTracker
	if len(st.cfg.Until) > 0 {
		ut = newUntilTracker(st.man, st.cfg.Until, st.sum)
	}
	if err := st.rewritePrefix(st.cfg.Resume, ut); err != nil {
		return err
	}
	if err := st.open(); err != nil {
		return err
	}
	if ut != nil {
		return st.close(st.runUntil(ctx, ut))
	}
	done := st.res.Resumed
	err := st.runTasks(ctx, st.tl.len()-done, func(k int) task { return st.tl.at(done + k) }, st.cfg.Progress)
	return st.close(err)
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
// at each; every point must keep the study's kind of data (mode and
// textbook outcome).
func gridScenarios(cfg *Config) ([]Point, []*scenarios.Scenario, error) {
	points := Grid(cfg.Sweeps)
	scs := make([]*scenarios.Scenario, len(points))
	for k, p := range points {
		var err error
		if scs[k], err = pointScenario(cfg.Scenario, cfg.Sweeps, p); err != nil {
			return nil, nil, err
		}
		if got, want := KindOf(scs[k]), KindOf(cfg.Scenario); got != want {
			return nil, nil, inputErr("sweeps: grid point %d makes %s data, but the study's scenario makes %s data; a study's estimands depend on the mode and the outcome kind, so run one study per kind", k, got, want)
		}
	}
	return points, scs, nil
}

func marshalManifest(m Manifest) ([]byte, error) {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/redress-sim/redress/internal/studyplot"
	"github.com/redress-sim/redress/scenarios"
	"github.com/redress-sim/redress/study"
)

// keyedFlag collects a repeated flag of key=values items (--sweep,
// --grid): each is parsed by parse, and a key given twice is an error.
type keyedFlag[T any] struct {
	items []T
	parse func(string) (T, error)
	key   func(T) string
}

func (f *keyedFlag[T]) String() string {
	var keys []string
	for _, it := range f.items {
		keys = append(keys, f.key(it))
	}
	return strings.Join(keys, " ")
}

func (f *keyedFlag[T]) Set(v string) error {
	it, err := f.parse(v)
	if err != nil {
		return err
	}
	for _, old := range f.items {
		if f.key(old) == f.key(it) {
			return fmt.Errorf("%s given twice", f.key(it))
		}
	}
	f.items = append(f.items, it)
	return nil
}

func cmdBias(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("bias", "bias SCENARIO.toml | PRESET --reps N [--estimators a,b] [--sweep key=v1,v2]... [--workers N] [--out DIR] [--resume] [--shard i/n] [--seed S] [--external \"CMD ARGS\" [--external-name NAME] [--external-estimands e1,e2]]...",
		"  redress bias textbook-selection --reps 1000 --estimators naive,ols,heckit,heckman,ipw,aipw\n"+
			"  redress bias textbook-selection --reps 500 --sweep textbook.rho=0,0.3,0.6,0.9 --sweep population.size=500,2000 --out rho-study\n"+
			"  redress bias textbook-selection --reps 1000 --shard 2/8 --out shard2   # then: redress merge shard* --out study\n"+
			"  redress bias textbook-selection --reps 200 --external \"Rscript examples/external/heckit.R {data}\" --external-name heckit_r --external-estimands beta_x1,mean_satisfaction_given_x", stdout)
	reps := fs.Int("reps", 0, "replications per grid point (`N` ≥ 1; default the scenario's study.reps)")
	ests := fs.String("estimators", "", "comma-separated `methods` (default: the scenario's study.estimators, else every one that applies to its mode); \"none\" runs only the --external ones")
	sweeps := &keyedFlag[study.Sweep]{parse: study.ParseSweep, key: func(s study.Sweep) string { return s.Key }}
	fs.Var(sweeps, "sweep", "sweep a scenario `key=v1,v2,...` (repeat for a grid), e.g. textbook.rho=0,0.5 or policies[0].refund=0,0.5,1; replaces the scenario's study.sweeps")
	workers := fs.Int("workers", 0, "replications run at once (0 = all cores); results do not depend on it")
	out := fs.String("out", "redress-bias", "write the study's files to `DIR`")
	resume := fs.Bool("resume", false, "finish an interrupted study in --out, or extend it to a larger --reps (same arguments otherwise)")
	shard := fs.String("shard", "", "run only shard `i/n`: replications r with r mod n = i−1; combine with `redress merge`. \"auto\" (or auto/N) reads the index from a Slurm, Kubernetes, AWS Batch or Google Batch array job")
	seed := fs.Int64("seed", -1, "override the scenario's seed (`S` ≥ 0)")
	until := fs.String("until", "", "run each grid point until a precision `target` holds, e.g. \"mcse(coverage)<0.005\" (several: comma-separated); --reps is then the cap")
	cluster := fs.String("cluster", "", "cluster the standard errors by `column` where a method can (every one but psm); default customer_id in behavioral mode (episodes repeat customers), none in textbook mode; \"none\" turns it off (then HC1 for ols and iv)")
	batch := fs.Int("batch", 0, "with --until: check the target every `N` replications (default: the scenario's study.batch, else 100)")
	xf := addExternalFlags(fs)
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageError("bias takes one scenario (file or preset), got %d", len(pos))
	}
	if *reps < 0 {
		return usageError("bias: --reps must be ≥ 1 (e.g. --reps 1000)")
	}
	if *workers < 0 {
		return usageError("--workers must be ≥ 0, got %d", *workers)
	}
	if *out == "" {
		return usageError("bias: --out must name a directory")
	}
	si, sn, err := resolveShard(*shard, stderr)
	if err != nil {
		return err
	}
	sc, err := loadSeeded(pos[0], *seed)
	if err != nil {
		return err
	}
	// The scenario's [study] table gives the defaults; flags override.
	cfg, err := study.FromScenario(sc)
	if err != nil {
		return &exitError{code: 2, err: err}
	}
	if *reps > 0 {
		cfg.Reps = *reps
	}
	if cfg.Reps < 1 {
		return usageError("bias: --reps must be ≥ 1 (e.g. --reps 1000); %s sets no study.reps", pos[0])
	}
	if cfg.External, err = xf.config(); err != nil {
		return err
	}
	cfg.ExternalTimeout = *xf.timeout
	switch {
	case *ests == "none" && len(cfg.External) == 0:
		return usageError("bias: --estimators none leaves no estimator; add an --external one")
	case *ests == "none":
		cfg.Estimators = []string{}
	case *ests != "":
		cfg.Estimators = methodList(*ests)
		if err := study.ValidateEstimators(study.KindOf(sc), cfg.Estimators); err != nil {
			return usageError("%v", err)
		}
	}
	if len(sweeps.items) > 0 {
		cfg.Sweeps = sweeps.items
	}
	if cfg.Cluster = *cluster; *cluster != "" && *cluster != "none" && sc.Mode == scenarios.ModeTextbook {
		return usageError("bias: --cluster %q: textbook rows are independent draws, so there is nothing to cluster; use it in behavioral mode (or \"none\")", *cluster)
	}
	cfg.Workers, cfg.Out, cfg.Resume, cfg.Shard, cfg.Shards, cfg.Plot = *workers, *out, *resume, si, sn, studyplot.Plots
	if err := setUntil(&cfg, *until, *batch); err != nil {
		return err
	}
	prog := newProgress(stderr, "replications")
	cfg.Progress = prog.update
	start := time.Now()
	defer tuneGC()()
	res, err := study.Bias(ctx, cfg)
	prog.finish()
	if xerr := externalError(err, len(cfg.External)); xerr != nil {
		return xerr
	}
	if err != nil {
		return biasError(err, res, *out)
	}
	printBias(stdout, res, time.Since(start))
	printFiles(stdout, *out, res)
	return nil
}

// tuneGC raises the GC target for a study unless GOGC is set, and
// returns the function that restores it. Each replication allocates
// short-lived memory (about 0.9 MB at n = 100, all garbage by its end)
// while the live heap stays small, so the default GC target (100%)
// collects every few replications, and on few cores the collector's
// work halves the parallel speed-up. GOGC=200 gives about 1.6× the
// throughput on 2 cores for twice a small heap (textbook-selection,
// 1,000 replications: 7.3 s and 51 MB peak RSS). Large transient
// allocations defeat it: when the bivariate probit sized its scratch for
// 8,192 rows whatever n, the heap ran away to 860 MB at 1,000
// replications of n = 100; keep per-fit scratch sized to the data. The
// library leaves the process's GC alone; the command tunes it.
func tuneGC() (restore func()) {
	if os.Getenv("GOGC") != "" {
		return func() {}
	}
	old := debug.SetGCPercent(200)
	return func() { debug.SetGCPercent(old) }
}

// setUntil sets cfg's precision target from --until and --batch.
func setUntil(cfg *study.Config, until string, batch int) error {
	if until != "" {
		var err error
		if cfg.Until, err = study.ParseUntil(until); err != nil {
			return usageError("--until: %v", err)
		}
	}
	if batch < 0 {
		return usageError("--batch must be ≥ 1, got %d", batch)
	}
	if batch > 0 {
		cfg.Batch = batch
	}
	if len(cfg.Until) > 0 && cfg.Shards > 0 {
		return usageError("--until cannot be combined with --shard: a precision target needs all of a point's replications in one place")
	}
	return nil
}

// biasError says what a failed study means for the command line: an
// interruption keeps the finished replications for --resume; a study
// already in --out, or none to resume, is a usage error.
func biasError(err error, res *study.Results, out string) error {
	switch {
	case errors.Is(err, study.ErrInterrupted):
		saved := 0
		if res != nil {
			saved = res.Resumed + res.Ran
		}
		return &exitError{code: 1, err: fmt.Errorf("bias: interrupted; %d replications saved in %s; finish with the same command and --resume", saved, out)}
	case errors.Is(err, context.Canceled):
		return &exitError{code: 1, err: fmt.Errorf("bias: interrupted; finish with the same command and --resume")}
	case errors.Is(err, study.ErrStudyExists):
		return usageError("bias: --out %v; pass --resume to finish it, or choose another --out", err)
	case errors.Is(err, study.ErrCannotResume):
		return usageError("bias: --resume: %v", err)
	}
	return fmt.Errorf("bias: %w", err)
}

// methodList splits a comma-separated list of methods, dropping blanks.
func methodList(s string) []string {
	var out []string
	for _, m := range strings.Split(s, ",") {
		if m = strings.TrimSpace(m); m != "" {
			out = append(out, m)
		}
	}
	return out
}

func cmdMerge(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("merge", "merge DIR... [--out DIR]",
		"  redress merge shard1 shard2 shard3 --out study", stdout)
	out := fs.String("out", "redress-bias", "write the merged study to `DIR`")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		return usageError("merge: name the shard directories")
	}
	for _, d := range pos {
		if samePath(d, *out) {
			return usageError("merge: --out %s is one of the inputs (%s); choose another directory", *out, d)
		}
	}
	res, err := study.Merge(pos, *out, studyplot.Plots)
	if errors.Is(err, study.ErrUnfinished) {
		return usageError("%v; finish it with the bias command that began it and --resume", err)
	}
	if err != nil {
		return err
	}
	printBias(stdout, res, 0)
	fmt.Fprintf(stdout, "\nMerged %d directories.", len(pos))
	printFiles(stdout, *out, res)
	return nil
}

// printFiles lists a study's files: the tables, then the PNG plots (each
// also written as SVG).
func printFiles(w io.Writer, dir string, res *study.Results) {
	fmt.Fprintf(w, "\nFiles in %s: %s\n", dir, strings.Join([]string{study.ReportFile, study.SummaryCSVFile, study.SummaryJSONFile, study.ReplicationsFile, study.ManifestFile}, ", "))
	var png []string
	for _, p := range res.Plots {
		if strings.HasSuffix(p, ".png") {
			png = append(png, p)
		}
	}
	if len(png) > 0 {
		fmt.Fprintf(w, "Plots (PNG, and SVG of the same name): %s\n", strings.Join(png, ", "))
	}
	if res.PlotError != "" {
		fmt.Fprintf(w, "Plots were not drawn: %s\n", res.PlotError)
	}
}

// printBias prints the text summary of a study.
func printBias(w io.Writer, res *study.Results, elapsed time.Duration) {
	m := res.Manifest
	upTo := ""
	if m.Until != "" {
		upTo = "up to "
	}
	fmt.Fprintf(w, "Bias study: %s (%s mode), %s%s × %s", m.Scenario, m.Mode, upTo, plural(m.Reps, "replication"), plural(len(res.Points), "grid point"))
	if m.Shard != "" {
		fmt.Fprintf(w, ", shard %s", m.Shard)
	}
	if elapsed > 0 {
		fmt.Fprintf(w, "; ran %d in %s", res.Ran, elapsed.Round(time.Millisecond))
		if res.Resumed > 0 {
			fmt.Fprintf(w, " (%d were already done)", res.Resumed)
		}
	}
	fmt.Fprintln(w)
	if u := study.UntilSummary(res); u != "" {
		fmt.Fprintln(w, "Ran "+u+".")
	}
	fmt.Fprintln(w, "Measures over successful replications, Monte Carlo SE in parentheses.")
	for _, p := range res.Points {
		fmt.Fprintln(w)
		if lbl := study.PointLabel(m, p); lbl != "" {
			fmt.Fprintf(w, "Point %d: %s\n", p.Index, lbl)
		}
		head, rows := study.Table(res, p.Index)
		grid(w, head, rows, false)
	}
}

// samePath reports whether a and b name the same directory: the same
// file on disk when both exist, else the same cleaned absolute path.
func samePath(a, b string) bool {
	sa, errA := os.Stat(a)
	sb, errB := os.Stat(b)
	if errA == nil && errB == nil {
		return os.SameFile(sa, sb)
	}
	pa, errA := filepath.Abs(a)
	pb, errB := filepath.Abs(b)
	return errA == nil && errB == nil && pa == pb
}

// resolveShard parses --shard, reading "auto" and "auto/N" from the
// array-job variables of the scheduler running this process, and says
// what it found.
func resolveShard(spec string, stderr io.Writer) (int, int, error) {
	rest, ok := strings.CutPrefix(spec, "auto")
	if !ok {
		i, n, err := study.ParseShard(spec)
		if err != nil {
			return 0, 0, usageError("--shard: %v", err)
		}
		return i, n, nil
	}
	count := 0
	if rest != "" {
		c, err := strconv.Atoi(strings.TrimPrefix(rest, "/"))
		if !strings.HasPrefix(rest, "/") || err != nil || c < 1 {
			return 0, 0, usageError("--shard %q: want auto or auto/N with N ≥ 1 tasks", spec)
		}
		count = c
	}
	i, n, sched, err := study.ShardFromEnv(os.LookupEnv, count)
	if err != nil {
		return 0, 0, usageError("--shard %s: %v", spec, err)
	}
	fmt.Fprintf(stderr, "shard %d/%d (from the %s array task)\n", i, n, sched)
	return i, n, nil
}

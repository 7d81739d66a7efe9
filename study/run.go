package study

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"

	"github.com/redress-sim/redress/internal/parallel"
	"github.com/redress-sim/redress/scenarios"
	"github.com/redress-sim/redress/sim"
)

// studyRun is a study being run: what it runs, where its replications
// go, and the measures accumulated from them.
type studyRun struct {
	cfg     *Config
	man     Manifest
	points  []Point
	scs     []*scenarios.Scenario
	hashes  []string // scs[p].Hash(), "" where it failed (sim.Run then reports it)
	tl      taskList
	repPath string
	sum     *summarizer
	res     *Results
	f       *os.File // replications.csv, open for appending
	sink    *repSink
	ext     *extRunner // the external estimators (nil: none)
}

func newStudyRun(cfg *Config, man Manifest, points []Point, scs []*scenarios.Scenario) *studyRun {
	hashes := make([]string, len(scs))
	for p, sc := range scs {
		hashes[p], _ = sc.Hash()
	}
	return &studyRun{cfg: cfg, man: man, points: points, scs: scs, hashes: hashes, tl: newTaskList(man, len(points)),
		repPath: filepath.Join(cfg.Out, ReplicationsFile), sum: newSummarizer(man.Pairs, len(points)),
		res: &Results{Manifest: man, Points: points}}
}

// results returns the study's results with the measures of every
// replication seen so far.
func (st *studyRun) results() *Results {
	st.res.Summary = st.sum.finish()
	return st.res
}

// open opens replications.csv for appending.
func (st *studyRun) open() error {
	f, err := os.OpenFile(st.repPath, os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	st.f, st.sink = f, newRepSink(f, st.points, st.sum)
	return nil
}

// close syncs and closes replications.csv, returning err if set.
func (st *studyRun) close(err error) error {
	if st.f == nil {
		return err
	}
	if err == nil {
		err = st.f.Sync()
	}
	return errors.Join(err, st.f.Close())
}

// put appends one replication to the file and the measures.
func (st *studyRun) put(rows []RepRow) error {
	if err := st.sink.put(rows); err != nil {
		return fmt.Errorf("write %s: %w", st.repPath, err)
	}
	return nil
}

// runTasks runs the n tasks at(0), …, at(n−1) on cfg.Workers goroutines
// and appends their rows to replications.csv in task order as they
// finish (parallel.Ordered: the memory held does not grow with n).
func (st *studyRun) runTasks(ctx context.Context, n int, at func(k int) task, progress func(done, total int)) error {
	work := func(ctx context.Context, k int) ([]RepRow, error) {
		return runOne(ctx, st, at(k))
	}
	emit := func(k int, rows []RepRow) error {
		if err := st.put(rows); err != nil {
			return err
		}
		st.res.Ran++
		if progress != nil {
			progress(k+1, n)
		}
		return nil
	}
	done, err := parallel.Ordered(ctx, n, st.cfg.Workers, work, emit)
	if err != nil && ctx.Err() != nil {
		return fmt.Errorf("%w after %d of %d replications", ErrInterrupted, done, n)
	}
	return err
}

// runOne simulates one replication of one point and runs the
// estimators, the external ones (st.ext) included.
func runOne(ctx context.Context, st *studyRun, t task) ([]RepRow, error) {
	sc, man, alter, ext := st.scs[t.point], st.man, st.cfg.alter, st.ext
	res, err := sim.Run(ctx, sc, sim.Options{Replication: uint64(t.rep), Collect: true, Workers: 1, ScenarioHash: st.hashes[t.point]})
	if err != nil {
		return nil, err
	}
	var data []byte
	if ext != nil { // the observed table before the estimators add to it
		if data, err = csvBytes(res.Episodes); err != nil {
			return nil, err
		}
	}
	rows, err := evaluate(res.Episodes, KindOf(sc), res.Truth, man.Estimators, man.Cluster)
	if err != nil {
		return nil, fmt.Errorf("point %d replication %d: %w", t.point, t.rep, err)
	}
	if ext != nil {
		xrows, err := ext.run(ctx, sc, t, data, res.Truth)
		if err != nil {
			return nil, fmt.Errorf("point %d replication %d: %w", t.point, t.rep, err)
		}
		rows = append(rows, xrows...)
	}
	if rows, err = inPairOrder(rows, man.Pairs); err != nil {
		return nil, fmt.Errorf("point %d replication %d: %w", t.point, t.rep, err)
	}
	out := make([]RepRow, len(rows))
	for i, r := range rows {
		out[i] = repRow(t, r)
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

// repRow returns task t's row for r, with a non-finite estimate or
// standard error (other than an SE an external estimator did not give)
// marked as a failure.
func repRow(t task, r Row) RepRow {
	rr := RepRow{Point: t.point, Rep: t.rep, Estimand: r.Estimand, Method: r.Method, Truth: r.Truth,
		Estimate: r.Estimate, StdError: r.StdError}
	switch {
	case r.Err != nil:
		rr.Error = r.Err.Error()
	case math.IsNaN(r.Estimate) || math.IsInf(r.Estimate, 0):
		rr.Error = "non-finite estimate"
	case r.noSE:
		rr.StdError = math.NaN()
	case math.IsNaN(r.StdError) || math.IsInf(r.StdError, 0) || r.StdError < 0:
		rr.Error = "non-finite standard error"
	}
	return rr
}

// inPairOrder returns rows in the order of pairs, one per pair.
func inPairOrder(rows []Row, pairs []Pair) ([]Row, error) {
	if len(rows) != len(pairs) {
		return nil, fmt.Errorf("%d results, want %d", len(rows), len(pairs))
	}
	at := make(map[Pair]int, len(rows))
	for i, r := range rows {
		at[Pair{r.Estimand, r.Method}] = i
	}
	out := make([]Row, len(pairs))
	for k, p := range pairs {
		i, ok := at[p]
		if !ok {
			return nil, fmt.Errorf("no result for %s/%s", p.Estimand, p.Method)
		}
		out[k] = rows[i]
	}
	return out, nil
}

// cleanError keeps an error message on one line.
func cleanError(s string) string {
	s = strings.ReplaceAll(s, "\r", "")
	return strings.ReplaceAll(s, "\n", "; ")
}

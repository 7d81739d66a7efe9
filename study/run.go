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

// runOne simulates one replication of one point and runs the estimators.
func runOne(ctx context.Context, st *studyRun, t task) ([]RepRow, error) {
	sc, man, alter := st.scs[t.point], st.man, st.cfg.alter
	res, err := sim.Run(ctx, sc, sim.Options{Replication: uint64(t.rep), Collect: true, Workers: 1, ScenarioHash: st.hashes[t.point]})
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

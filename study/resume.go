package study

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/redress-sim/redress/internal/outfile"
)

// resumable checks that the study in cfg.Out can be resumed as man. It
// returns nil when the study there is man itself, or the manifest found
// when it is man with fewer replications (to be extended).
func resumable(cfg *Config, man Manifest, manBytes []byte) (*Manifest, error) {
	old, err := os.ReadFile(filepath.Join(cfg.Out, ManifestFile))
	if err != nil {
		return nil, &InputError{fmt.Errorf("%w: %s has no study (%w)", ErrCannotResume, cfg.Out, err)}
	}
	if bytes.Equal(old, manBytes) {
		return nil, nil
	}
	var m Manifest
	if json.Unmarshal(old, &m) == nil && m.validate() == nil && len(cfg.Until) == 0 && m.Reps < man.Reps {
		raised := m
		raised.Reps = man.Reps
		if b, err := marshalManifest(raised); err == nil && bytes.Equal(b, manBytes) {
			return &m, nil
		}
	}
	return nil, &InputError{fmt.Errorf("%w: the study in %s differs from this one (scenario, seed, estimators, external commands, sweeps or shard, or more replications)", ErrCannotResume, cfg.Out)}
}

// resumeErr marks a replications file that cannot be resumed.
func resumeErr(path string, err error) error {
	return &InputError{fmt.Errorf("%w: %s: %w", ErrCannotResume, path, err)}
}

// rewritePrefix replaces replications.csv by the header and, when
// resuming, the valid prefix of the replications found there (a partial last
// line or replication dropped), feeding them to the measures. A study
// with a precision target checks its prefix against the stopping rule
// (ut); others against the task list. Nothing changes on disk if the
// file found is not such a prefix.
func (st *studyRun) rewritePrefix(resume bool, ut *untilTracker) error {
	out, err := outfile.Create(st.repPath)
	if err != nil {
		return err
	}
	defer out.Abort()
	cw := csv.NewWriter(out)
	writeHeader(cw, st.man)
	cw.Flush()
	if resume {
		sink := newRepSink(out, st.points, st.sum)
		err := st.scanPrefix(st.man, func(k int, rows []RepRow) error {
			if ut != nil {
				if err := ut.admit(rows); err != nil {
					return err
				}
			} else if err := expectTask(st.tl, k, rows[0]); err != nil {
				return err
			}
			if err := sink.put(rows); err != nil {
				return err
			}
			if ut != nil {
				ut.added()
			}
			st.res.Resumed++
			return nil
		})
		if err != nil {
			return err
		}
	}
	return out.Commit()
}

// scanPrefix calls fn with each whole replication of the replications
// file of the study m, in file order, counting from 0. An unreadable file
// or an error from fn is an input error that cannot be resumed.
func (st *studyRun) scanPrefix(m Manifest, fn func(k int, rows []RepRow) error) error {
	rd, err := OpenReplications(st.repPath, m)
	if err != nil {
		return &InputError{err}
	}
	defer rd.Close()
	for k := 0; ; k++ {
		rows, err := rd.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return &InputError{err}
		}
		if err := fn(k, rows); err != nil {
			return resumeErr(st.repPath, err)
		}
	}
}

// expectTask checks that a replication whose first row is r is task k of
// tl.
func expectTask(tl taskList, k int, r RepRow) error {
	if k >= tl.len() {
		return errors.New("more replications than the study has")
	}
	if t := tl.at(k); r.Point != t.point || r.Rep != t.rep {
		return fmt.Errorf("replication %d on file is point %d replication %d, want point %d replication %d",
			k+1, r.Point, r.Rep, t.point, t.rep)
	}
	return nil
}

// extend finishes a study whose replications were raised from prev's:
// point by point it copies the point's earlier replications, then runs
// its new ones, so that replications.csv is at every moment a prefix of
// the study's canonical order. (An interruption keeps the points done;
// a later resume recomputes the rest, with the same random numbers.)
func (st *studyRun) extend(ctx context.Context, prev Manifest, manBytes []byte) error {
	ptl := newTaskList(prev, len(st.points))
	have := make([]int, len(st.points)) // earlier replications per point
	err := st.scanPrefix(prev, func(k int, rows []RepRow) error {
		if err := expectTask(ptl, k, rows[0]); err != nil {
			return err
		}
		have[rows[0].Point]++
		return nil
	})
	if err != nil {
		return err
	}
	// Keep reading the earlier file while the new one replaces it.
	rd, err := OpenReplications(st.repPath, prev)
	if err != nil {
		return err
	}
	defer rd.Close()
	if err := outfile.WriteFile(filepath.Join(st.cfg.Out, ManifestFile), manBytes); err != nil {
		return err
	}
	if err := st.rewritePrefix(false, nil); err != nil { // the header only
		return err
	}
	if err := st.open(); err != nil {
		return err
	}
	return st.close(st.extendPoints(ctx, rd, have))
}

// extendPoints copies each point's earlier replications from rd and runs
// its new ones.
func (st *studyRun) extendPoints(ctx context.Context, rd *ReplicationReader, have []int) error {
	ntodo := st.tl.len()
	for _, h := range have {
		ntodo -= h
	}
	per := st.tl.perPt
	for p := range st.points {
		for range have[p] {
			rows, err := rd.Next()
			if err != nil {
				return fmt.Errorf("%s: %w", st.repPath, err)
			}
			if err := st.put(rows); err != nil {
				return err
			}
			st.res.Resumed++
		}
		var progress func(done, total int)
		if st.cfg.Progress != nil {
			base := st.res.Ran
			progress = func(done, _ int) { st.cfg.Progress(base+done, ntodo) }
		}
		first := p*per + have[p]
		if err := st.runTasks(ctx, per-have[p], func(k int) task { return st.tl.at(first + k) }, progress); err != nil {
			return err
		}
	}
	return nil
}

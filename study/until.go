package study

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Target is a precision target of a study that runs until it is met:
// the Monte Carlo standard error of a performance measure below a bound,
// for every estimand and method of a grid point.
type Target struct {
	Measure string  // a measure of summary.csv: bias, coverage, rmse, ...
	Below   float64 // the MCSE bound
}

// String is the target as ParseUntil reads it.
func (t Target) String() string {
	return fmt.Sprintf("mcse(%s)<%s", t.Measure, strconv.FormatFloat(t.Below, 'g', -1, 64))
}

// ParseUntil parses a precision target such as "mcse(coverage)<0.005";
// several, separated by commas, must all hold.
func ParseUntil(s string) ([]Target, error) {
	var names []string
	for _, m := range measureColumns {
		names = append(names, m.name)
	}
	var out []Target
	for _, part := range strings.Split(s, ",") {
		part = strings.ReplaceAll(strings.TrimSpace(part), " ", "")
		inner, ok := strings.CutPrefix(part, "mcse(")
		name, bound, ok2 := strings.Cut(inner, ")<")
		if !ok || !ok2 {
			return nil, fmt.Errorf("target %q: want mcse(MEASURE)<BOUND, e.g. mcse(coverage)<0.005", s)
		}
		if !measureKnown(name) {
			return nil, fmt.Errorf("target %q: unknown measure %q; measures are %s", s, name, strings.Join(names, ", "))
		}
		b, err := strconv.ParseFloat(bound, 64)
		if err != nil || !(b > 0) || math.IsInf(b, 0) {
			return nil, fmt.Errorf("target %q: the bound %q must be a number > 0", s, bound)
		}
		out = append(out, Target{Measure: name, Below: b})
	}
	return out, nil
}

func measureKnown(name string) bool {
	for _, m := range measureColumns {
		if m.name == name {
			return true
		}
	}
	return false
}

func untilString(ts []Target) string {
	var s []string
	for _, t := range ts {
		s = append(s, t.String())
	}
	return strings.Join(s, ",")
}

// UntilTargets returns the manifest's precision targets (nil without).
func (m Manifest) UntilTargets() []Target {
	ts, _ := ParseUntil(m.Until)
	return ts
}

// met reports whether every target holds for each of ms, the measures
// of one grid point's estimands and methods. An undefined MCSE (too few
// successful replications) does not meet a target.
func met(ts []Target, ms []Measures) bool {
	if len(ms) == 0 {
		return false
	}
	for i := range ms {
		for _, t := range ts {
			for _, c := range measureColumns {
				if c.name == t.Measure && !(c.get(&ms[i]).MCSE < t.Below) {
					return false
				}
			}
		}
	}
	return true
}

// nextCheck is the next checkpoint after n replications: the next
// multiple of the batch size, or the cap.
func nextCheck(m Manifest, n int) int {
	return min((n/m.Batch+1)*m.Batch, m.Reps)
}

// untilTracker follows the stopping rule of a study with a precision
// target through its replications in canonical order: the point being
// run, its replications so far, and whether the rule has stopped it.
// Checks happen after every Batch replications and at the cap (Reps), so
// where a point stops does not depend on workers or interruptions.
type untilTracker struct {
	m        Manifest
	ts       []Target
	sum      *summarizer
	npoints  int
	point, n int
	done     bool
}

func newUntilTracker(m Manifest, ts []Target, sum *summarizer) *untilTracker {
	return &untilTracker{m: m, ts: ts, sum: sum, npoints: len(Grid(m.Sweeps))}
}

// admit checks that a replication found on disk, whose first row is
// rows[0], is the next one the rule allows: points in order, each with
// replications 0, 1, …, every point but the last stopped by the rule.
func (u *untilTracker) admit(rows []RepRow) error {
	r := rows[0]
	switch {
	case r.Point == u.point && u.done:
		return fmt.Errorf("point %d met its target after %d replications, but more follow", u.point, u.n)
	case r.Point != u.point && r.Point != u.point+1:
		return fmt.Errorf("point %d follows point %d", r.Point, u.point)
	case r.Point != u.point && !u.done:
		return fmt.Errorf("point %d stops after %d replications without meeting its target", u.point, u.n)
	case r.Point >= u.npoints:
		return fmt.Errorf("point %d: the study has %d points", r.Point, u.npoints)
	}
	if r.Point != u.point {
		u.point, u.n, u.done = r.Point, 0, false
	}
	if r.Rep != u.n {
		return fmt.Errorf("point %d: replication %d where %d is due", r.Point, r.Rep, u.n)
	}
	return nil
}

// added advances the rule past a replication added to the measures.
func (u *untilTracker) added() {
	u.n++
	u.done = u.n >= u.m.Reps || (u.n%u.m.Batch == 0 && met(u.ts, u.sum.current()))
}

// runUntil runs the replications of a study with a precision target,
// point by point, a batch at a time, from where ut stands, until each
// point meets the target or the cap.
func (st *studyRun) runUntil(ctx context.Context, ut *untilTracker) error {
	m := st.man
	// Progress counts against the most the study can still run.
	total := len(st.points)*m.Reps - st.res.Resumed
	p, n := ut.point, ut.n
	if ut.done {
		p, n = p+1, 0
	}
	for ; p < len(st.points); p, n = p+1, 0 {
		for done := false; !done; {
			var progress func(done, total int)
			if st.cfg.Progress != nil {
				base := st.res.Ran
				progress = func(done, _ int) { st.cfg.Progress(base+done, total) }
			}
			point, from, next := p, n, nextCheck(m, n)
			if err := st.runTasks(ctx, next-from, func(k int) task { return task{point, from + k} }, progress); err != nil {
				return err
			}
			n = next
			done = n >= m.Reps || met(st.cfg.Until, st.sum.current())
		}
	}
	return nil
}

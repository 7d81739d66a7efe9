package study

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/redress-sim/redress/scenarios"
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

// met reports whether every target holds for every (estimand, method) of
// rows, the replications of one grid point. An undefined MCSE (too few
// successful replications) does not meet a target.
func met(ts []Target, rows []RepRow) bool {
	if len(rows) == 0 {
		return false
	}
	for _, m := range Summarize(rows) {
		for _, t := range ts {
			for _, c := range measureColumns {
				if c.name != t.Measure {
					continue
				}
				if se := c.get(&m).MCSE; !(se < t.Below) {
					return false
				}
			}
		}
	}
	return true
}

// pointStatus replays the stopping rule of a study with a precision
// target on the replications of one point found on disk: it returns
// whether the point is finished and how many replications it then has.
// Checks happen after every Batch replications and at the cap (Reps), so
// the outcome does not depend on workers or interruptions.
func pointStatus(m Manifest, ts []Target, rows []RepRow) (done bool, reps int) {
	per := len(m.Pairs)
	n := len(rows) / per
	for b := m.Batch; b <= n; b += m.Batch {
		if met(ts, rows[:b*per]) {
			return true, b
		}
	}
	if n >= m.Reps {
		return true, m.Reps
	}
	return false, n
}

// nextCheck is the next checkpoint after n replications: the next
// multiple of the batch size, or the cap.
func nextCheck(m Manifest, n int) int {
	return min((n/m.Batch+1)*m.Batch, m.Reps)
}

// runUntil runs the replications of a study with a precision target,
// point by point, a batch at a time, appending to res.Rows and to the
// replications file, until each point meets the target or the cap.
func runUntil(ctx context.Context, cfg *Config, res *Results, scs []*scenarios.Scenario, repPath string) error {
	m := res.Manifest
	per := len(m.Pairs)
	// Progress counts against the most the study can still run.
	total := len(res.Points)*m.Reps - res.Resumed
	ran := 0
	run := *cfg
	if cfg.Progress != nil {
		run.Progress = func(done, _ int) { cfg.Progress(ran+done, total) }
	}
	start := 0
	if len(res.Rows) > 0 {
		start = res.Rows[len(res.Rows)-1].Point
	}
	for p := start; p < len(res.Points); p++ {
		done, n := pointStatus(m, cfg.Until, rowsOfPoint(res.Rows, p))
		for !done {
			next := nextCheck(m, n)
			var todo []task
			for r := n; r < next; r++ {
				todo = append(todo, task{p, r})
			}
			newRows, err := runTasks(ctx, &run, m, res.Points, scs, todo, repPath)
			res.Rows = append(res.Rows, newRows...)
			res.Ran += len(newRows) / per
			ran += len(newRows) / per
			if err != nil {
				return err
			}
			n = next
			done = n >= m.Reps || met(cfg.Until, rowsOfPoint(res.Rows, p))
		}
	}
	return nil
}

// checkUntilPrefix checks that rows, found on disk, are what a study
// with a precision target writes: points in order, each with
// replications 0, 1, … and the manifest's pairs in order, every point
// but the last finished by the stopping rule with exactly its rows.
func checkUntilPrefix(rows []RepRow, m Manifest, ts []Target, npoints int) error {
	per := len(m.Pairs)
	i := 0
	for p := 0; i < len(rows); p++ {
		if p >= npoints {
			return fmt.Errorf("row %d: more points than the study has", i+2)
		}
		pr := rowsOfPoint(rows[i:], p)
		if len(pr) == 0 || &pr[0] != &rows[i] {
			return fmt.Errorf("row %d is point %d, want point %d", i+2, rows[i].Point, p)
		}
		for k := range pr {
			want := m.Pairs[k%per]
			if pr[k].Rep != k/per || pr[k].Estimand != want.Estimand || pr[k].Method != want.Method {
				return fmt.Errorf("row %d is point %d replication %d %s/%s, want replication %d %s/%s",
					i+k+2, p, pr[k].Rep, pr[k].Estimand, pr[k].Method, k/per, want.Estimand, want.Method)
			}
		}
		done, n := pointStatus(m, ts, pr)
		if done && n*per < len(pr) {
			return fmt.Errorf("point %d has %d replications but met its target after %d", p, len(pr)/per, n)
		}
		if i+len(pr) < len(rows) && !done {
			return fmt.Errorf("point %d stops after %d replications without meeting its target", p, len(pr)/per)
		}
		i += len(pr)
	}
	return nil
}

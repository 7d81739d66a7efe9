// Package sim is the redress simulation engine: population generation,
// the weekly loop of purchases, failures, contacts and recoveries, the
// potential outcomes and ground truth on common random numbers, and the
// observed dataset a firm would hold.
//
// Run dispatches on the scenario's mode: "behavioral" runs the agent-based
// model of packages agents and policies; "textbook" draws the exact
// selection model of package textbook.
package sim

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"

	"github.com/redress-sim/redress/internal/outfile"
	"github.com/redress-sim/redress/policies"
	"github.com/redress-sim/redress/rng"
	"github.com/redress-sim/redress/scenarios"
	"github.com/redress-sim/redress/table"
	"github.com/redress-sim/redress/textbook"
	"github.com/redress-sim/redress/truth"
)

// Options control a run.
type Options struct {
	// Out is the directory for output files; empty writes nothing.
	Out string
	// Workers is the number of goroutines (0 = GOMAXPROCS). Results do
	// not depend on it.
	Workers int
	// Replication selects independent random streams under one seed.
	Replication uint64
	// Collect keeps the observed episodes in memory as Result.Episodes
	// (the same values episodes.csv holds), and in behavioral mode the
	// customers as Result.Customers (those of customers.csv), for
	// estimation and calibration without files.
	Collect bool
	// Progress, if set, is called from the simulating goroutine after
	// each simulated week (warm-up weeks, and the replays of the other
	// policies that truth.json compares, included) with the weeks done
	// and the total. It does not change the results.
	Progress func(done, total int)
	// ScenarioHash is the scenario's Hash when the caller has computed it
	// (a study does, once per point); empty, Run computes it. It goes to
	// truth.json and changes nothing else.
	ScenarioHash string
	// Collectors receive the episodes of the simulated policy's run as
	// they close (see Collector); a collector's error stops the run.
	Collectors []Collector
}

// Result is what a run produced.
type Result struct {
	Scenario *scenarios.Scenario
	// Policy is the simulated policy's name (behavioral mode).
	Policy string
	// Summary are the headline figures (behavioral mode).
	Summary Summary
	// Textbook is the summary of a textbook-mode run.
	Textbook *textbook.Summary
	// Truth is the content of truth.json.
	Truth *truth.File
	// Files lists the files written, in order.
	Files []string
	// Episodes is the observed episodes table when Options.Collect is set.
	Episodes *table.Table
	// Customers is the customers table (customers.csv's columns and
	// values) when Options.Collect is set; nil in textbook mode, which
	// has no customers file.
	Customers *table.Table
}

// Run simulates the scenario under its active policy and, if opts.Out is
// set, writes the observed data, the codebook and the truth files there.
// When the scenario defines several policies, each is also replayed on
// the same customers and random numbers and its outcomes are added to
// the truth under "policies".
func Run(ctx context.Context, sc *scenarios.Scenario, opts Options) (*Result, error) {
	if sc.Mode == "textbook" {
		return runTextbook(ctx, sc, opts)
	}
	pols, err := policies.Compile(sc)
	if err != nil {
		return nil, err
	}
	if opts.Out != "" {
		if err := os.MkdirAll(opts.Out, 0o755); err != nil {
			return nil, fmt.Errorf("output directory: %w", err)
		}
	}
	active := sc.ActivePolicy()
	base := rng.Base(sc.Seed, opts.Replication)
	pop := newPopulation(sc, base, opts.Workers)
	net, err := buildNetwork(sc, base, pop.nodes)
	if err != nil {
		return nil, err
	}
	eng := newEngine(sc, &pols[active], pop, base, net)
	if opts.Progress != nil {
		done, total := 0, (sc.Population.WarmupWeeks+sc.Population.Weeks)*len(pols)
		eng.onWeek = func() { done++; opts.Progress(done, total) }
	}

	var w *writer
	if opts.Out != "" || opts.Collect {
		w, err = newWriter(opts.Out, sc, pop)
		if err != nil {
			return nil, err
		}
		defer w.abort()
		if opts.Collect {
			w.collect()
		}
	}
	var out Collector
	if all := append(collectors{}, opts.Collectors...); w != nil || len(all) > 0 {
		if w != nil {
			all = append(collectors{w}, all...)
		}
		out = all
	}
	st, err := eng.run(ctx, opts.Workers, out)
	if err != nil {
		return nil, err
	}
	res := &Result{Scenario: sc, Policy: pols[active].Name}
	res.Summary = summarize(sc, pop, &st)
	hash, err := opts.ScenarioHash, error(nil)
	if hash == "" {
		hash, err = sc.Hash()
	}
	if err != nil {
		return nil, err
	}
	tf := &truth.File{Scenario: sc.Name, ScenarioHash: hash, Mode: string(sc.Mode), Seed: sc.Seed,
		Replication: opts.Replication, Version: truth.Version, Policy: pols[active].Name,
		Estimands: estimands(sc, &st)}
	if len(pols) > 1 {
		replayed := func(k int) (Summary, error) {
			sum, _, err := replay(ctx, sc, &pols[k], base, opts.Workers, nil, eng.onWeek)
			return sum, err
		}
		if tf.Policies, err = policyOutcomes(pols, active, res.Summary, replayed); err != nil {
			return nil, err
		}
	}
	res.Truth = tf
	if w != nil {
		if err := w.finish(pop, tf); err != nil {
			return nil, err
		}
		res.Files = w.names
		if opts.Collect {
			if res.Episodes, err = w.table(); err != nil {
				return nil, err
			}
			if res.Customers, err = w.customersTable(pop); err != nil {
				return nil, err
			}
		}
	}
	return res, nil
}

// policyOutcomes returns every policy's metrics and their contrasts with
// the active policy's: the active one's from its run, the others' from
// replayed(k), a replay on the same customers and random numbers.
func policyOutcomes(pols []policies.Policy, active int, activeSum Summary, replayed func(k int) (Summary, error)) ([]truth.PolicyOutcome, error) {
	var out []truth.PolicyOutcome
	for k := range pols {
		sum := activeSum
		if k != active {
			var err error
			if sum, err = replayed(k); err != nil {
				return nil, err
			}
		}
		out = append(out, truth.PolicyOutcome{Policy: pols[k].Name, Metrics: sum.Metrics()})
	}
	ref := out[active].Metrics
	for k := range out {
		c := make(map[string]float64, len(ref))
		for name, v := range out[k].Metrics {
			c[name] = v - ref[name]
		}
		out[k].Contrasts = c
	}
	return out, nil
}

// writer streams the observed and truth files of a behavioral run.
type writer struct {
	dir string
	sc  *scenarios.Scenario
	pop *population
	// vals is the current row; cols, when collecting, the table columns.
	vals    [len(episodeDecimals)]float64
	cols    [][]float64
	eps     *outfile.File
	truthEp *outfile.File
	row     outfile.Row
	nextID  int64
	names   []string
	done    bool
}

func newWriter(dir string, sc *scenarios.Scenario, pop *population) (*writer, error) {
	w := &writer{dir: dir, sc: sc, pop: pop}
	if dir == "" {
		return w, nil
	}
	var err error
	if w.eps, err = outfile.Create(filepath.Join(dir, "episodes.csv")); err != nil {
		return nil, err
	}
	w.eps.Write(episodesSpec.Header())
	if sc.Output.TruthEpisodes {
		if w.truthEp, err = outfile.Create(filepath.Join(dir, "truth_episodes.csv")); err != nil {
			w.eps.Abort()
			return nil, err
		}
		w.truthEp.Write(truthEpisodesSpec.Header())
	}
	return w, nil
}

// collect makes the writer also build the episodes table in memory.
func (w *writer) collect() { w.cols = make([][]float64, len(episodeDecimals)) }

// table returns the collected episodes.
func (w *writer) table() (*table.Table, error) {
	names := make([]string, len(episodesSpec.Columns))
	for i, c := range episodesSpec.Columns {
		names[i] = c.Name
	}
	return table.New(names, w.cols)
}

// abort discards every unfinished file.
func (w *writer) abort() {
	if w.done || w.eps == nil {
		return
	}
	w.eps.Abort()
	if w.truthEp != nil {
		w.truthEp.Abort()
	}
}

// add writes a block's episodes. The engine passes an episode on when
// its horizon has closed, so its spend within H weeks is known from the
// simulation itself; episodes passed on after the last week have
// windows that run past it.
func (w *writer) Episodes(eps []Episode) error { return w.write(eps) }

func (w *writer) WeekDone(int) error { return nil }

// write writes episodes, each marked complete when its spend window lies
// within the simulated weeks.
func (w *writer) write(eps []Episode) error {
	h, weeks := w.sc.Outcomes.HorizonWeeks, w.sc.Population.Weeks
	r := &w.row
	reactive := float64(w.policy().Apology.Level())
	proactive := reactive
	if a := w.policy().ProactiveRemedy.Apology; a != nil {
		proactive = float64(a.Level())
	}
	pers := w.policy().Personalisation
	nan := math.NaN()
	for k := range eps {
		ep := &eps[k]
		apology := reactive
		if ep.Proactive {
			apology = proactive
		}
		id := w.nextID
		w.nextID++
		v := &w.vals
		*v = [len(episodeDecimals)]float64{float64(id), float64(w.pop.node[ep.Customer]), float64(ep.Week),
			float64(ep.Segment), float64(ep.AgeBand), float64(ep.Region), ep.Tenure, ep.OrderValue,
			float64(ep.FailureType), float64(ep.SeverityCat), ep.Instrument, b2f(ep.Contacted),
			b2f(ep.Proactive), b2f(ep.Repeat), nan, nan, nan, nan, nan, 0, nan, nan, nan, b2f(ep.Survey >= 0),
			b2f(ep.Repurchased), w.pop.revenue[ep.Customer] - ep.RevenueBase, b2f(int(ep.Week)+h < weeks)}
		if ep.Contacted {
			v[14], v[15], v[16], v[17], v[18], v[19], v[20] = ep.ResponseHours, ep.Refund, apology, pers, b2f(ep.Resolved), float64(ep.Contacts), b2f(ep.Abandoned)
		}
		if ep.Survey >= 0 {
			v[21], v[22] = float64(ep.Survey), float64(ep.NPS)
		}
		r.Reset()
		for c, x := range v {
			if math.IsNaN(x) {
				r.Empty()
			} else {
				r.Fixed(x, episodeDecimals[c])
			}
		}
		if w.cols != nil {
			appendCells(w.cols, r.Bytes())
		}
		if w.eps == nil {
			continue
		}
		if _, err := w.eps.Write(r.Bytes()); err != nil {
			return err
		}
		if w.truthEp != nil {
			writeTruth(r, id, ep)
			if _, err := w.truthEp.Write(r.Bytes()); err != nil {
				return err
			}
		}
	}
	return nil
}

// episodeDecimals are the decimals each episodes.csv column is written
// with, in episodesSpec order.
var episodeDecimals = [...]int{0, 0, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 0, 0, 2, -1, 0, -1, 0, 0, 0, 0, 0, 0, 0, 2, 0}

func (w *writer) policy() *scenarios.Policy { return &w.sc.Policies[w.sc.ActivePolicy()] }

// finish writes customers.csv, the codebook and truth.json, then
// publishes the streamed files.
func (w *writer) finish(pop *population, tf *truth.File) error {
	if w.eps == nil {
		return nil
	}
	cust, err := w.writeCustomers(pop)
	if err != nil {
		return err
	}
	files := []*outfile.File{cust, w.eps}
	names := []string{"customers.csv", "episodes.csv"}
	defer func() {
		for _, f := range files { // a no-op on published files
			f.Abort()
		}
	}()
	if w.truthEp != nil {
		files = append(files, w.truthEp)
		names = append(names, "truth_episodes.csv")
	}
	for _, j := range []struct {
		name string
		v    any
	}{{"codebook.json", codebook(w.sc)}, {"truth.json", tf}} {
		b, err := json.MarshalIndent(j.v, "", "  ")
		if err != nil {
			return fmt.Errorf("write %s: %w", j.name, err)
		}
		f, err := outfile.Create(filepath.Join(w.dir, j.name))
		if err != nil {
			return err
		}
		files, names = append(files, f), append(names, j.name)
		if _, err := f.Write(append(b, '\n')); err != nil {
			return err
		}
	}
	w.done = true
	// One set: every file of an earlier run goes before any of this
	// run's is renamed into place, and truth.json comes last.
	if err := outfile.CommitAll(outfile.RunFiles(), files...); err != nil {
		return err
	}
	w.names = names
	return nil
}

// writeCustomers writes customers.csv (uncommitted): one row per
// customer present in the recorded weeks.
func (w *writer) writeCustomers(pop *population) (*outfile.File, error) {
	cust, err := outfile.Create(filepath.Join(w.dir, "customers.csv"))
	if err != nil {
		return nil, err
	}
	cust.Write(customersSpec.Header())
	err = w.customerRows(pop, func(row []byte) error {
		_, err := cust.Write(row)
		return err
	})
	if err != nil {
		cust.Abort()
		return nil, err
	}
	return cust, nil
}

// customersTable returns the customers table: customers.csv's columns
// holding exactly what the file's cells say.
func (w *writer) customersTable(pop *population) (*table.Table, error) {
	names := make([]string, len(customersSpec.Columns))
	cols := make([][]float64, len(names))
	for i, c := range customersSpec.Columns {
		names[i] = c.Name
	}
	err := w.customerRows(pop, func(row []byte) error {
		appendCells(cols, row)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return table.New(names, cols)
}

// appendCells appends the cells of one CSV row of numbers (its line
// break included) to the columns, an empty cell as NaN: the exact floats
// the file reads back as.
func appendCells(cols [][]float64, row []byte) {
	row = bytes.TrimSuffix(row, []byte{'\n'})
	for c := range cols {
		cell, rest, _ := bytes.Cut(row, []byte{','})
		row = rest
		x := math.NaN()
		if len(cell) > 0 {
			x, _ = strconv.ParseFloat(string(cell), 64)
		}
		cols[c] = append(cols[c], x)
	}
}

// customerRows formats the row of every customer present in the
// recorded weeks, in customers.csv's order, and passes it to emit.
func (w *writer) customerRows(pop *population, emit func(row []byte) error) error {
	r := &w.row
	warm := w.sc.Population.WarmupWeeks
	weeks := int32(w.sc.Population.Weeks)
	for i := range pop.n {
		if !pop.customer(i, warm) {
			continue
		}
		r.Reset()
		r.Int(int64(pop.node[i])) // the network node: the same person under every policy
		r.Int(int64(pop.segment[i]))
		r.Int(int64(pop.ageBand[i]))
		r.Int(int64(pop.region[i]))
		r.Fixed(max(0, float64(pop.tenure[i])+float64(warm)), 1)
		from := max(0, pop.joinWeek[i]+1-int32(warm)) // first week the customer could buy
		if pop.joinWeek[i]+1 > int32(warm) {
			r.Int(int64(from))
		} else {
			r.Empty()
		}
		churned := pop.exitWeek[i] >= 0
		active := weeks - from
		if churned {
			active = pop.exitWeek[i] - int32(warm) - from
		}
		r.Bool(churned)
		r.Int(int64(active))
		r.Int(int64(pop.purchases[i]))
		r.Fixed(pop.revenue[i], 2)
		r.Int(int64(pop.failures[i]))
		r.Int(int64(pop.contacts[i]))
		if err := emit(r.Bytes()); err != nil {
			return err
		}
	}
	return nil
}

// writeTruth writes episode id's row of truth_episodes.csv.
func writeTruth(r *outfile.Row, id int64, ep *Episode) {
	r.Reset()
	r.Int(id)
	for _, b := range [...]bool{ep.Y1, ep.Y0, ep.YNoFail, ep.Exit1, ep.Exit0, ep.ExitNoFail,
		ep.Gone1, ep.Gone0, ep.GoneNoFail, ep.Complier, ep.FailedRecovery} {
		r.Bool(b)
	}
	for _, x := range [...]float64{ep.Spend1, ep.Spend0, ep.SpendNoFail} {
		r.Fixed(x, 2)
	}
	for _, x := range [...]float64{ep.EY1, ep.EY0, ep.EYNoFail, ep.S1, ep.S0, ep.SNoFail, ep.Severity, ep.U, ep.E,
		ep.Index, ep.Expectation, ep.Performance, ep.Performance - ep.Expectation, ep.Stx, ep.Lambda,
		ep.RecoveryExpectation, ep.Justice[0], ep.Justice[1], ep.Justice[2], ep.RS1(), ep.Compensation, ep.Restored,
		ep.Trust, ep.Cumulative, ep.APEResponse, ep.APERefund, ep.APEApology} {
		r.Fixed(x, 6)
	}
}

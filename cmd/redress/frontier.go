package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"time"

	"github.com/redress-sim/redress/compare"
	"github.com/redress-sim/redress/internal/outfile"
)

func cmdFrontier(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("frontier", "frontier SCENARIO.toml | PRESET --grid lever=a:b:step [--grid ...] [--reps N] [--policy NAME] [--out DIR] [--format text|json|csv] [--workers N]",
		"  redress frontier policy-showdown --grid refund=0:1.2:0.3 --grid response_hours=2,12,24,48 --reps 10 --out frontier\n"+
			"  redress frontier default --grid apology=none,scripted,sincere --grid proactive=0:0.8:0.4", stdout)
	levers := &keyedFlag[compare.Lever]{parse: compare.ParseLever, key: func(l compare.Lever) string { return l.Key }}
	fs.Var(levers, "grid", "a policy `lever=a:b:step` (or lever=v1,v2,...) to vary; repeat for a grid of every combination")
	reps := fs.Int("reps", 10, "replications (`N` ≥ 2) on common random numbers")
	template := fs.String("policy", "", "the policy `NAME` whose other levers stay fixed (default: the scenario's policy)")
	out := fs.String("out", "", "write frontier.json, frontier.csv and the plot frontier.png/.svg to `DIR`")
	format := fs.String("format", "text", "stdout `format`: text, json or csv")
	workers := fs.Int("workers", 0, "replications run at once (0 = all cores); results do not depend on it")
	seed := fs.Int64("seed", -1, "override the scenario's seed (`S` ≥ 0)")
	retention := fs.String("retention", "repurchase", "retention `measure`: repurchase (share of failures followed by a repurchase within the horizon) or customers (1 − churn over all customers)")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageError("frontier takes one scenario (file or preset), got %d", len(pos))
	}
	if len(levers.items) == 0 {
		return usageError("frontier needs at least one --grid lever=a:b:step (e.g. --grid refund=0:1.2:0.3)")
	}
	if *reps < 2 {
		return usageError("frontier: --reps must be ≥ 2 for intervals, got %d", *reps)
	}
	if *workers < 0 {
		return usageError("--workers must be ≥ 0, got %d", *workers)
	}
	if !slices.Contains([]string{"text", "json", "csv"}, *format) {
		return usageError("--format %q: use text, json or csv", *format)
	}
	if *retention != "repurchase" && *retention != "customers" {
		return usageError("--retention %q: use repurchase or customers", *retention)
	}
	sc, err := loadPolicyScenario("frontier", pos[0], *seed)
	if err != nil {
		return err
	}
	grid, combos, err := compare.GridScenario(sc, *template, levers.items)
	if err != nil {
		if errors.Is(err, compare.ErrNoPolicy) {
			return usageError("frontier: --policy: %v", err)
		}
		return usageError("frontier: --grid %v", err)
	}
	prog := newProgress(stderr, "replications")
	start := time.Now()
	res, err := compare.Run(ctx, compare.Config{Scenario: grid, Reps: *reps, Workers: *workers, Progress: prog.update})
	prog.finish()
	if err != nil {
		if errors.Is(err, compare.ErrTooLarge) {
			return usageError("frontier: --reps or --grid: %v", err)
		}
		return fmt.Errorf("frontier: %w", err)
	}
	f := newFrontier(res, levers.items, combos, *retention)
	if *out != "" {
		if err := writeFrontier(*out, res, f); err != nil {
			return err
		}
	}
	switch *format {
	case "json":
		b, err := f.json()
		if err != nil {
			return err
		}
		_, err = stdout.Write(b)
		return err
	case "csv":
		_, err := stdout.Write(f.csv())
		return err
	}
	f.print(stdout, sc.Population.Weeks, time.Since(start))
	if *out != "" {
		fmt.Fprintf(stdout, "\nFiles in %s: frontier.json, frontier.csv, frontier.png, frontier.svg\n", *out)
	}
	return nil
}

// frontier is an evaluated grid: each point's levers and figures.
type frontier struct {
	res    *compare.Result
	levers []compare.Lever
	combos [][]string
	// retLabel names the retention measure.
	retLabel string
	pareto   []int
	onSet    []bool
	best     int
	// cost, retention, profit per point.
	cost, ret, profit []compare.Interval
}

func newFrontier(res *compare.Result, levers []compare.Lever, combos [][]string, retention string) *frontier {
	f := &frontier{res: res, levers: levers, combos: combos, best: res.BestProfit()}
	cm, pm := res.MetricIndex("recovery_cost"), res.MetricIndex("profit")
	for p := range res.Policies {
		f.cost = append(f.cost, res.Estimate(p, cm))
		f.profit = append(f.profit, res.Estimate(p, pm))
	}
	if retention == "customers" {
		f.retLabel = "retention (1 − churn)"
		f.pareto = res.Pareto("recovery_cost", "churn_rate")
		ch := res.MetricIndex("churn_rate")
		for p := range res.Policies {
			c := res.Estimate(p, ch)
			f.ret = append(f.ret, compare.Interval{Mean: 1 - c.Mean, SE: c.SE, Lo: 1 - c.Hi, Hi: 1 - c.Lo})
		}
	} else {
		f.retLabel = "repurchase after a failure"
		f.pareto = res.Pareto("recovery_cost", "repurchase_rate")
		rm := res.MetricIndex("repurchase_rate")
		for p := range res.Policies {
			f.ret = append(f.ret, res.Estimate(p, rm))
		}
	}
	f.onSet = make([]bool, len(res.Policies))
	for _, p := range f.pareto {
		f.onSet[p] = true
	}
	return f
}

func (f *frontier) print(w io.Writer, weeks int, elapsed time.Duration) {
	r := f.res
	fmt.Fprintf(w, "redress frontier: %s\n", r.Scenario)
	fmt.Fprintf(w, "%d policies × %d replications on common random numbers (seed %d), %s customers × %d weeks; %.1f s\n",
		len(r.Policies), r.Reps, r.Seed, num(float64(r.Customers), 0), weeks, elapsed.Seconds())
	fmt.Fprintf(w, "\nEvery combination (mean ± half-width of the 95%% interval; P = on the cost–retention Pareto frontier, $ = highest profit)\n")
	fmt.Fprintf(w, "retention: %s\n", f.retLabel)
	var head []string
	for _, l := range f.levers {
		head = append(head, l.Key)
	}
	head = append(head, "recovery cost", "retention", "profit", "")
	var rows [][]string
	for p := range r.Policies {
		row := append([]string{}, f.combos[p]...)
		mark := ""
		if f.onSet[p] {
			mark = "P"
		}
		if p == f.best {
			mark += "$"
		}
		row = append(row, pm(f.cost[p], 0, false), pm(f.ret[p], 4, false), pm(f.profit[p], 0, false), mark)
		rows = append(rows, row)
	}
	grid(w, head, rows, false)
	fmt.Fprintf(w, "\nPareto frontier (no other policy has lower mean cost and higher mean retention), by cost:\n")
	for _, p := range f.pareto {
		fmt.Fprintf(w, "  %-40s cost %s, retention %s\n", r.Policies[p], pm(f.cost[p], 0, false), pm(f.ret[p], 4, false))
	}
	b := f.best
	fmt.Fprintf(w, "\nHighest profit: %s, profit %s [%s, %s]", r.Policies[b], num(f.profit[b].Mean, 0), num(f.profit[b].Lo, 0), num(f.profit[b].Hi, 0))
	// Paired margin over the runner-up.
	m := r.MetricIndex("profit")
	second, sv := -1, 0.0
	for p := range r.Policies {
		if p != b && (second < 0 || f.profit[p].Mean > sv) {
			second, sv = p, f.profit[p].Mean
		}
	}
	if second >= 0 {
		d := r.Diff(b, second, m)
		fmt.Fprintf(w, "; ahead of the runner-up %s by %s [%s, %s] (paired)", r.Policies[second], num(d.Mean, 0), num(d.Lo, 0), num(d.Hi, 0))
	}
	fmt.Fprintln(w)
}

type frontierPoint struct {
	Policy    string            `json:"policy"`
	Levers    map[string]string `json:"levers"`
	Cost      compare.Interval  `json:"recovery_cost"`
	Retention compare.Interval  `json:"retention"`
	Profit    compare.Interval  `json:"profit"`
	Pareto    bool              `json:"pareto"`
}

func (f *frontier) points() []frontierPoint {
	var out []frontierPoint
	for p, name := range f.res.Policies {
		lv := map[string]string{}
		for j, l := range f.levers {
			lv[l.Key] = f.combos[p][j]
		}
		out = append(out, frontierPoint{Policy: name, Levers: lv, Cost: f.cost[p], Retention: f.ret[p], Profit: f.profit[p], Pareto: f.onSet[p]})
	}
	return out
}

func (f *frontier) json() ([]byte, error) {
	var doc struct {
		Scenario     string          `json:"scenario"`
		Seed         uint64          `json:"seed"`
		Replications int             `json:"replications"`
		Retention    string          `json:"retention_measure"`
		Points       []frontierPoint `json:"points"`
		Pareto       []string        `json:"pareto_frontier"`
		BestProfit   string          `json:"best_profit"`
	}
	doc.Scenario, doc.Seed, doc.Replications, doc.Retention = f.res.Scenario, f.res.Seed, f.res.Reps, f.retLabel
	doc.Points = f.points()
	for _, p := range f.pareto {
		doc.Pareto = append(doc.Pareto, f.res.Policies[p])
	}
	doc.BestProfit = f.res.Policies[f.best]
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

func (f *frontier) csv() []byte {
	return csvBytes(func(w *csv.Writer) {
		var head []string
		for _, l := range f.levers {
			head = append(head, l.Key)
		}
		w.Write(append(head, "recovery_cost", "recovery_cost_lo", "recovery_cost_hi", "retention", "retention_lo", "retention_hi",
			"profit", "profit_lo", "profit_hi", "pareto", "best_profit"))
		for p := range f.res.Policies {
			rec := slices.Clone(f.combos[p])
			for _, iv := range []compare.Interval{f.cost[p], f.ret[p], f.profit[p]} {
				rec = append(rec, num64(iv.Mean), num64(iv.Lo), num64(iv.Hi))
			}
			w.Write(append(rec, strconv.FormatBool(f.onSet[p]), strconv.FormatBool(p == f.best)))
		}
	})
}

// num64 is x in the shortest form that reads back exactly (NaN as NaN).
func num64(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }

func writeFrontier(dir string, r *compare.Result, f *frontier) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("output directory: %w", err)
	}
	js, err := f.json()
	if err != nil {
		return err
	}
	if err := outfile.WriteFile(filepath.Join(dir, "frontier.json"), js); err != nil {
		return err
	}
	if err := outfile.WriteFile(filepath.Join(dir, "frontier.csv"), f.csv()); err != nil {
		return err
	}
	return frontierPlot(filepath.Join(dir, "frontier"), f)
}

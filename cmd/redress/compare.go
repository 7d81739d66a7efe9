package main

import (
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
	"slices"
	"strconv"
	"time"

	"github.com/redress-sim/redress/compare"
	"github.com/redress-sim/redress/internal/outfile"
	"github.com/redress-sim/redress/scenarios"
)

func cmdCompare(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("compare", "compare SCENARIO.toml | PRESET [--reps N] [--baseline NAME] [--out DIR] [--format text|markdown|json|csv] [--workers N]\n       redress compare SCENARIO.toml | PRESET --uncertainty fit.json --draws N [--reps R] [--format text|markdown|json] [--workers N]",
		"  redress compare policy-showdown --reps 20 --baseline standard --out showdown\n  redress compare policy-showdown --uncertainty examples/showdown-fit.json --draws 200", stdout)
	reps := fs.Int("reps", 10, "replications (`N` ≥ 2; with --uncertainty, per draw and 4 by default); every policy runs on the same customers and random numbers in each")
	baseline := fs.String("baseline", "", "policy `NAME` the differences are taken against (default: the scenario's policy)")
	out := fs.String("out", "", "also write compare.json, compare.csv, replications.csv, breakdown.csv and plots to `DIR`")
	format := fs.String("format", "text", "stdout `format`: text, markdown, json or csv")
	workers := fs.Int("workers", 0, "replications (with --uncertainty, draws) run at once (0 = all cores); results do not depend on it")
	seed := fs.Int64("seed", -1, "override the scenario's seed (`S` ≥ 0)")
	fitFile := fs.String("uncertainty", "", "compare under parameter uncertainty: draw the calibrated parameters of `fit.json` (written by redress calibrate) and report each policy's probability of being best, expected profit and expected regret")
	draws := fs.Int("draws", 0, "parameter draws `N` with --uncertainty (2 to 10000)")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if *fitFile != "" || compareFlagGiven(fs, "draws") {
		return compareUncertainty(ctx, fs, pos, uncertaintyFlags{fit: *fitFile, draws: *draws, reps: *reps, workers: *workers,
			format: *format, seed: *seed, baseline: *baseline, out: *out}, stdout, stderr)
	}
	if len(pos) != 1 {
		return usageError("compare takes one scenario (file or preset), got %d", len(pos))
	}
	if *reps < 2 {
		return usageError("compare: --reps must be ≥ 2 for intervals, got %d", *reps)
	}
	if *workers < 0 {
		return usageError("--workers must be ≥ 0, got %d", *workers)
	}
	if !slices.Contains([]string{"text", "markdown", "json", "csv"}, *format) {
		return usageError("--format %q: use text, markdown, json or csv", *format)
	}
	sc, err := loadPolicyScenario("compare", pos[0], *seed)
	if err != nil {
		return err
	}
	prog := newProgress(stderr, "replications")
	start := time.Now()
	res, err := compare.Run(ctx, compare.Config{Scenario: sc, Reps: *reps, Baseline: *baseline, Workers: *workers, Progress: prog.update})
	prog.finish()
	if err != nil {
		if errors.Is(err, compare.ErrNoPolicy) {
			return usageError("compare: --baseline: %v", err)
		}
		if errors.Is(err, compare.ErrTooLarge) {
			return usageError("--reps: %v", err)
		}
		return fmt.Errorf("compare: %w", err)
	}
	elapsed := time.Since(start)
	if *out != "" {
		if err := writeCompare(*out, res); err != nil {
			return err
		}
	}
	switch *format {
	case "json":
		b, err := compareJSON(res)
		if err != nil {
			return err
		}
		_, err = stdout.Write(b)
		return err
	case "csv":
		_, err := stdout.Write(compareCSV(res))
		return err
	}
	printCompare(stdout, res, sc.Population.Weeks, elapsed, *format == "markdown")
	if *out != "" {
		fmt.Fprintf(stdout, "\nFiles in %s: compare.json, compare.csv, replications.csv, breakdown.csv; plots compare-metrics.png, dashboard-vs-truth.png (and .svg)\n", *out)
	}
	return nil
}

// loadPolicyScenario loads a behavioral scenario for compare or
// frontier, with the seed overridden when seed ≥ 0.
func loadPolicyScenario(cmd, name string, seed int64) (*scenarios.Scenario, error) {
	sc, err := loadSeeded(name, seed)
	if err != nil {
		return nil, err
	}
	if sc.Mode != "behavioral" {
		return nil, usageError("%s: %s is a %s scenario; policies are compared in behavioral mode", cmd, name, sc.Mode)
	}
	return sc, nil
}

// pm formats a mean and the half-width of its interval.
func pm(iv compare.Interval, d int, sign bool) string {
	if math.IsNaN(iv.Mean) {
		return "–"
	}
	f := "%." + fmt.Sprint(d) + "f"
	if sign {
		f = "%+." + fmt.Sprint(d) + "f"
	}
	s := fmt.Sprintf(f, iv.Mean)
	if !math.IsNaN(iv.Hi) {
		s += fmt.Sprintf(" ±%."+fmt.Sprint(d)+"f", (iv.Hi-iv.Lo)/2)
	}
	return s
}

// reportTitle writes a report's title and returns the function that
// writes its section headings, as aligned text or Markdown.
func reportTitle(w io.Writer, title string, md bool) func(heading string) {
	if md {
		fmt.Fprintf(w, "## %s\n\n", title)
	} else {
		fmt.Fprintf(w, "%s\n", title)
	}
	return func(heading string) {
		if md {
			fmt.Fprintf(w, "\n### %s\n\n", heading)
		} else {
			fmt.Fprintf(w, "\n%s\n", heading)
		}
	}
}

// printCompare prints the comparison as aligned text or Markdown tables.
func printCompare(w io.Writer, r *compare.Result, weeks int, elapsed time.Duration, md bool) {
	base := r.Policies[r.Baseline]
	heading := reportTitle(w, "redress compare: "+r.Scenario, md)
	fmt.Fprintf(w, "%d policies × %d replications on common random numbers (seed %d), %s customers × %d weeks; baseline %s; %.1f s\n",
		len(r.Policies), r.Reps, r.Seed, num(float64(r.Customers), 0), weeks, base, elapsed.Seconds())

	heading("Policies: mean over replications ± half-width of the 95% interval")
	head := append([]string{"metric"}, r.Policies...)
	var rows [][]string
	for m, mt := range r.Metrics {
		row := []string{mt.Label}
		for p := range r.Policies {
			row = append(row, pm(r.Estimate(p, m), mt.Digits, false))
		}
		rows = append(rows, row)
	}
	grid(w, head, rows, md)

	if len(r.Policies) == 1 {
		fmt.Fprintf(w, "\nThe scenario has one policy: nothing to compare. Add [[policies]] entries (see docs/policies.md).\n")
		printBreakdown(w, r, heading, md)
		return
	}
	heading(fmt.Sprintf("Difference from %s, paired on common random numbers (* = interval excludes 0)", base))
	var others []int
	head = []string{"metric"}
	for p, name := range r.Policies {
		if p != r.Baseline {
			others = append(others, p)
			head = append(head, name)
		}
	}
	rows = nil
	var ratios []float64
	for m, mt := range r.Metrics {
		row := []string{mt.Label}
		for _, p := range others {
			d := r.Paired(p, m)
			cell := pm(d, mt.Digits, true)
			if d.Excludes0() {
				cell += "*"
			}
			row = append(row, cell)
			if u := r.Unpaired(p, m); d.Hi > d.Lo && u.Hi > u.Lo {
				ratios = append(ratios, (u.Hi-u.Lo)/(d.Hi-d.Lo))
			}
		}
		rows = append(rows, row)
	}
	grid(w, head, rows, md)
	if len(ratios) > 0 {
		slices.Sort(ratios)
		fmt.Fprintf(w, "\nCommon random numbers: the paired intervals are %.1f× narrower (median over metrics and policies; range %.1f–%.1f×) than two independent runs of %d replications would give.\n",
			ratios[len(ratios)/2], ratios[0], ratios[len(ratios)-1], r.Reps)
	}

	printDisagreements(w, r, heading, md)
	printDecisions(w, r, heading, md)
	printBreakdown(w, r, heading, md)
}

// printDisagreements lists the policies whose dashboard moves against
// true satisfaction relative to the baseline.
func printDisagreements(w io.Writer, r *compare.Result, heading func(string), md bool) {
	base := r.Policies[r.Baseline]
	heading("Dashboard vs truth")
	ds := r.Disagreements()
	if len(ds) == 0 {
		fmt.Fprintf(w, "No policy moves the dashboard (survey satisfaction, support contacts) against true satisfaction relative to %s.\n", base)
	}
	for _, d := range ds {
		m := r.Metrics[r.MetricIndex(d.Dashboard)]
		says := "better"
		if float64(m.Better)*d.DashboardDiff.Mean < 0 {
			says = "worse"
		}
		truth := "better"
		if d.TruthDiff.Mean < 0 {
			truth = "worse"
		}
		sig := "both intervals exclude 0"
		if !d.Significant {
			sig = "not both intervals exclude 0"
		}
		bullet := "  "
		if md {
			bullet = "- "
		}
		fmt.Fprintf(w, "%s%s vs %s: %s %s [%s, %s] says %s; true satisfaction %s [%s, %s] is %s (%s)\n", bullet,
			r.Policies[d.Policy], base, m.Label, signed(d.DashboardDiff.Mean, m.Digits), signed(d.DashboardDiff.Lo, m.Digits), signed(d.DashboardDiff.Hi, m.Digits), says,
			signed(d.TruthDiff.Mean, 3), signed(d.TruthDiff.Lo, 3), signed(d.TruthDiff.Hi, 3), truth, sig)
	}

}

// printDecisions tabulates each criterion's pick and its regret.
func printDecisions(w io.Writer, r *compare.Result, heading func(string), md bool) {
	var rows [][]string
	heading("Decisions")
	for _, d := range r.Decide() {
		unit := "profit per 1,000 customers"
		digits := 0
		if d.Target == "churn_rate" {
			unit, digits = "retention (share of customers)", 4
		}
		regret := "0 (the best)"
		if d.Pick != d.Best {
			regret = fmt.Sprintf("%s [%s, %s]", signed(d.Regret.Mean, digits), signed(d.Regret.Lo, digits), signed(d.Regret.Hi, digits))
		}
		crit := r.Metrics[r.MetricIndex(d.Criterion)]
		rows = append(rows, []string{"pick by " + crit.Label, r.Policies[d.Pick], unit, r.Policies[d.Best], regret})
	}
	grid(w, []string{"criterion", "picks", "target", "best by target", "regret (lost target)"}, rows, md)

}

// printBreakdown prints the segment and failure-type tables.
func printBreakdown(w io.Writer, r *compare.Result, heading func(string), md bool) {
	for _, g := range []struct {
		title  string
		names  []string
		values [][][][]float64
	}{{"segment", r.Segments, r.SegmentValues}, {"failure type", r.FailureTypes, r.FailureValues}} {
		heading(fmt.Sprintf("By %s: true satisfaction (survey satisfaction) and contact rate", g.title))
		head := append([]string{g.title}, r.Policies...)
		sat, srv, cr := gIndex(r, "realized_satisfaction"), gIndex(r, "survey_mean"), gIndex(r, "contact_rate")
		var rows [][]string
		for k, name := range g.names {
			row := []string{name}
			empty := true
			for p := range r.Policies {
				t := groupMean(g.values[p][k][sat])
				s := groupMean(g.values[p][k][srv])
				c := groupMean(g.values[p][k][cr])
				if groupMean(g.values[p][k][gIndex(r, "failures")]) > 0 {
					empty = false
				}
				row = append(row, fmt.Sprintf("%.2f (%.2f) %.2f", t, s, c))
			}
			if !empty {
				rows = append(rows, row)
			}
		}
		grid(w, head, rows, md)
	}
}

func gIndex(r *compare.Result, name string) int {
	return slices.IndexFunc(r.GroupMetrics, func(m compare.Metric) bool { return m.Name == name })
}

func groupMean(x []float64) float64 {
	s, n := 0.0, 0
	for _, v := range x {
		if !math.IsNaN(v) {
			s += v
			n++
		}
	}
	if n == 0 {
		return math.NaN()
	}
	return s / float64(n)
}

// compareJSON is the comparison as one JSON object: per policy every
// metric's estimate and paired difference with intervals, the dashboard
// disagreements, the decisions and the breakdowns.
// The records of compare.json.
type jsonIv struct {
	Mean float64  `json:"mean"`
	SE   *float64 `json:"se"`
	Lo   *float64 `json:"lo"`
	Hi   *float64 `json:"hi"`
}
type jsonMetric struct {
	Name       string  `json:"name"`
	Label      string  `json:"label"`
	Dashboard  bool    `json:"dashboard"`
	Estimate   jsonIv  `json:"estimate"`
	Difference *jsonIv `json:"difference_vs_baseline,omitempty"`
	Unpaired   *jsonIv `json:"difference_if_independent,omitempty"`
}
type jsonGroup struct {
	Name    string             `json:"name"`
	Metrics map[string]float64 `json:"metrics"`
}
type jsonPolicy struct {
	Name         string       `json:"name"`
	Metrics      []jsonMetric `json:"metrics"`
	Segments     []jsonGroup  `json:"segments"`
	FailureTypes []jsonGroup  `json:"failure_types"`
}
type jsonDisagreement struct {
	Policy      string `json:"policy"`
	Dashboard   string `json:"dashboard_metric"`
	Truth       string `json:"truth_metric"`
	DashDiff    jsonIv `json:"dashboard_difference"`
	TruthDiff   jsonIv `json:"truth_difference"`
	Significant bool   `json:"significant"`
}
type jsonDecision struct {
	Criterion string `json:"criterion"`
	Pick      string `json:"pick"`
	Target    string `json:"target"`
	Best      string `json:"best"`
	Regret    jsonIv `json:"regret"`
}

// jsonInterval is an interval with its non-finite ends as JSON null.
func jsonInterval(i compare.Interval) jsonIv {
	num := func(x float64) *float64 {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil
		}
		return &x
	}
	return jsonIv{Mean: i.Mean, SE: num(i.SE), Lo: num(i.Lo), Hi: num(i.Hi)}
}

func compareJSON(r *compare.Result) ([]byte, error) {
	groups := func(names []string, vals [][][]float64) []jsonGroup {
		var out []jsonGroup
		for k, name := range names {
			g := jsonGroup{Name: name, Metrics: map[string]float64{}}
			for j, gm := range r.GroupMetrics {
				if v := groupMean(vals[k][j]); !math.IsNaN(v) {
					g.Metrics[gm.Name] = v
				}
			}
			out = append(out, g)
		}
		return out
	}
	var doc struct {
		Scenario      string             `json:"scenario"`
		Seed          uint64             `json:"seed"`
		Replications  int                `json:"replications"`
		Customers     int                `json:"customers"`
		Baseline      string             `json:"baseline"`
		Policies      []jsonPolicy       `json:"policies"`
		Disagreements []jsonDisagreement `json:"dashboard_disagreements"`
		Decisions     []jsonDecision     `json:"decisions"`
	}
	doc.Scenario, doc.Seed, doc.Replications, doc.Customers, doc.Baseline = r.Scenario, r.Seed, r.Reps, r.Customers, r.Policies[r.Baseline]
	for p, name := range r.Policies {
		pol := jsonPolicy{Name: name, Segments: groups(r.Segments, r.SegmentValues[p]), FailureTypes: groups(r.FailureTypes, r.FailureValues[p])}
		for m, mt := range r.Metrics {
			me := jsonMetric{Name: mt.Name, Label: mt.Label, Dashboard: mt.Dashboard, Estimate: jsonInterval(r.Estimate(p, m))}
			if p != r.Baseline {
				d, u := jsonInterval(r.Paired(p, m)), jsonInterval(r.Unpaired(p, m))
				me.Difference, me.Unpaired = &d, &u
			}
			pol.Metrics = append(pol.Metrics, me)
		}
		doc.Policies = append(doc.Policies, pol)
	}
	doc.Disagreements = []jsonDisagreement{}
	for _, d := range r.Disagreements() {
		doc.Disagreements = append(doc.Disagreements, jsonDisagreement{Policy: r.Policies[d.Policy], Dashboard: d.Dashboard, Truth: d.Truth,
			DashDiff: jsonInterval(d.DashboardDiff), TruthDiff: jsonInterval(d.TruthDiff), Significant: d.Significant})
	}
	for _, d := range r.Decide() {
		doc.Decisions = append(doc.Decisions, jsonDecision{Criterion: d.Criterion, Pick: r.Policies[d.Pick], Target: d.Target, Best: r.Policies[d.Best], Regret: jsonInterval(d.Regret)})
	}
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// compareCSV has one row per policy and metric: the estimate and the
// paired difference from the baseline with their intervals.
func compareCSV(r *compare.Result) []byte {
	return csvBytes(func(w *csv.Writer) {
		w.Write([]string{"policy", "metric", "mean", "se", "lo", "hi", "diff", "diff_se", "diff_lo", "diff_hi", "diff_if_independent_lo", "diff_if_independent_hi"})
		for p, name := range r.Policies {
			for m, mt := range r.Metrics {
				e := r.Estimate(p, m)
				rec := []string{name, mt.Name, cell(e.Mean), cell(e.SE), cell(e.Lo), cell(e.Hi)}
				if p == r.Baseline {
					w.Write(append(rec, "", "", "", "", "", ""))
					continue
				}
				d, u := r.Paired(p, m), r.Unpaired(p, m)
				w.Write(append(rec, cell(d.Mean), cell(d.SE), cell(d.Lo), cell(d.Hi), cell(u.Lo), cell(u.Hi)))
			}
		}
	})
}

// csvBytes returns what write writes through a csv.Writer.
func csvBytes(write func(w *csv.Writer)) []byte {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	write(w)
	w.Flush()
	return b.Bytes()
}

// cell is a number as a CSV cell: shortest exact form, empty when not
// finite.
func cell(x float64) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return ""
	}
	return strconv.FormatFloat(x, 'g', -1, 64)
}

// breakdownCSV has one row per policy, replication and group (segment or
// failure type) with the group metrics.
func breakdownCSV(r *compare.Result) []byte {
	return csvBytes(func(w *csv.Writer) {
		head := []string{"policy", "replication", "kind", "group"}
		for _, gm := range r.GroupMetrics {
			head = append(head, gm.Name)
		}
		w.Write(head)
		for p, name := range r.Policies {
			for rep := range r.Reps {
				for _, g := range []struct {
					kind   string
					names  []string
					values [][][]float64
				}{{"segment", r.Segments, r.SegmentValues[p]}, {"failure_type", r.FailureTypes, r.FailureValues[p]}} {
					for k, gname := range g.names {
						rec := []string{name, strconv.FormatUint(r.FirstRep+uint64(rep), 10), g.kind, gname}
						for j := range r.GroupMetrics {
							rec = append(rec, cell(g.values[k][j][rep]))
						}
						w.Write(rec)
					}
				}
			}
		}
	})
}

// writeCompare writes the comparison's files into dir.
func writeCompare(dir string, r *compare.Result) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("output directory: %w", err)
	}
	js, err := compareJSON(r)
	if err != nil {
		return err
	}
	if err := outfile.WriteFile(filepath.Join(dir, "compare.json"), js); err != nil {
		return err
	}
	if err := outfile.WriteFile(filepath.Join(dir, "compare.csv"), compareCSV(r)); err != nil {
		return err
	}
	reps := csvBytes(func(w *csv.Writer) {
		head := []string{"policy", "replication"}
		for _, mt := range r.Metrics {
			head = append(head, mt.Name)
		}
		w.Write(head)
		for p, name := range r.Policies {
			for rep := range r.Reps {
				rec := []string{name, strconv.FormatUint(r.FirstRep+uint64(rep), 10)}
				for m := range r.Metrics {
					rec = append(rec, strconv.FormatFloat(r.Values[p][m][rep], 'g', -1, 64))
				}
				w.Write(rec)
			}
		}
	})
	if err := outfile.WriteFile(filepath.Join(dir, "replications.csv"), reps); err != nil {
		return err
	}
	if err := outfile.WriteFile(filepath.Join(dir, "breakdown.csv"), breakdownCSV(r)); err != nil {
		return err
	}
	return comparePlots(dir, r)
}

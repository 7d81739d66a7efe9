package main

import (
	"cmp"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"slices"
	"strconv"

	"github.com/redress-sim/redress/internal/report"
	"github.com/redress-sim/redress/sensitivity"
	"github.com/redress-sim/redress/sensitivity/simmodel"
)

// describeOutput says in words what the output is.
func describeOutput(o simmodel.Output) string {
	switch o.Kind {
	case simmodel.Truth:
		return "the true value of " + o.Estimand
	case simmodel.Bias:
		return "the bias of " + o.Method + " for " + o.Estimand + " (estimate minus truth)"
	case simmodel.Metric:
		return "the run's " + o.Metric
	}
	return o.Metric + " of policy " + o.PolicyA + " minus policy " + o.PolicyB + " (common random numbers)"
}

// printSensitivity writes the ranked tables, as aligned text or Markdown.
func printSensitivity(w io.Writer, res *sensResult, md bool) {
	h := func(s string) string {
		if md {
			return "## " + s
		}
		return s
	}
	if md {
		fmt.Fprintf(w, "# redress sensitivity: %s\n\n", res.Scenario)
	} else {
		fmt.Fprintf(w, "redress sensitivity: %s\n", res.Scenario)
	}
	fmt.Fprintf(w, "Output %s: %s.\n", res.Output.Spec, describeOutput(res.Output))
	fmt.Fprintf(w, "Seed %d; each evaluation averages %s on common random numbers; %d evaluations, %d simulation runs.\n",
		res.Seed, plural(res.Reps, "replication"), res.Evaluations, res.Runs)
	if len(res.Set) > 0 {
		fmt.Fprintf(w, "Fixed: %v.\n", res.Set)
	}
	if res.Morris != nil {
		m := res.Morris
		fmt.Fprintf(w, "\n%s\n", h("Morris screening, ranked by μ*"))
		fmt.Fprintf(w, "%d trajectories on a %d-level grid (Δ = %.3f of each range). μ* = mean |elementary effect|, μ = mean, σ = sd,\n"+
			"in output units per full range of the parameter; σ large beside μ* means interactions or curvature.\n\n",
			m.Trajectories, m.Levels, m.Delta)
		grid(w, []string{"parameter", "range", "μ*", "SE", ciHead(m.Level), "μ", "σ"}, morrisRows(res), md)
	}
	if res.Sobol != nil {
		s := res.Sobol
		fmt.Fprintf(w, "\n%s\n", h("Sobol' indices, ranked by the total index ST"))
		fmt.Fprintf(w, "N = %d base rows; output mean %s, variance %s. S1: share of the variance the parameter explains alone;\n"+
			"ST: share it has a hand in, interactions included. Sum of S1 = %.3f (1 − sum: the share of interactions).\n\n",
			s.N, g4(s.Mean), g4(s.Variance), sumFirst(s))
		grid(w, []string{"parameter", "range", "S1", "SE", ciHead(s.Level), "ST", "SE", ciHead(s.Level)}, sobolRows(res), md)
	}
}

func ciHead(level float64) string { return strconv.FormatFloat(100*level, 'g', -1, 64) + "% CI" }

func g4(x float64) string { return strconv.FormatFloat(x, 'g', 4, 64) }

func sumFirst(s *sensitivity.SobolResult) float64 {
	var t float64
	for _, x := range s.First {
		t += x.Estimate
	}
	return t
}

// ranked returns the indices 0…n−1 by decreasing key (ties in order).
func ranked(n int, key func(i int) float64) []int {
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int { return cmp.Compare(key(b), key(a)) })
	return idx
}

func paramRange(p simmodel.Param) string { return num64(p.Lo) + " – " + num64(p.Hi) }

func ci(x sensitivity.Index, f func(float64) string) string {
	if math.IsNaN(x.Lo) {
		return "–"
	}
	return f(x.Lo) + " – " + f(x.Hi)
}

func morrisRows(res *sensResult) [][]string {
	m := res.Morris
	var rows [][]string
	for _, i := range ranked(len(m.Effects), func(i int) float64 { return m.Effects[i].MuStar.Estimate }) {
		e := m.Effects[i]
		rows = append(rows, []string{res.Params[i].Key, paramRange(res.Params[i]),
			g4(e.MuStar.Estimate), g4(e.MuStar.SE), ci(e.MuStar, g4), g4(e.Mu.Estimate), g4(e.Sigma.Estimate)})
	}
	return rows
}

func sobolRows(res *sensResult) [][]string {
	s := res.Sobol
	f3 := func(x float64) string { return fmt.Sprintf("%.3f", x) }
	var rows [][]string
	for _, i := range ranked(len(s.Total), func(i int) float64 { return s.Total[i].Estimate }) {
		rows = append(rows, []string{res.Params[i].Key, paramRange(res.Params[i]),
			f3(s.First[i].Estimate), f3(s.First[i].SE), ci(s.First[i], f3),
			f3(s.Total[i].Estimate), f3(s.Total[i].SE), ci(s.Total[i], f3)})
	}
	return rows
}

// sensPlotNames lists the plot files the analysis writes.
func sensPlotNames(res *sensResult) []string {
	var out []string
	if res.Sobol != nil {
		out = append(out, "sensitivity-sobol.png", "sensitivity-sobol.svg")
	}
	if res.Morris != nil {
		out = append(out, "sensitivity-morris.png", "sensitivity-morris.svg")
	}
	return out
}

// sensitivityPlots draws S1 and ST with their intervals as bars, and the
// Morris μ* against σ.
func sensitivityPlots(dir string, res *sensResult) error {
	if s := res.Sobol; s != nil {
		first, total := report.BarPanel{Title: "first order S1"}, report.BarPanel{Title: "total ST"}
		for i, p := range res.Params {
			first.Bars = append(first.Bars, report.Bar{Label: p.Key, Value: s.First[i].Estimate, Lo: s.First[i].Lo, Hi: s.First[i].Hi})
			total.Bars = append(total.Bars, report.Bar{Label: p.Key, Value: s.Total[i].Estimate, Lo: s.Total[i].Lo, Hi: s.Total[i].Hi})
		}
		title := fmt.Sprintf("%s: Sobol' indices of %s (N = %d)", res.Scenario, res.Output.Spec, s.N)
		if err := report.BarPanels(filepath.Join(dir, "sensitivity-sobol"), title, []report.BarPanel{first, total}); err != nil {
			return err
		}
	}
	if m := res.Morris; m != nil {
		var pts []report.Point
		for i, p := range res.Params {
			e := m.Effects[i]
			pts = append(pts, report.Point{Label: p.Key, X: e.MuStar.Estimate, Y: e.Sigma.Estimate, XLo: e.MuStar.Lo, XHi: e.MuStar.Hi,
				YLo: e.Sigma.Lo, YHi: e.Sigma.Hi})
		}
		return report.Scatter(filepath.Join(dir, "sensitivity-morris"),
			fmt.Sprintf("%s: Morris screening of %s (r = %d)", res.Scenario, res.Output.Spec, m.Trajectories),
			"μ* (mean |elementary effect|)", "σ (sd of the elementary effects)", pts,
			report.ScatterOptions{Caption: fmt.Sprintf("Right: influential; high: interactions or curvature. Bars: %s%% bootstrap intervals of μ* and σ.",
				strconv.FormatFloat(100*m.Level, 'g', -1, 64))})
	}
	return nil
}

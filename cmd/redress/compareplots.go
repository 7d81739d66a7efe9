package main

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/redress-sim/redress/compare"
	"github.com/redress-sim/redress/internal/report"
)

// comparePlots draws the comparison's plots into dir:
// compare-metrics (a bar per policy with its 95% interval for the key
// metrics, the baseline highlighted) and dashboard-vs-truth (survey
// satisfaction against true satisfaction over all failures per policy).
func comparePlots(dir string, r *compare.Result) error {
	// The recommendation: the highest expected profit, the truth's pick.
	rec := -1
	for _, d := range r.Decide() {
		if d.Criterion == "profit" {
			rec = d.Pick
		}
	}
	var panels []report.BarPanel
	for _, name := range []string{"survey_mean", "realized_satisfaction", "complaints_per_1000", "repurchase_rate", "recovery_cost", "profit"} {
		m := r.MetricIndex(name)
		pn := report.BarPanel{Title: r.Metrics[m].Label}
		for p, pol := range r.Policies {
			e := r.Estimate(p, m)
			pn.Bars = append(pn.Bars, report.Bar{Label: pol, Value: e.Mean, Lo: e.Lo, Hi: e.Hi, Highlight: p == r.Baseline, Marked: p == rec})
		}
		panels = append(panels, pn)
	}
	title := fmt.Sprintf("%s: %d policies, %d replications on common random numbers (95%% intervals). Dark: the baseline, %s. Outlined: the recommendation, %s (highest expected profit)",
		r.Scenario, len(r.Policies), r.Reps, r.Policies[r.Baseline], r.Policies[rec])
	if err := report.BarPanels(filepath.Join(dir, "compare-metrics"), title, panels); err != nil {
		return err
	}
	sm, tm := r.MetricIndex("survey_mean"), r.MetricIndex("realized_satisfaction")
	var pts []report.Point
	for p, pol := range r.Policies {
		s, t := r.Estimate(p, sm), r.Estimate(p, tm)
		pts = append(pts, report.Point{Label: pol, X: t.Mean, Y: s.Mean, XLo: t.Lo, XHi: t.Hi, YLo: s.Lo, YHi: s.Hi})
	}
	return report.Scatter(filepath.Join(dir, "dashboard-vs-truth"), r.Scenario+": what the survey shows vs what customers feel",
		"true satisfaction over all failures", "survey satisfaction among respondents (dashboard)", pts,
		report.ScatterOptions{Diagonal: true, Caption: "Above the dashed line the survey flatters; a policy to the right of another but lower is better but looks worse."})
}

// frontierPlot draws every evaluated policy in the cost–retention plane,
// the Pareto frontier joined, dominated policies in grey, and the
// profit-maximising policy ringed and named in the caption.
func frontierPlot(path string, f *frontier) error {
	// Points are labelled by their lever values alone ("1.2, sincere"),
	// the levers named once in the caption: half the width, far fewer
	// collisions between labels.
	var keys []string
	for _, l := range f.levers {
		keys = append(keys, l.Key)
	}
	var pts []report.Point
	for p := range f.res.Policies {
		pts = append(pts, report.Point{Label: strings.Join(f.combos[p], ", "), X: f.cost[p].Mean, Y: f.ret[p].Mean,
			XLo: f.cost[p].Lo, XHi: f.cost[p].Hi, YLo: f.ret[p].Lo, YHi: f.ret[p].Hi, Grey: !f.onSet[p], Ringed: p == f.best})
	}
	caption := fmt.Sprintf("Labels: %s. %d replications; grey: dominated (another policy costs less and retains more). Ringed: the highest profit, %s.",
		strings.Join(keys, ", "), f.res.Reps, f.res.Policies[f.best])
	return report.Scatter(path, f.res.Scenario+": cost–retention frontier", "recovery cost", f.retLabel, pts,
		report.ScatterOptions{Connect: true, Caption: caption})
}

// Package studyplot draws the plots of a Monte Carlo bias study (package
// study) with package report, as PNG and SVG:
//
//   - sampling-ESTIMAND: the sampling distribution of every estimator of
//     the estimand, one panel per grid point, with the truth marked. When
//     the true value differs between replications of a point (a
//     finite-population estimand of the simulator), the panel shows the
//     errors θ̂ − θ with the truth at 0 instead. An estimand that every
//     estimator failed in every replication has none.
//   - bias-ESTIMAND-KEY and coverage-ESTIMAND-KEY, for each swept KEY with
//     at least two values: the bias (reference line at 0) and the coverage
//     of the 95% interval (reference line at 0.95) of every estimator
//     against the key, with ±1 Monte Carlo standard error bars (Morris,
//     White & Crowther 2019). With several swept keys there is one such
//     plot per combination of the other keys' values, named by them.
//
// Plots is a study.PlotFunc. Its output depends only on the study's
// results, so it is the same for any number of workers or shards.
package studyplot

import (
	"fmt"
	"io"
	"math"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/redress-sim/redress/internal/report"
	"github.com/redress-sim/redress/study"
)

// anySuccess reports whether some estimator of the estimand succeeded in
// some replication.
func anySuccess(res *study.Results, estimand string) bool {
	for i := range res.Summary {
		if res.Summary[i].Estimand == estimand && res.Summary[i].OK > 0 {
			return true
		}
	}
	return false
}

// Plots draws the plots of a finished study into dir and returns the
// names of the files written, in a fixed order.
func Plots(dir string, res *study.Results) ([]string, error) {
	m := res.Manifest
	var files []string
	add := func(base string) { files = append(files, base+".png", base+".svg") }
	for _, estimand := range estimands(m) {
		if !anySuccess(res, estimand) {
			continue // every estimator failed every time: nothing to draw (report.md counts the failures)
		}
		base := "sampling-" + fileSafe(estimand)
		pns, note, err := panels(dir, res, estimand)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", base, err)
		}
		title := fmt.Sprintf("Sampling distribution: %s (%s)", estimand, note)
		if err := report.SamplingDistributions(filepath.Join(dir, base), title, pns); err != nil {
			return nil, fmt.Errorf("%s: %w", base, err)
		}
		add(base)
	}
	for k, sw := range m.Sweeps {
		if len(sw.Values) < 2 {
			continue
		}
		for _, estimand := range estimands(m) {
			for _, fixed := range otherCombos(res, k) {
				for _, measure := range []struct {
					name, axis string
					ref        float64
					get        func(*study.Measures) study.Measure
				}{
					{"bias", "bias (estimate − truth)", 0, func(x *study.Measures) study.Measure { return x.Bias }},
					{"coverage", "coverage of the 95% interval", 0.95, func(x *study.Measures) study.Measure { return x.Coverage }},
				} {
					base := measure.name + "-" + fileSafe(estimand) + "-" + fileSafe(sw.Key) + fixed.suffix
					title := fmt.Sprintf("%s of %s against %s%s", strings.ToUpper(measure.name[:1])+measure.name[1:], estimand, sw.Key, fixed.title)
					series, cats := measureSeries(res, estimand, k, fixed.points, measure.get)
					ref := measure.ref
					var err error
					if cats != nil {
						err = report.CategoryPlot(filepath.Join(dir, base), title, sw.Key, measure.axis, cats, series, &ref)
					} else {
						err = report.LinePlot(filepath.Join(dir, base), title, sw.Key, measure.axis, series, &ref)
					}
					if err != nil {
						return nil, fmt.Errorf("%s: %w", base, err)
					}
					add(base)
				}
			}
		}
	}
	return files, nil
}

// estimands returns the study's estimands in manifest order.
func estimands(m study.Manifest) []string {
	var out []string
	for _, p := range m.Pairs {
		if len(out) == 0 || out[len(out)-1] != p.Estimand {
			out = append(out, p.Estimand)
		}
	}
	return out
}

// methodsOf returns the methods of an estimand in manifest order.
func methodsOf(m study.Manifest, estimand string) []string {
	var out []string
	for _, p := range m.Pairs {
		if p.Estimand == estimand {
			out = append(out, p.Method)
		}
	}
	return out
}

// Bounds on what a sampling-distribution plot holds, so that its memory
// does not grow with a study's replications or grid: at most maxPanels
// grid points (the first, in grid order), and per method and point the
// first replications up to an equal share of plotBudget values (at least
// minPerDist). Replications are independent draws, so the first ones are
// a random sample of all.
const (
	maxPanels  = 36
	plotBudget = 1 << 20
	minPerDist = 1000
)

// dist collects one method's estimates at one point.
type dist struct {
	values, errs []float64
}

// panels returns one panel per grid point (up to maxPanels) with each
// method's estimates of the estimand (failed replications left out),
// read from the study's replications.csv in dir, and a note on what the
// panels show.
func panels(dir string, res *study.Results, estimand string) ([]report.Panel, string, error) {
	m := res.Manifest
	methods := methodsOf(m, estimand)
	np := min(len(res.Points), maxPanels)
	capPer := max(minPerDist, plotBudget/(np*len(methods)))
	dists := make([][]dist, np)
	for p := range dists {
		dists[p] = make([]dist, len(methods))
	}
	truths := make([]truthRun, np)
	shown, err := readDists(dir, m, estimand, methods, capPer, dists, truths)
	if err != nil {
		return nil, "", err
	}
	var out []report.Panel
	for p := range np {
		title := study.PointLabel(m, res.Points[p])
		if title == "" {
			title = "all replications"
		}
		truth, constant := truths[p].value()
		if !constant {
			truth = 0
			title += " (estimate − truth)"
		}
		pn := report.Panel{Title: title}
		for j, mt := range methods {
			v := dists[p][j].values
			if !constant {
				v = dists[p][j].errs
			}
			pn.Dists = append(pn.Dists, report.Dist{Label: mt, Values: v, Truth: truth})
		}
		out = append(out, pn)
	}
	return out, samplingNote(res, np, shown), nil
}

// readDists reads the estimates of the estimand's methods into dists,
// at most capPer per method and point, and the truths into truths; it
// returns the largest number of replications of a point shown.
func readDists(dir string, m study.Manifest, estimand string, methods []string, capPer int, dists [][]dist, truths []truthRun) (int, error) {
	rd, err := study.OpenReplications(filepath.Join(dir, study.ReplicationsFile), m)
	if err != nil {
		return 0, err
	}
	defer rd.Close()
	shown := make([]int, len(dists))
	for {
		rows, err := rd.Next()
		if err == io.EOF {
			return slices.Max(append(shown, 0)), nil
		}
		if err != nil {
			return 0, err
		}
		p := rows[0].Point
		if p < 0 || p >= len(dists) || shown[p] >= capPer {
			continue
		}
		shown[p]++
		for _, r := range rows {
			if r.Estimand != estimand {
				continue
			}
			truths[p].add(r.Truth)
			if j := slices.Index(methods, r.Method); j >= 0 && r.Error == "" {
				d := &dists[p][j]
				d.values = append(d.values, r.Estimate)
				d.errs = append(d.errs, r.Estimate-r.Truth)
			}
		}
	}
}

// samplingNote says how many replications and points a sampling plot
// shows.
func samplingNote(res *study.Results, np, shown int) string {
	reps := slices.Max(append(res.PointReps(), 0))
	note := fmt.Sprintf("%d replications per point", res.Manifest.Reps)
	if res.Manifest.Until != "" {
		note = fmt.Sprintf("up to %d replications per point", reps)
	}
	if shown < reps {
		note = fmt.Sprintf("the first %d of %d replications per point", shown, reps)
	}
	if np < len(res.Points) {
		note += fmt.Sprintf("; the first %d of %d grid points", np, len(res.Points))
	}
	return note
}

// truthRun tracks whether every true value seen equals the first (to a
// relative 1e-12).
type truthRun struct {
	first  float64
	n      int
	varies bool
}

func (t *truthRun) add(x float64) {
	if t.n == 0 {
		t.first = x
	} else if math.Abs(x-t.first) > 1e-12*math.Max(1, math.Abs(t.first)) {
		t.varies = true
	}
	t.n++
}

// value returns the common true value (NaN when none was seen), or false
// when the truth varies.
func (t *truthRun) value() (float64, bool) {
	if t.n == 0 {
		return math.NaN(), true
	}
	return t.first, !t.varies
}

// combo is a combination of the values of every swept key but one: the
// grid points sharing it, and how it names the plot file and title.
type combo struct {
	points        []study.Point
	suffix, title string
}

// otherCombos groups the grid points by the values of every sweep except
// the k-th, in grid order.
func otherCombos(res *study.Results, k int) []combo {
	var out []combo
	index := map[string]int{}
	for _, p := range res.Points {
		var suffix, title []string
		for j, sw := range res.Manifest.Sweeps {
			if j == k {
				continue
			}
			suffix = append(suffix, fileSafe(sw.Key)+"="+fileSafe(p.Values[j]))
			title = append(title, sw.Key+"="+p.Values[j])
		}
		key := strings.Join(suffix, "-")
		i, ok := index[key]
		if !ok {
			i = len(out)
			index[key] = i
			c := combo{}
			if len(suffix) > 0 {
				c.suffix = "-at-" + key
				c.title = " (" + strings.Join(title, ", ") + ")"
			}
			out = append(out, c)
		}
		out[i].points = append(out[i].points, p)
	}
	return out
}

// measureSeries returns one series per method of the estimand: the
// measure at each of the points against the k-th swept key's value. If a
// value of the key is not a number, the X values are category indices and
// cats lists the categories in sweep order.
func measureSeries(res *study.Results, estimand string, k int, points []study.Point, get func(*study.Measures) study.Measure) (series []report.Series, cats []string) {
	sw := res.Manifest.Sweeps[k]
	xs := make([]float64, len(points))
	numeric := true
	for i, p := range points {
		x, err := strconv.ParseFloat(p.Values[k], 64)
		if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
			numeric = false
		}
		xs[i] = x
	}
	if !numeric {
		cats = sw.Values
		for i, p := range points {
			for c, v := range sw.Values {
				if v == p.Values[k] {
					xs[i] = float64(c)
				}
			}
		}
	}
	for _, method := range methodsOf(res.Manifest, estimand) {
		s := report.Series{Label: method, X: xs, Y: make([]float64, len(points)), Err: make([]float64, len(points))}
		for i, p := range points {
			s.Y[i], s.Err[i] = math.NaN(), math.NaN()
			for j := range res.Summary {
				ms := &res.Summary[j]
				if ms.Point == p.Index && ms.Estimand == estimand && ms.Method == method {
					v := get(ms)
					s.Y[i], s.Err[i] = v.Value, v.MCSE
				}
			}
		}
		series = append(series, s)
	}
	return series, cats
}

// fileSafe replaces the characters of s that are awkward in file names.
func fileSafe(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '_', r == '-':
			return r
		}
		return '_'
	}, s)
}

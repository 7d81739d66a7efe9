// Package studyplot draws the plots of a Monte Carlo bias study (package
// study) with package report, as PNG and SVG:
//
//   - sampling-ESTIMAND: the sampling distribution of every estimator of
//     the estimand, one panel per grid point, with the truth marked. When
//     the true value differs between replications of a point (a
//     finite-population estimand of the simulator), the panel shows the
//     errors θ̂ − θ with the truth at 0 instead.
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
	"math"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/redress-sim/redress/internal/report"
	"github.com/redress-sim/redress/study"
)

// Plots draws the plots of a finished study into dir and returns the
// names of the files written, in a fixed order.
func Plots(dir string, res *study.Results) ([]string, error) {
	m := res.Manifest
	var files []string
	add := func(base string) { files = append(files, base+".png", base+".svg") }
	for _, estimand := range estimands(m) {
		base := "sampling-" + fileSafe(estimand)
		title := fmt.Sprintf("Sampling distribution: %s (%d replications per point)", estimand, m.Reps)
		if err := report.SamplingDistributions(filepath.Join(dir, base), title, panels(res, estimand)); err != nil {
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

// panels returns one panel per grid point with each method's estimates of
// the estimand (failed replications left out).
func panels(res *study.Results, estimand string) []report.Panel {
	methods := methodsOf(res.Manifest, estimand)
	var out []report.Panel
	for _, p := range res.Points {
		title := study.PointLabel(res.Manifest, p)
		if title == "" {
			title = "all replications"
		}
		// Estimates and errors θ̂ − θ per method, failures left out.
		values := make([][]float64, len(methods))
		errs := make([][]float64, len(methods))
		var truths []float64
		for i := range res.Rows {
			r := &res.Rows[i]
			if r.Point != p.Index || r.Estimand != estimand {
				continue
			}
			truths = append(truths, r.Truth)
			if r.Error != "" {
				continue
			}
			if j := slices.Index(methods, r.Method); j >= 0 {
				values[j] = append(values[j], r.Estimate)
				errs[j] = append(errs[j], r.Estimate-r.Truth)
			}
		}
		truth, constant := commonTruth(truths)
		if !constant {
			values, truth = errs, 0
			title += " (estimate − truth)"
		}
		pn := report.Panel{Title: title}
		for j, mt := range methods {
			pn.Dists = append(pn.Dists, report.Dist{Label: mt, Values: values[j], Truth: truth})
		}
		out = append(out, pn)
	}
	return out
}

// commonTruth returns the true value if every replication shares it (to
// a relative 1e-12), else false.
func commonTruth(truths []float64) (float64, bool) {
	if len(truths) == 0 {
		return math.NaN(), true
	}
	t0 := truths[0]
	for _, t := range truths[1:] {
		if math.Abs(t-t0) > 1e-12*math.Max(1, math.Abs(t0)) {
			return 0, false
		}
	}
	return t0, true
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

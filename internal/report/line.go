package report

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Series is one estimator's performance measure against the swept key:
// points (X[i], Y[i]) with Monte Carlo standard errors Err[i].
type Series struct {
	Label string
	X, Y  []float64
	Err   []float64 // MCSE of Y[i]; nil for no error bars; NaN or ±Inf: no bar at that point
}

// LinePlot draws each series as points joined by a line (in order of X),
// with error bars of ±Err, a legend on the right, and, when ref is not
// nil, a dashed horizontal reference line at *ref (0 for bias, 0.95 for
// coverage), and writes path+".png" and path+".svg". Series get palette
// colours and marker shapes by position.
//
// With several series, points sharing an X are spread slightly apart
// (over at most a fifth of the smallest gap between distinct X values) so
// that their error bars do not hide one another; when there are at most 12
// distinct X values, the axis ticks sit exactly at them.
//
// Points whose X or Y is not finite are skipped. It is an error if series
// is empty, a series' X and Y differ in length, a non-nil Err differs in
// length from Y or holds a negative value, *ref is not finite, or no
// series has a finite point.
func LinePlot(path, title, xLabel, yLabel string, series []Series, ref *float64) error {
	return linePlot(path, title, xLabel, yLabel, series, ref, nil)
}

// CategoryPlot is LinePlot for a swept key whose values are not numbers
// (an error distribution, a policy name): the i-th category sits at
// X = i and is labelled categories[i] on the axis; the series' X values
// must be category indices. It is an error if categories is empty or an
// X is not one of 0, …, len(categories)−1.
func CategoryPlot(path, title, xLabel, yLabel string, categories []string, series []Series, ref *float64) error {
	if len(categories) == 0 {
		return errors.New("report: category plot: no categories")
	}
	for _, s := range series {
		for _, x := range s.X {
			if x != math.Trunc(x) || x < 0 || int(x) >= len(categories) {
				return fmt.Errorf("report: category plot: series %q has X = %v, not a category index 0–%d", s.Label, x, len(categories)-1)
			}
		}
	}
	return linePlot(path, title, xLabel, yLabel, series, ref, categories)
}

func linePlot(path, title, xLabel, yLabel string, series []Series, ref *float64, categories []string) error {
	if len(series) == 0 {
		return errors.New("report: line plot: no series")
	}
	if ref != nil && !finite(*ref) {
		return fmt.Errorf("report: line plot: reference line at %v", *ref)
	}
	type point struct{ x, y, err float64 }
	pts := make([][]point, len(series))
	var xs []float64 // distinct finite X values
	ylo, yhi := math.Inf(1), math.Inf(-1)
	for i, s := range series {
		if len(s.X) != len(s.Y) {
			return fmt.Errorf("report: line plot: series %q has %d X and %d Y values", s.Label, len(s.X), len(s.Y))
		}
		if s.Err != nil && len(s.Err) != len(s.Y) {
			return fmt.Errorf("report: line plot: series %q has %d Y values and %d errors", s.Label, len(s.Y), len(s.Err))
		}
		for k := range s.X {
			e := 0.0
			if s.Err != nil {
				e = s.Err[k]
				if e < 0 {
					return fmt.Errorf("report: line plot: series %q has a negative error %v", s.Label, e)
				}
				if !finite(e) {
					e = 0
				}
			}
			if !finite(s.X[k]) || !finite(s.Y[k]) {
				continue
			}
			pts[i] = append(pts[i], point{s.X[k], s.Y[k], e})
			xs = append(xs, s.X[k])
			ylo = math.Min(ylo, s.Y[k]-e)
			yhi = math.Max(yhi, s.Y[k]+e)
		}
		sort.SliceStable(pts[i], func(a, b int) bool { return pts[i][a].x < pts[i][b].x })
	}
	if len(xs) == 0 {
		return errors.New("report: line plot: no finite point to draw")
	}
	sort.Float64s(xs)
	xs = slices.Compact(xs)
	if ref != nil {
		ylo, yhi = math.Min(ylo, *ref), math.Max(yhi, *ref)
	}
	ylo, yhi = padRange(ylo, yhi, 0.05)

	// Dodge: spread series over a fifth of the smallest gap.
	gap := 1.0
	if len(xs) > 1 {
		gap = math.Inf(1)
		for k := 1; k < len(xs); k++ {
			gap = math.Min(gap, xs[k]-xs[k-1])
		}
	}
	dodge := func(i int) float64 {
		if len(series) < 2 {
			return 0
		}
		return (float64(i)/float64(len(series)-1) - 0.5) * 0.2 * gap
	}

	p := newPlot()
	p.Title.Text = title
	p.X.Label.Text = xLabel
	p.Y.Label.Text = yLabel
	grid := plotter.NewGrid()
	grid.Vertical.Color, grid.Horizontal.Color = lightGrey, lightGrey
	p.Add(grid)
	if ref != nil {
		r := *ref
		line := plotter.NewFunction(func(float64) float64 { return r })
		line.Samples = 2
		line.Color = black
		line.Width = vg.Points(1)
		line.Dashes = []vg.Length{vg.Points(5), vg.Points(3)}
		p.Add(line)
	}
	legend := plot.NewLegend()
	legend.TextStyle.Font = p.Legend.TextStyle.Font
	legend.Left, legend.Top = true, true
	legend.ThumbnailWidth = 0.35 * vg.Inch
	legend.Padding = vg.Points(4)
	var labels []string
	for i, s := range series {
		col := Colour(i)
		label := s.Label
		xys := make(plotter.XYs, len(pts[i]))
		errs := make(plotter.YErrors, len(pts[i]))
		hasErr := false
		for k, pt := range pts[i] {
			xys[k] = plotter.XY{X: pt.x + dodge(i), Y: pt.y}
			errs[k].Low, errs[k].High = pt.err, pt.err
			hasErr = hasErr || pt.err > 0
		}
		line := &plotter.Line{XYs: xys, LineStyle: draw.LineStyle{Color: col, Width: vg.Points(1.5)}}
		if i >= len(palette) { // distinguish series beyond the palette
			line.Dashes = []vg.Length{vg.Points(6), vg.Points(2)}
		}
		marks := &plotter.Scatter{XYs: xys, GlyphStyle: draw.GlyphStyle{
			Color: col, Radius: vg.Points(3.2), Shape: markerShape(i, false),
		}}
		if len(xys) == 0 {
			label += " (no data)"
		} else {
			p.Add(line)
			if hasErr {
				bars := &plotter.YErrorBars{
					XYs: xys, YErrors: errs,
					LineStyle: draw.LineStyle{Color: col, Width: vg.Points(1.2)},
					CapWidth:  vg.Points(6),
				}
				p.Add(bars)
			}
			p.Add(marks)
		}
		legend.Add(label, line, marks)
		labels = append(labels, label)
	}
	// Axis ranges: the data plus dodging, and the reference line.
	xlo, xhi := xs[0]+dodge(0), xs[len(xs)-1]+dodge(len(series)-1)
	if xhi > xlo {
		d := 0.04 * (xhi - xlo)
		xlo, xhi = xlo-d, xhi+d
	} else {
		xlo, xhi = xs[0]-0.5*gap, xs[0]+0.5*gap
	}
	p.X.Min, p.X.Max = xlo, xhi
	p.Y.Min, p.Y.Max = ylo, yhi
	switch {
	case categories != nil:
		ticks := make([]plot.Tick, len(categories))
		for k, c := range categories {
			ticks[k] = plot.Tick{Value: float64(k), Label: c}
		}
		p.X.Tick.Marker = plot.ConstantTicks(ticks)
		p.X.Min, p.X.Max = math.Min(xlo, -0.3), math.Max(xhi, float64(len(categories)-1)+0.3)
	case len(xs) <= 12:
		ticks := make([]plot.Tick, len(xs))
		for k, x := range xs {
			ticks[k] = plot.Tick{Value: x, Label: exactTick(x)}
		}
		p.X.Tick.Marker = plot.ConstantTicks(ticks)
	}

	// The legend goes in a strip to the right of the plot.
	legW := legend.ThumbnailWidth
	for _, l := range labels {
		legW = max(legW, legend.ThumbnailWidth+legend.TextStyle.Width(" "+l))
	}
	pad := 0.15 * vg.Inch
	w := 6*vg.Inch + legW + pad
	h := 4 * vg.Inch
	return Render(path, w, h, func(dc draw.Canvas) {
		pc := dc
		pc.Max.X = dc.Max.X - legW - pad
		pc.Min.X += 0.05 * vg.Inch
		pc.Min.Y += 0.05 * vg.Inch
		pc.Max.Y -= 0.1 * vg.Inch
		p.Draw(pc)
		lc := dc
		lc.Min.X = pc.Max.X + pad/2
		lc.Max.Y = p.DataCanvas(pc).Max.Y
		legend.Draw(lc)
	})
}

// markerShape is the marker shape of the i-th series or point. Scatter
// plots (diamond) draw a diamond where line plots draw a plus, which is
// lost among interval crosses.
func markerShape(i int, diamond bool) draw.GlyphDrawer {
	shapes := [...]draw.GlyphDrawer{draw.CircleGlyph{}, draw.BoxGlyph{}, draw.PyramidGlyph{}, draw.RingGlyph{},
		draw.SquareGlyph{}, draw.TriangleGlyph{}, draw.CrossGlyph{}, draw.PlusGlyph{}}
	if diamond {
		shapes[len(shapes)-1] = diamondGlyph{}
	}
	return shapes[i%len(shapes)]
}

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

// Dist is the sampling distribution of one estimator at one grid point:
// its estimates over the replications and the true value of its estimand.
type Dist struct {
	Label  string    // estimator name, shown as the row label
	Values []float64 // one estimate per replication; non-finite values are ignored
	Truth  float64   // true value of the estimand; NaN or ±Inf: no truth line
}

// Panel is one grid point of a study: the sampling distributions of its
// estimators, drawn on a common horizontal axis.
type Panel struct {
	Title string // e.g. "selection.rho=0.3"
	Dists []Dist
}

// SamplingDistributions draws one panel per grid point, laid out in a grid
// (panels left to right, then top to bottom, in the order given), and
// writes path+".png" and path+".svg".
//
// In a panel each estimator is a row, in the order of Dists from the top,
// labelled with its Label. A row shows a violin (Gaussian kernel density
// of the estimates, Silverman's bandwidth, scaled to a common height), a
// box from the first to the third quartile with the median in white,
// whiskers to the 5th and 95th percentiles, the mean as a white dot, and
// the truth as a black vertical line (one line across the panel when all
// estimators share the truth, else a short line per row). All rows of a
// panel share the horizontal axis; panels have their own axes.
//
// The axis covers each estimator's estimates up to 3 interquartile ranges
// beyond the quartiles, and every truth; estimates beyond (wild failures
// of, say, a weakly identified estimator) are not drawn but counted at the
// edge of their row ("< 3", "3 >").
//
// Non-finite values and truths are ignored; a row without any finite
// estimate reads "no finite estimates". It is an error if panels is empty,
// a panel has no Dists, or no panel has any finite estimate.
func SamplingDistributions(path string, title string, panels []Panel) error {
	if len(panels) == 0 {
		return errors.New("report: sampling distributions: no panels")
	}
	anyData := false
	maxRows := 0
	for i, pn := range panels {
		if len(pn.Dists) == 0 {
			return fmt.Errorf("report: sampling distributions: panel %d (%q) has no estimators", i, pn.Title)
		}
		maxRows = max(maxRows, len(pn.Dists))
		for _, d := range pn.Dists {
			if !anyData && slices.ContainsFunc(d.Values, finite) {
				anyData = true
			}
		}
	}
	if !anyData {
		return errors.New("report: sampling distributions: no finite estimate to draw")
	}

	np := len(panels)
	cols := np
	if np > 3 {
		cols = int(math.Ceil(math.Sqrt(float64(np))))
	}
	rows := (np + cols - 1) / cols

	plots := make([][]*plot.Plot, rows)
	offScale := false
	for r := range rows {
		plots[r] = make([]*plot.Plot, cols)
		for c := range cols {
			i := r*cols + c
			if i >= np {
				continue
			}
			// Row labels are repeated only where they differ from those of
			// the first panel in the same grid row.
			showLabels := c == 0 || !sameLabels(panels[i].Dists, panels[r*cols].Dists)
			p, off := distPlot(panels[i], showLabels)
			offScale = offScale || off
			plots[r][c] = p
		}
	}

	panelW := max(4.2*vg.Inch, 6.5*vg.Inch/vg.Length(cols))
	panelH := max(2.2*vg.Inch, 0.5*vg.Inch*vg.Length(maxRows)+1.0*vg.Inch)
	caption := "Shape: kernel density of the estimates. Box: quartiles, white bar: median; whiskers: 5th–95th percentiles.\n" +
		"White dot: mean. Black line: truth (mean − truth = bias)."
	if offScale {
		caption += " \"3 >\": 3 estimates beyond the axis."
	}
	w := panelW * vg.Length(cols)
	head := newHeading(title, caption, w)
	h := head.height() + panelH*vg.Length(rows)

	return Render(path, w, h, func(dc draw.Canvas) {
		body := head.draw(dc)
		tiles := draw.Tiles{
			Rows: rows, Cols: cols,
			PadX: 0.15 * vg.Inch, PadY: 0.15 * vg.Inch,
			PadLeft: 0.1 * vg.Inch, PadRight: 0.15 * vg.Inch,
			PadTop: 0.05 * vg.Inch, PadBottom: 0.1 * vg.Inch,
		}
		canvases := plot.Align(plots, tiles, body)
		for r := range plots {
			for c, p := range plots[r] {
				if p != nil {
					p.Draw(canvases[r][c])
				}
			}
		}
	})
}

func sameLabels(a, b []Dist) bool {
	return slices.EqualFunc(a, b, func(x, y Dist) bool { return x.Label == y.Label })
}

// rowStats summarises one estimator's finite estimates.
type rowStats struct {
	label              string
	colour             int
	n                  int // finite estimates
	mean               float64
	q05, q25, q50, q75 float64
	q95                float64
	lo, hi             float64 // extent shown on the axis
	truth              float64
	xs, dens           []float64 // kernel density on a grid, dens scaled to max 1
	below, above       int       // estimates beyond the axis
	vals               []float64 // sorted finite estimates, while building
	bw                 float64   // kernel bandwidth
}

// distPlot builds the plot of one panel; off reports estimates beyond the
// axis.
func distPlot(pn Panel, showLabels bool) (p *plot.Plot, off bool) {
	n := len(pn.Dists)
	stats := make([]rowStats, n)
	xlo, xhi := math.Inf(1), math.Inf(-1)
	for i, d := range pn.Dists {
		s := &stats[i]
		s.label, s.colour, s.truth = d.Label, i, d.Truth
		vals := make([]float64, 0, len(d.Values))
		for _, v := range d.Values {
			if finite(v) {
				vals = append(vals, v)
			}
		}
		sort.Float64s(vals)
		s.n = len(vals)
		if finite(d.Truth) {
			xlo, xhi = math.Min(xlo, d.Truth), math.Max(xhi, d.Truth)
		}
		if s.n == 0 {
			continue
		}
		s.q05, s.q25, s.q50 = quantile(vals, 0.05), quantile(vals, 0.25), quantile(vals, 0.5)
		s.q75, s.q95 = quantile(vals, 0.75), quantile(vals, 0.95)
		var sum float64
		for _, v := range vals {
			sum += v
		}
		s.mean = sum / float64(s.n)
		iqr := s.q75 - s.q25
		s.lo = math.Max(vals[0], s.q25-3*iqr)
		s.hi = math.Min(vals[s.n-1], s.q75+3*iqr)
		bw := bandwidth(vals, s.mean, iqr)
		// Leave room for the density's tails.
		xlo = math.Min(xlo, s.lo-2.5*bw)
		xhi = math.Max(xhi, s.hi+2.5*bw)
		s.vals, s.bw = vals, bw
	}
	if xlo > xhi { // no finite data nor truth in this panel
		xlo, xhi = -1, 1
	}
	xlo, xhi = padRange(xlo, xhi, 0.03)
	for i := range stats {
		s := &stats[i]
		if s.n == 0 {
			continue
		}
		for _, v := range pn.Dists[i].Values {
			switch {
			case !finite(v):
			case v < xlo:
				s.below++
			case v > xhi:
				s.above++
			}
		}
		off = off || s.below > 0 || s.above > 0
		// The density spans the estimates on the axis and its tails.
		if in := s.vals[s.below : s.n-s.above]; len(in) > 0 {
			s.xs, s.dens = kde(s.vals, s.bw, math.Max(xlo, in[0]-2.5*s.bw), math.Min(xhi, in[len(in)-1]+2.5*s.bw), 200)
		}
		s.vals = nil
	}

	p = newPlot()
	p.Title.Text = pn.Title
	p.Title.Padding = 0.08 * vg.Inch
	grid := plotter.NewGrid()
	grid.Horizontal.Width = 0
	grid.Vertical.Color = lightGrey
	p.Add(grid, &distRows{stats: stats})
	names := make([]string, n)
	for i := range stats {
		if showLabels {
			names[n-1-i] = stats[i].label
		}
	}
	p.NominalY(names...)
	p.X.Min, p.X.Max = xlo, xhi
	p.Y.Min, p.Y.Max = -0.5, float64(n)-0.5
	p.Y.Padding = 0
	return p, off
}

// distRows is the plotter drawing the rows of one panel.
type distRows struct{ stats []rowStats }

func (dr *distRows) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	n := len(dr.stats)
	rowY := func(i int) float64 { return float64(n - 1 - i) }
	noteSty := textStyle(8, darkGrey)
	noteSty.YAlign = draw.YCenter

	for i, s := range dr.stats {
		y := rowY(i)
		col := Colour(s.colour)
		if s.n == 0 {
			sty := noteSty
			sty.XAlign = draw.XLeft
			c.FillText(sty, vg.Point{X: c.Min.X + vg.Points(4), Y: trY(y)}, "no finite estimates")
			continue
		}
		// Violin.
		if len(s.xs) > 1 {
			const half = 0.38
			pts := make([]vg.Point, 0, 2*len(s.xs)+1)
			for k, x := range s.xs {
				pts = append(pts, vg.Point{X: trX(x), Y: trY(y + half*s.dens[k])})
			}
			for k := len(s.xs) - 1; k >= 0; k-- {
				pts = append(pts, vg.Point{X: trX(s.xs[k]), Y: trY(y - half*s.dens[k])})
			}
			c.FillPolygon(fill(col, 0x55), c.ClipPolygonXY(pts))
			pts = append(pts, pts[0])
			c.StrokeLines(draw.LineStyle{Color: col, Width: vg.Points(1)}, c.ClipLinesXY(pts)...)
		}
		// Whiskers, box, median.
		const bh = 0.07
		whisker := draw.LineStyle{Color: col, Width: vg.Points(1.2)}
		c.StrokeLines(whisker, c.ClipLinesXY(
			[]vg.Point{{X: trX(s.q05), Y: trY(y)}, {X: trX(s.q25), Y: trY(y)}},
			[]vg.Point{{X: trX(s.q75), Y: trY(y)}, {X: trX(s.q95), Y: trY(y)}},
		)...)
		box := []vg.Point{
			{X: trX(s.q25), Y: trY(y - bh)}, {X: trX(s.q75), Y: trY(y - bh)},
			{X: trX(s.q75), Y: trY(y + bh)}, {X: trX(s.q25), Y: trY(y + bh)},
		}
		c.FillPolygon(col, c.ClipPolygonXY(box))
		c.StrokeLines(draw.LineStyle{Color: white, Width: vg.Points(1.5)}, c.ClipLinesXY(
			[]vg.Point{{X: trX(s.q50), Y: trY(y - bh)}, {X: trX(s.q50), Y: trY(y + bh)}})...)
		// Beyond the axis.
		if s.below > 0 {
			sty := noteSty
			sty.XAlign = draw.XLeft
			c.FillText(sty, vg.Point{X: c.Min.X + vg.Points(2), Y: trY(y + 0.3)}, fmt.Sprintf("< %d", s.below))
		}
		if s.above > 0 {
			sty := noteSty
			sty.XAlign = draw.XRight
			c.FillText(sty, vg.Point{X: c.Max.X - vg.Points(2), Y: trY(y + 0.3)}, fmt.Sprintf("%d >", s.above))
		}
	}

	// Truth: one line across the panel when shared, else one per row.
	truth := draw.LineStyle{Color: black, Width: vg.Points(1.6)}
	shared := true
	for _, s := range dr.stats {
		if !finite(s.truth) || s.truth != dr.stats[0].truth {
			shared = false
			break
		}
	}
	if shared {
		x := trX(dr.stats[0].truth)
		c.StrokeLines(truth, c.ClipLinesXY([]vg.Point{{X: x, Y: c.Min.Y}, {X: x, Y: c.Max.Y}})...)
	} else {
		for i, s := range dr.stats {
			if finite(s.truth) {
				x, y := trX(s.truth), rowY(i)
				c.StrokeLines(truth, c.ClipLinesXY([]vg.Point{{X: x, Y: trY(y - 0.46)}, {X: x, Y: trY(y + 0.46)}})...)
			}
		}
	}

	// Means on top of everything.
	for i, s := range dr.stats {
		if s.n == 0 {
			continue
		}
		pt := vg.Point{X: trX(s.mean), Y: trY(rowY(i))}
		c.DrawGlyph(draw.GlyphStyle{Color: white, Radius: vg.Points(3.2), Shape: draw.CircleGlyph{}}, pt)
		c.DrawGlyph(draw.GlyphStyle{Color: black, Radius: vg.Points(3.2), Shape: draw.RingGlyph{}}, pt)
	}
}

// quantile returns the p-quantile of sorted (linear interpolation between
// order statistics, type 7 of Hyndman & Fan).
func quantile(sorted []float64, p float64) float64 {
	n := len(sorted)
	if n == 1 {
		return sorted[0]
	}
	h := p * float64(n-1)
	lo := int(math.Floor(h))
	if lo >= n-1 {
		return sorted[n-1]
	}
	return sorted[lo] + (h-float64(lo))*(sorted[lo+1]-sorted[lo])
}

// bandwidth returns Silverman's rule-of-thumb bandwidth, or 0 when the
// values do not vary.
func bandwidth(sorted []float64, mean, iqr float64) float64 {
	n := len(sorted)
	if n < 2 {
		return 0
	}
	var ss float64
	for _, v := range sorted {
		ss += (v - mean) * (v - mean)
	}
	sd := math.Sqrt(ss / float64(n-1))
	spread := sd
	if iqr > 0 && iqr/1.34 < sd {
		spread = iqr / 1.34
	}
	return 0.9 * spread * math.Pow(float64(n), -0.2)
}

// kde evaluates a Gaussian kernel density of sorted with bandwidth bw at m
// points from lo to hi, scaled so that its maximum is 1. It returns nil
// when the density is degenerate.
func kde(sorted []float64, bw, lo, hi float64, m int) (xs, dens []float64) {
	if !(bw > 0) || !(hi > lo) {
		return nil, nil
	}
	xs = make([]float64, m)
	dens = make([]float64, m)
	peak := 0.0
	for k := range m {
		x := lo + (hi-lo)*float64(k)/float64(m-1)
		xs[k] = x
		// Only points within 6 bandwidths contribute noticeably.
		a := sort.SearchFloat64s(sorted, x-6*bw)
		var d float64
		for _, v := range sorted[a:] {
			if v > x+6*bw {
				break
			}
			u := (x - v) / bw
			d += math.Exp(-0.5 * u * u)
		}
		dens[k] = d
		peak = math.Max(peak, d)
	}
	if !(peak > 0) {
		return nil, nil
	}
	for k := range dens {
		dens[k] /= peak
	}
	return xs, dens
}

package report

import (
	"errors"
	"fmt"
	"image/color"
	"math"
	"sort"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Point is one labelled point with optional 95% intervals on each axis (NaN: none).
//
// An interval is drawn only when both its ends are finite and Lo < Hi: a
// NaN or infinite end, or a zero-width interval (as in the zero value of
// Point), draws no interval and does not widen the axis.
type Point struct {
	Label    string
	X, Y     float64
	XLo, XHi float64
	YLo, YHi float64
	Grey     bool // dominated / de-emphasised: drawn in light grey, label in grey
	Ringed   bool // the point to look at (e.g. the recommended policy): a black ring around its marker
}

// ScatterOptions are the optional elements of a Scatter plot.
type ScatterOptions struct {
	// Connect draws a line through the non-grey points in order of X (a Pareto frontier).
	Connect bool
	// Diagonal draws the dashed line y = x (e.g. survey vs true satisfaction on the same scale).
	Diagonal bool
	// Caption is an optional line of small text under the title.
	Caption string
}

var (
	pointGrey = color.NRGBA{0xB4, 0xB4, 0xB4, 0xFF} // grey points and their intervals
	labelGrey = color.NRGBA{0x80, 0x80, 0x80, 0xFF} // labels of grey points
)

// Scatter draws the points with their interval crosses and a text label
// next to each, and writes path+".png" and path+".svg". The title, when
// not empty, is drawn at the top, with opts.Caption in small grey text
// under it (both wrapped at spaces to the width of the figure); xLabel
// and yLabel name the axes.
//
// The i-th non-grey point of points (counting from 0, and counting
// non-grey points skipped for a non-finite X or Y, so that colours stay
// tied to positions) is drawn with Colour(i) and the i-th marker shape
// (those of LinePlot, with a filled diamond in place of the plus, which
// would vanish in the cross of intervals; cycling after 8), its intervals
// as a cross of error bars in the same colour.
// Grey points are light grey circles with light grey intervals, drawn
// beneath the others. A Ringed point gets a black ring around its
// marker. Each label sits next to its marker, never on it,
// on a translucent white background: labels are placed one by one
// (non-grey points first, then grey ones, each in the order given), each
// at whichever of sixteen positions — above right, above left, below
// right, below left, right, left, above and below its marker, near it or
// farther out — least overlaps the labels already placed, the markers,
// the intervals, the lines and the edges of the plot (ties going to the
// nearer position, then to the earlier in that list). Labels of non-grey
// points are black, those of grey points grey.
//
// With opts.Connect, a dark grey line joins the finite non-grey points in
// order of X (ties in the order given). With opts.Diagonal, both axes
// cover the same range and a dashed black line y = x runs corner to
// corner. Otherwise each axis covers its points and drawn intervals, with
// 6% padding on each side.
//
// A point whose X or Y is not finite is not drawn, nor is its label. It is
// an error if points is empty, no point has a finite X and Y, or a point
// has XLo > XHi or YLo > YHi (NaN ends never compare greater; infinite
// ends do).
func Scatter(path, title, xLabel, yLabel string, points []Point, opts ScatterOptions) error {
	if len(points) == 0 {
		return errors.New("report: scatter: no points")
	}
	var items []scatterItem
	xlo, xhi := math.Inf(1), math.Inf(-1)
	ylo, yhi := math.Inf(1), math.Inf(-1)
	colour := 0
	for _, pt := range points {
		if pt.XLo > pt.XHi {
			return fmt.Errorf("report: scatter: point %q has XLo %v > XHi %v", pt.Label, pt.XLo, pt.XHi)
		}
		if pt.YLo > pt.YHi {
			return fmt.Errorf("report: scatter: point %q has YLo %v > YHi %v", pt.Label, pt.YLo, pt.YHi)
		}
		it := scatterItem{Point: pt, colour: -1}
		if !pt.Grey {
			it.colour = colour
			colour++
		}
		if !finite(pt.X) || !finite(pt.Y) {
			continue
		}
		it.xInt, it.yInt = hasInterval(pt.XLo, pt.XHi), hasInterval(pt.YLo, pt.YHi)
		xlo, xhi = math.Min(xlo, pt.X), math.Max(xhi, pt.X)
		ylo, yhi = math.Min(ylo, pt.Y), math.Max(yhi, pt.Y)
		if it.xInt {
			xlo, xhi = math.Min(xlo, pt.XLo), math.Max(xhi, pt.XHi)
		}
		if it.yInt {
			ylo, yhi = math.Min(ylo, pt.YLo), math.Max(yhi, pt.YHi)
		}
		items = append(items, it)
	}
	if len(items) == 0 {
		return errors.New("report: scatter: no finite point to draw")
	}
	if opts.Diagonal {
		xlo, xhi = math.Min(xlo, ylo), math.Max(xhi, yhi)
		ylo, yhi = xlo, xhi
	}
	xlo, xhi = padRange(xlo, xhi, 0.06)
	ylo, yhi = padRange(ylo, yhi, 0.06)

	p := newPlot()
	p.X.Label.Text = xLabel
	p.Y.Label.Text = yLabel
	p.X.Min, p.X.Max = xlo, xhi
	p.Y.Min, p.Y.Max = ylo, yhi
	grid := plotter.NewGrid()
	grid.Vertical.Color, grid.Horizontal.Color = lightGrey, lightGrey
	p.Add(grid, &scatterPlot{items: items, connect: opts.Connect, diagonal: opts.Diagonal})

	w := 6.5 * vg.Inch
	head := newHeading(title, opts.Caption, w)
	h := 5*vg.Inch + head.height()
	return Render(path, w, h, func(dc draw.Canvas) {
		pc := head.draw(dc)
		pc.Min.X += 0.1 * vg.Inch
		pc.Max.X -= 0.2 * vg.Inch
		pc.Min.Y += 0.1 * vg.Inch
		p.Draw(pc)
	})
}

// scatterItem is a finite point to draw.
type scatterItem struct {
	Point
	colour     int // palette index; -1: grey
	xInt, yInt bool
}

// scatterPlot is the plotter drawing the points, lines and labels.
type scatterPlot struct {
	items    []scatterItem
	connect  bool
	diagonal bool
}

const markerRadius = 3.5 // points

// diamondGlyph is a filled square standing on a corner.
type diamondGlyph struct{}

func (diamondGlyph) DrawGlyph(c *draw.Canvas, sty draw.GlyphStyle, pt vg.Point) {
	r := sty.Radius * 1.2
	var path vg.Path
	path.Move(vg.Point{X: pt.X, Y: pt.Y - r})
	path.Line(vg.Point{X: pt.X + r, Y: pt.Y})
	path.Line(vg.Point{X: pt.X, Y: pt.Y + r})
	path.Line(vg.Point{X: pt.X - r, Y: pt.Y})
	path.Close()
	c.Fill(path)
}

func (sp *scatterPlot) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	var lines [][]vg.Point // obstacles for the labels
	if sp.diagonal {
		lo, hi := math.Max(p.X.Min, p.Y.Min), math.Min(p.X.Max, p.Y.Max)
		if hi > lo {
			l := []vg.Point{{X: trX(lo), Y: trY(lo)}, {X: trX(hi), Y: trY(hi)}}
			c.StrokeLines(draw.LineStyle{Color: black, Width: vg.Points(1), Dashes: []vg.Length{vg.Points(5), vg.Points(3)}}, c.ClipLinesXY(l)...)
			lines = append(lines, l)
		}
	}
	if sp.connect {
		var front []scatterItem
		for _, it := range sp.items {
			if !it.Grey {
				front = append(front, it)
			}
		}
		sort.SliceStable(front, func(a, b int) bool { return front[a].X < front[b].X })
		if len(front) > 1 {
			l := make([]vg.Point, len(front))
			for k, it := range front {
				l[k] = vg.Point{X: trX(it.X), Y: trY(it.Y)}
			}
			c.StrokeLines(draw.LineStyle{Color: darkGrey, Width: vg.Points(1.2)}, c.ClipLinesXY(l)...)
			lines = append(lines, l)
		}
	}

	// Intervals and markers: grey points first, beneath the others.
	var boxes []vg.Rectangle // intervals and markers, obstacles for the labels
	r := vg.Points(markerRadius)
	for _, grey := range []bool{true, false} {
		for _, it := range sp.items {
			if it.Grey != grey {
				continue
			}
			col := color.Color(pointGrey)
			if !grey {
				col = Colour(it.colour)
			}
			x, y := trX(it.X), trY(it.Y)
			sty := draw.LineStyle{Color: col, Width: vg.Points(1.1)}
			capW := vg.Points(3)
			if it.xInt {
				lo, hi := trX(it.XLo), trX(it.XHi)
				c.StrokeLines(sty, c.ClipLinesXY(
					[]vg.Point{{X: lo, Y: y}, {X: hi, Y: y}},
					[]vg.Point{{X: lo, Y: y - capW}, {X: lo, Y: y + capW}},
					[]vg.Point{{X: hi, Y: y - capW}, {X: hi, Y: y + capW}},
				)...)
				boxes = append(boxes, vg.Rectangle{Min: vg.Point{X: lo, Y: y - 1}, Max: vg.Point{X: hi, Y: y + 1}})
			}
			if it.yInt {
				lo, hi := trY(it.YLo), trY(it.YHi)
				c.StrokeLines(sty, c.ClipLinesXY(
					[]vg.Point{{X: x, Y: lo}, {X: x, Y: hi}},
					[]vg.Point{{X: x - capW, Y: lo}, {X: x + capW, Y: lo}},
					[]vg.Point{{X: x - capW, Y: hi}, {X: x + capW, Y: hi}},
				)...)
				boxes = append(boxes, vg.Rectangle{Min: vg.Point{X: x - 1, Y: lo}, Max: vg.Point{X: x + 1, Y: hi}})
			}
			pt := vg.Point{X: x, Y: y}
			c.DrawGlyph(draw.GlyphStyle{Color: white, Radius: r + vg.Points(1.2), Shape: draw.CircleGlyph{}}, pt)
			shape := draw.GlyphDrawer(draw.CircleGlyph{})
			if !grey {
				shape = markerShape(it.colour, true)
			}
			c.DrawGlyph(draw.GlyphStyle{Color: col, Radius: r, Shape: shape}, pt)
			if it.Ringed {
				c.DrawGlyph(draw.GlyphStyle{Color: black, Radius: r + vg.Points(4), Shape: ringGlyph{width: vg.Points(1.6)}}, pt)
			}
		}
	}
	var markers []vg.Rectangle
	for _, it := range sp.items {
		x, y := trX(it.X), trY(it.Y)
		d := r
		if it.Ringed {
			d += vg.Points(5)
		}
		markers = append(markers, vg.Rectangle{Min: vg.Point{X: x - d, Y: y - d}, Max: vg.Point{X: x + d, Y: y + d}})
	}

	// Labels, placed greedily: non-grey points first.
	var placed []vg.Rectangle
	for _, grey := range []bool{false, true} {
		for _, it := range sp.items {
			if it.Grey != grey || it.Label == "" {
				continue
			}
			sty := textStyle(9, black)
			if grey {
				sty.Color = labelGrey
			}
			anchor, rect := placeLabel(c.Rectangle, vg.Point{X: trX(it.X), Y: trY(it.Y)}, it.Label, sty, placed, markers, boxes, lines)
			pad := vg.Points(1)
			c.FillPolygon(fill(white, 0xB0), []vg.Point{
				{X: rect.Min.X - pad, Y: rect.Min.Y}, {X: rect.Max.X + pad, Y: rect.Min.Y},
				{X: rect.Max.X + pad, Y: rect.Max.Y}, {X: rect.Min.X - pad, Y: rect.Max.Y},
			})
			c.FillText(sty, anchor, it.Label)
			placed = append(placed, rect)
		}
	}
}

// placeLabel chooses the position of the label of the marker at m, drawn
// with sty aligned left and bottom, and returns its anchor and rectangle.
func placeLabel(area vg.Rectangle, m vg.Point, label string, sty draw.TextStyle, placed, markers, boxes []vg.Rectangle, lines [][]vg.Point) (vg.Point, vg.Rectangle) {
	sty.XAlign, sty.YAlign = draw.XLeft, draw.YBottom
	r0 := sty.Rectangle(label) // relative to an anchor at the origin
	w, h := r0.Max.X-r0.Min.X, r0.Max.Y-r0.Min.Y
	// Where the lower left corner of the label goes, relative to m, for
	// a gap g between the marker and the label: above right, above left,
	// below right, below left, right, left, above, below.
	corners := func(g vg.Length) []vg.Point {
		a := g / math.Sqrt2
		return []vg.Point{
			{X: a, Y: a}, {X: -a - w, Y: a}, {X: a, Y: -a - h}, {X: -a - w, Y: -a - h},
			{X: g, Y: -h / 2}, {X: -g - w, Y: -h / 2}, {X: -w / 2, Y: g}, {X: -w / 2, Y: -g - h},
		}
	}
	var best vg.Rectangle
	bestCost := math.Inf(1)
	k := 0
	for ring, g := range []vg.Length{vg.Points(markerRadius + 2.5), vg.Points(markerRadius + 10), vg.Points(markerRadius + 20)} {
		for _, corner := range corners(g) {
			ll := m.Add(corner)
			rect := vg.Rectangle{Min: ll, Max: ll.Add(vg.Point{X: w, Y: h})}
			cost := 20*outside(rect, area) + 0.001*float64(k) + 2*float64(ring)
			for _, o := range placed {
				cost += 10 * overlap(rect, o)
			}
			for _, o := range markers {
				cost += 10 * overlap(rect, o)
			}
			for _, o := range boxes {
				cost += overlap(rect, o)
			}
			for _, l := range lines {
				cost += 2 * lineInside(rect, l)
			}
			if cost < bestCost {
				bestCost, best = cost, rect
			}
			k++
		}
	}
	return best.Min.Sub(r0.Min), best
}

// overlap returns the area (in square points) shared by a and b.
func overlap(a, b vg.Rectangle) float64 {
	w := min(a.Max.X, b.Max.X) - max(a.Min.X, b.Min.X)
	h := min(a.Max.Y, b.Max.Y) - max(a.Min.Y, b.Min.Y)
	if w <= 0 || h <= 0 {
		return 0
	}
	return float64(w.Points() * h.Points())
}

// outside returns the area (in square points) of r outside area.
func outside(r, area vg.Rectangle) float64 {
	all := float64((r.Max.X - r.Min.X).Points() * (r.Max.Y - r.Min.Y).Points())
	return all - overlap(r, area)
}

// lineInside returns the length (in points) of the polyline l inside r,
// estimated by sampling every point.
func lineInside(r vg.Rectangle, l []vg.Point) float64 {
	var n float64
	for k := 1; k < len(l); k++ {
		a, b := l[k-1], l[k]
		length := math.Hypot(float64(b.X-a.X), float64(b.Y-a.Y))
		steps := int(length/vg.Points(1).Points()) + 1
		for s := range steps {
			t := (float64(s) + 0.5) / float64(steps)
			x := a.X + vg.Length(t)*(b.X-a.X)
			y := a.Y + vg.Length(t)*(b.Y-a.Y)
			if x >= r.Min.X && x <= r.Max.X && y >= r.Min.Y && y <= r.Max.Y {
				n += length / float64(steps)
			}
		}
	}
	return n
}

// ringGlyph is an unfilled circle drawn with a line of the given width.
type ringGlyph struct{ width vg.Length }

func (g ringGlyph) DrawGlyph(c *draw.Canvas, sty draw.GlyphStyle, pt vg.Point) {
	var p vg.Path
	p.Move(vg.Point{X: pt.X + sty.Radius, Y: pt.Y})
	p.Arc(pt, sty.Radius, 0, 2*math.Pi)
	p.Close()
	c.SetLineStyle(draw.LineStyle{Color: sty.Color, Width: g.width})
	c.Stroke(p)
}

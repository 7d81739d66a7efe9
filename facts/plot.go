package facts

import (
	"errors"
	"fmt"
	"image/color"
	"math"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/redress-sim/redress/internal/report"
)

// Plot draws the report as one row per fact; the same report gives the
// same bytes.
//
// Facts have different units, so each row has its own scale: the
// estimate and its 95% interval are divided by max(|low|, |high|), which
// puts the interval inside [−1, 1] with 0 where it was. A vertical line
// marks 0, and the side of 0 the literature predicts is shaded, so a fact
// holds when its whole bar lies in the shaded half. The estimate is a
// point on its interval's bar: a blue circle when the fact holds, a
// vermillion triangle when it does not (the Okabe–Ito pair of package
// report, told apart by shape too). Each row is labelled on the left with
// the fact's title and on the right with the raw estimate [low, high].
// A fact whose numbers are not finite reads "n/a" and draws no bar.
//
// It writes base+".png" and base+".svg" (report.Render). It is an error
// if the report has no facts.
func (r *Report) Plot(base string) error {
	if len(r.Results) == 0 {
		return errors.New("facts plot: the report has no facts")
	}
	f := newFigure(r)
	if err := report.Render(base, f.w, f.h, f.draw); err != nil {
		return fmt.Errorf("facts plot: %w", err)
	}
	return nil
}

// Colours and sizes of the plot.
var (
	holdsColour = report.Colour(0) // blue
	failsColour = report.Colour(1) // vermillion
	shadeColour = color.NRGBA{0xE4, 0xE4, 0xE4, 0xFF}
	guideColour = color.NRGBA{0xC8, 0xC8, 0xC8, 0xFF}
	darkGrey    = color.NRGBA{0x40, 0x40, 0x40, 0xFF}
	white       = color.NRGBA{0xFF, 0xFF, 0xFF, 0xFF}
	sans        = font.Font{Typeface: "Liberation", Variant: "Sans"}
)

const (
	rowHeight = 0.3 * vg.Inch
	axisMax   = 1.12 // the horizontal axis covers ±axisMax
	glyphSize = 4.2  // radius of the markers, in points
)

// textStyle returns a Liberation Sans text style.
func textStyle(size vg.Length, c color.Color, x draw.XAlignment, y draw.YAlignment) draw.TextStyle {
	return draw.TextStyle{Color: c, Font: font.From(sans, size), XAlign: x, YAlign: y, Handler: plot.DefaultTextHandler}
}

// plotRow is one fact as drawn: est, lo and hi normalised (NaN: not
// drawn); want is the predicted sign of the catalogue's fact with the
// row's id (0: unknown id, no shading).
type plotRow struct {
	title, numbers string
	est, lo, hi    float64
	holds          bool
	want           int
}

// normalise divides est, lo and hi by max(|lo|, |hi|) (by 1 when that is
// 0); ok is false when any of them is not finite or lo > hi.
func normalise(est, lo, hi float64) (e, l, h float64, ok bool) {
	for _, x := range []float64{est, lo, hi} {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return math.NaN(), math.NaN(), math.NaN(), false
		}
	}
	if lo > hi {
		return math.NaN(), math.NaN(), math.NaN(), false
	}
	s := math.Max(math.Abs(lo), math.Abs(hi))
	if s == 0 {
		s = 1
	}
	return est / s, lo / s, hi / s, true
}

// plotRows returns the report's facts as rows, in report order.
func plotRows(r *Report) []plotRow {
	want := map[string]int{}
	for _, f := range catalogue() {
		want[f.id] = f.want
	}
	rows := make([]plotRow, len(r.Results))
	for i, f := range r.Results {
		e, l, h, ok := normalise(f.Estimate, f.Low, f.High)
		row := plotRow{title: f.Title, est: e, lo: l, hi: h, holds: f.Holds, want: want[f.ID], numbers: "n/a"}
		if ok {
			row.numbers = fmt.Sprintf("%s  [%s, %s]", report.Signed(f.Estimate, 4), report.Signed(f.Low, 4), report.Signed(f.High, 4))
		}
		if row.title == "" {
			row.title = f.ID
		}
		rows[i] = row
	}
	return rows
}

// figure is the laid-out plot of a report.
type figure struct {
	rows          []plotRow
	title         string
	caption       []string // lines
	titleSty      draw.TextStyle
	capSty        draw.TextStyle
	labelSty      draw.TextStyle // fact titles, right-aligned
	numSty        draw.TextStyle // raw numbers, left-aligned
	axes          *plot.Plot
	leftW, rightW vg.Length // label columns
	headH         vg.Length
	w, h          vg.Length
}

const gap = 0.08 * vg.Inch

// newFigure lays out the plot of r.
func newFigure(r *Report) *figure {
	f := &figure{
		rows:     plotRows(r),
		title:    fmt.Sprintf("%s: %d of %d facts hold", r.Scenario, r.Holding(), len(r.Results)),
		titleSty: textStyle(14, color.Black, draw.XCenter, draw.YTop),
		capSty:   textStyle(9, darkGrey, draw.XCenter, draw.YTop),
		labelSty: textStyle(10, color.Black, draw.XRight, draw.YCenter),
		numSty:   textStyle(9, darkGrey, draw.XLeft, draw.YCenter),
	}
	f.caption = []string{
		fmt.Sprintf("%d replications, seed %d: the estimate and its 95%% interval over replications.", r.Reps, r.Seed),
		"Each fact on its own scale: estimate, low and high divided by max(|low|, |high|); raw values on the right.",
		"A fact holds when its whole interval lies on the side of 0 the literature predicts (shaded).",
	}
	f.axes = f.newAxes()
	capW := f.titleSty.Width(f.title)
	for _, line := range f.caption {
		capW = max(capW, f.capSty.Width(line))
	}
	for _, row := range f.rows {
		f.leftW = max(f.leftW, f.labelSty.Width(row.title))
		f.rightW = max(f.rightW, f.numSty.Width(row.numbers))
	}
	f.leftW += 0.3 * vg.Inch
	f.rightW += 0.3 * vg.Inch
	f.w = max(8*vg.Inch, f.leftW+4*vg.Inch+f.rightW, capW+0.4*vg.Inch)
	f.headH = gap + f.titleSty.Height(f.title) + gap + f.capSty.Height(strings.Join(f.caption, "\n")) + gap + 2*glyphSize + 2*gap
	// The axis takes the plot's height less its data area.
	probe := draw.Canvas{Rectangle: vg.Rectangle{Max: vg.Point{X: 5 * vg.Inch, Y: 5 * vg.Inch}}}
	dc := f.axes.DataCanvas(probe)
	f.h = f.headH + rowHeight*vg.Length(len(f.rows)) + (5*vg.Inch - (dc.Max.Y - dc.Min.Y)) + gap
	return f
}

// newAxes returns the plot holding the rows: a horizontal axis over
// ±axisMax, no vertical axis, row i at y = n−1−i.
func (f *figure) newAxes() *plot.Plot {
	p := plot.New()
	p.BackgroundColor = nil
	p.HideY()
	p.X.Min, p.X.Max = -axisMax, axisMax
	p.Y.Min, p.Y.Max = -0.5, float64(len(f.rows))-0.5
	p.X.Padding, p.Y.Padding = 0, 0
	p.X.Label.Text = "estimate ÷ max(|low|, |high|), each fact on its own scale"
	p.X.Label.TextStyle.Font = font.From(sans, 10)
	p.X.Tick.Label.Font = font.From(sans, 9)
	p.X.Tick.Marker = plot.ConstantTicks{
		{Value: -1, Label: "−1"}, {Value: -0.5, Label: "−0.5"}, {Value: 0, Label: "0"},
		{Value: 0.5, Label: "+0.5"}, {Value: 1, Label: "+1"},
	}
	p.Add(&rowsPlotter{rows: f.rows})
	return p
}

// draw draws the figure on dc.
func (f *figure) draw(dc draw.Canvas) {
	top := dc.Max.Y - gap
	mid := (dc.Min.X + dc.Max.X) / 2
	dc.FillText(f.titleSty, vg.Point{X: mid, Y: top}, f.title)
	top -= f.titleSty.Height(f.title) + gap
	caption := strings.Join(f.caption, "\n")
	dc.FillText(f.capSty, vg.Point{X: mid, Y: top}, caption)
	top -= f.capSty.Height(caption) + gap + glyphSize
	f.drawLegend(dc, mid, top)

	pc := dc
	pc.Max.Y = dc.Max.Y - f.headH
	pc.Min.Y += gap
	pc.Min.X += f.leftW
	pc.Max.X -= f.rightW
	f.axes.Draw(pc)
	data := f.axes.DataCanvas(pc)
	_, trY := f.axes.Transforms(&data)
	for i, row := range f.rows {
		y := trY(float64(len(f.rows) - 1 - i))
		dc.FillText(f.labelSty, vg.Point{X: data.Min.X - 0.12*vg.Inch, Y: y}, row.title)
		dc.FillText(f.numSty, vg.Point{X: data.Max.X + 0.12*vg.Inch, Y: y}, row.numbers)
	}
}

// drawLegend draws the legend centred on (mid, y): the two markers and
// a swatch of the shading, each followed by its meaning.
func (f *figure) drawLegend(dc draw.Canvas, mid, y vg.Length) {
	sty := textStyle(9, color.Black, draw.XLeft, draw.YCenter)
	texts := []string{"holds", "does not hold", "the side of 0 the literature predicts"}
	key := vg.Points(2*glyphSize + 4) // a key and the space after it
	sep := 0.3 * vg.Inch              // between items
	width := -sep
	for _, s := range texts {
		width += key + sty.Width(s) + sep
	}
	x := mid - width/2
	for i, s := range texts {
		switch i {
		case 2:
			r := vg.Points(glyphSize)
			dc.FillPolygon(shadeColour, []vg.Point{{X: x, Y: y - r}, {X: x + 2*r, Y: y - r}, {X: x + 2*r, Y: y + r}, {X: x, Y: y + r}})
		default:
			marker(&dc, vg.Point{X: x + vg.Points(glyphSize), Y: y}, i == 0)
		}
		dc.FillText(sty, vg.Point{X: x + key, Y: y}, s)
		x += key + sty.Width(s) + sep
	}
}

// marker draws a fact's estimate: a blue circle when it holds, a
// vermillion triangle when not, on a white halo.
func marker(c *draw.Canvas, pt vg.Point, holds bool) {
	var g draw.GlyphDrawer = draw.PyramidGlyph{}
	col := failsColour
	if holds {
		g, col = draw.CircleGlyph{}, holdsColour
	}
	c.DrawGlyph(draw.GlyphStyle{Color: white, Radius: vg.Points(glyphSize + 1.5), Shape: g}, pt)
	c.DrawGlyph(draw.GlyphStyle{Color: col, Radius: vg.Points(glyphSize), Shape: g}, pt)
}

// rowsPlotter draws the rows inside the data area.
type rowsPlotter struct{ rows []plotRow }

// Plot implements plot.Plotter.
func (rp *rowsPlotter) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	n := len(rp.rows)
	half := (trY(1) - trY(0)) * 0.42
	x0 := trX(0)
	for i, row := range rp.rows {
		y := trY(float64(n - 1 - i))
		c.StrokeLine2(draw.LineStyle{Color: guideColour, Width: vg.Points(0.5), Dashes: []vg.Length{vg.Points(1), vg.Points(2)}}, c.Min.X, y, c.Max.X, y)
		if row.want != 0 {
			edge := trX(float64(row.want) * axisMax)
			lo, hi := min(x0, edge), max(x0, edge)
			c.FillPolygon(shadeColour, []vg.Point{{X: lo, Y: y - half}, {X: hi, Y: y - half}, {X: hi, Y: y + half}, {X: lo, Y: y + half}})
		}
	}
	c.StrokeLine2(draw.LineStyle{Color: color.Black, Width: vg.Points(1)}, x0, c.Min.Y, x0, c.Max.Y)
	capH := vg.Points(3.5)
	for i, row := range rp.rows {
		if math.IsNaN(row.est) {
			continue
		}
		y := trY(float64(n - 1 - i))
		col := failsColour
		if row.holds {
			col = holdsColour
		}
		lo, hi := trX(row.lo), trX(row.hi)
		sty := draw.LineStyle{Color: col, Width: vg.Points(2)}
		c.StrokeLines(sty, []vg.Point{{X: lo, Y: y}, {X: hi, Y: y}},
			[]vg.Point{{X: lo, Y: y - capH}, {X: lo, Y: y + capH}}, []vg.Point{{X: hi, Y: y - capH}, {X: hi, Y: y + capH}})
		marker(&c, vg.Point{X: trX(row.est), Y: y}, row.holds)
	}
}

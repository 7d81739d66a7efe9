package report

import (
	"errors"
	"fmt"
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Bar is one bar: a value with a 95% interval [Lo, Hi] (NaN: no interval).
//
// The interval is drawn only when Lo and Hi are both finite and Lo < Hi:
// a NaN or infinite end, or a zero-width interval (Lo == Hi, as in the
// zero value of Bar), draws no error bar and does not widen the axis.
type Bar struct {
	Label     string
	Value     float64
	Lo, Hi    float64
	Highlight bool // drawn in the accent colour (e.g. the baseline policy); others in the palette colour of their position
	Marked    bool // outlined in black (e.g. the recommended policy); say why in the title
}

// BarPanel is one panel: a metric across policies.
type BarPanel struct {
	Title string // e.g. "profit"
	Bars  []Bar
	Ref   *float64 // optional dashed horizontal reference line
}

// accent is the colour of highlighted bars: a near-black that stands apart
// from every palette colour (black is the package's colour for references).
var accent = color.NRGBA{0x33, 0x33, 0x33, 0xFF}

// BarPanels draws one bar chart per panel in a grid (up to 3 columns: one
// row for up to 3 panels, 2 columns for 4, 3 beyond; panels left to right,
// then top to bottom, in the order given), bars in the order given,
// labelled under the axis (rotated by 45° when the longest label of the
// figure is wider than 90% of a bar's slot, so that labels never
// overlap), each bar with its interval as an error bar, and writes
// path+".png" and path+".svg". The figure's title, when not empty, is
// drawn at the top, with a caption explaining the error bars under it;
// both are wrapped at spaces to the width of the figure.
//
// The i-th bar of a panel is filled with Colour(i), or with a near-black
// accent colour (#333333) when Highlight is set; its error bar is black with a white
// halo, so that it stays visible on any fill. A non-nil, finite Ref is
// drawn as a dashed black horizontal line. Each panel has its own vertical
// axis covering 0 and the panel's finite values, drawn interval ends and
// reference line (see barAxis): bars of levels always start at 0, so a
// bar twice as long is twice as large. (Differences between policies
// belong in a plot of differences, not in bars cut off at the bottom.)
//
// A bar whose Value is not finite is not drawn: its slot keeps its label
// and reads "n/a", and its interval is ignored; a non-finite *Ref draws no
// line. It is an error if panels is empty, a panel has no bars, no bar of
// any panel has a finite Value, or a bar has Lo > Hi (NaN ends never
// compare greater; infinite ends do).
func BarPanels(path, title string, panels []BarPanel) error {
	if len(panels) == 0 {
		return errors.New("report: bar panels: no panels")
	}
	anyData := false
	maxBars := 0
	for i, pn := range panels {
		if len(pn.Bars) == 0 {
			return fmt.Errorf("report: bar panels: panel %d (%q) has no bars", i, pn.Title)
		}
		maxBars = max(maxBars, len(pn.Bars))
		for _, b := range pn.Bars {
			if b.Lo > b.Hi {
				return fmt.Errorf("report: bar panels: panel %q, bar %q has Lo %v > Hi %v", pn.Title, b.Label, b.Lo, b.Hi)
			}
			anyData = anyData || finite(b.Value)
		}
	}
	if !anyData {
		return errors.New("report: bar panels: no finite value to draw")
	}

	np := len(panels)
	cols := np
	if np > 3 {
		cols = min(3, int(math.Ceil(math.Sqrt(float64(np)))))
	}
	rows := (np + cols - 1) / cols
	panelW := max(3*vg.Inch, 0.3*vg.Inch*vg.Length(maxBars)+0.9*vg.Inch)
	dataH := 2.2 * vg.Inch
	panelGap := 0.25 * vg.Inch // between the columns

	// Bar labels: horizontal when the longest fits in a slot of the
	// narrowest data area (estimated on a panel narrowed by the gap
	// between panels), else rotated by 45°.
	labelSty := textStyle(9, black)
	labelSty.XAlign, labelSty.YAlign = draw.XCenter, draw.YTop
	plots := make([][]*plot.Plot, rows)
	bps := make([]*barPlot, np)
	for i, pn := range panels {
		bps[i] = newBarPlot(pn)
	}
	minSlot := vg.Length(math.Inf(1))
	maxLabel := vg.Length(0)
	for i := range bps {
		p := bps[i].plot(panels[i].Title, 0)
		dc := p.DataCanvas(draw.Canvas{Rectangle: vg.Rectangle{Max: vg.Point{X: panelW - panelGap, Y: dataH}}})
		minSlot = min(minSlot, (dc.Max.X-dc.Min.X)/vg.Length(len(bps[i].bars)))
		for _, b := range bps[i].bars {
			maxLabel = max(maxLabel, labelSty.Width(b.Label))
		}
	}
	rotated := maxLabel > 0.9*minSlot
	if rotated {
		labelSty.Rotation = math.Pi / 4
		labelSty.XAlign, labelSty.YAlign = draw.XRight, draw.YCenter
	}
	gapBelow := vg.Points(4) // between the axis line and the labels
	labelRoom := func(bars []Bar) vg.Length {
		h := vg.Length(0)
		for _, b := range bars {
			if b.Label != "" {
				r := labelSty.Rectangle(b.Label)
				h = max(h, r.Max.Y-r.Min.Y)
			}
		}
		return gapBelow + h + vg.Points(2)
	}

	// Rotated labels reach left of their bar; the first column gets
	// extra room so that its first labels are not cut off.
	padLeft := 0.1 * vg.Inch
	maxRoom := vg.Length(0)
	for i, bp := range bps {
		bp.labelSty, bp.gapBelow = labelSty, gapBelow
		room := labelRoom(bp.bars)
		maxRoom = max(maxRoom, room)
		p := bp.plot(panels[i].Title, room)
		plots[i/cols] = append(plots[i/cols], p)
		if rotated && i%cols == 0 && bp.bars[0].Label != "" {
			r := labelSty.Rectangle(bp.bars[0].Label)
			dc := p.DataCanvas(draw.Canvas{Rectangle: vg.Rectangle{Max: vg.Point{X: panelW, Y: dataH + room}}})
			slot := (dc.Max.X - dc.Min.X) / vg.Length(len(bp.bars))
			padLeft = max(padLeft, -r.Min.X-dc.Min.X-slot/2+vg.Points(4))
		}
	}
	for r := range plots {
		for len(plots[r]) < cols {
			plots[r] = append(plots[r], nil)
		}
	}

	// Panel titles of a row at the same height: the top tick label of
	// some panels pushes their data area down, which plot.Align makes up
	// by raising their whole panel.
	for r := range plots {
		tops := make([]vg.Length, len(plots[r]))
		maxTop := vg.Length(0)
		for c, p := range plots[r] {
			if p != nil {
				cell := draw.Canvas{Rectangle: vg.Rectangle{Max: vg.Point{X: panelW, Y: dataH + maxRoom}}}
				tops[c] = cell.Max.Y - p.DataCanvas(cell).Max.Y
				maxTop = max(maxTop, tops[c])
			}
		}
		for c, p := range plots[r] {
			if p != nil {
				p.Title.Padding += maxTop - tops[c]
			}
		}
	}

	w := panelW*vg.Length(cols) + padLeft
	caption := "Error bars: 95% intervals."
	head := newHeading(title, caption, w)
	panelH := dataH + maxRoom + 0.35*vg.Inch // data, labels, panel title
	h := head.height() + panelH*vg.Length(rows)

	return Render(path, w, h, func(dc draw.Canvas) {
		body := head.draw(dc)
		tiles := draw.Tiles{
			Rows: rows, Cols: cols,
			PadX: panelGap, PadY: 0.15 * vg.Inch,
			PadLeft: padLeft, PadRight: 0.15 * vg.Inch,
			PadTop: 0.05 * vg.Inch, PadBottom: 0.05 * vg.Inch,
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

// barAxis returns the vertical axis of a panel whose finite values,
// drawn interval ends and reference line span [lo, hi] (lo > hi when there
// are none): it covers 0 and [lo, hi], plus 5% padding away from 0, so
// that bar lengths are proportional to the values.
func barAxis(lo, hi float64) (amin, amax float64) {
	if lo > hi { // nothing finite in the panel
		return 0, 1
	}
	lo, hi = math.Min(lo, 0), math.Max(hi, 0)
	if hi == lo { // all zero
		return 0, 1
	}
	d := 0.05 * (hi - lo)
	amin, amax = lo, hi
	if lo < 0 {
		amin -= d
	}
	if hi > 0 {
		amax += d
	}
	return amin, amax
}

// barPlot is the plotter drawing the bars of one panel.
type barPlot struct {
	bars       []Bar
	ref        float64 // NaN: none
	amin, amax float64
	labelSty   draw.TextStyle // of the bar labels
	gapBelow   vg.Length      // between the axis line and the labels
}

func newBarPlot(pn BarPanel) *barPlot {
	bp := &barPlot{bars: pn.Bars, ref: math.NaN()}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, b := range pn.Bars {
		if !finite(b.Value) {
			continue
		}
		lo, hi = math.Min(lo, b.Value), math.Max(hi, b.Value)
		if hasInterval(b.Lo, b.Hi) {
			lo, hi = math.Min(lo, b.Lo), math.Max(hi, b.Hi)
		}
	}
	if pn.Ref != nil && finite(*pn.Ref) {
		bp.ref = *pn.Ref
		lo, hi = math.Min(lo, bp.ref), math.Max(hi, bp.ref)
	}
	bp.amin, bp.amax = barAxis(lo, hi)
	return bp
}

// hasInterval reports whether [lo, hi] is an interval to draw.
func hasInterval(lo, hi float64) bool { return finite(lo) && finite(hi) && lo < hi }

// plot returns the panel's plot with room for the bar labels under the
// data area.
func (bp *barPlot) plot(title string, labelRoom vg.Length) *plot.Plot {
	p := newPlot()
	p.Title.Text = title
	p.Title.Padding = 0.08 * vg.Inch
	grid := plotter.NewGrid()
	grid.Vertical.Width = 0
	grid.Horizontal.Color = lightGrey
	p.Add(grid, bp)
	p.HideX()
	p.X.Padding = labelRoom
	p.X.Min, p.X.Max = -0.5, float64(len(bp.bars))-0.5
	p.Y.Min, p.Y.Max = bp.amin, bp.amax
	p.Y.Padding = 0
	return p
}

func (bp *barPlot) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	slot := (c.Max.X - c.Min.X) / vg.Length(len(bp.bars))
	half := min(0.36*slot, vg.Points(18))
	y0 := trY(0)
	noteSty := textStyle(8, darkGrey)
	noteSty.XAlign, noteSty.YAlign = draw.XCenter, draw.YBottom
	for i, b := range bp.bars {
		x := trX(float64(i))
		if !finite(b.Value) {
			c.FillText(noteSty, vg.Point{X: x, Y: y0 + vg.Points(2)}, "n/a")
			continue
		}
		col := Colour(i)
		if b.Highlight {
			col = accent
		}
		y := trY(b.Value)
		box := []vg.Point{{X: x - half, Y: y0}, {X: x + half, Y: y0}, {X: x + half, Y: y}, {X: x - half, Y: y}}
		c.FillPolygon(col, box)
		if b.Marked {
			c.StrokeLines(draw.LineStyle{Color: black, Width: vg.Points(2.2)}, append(box, box[0]))
		}
	}
	// A line at 0 when it is inside the axis, not at its bottom.
	if bp.amin < 0 {
		c.StrokeLine2(draw.LineStyle{Color: darkGrey, Width: vg.Points(0.8)}, c.Min.X, y0, c.Max.X, y0)
	}
	if finite(bp.ref) {
		y := trY(bp.ref)
		c.StrokeLine2(draw.LineStyle{Color: black, Width: vg.Points(1), Dashes: []vg.Length{vg.Points(5), vg.Points(3)}}, c.Min.X, y, c.Max.X, y)
	}
	// Error bars, with a white halo.
	capW := min(0.18*slot, vg.Points(5))
	for _, sty := range []draw.LineStyle{
		{Color: white, Width: vg.Points(3.2)},
		{Color: black, Width: vg.Points(1.3)},
	} {
		for i, b := range bp.bars {
			if !finite(b.Value) || !hasInterval(b.Lo, b.Hi) {
				continue
			}
			x, lo, hi := trX(float64(i)), trY(b.Lo), trY(b.Hi)
			c.StrokeLines(sty,
				[]vg.Point{{X: x, Y: lo}, {X: x, Y: hi}},
				[]vg.Point{{X: x - capW, Y: lo}, {X: x + capW, Y: lo}},
				[]vg.Point{{X: x - capW, Y: hi}, {X: x + capW, Y: hi}},
			)
		}
	}
	// The horizontal axis line, then the labels under it.
	axis := draw.LineStyle{Color: black, Width: vg.Points(0.5)}
	c.StrokeLine2(axis, c.Min.X, c.Min.Y, c.Max.X, c.Min.Y)
	for i, b := range bp.bars {
		x := trX(float64(i))
		c.StrokeLine2(axis, x, c.Min.Y, x, c.Min.Y-vg.Points(2.5))
		if b.Label != "" {
			c.FillText(bp.labelSty, vg.Point{X: x, Y: c.Min.Y - bp.gapBelow}, b.Label)
		}
	}
}
